"""Injection: every string argument is data. No `$`-operator and no regex syntax from a request
reaches MongoDB, and no request can make a regex run in more than linear time.

What reached the database is read from PyMongo's command monitoring on a server (the commands as
they went over the wire), and from the embedded store's adapter otherwise.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql import GraphQLInputObjectType, GraphQLObjectType, get_named_type
from hypothesis import given
from hypothesis import strategies as st

from api.auth import token_hash
from api.graphql_schema import build_schema
from api.settings import TokenEntry
from store.names import name_key, prefix_pattern
from tests.support.app import make_settings, running_app

try:  # Python 3.11+: the regex parser `re` itself uses
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover
    import sre_constants
    import sre_parse

PAYLOADS = [
    '{"$ne": null}',
    '{"$gt": ""}',
    "$where",
    "$regex",
    "this.name == 'x' || true",
    ".*",
    "^.*$",
    "(a+)+$",
    "k.*",
    "[",
    "\\",
    "a|b",
    "KR\x00",
    "\x00",
    "ü" * 150,
]
# The operators diplograph itself writes (and PyMongo, for a count: `$match`, `$group`, `$sum`);
# a user's string must never add one.
OPERATORS = {
    "$in", "$regex", "$gt", "$gte", "$lt", "$lte", "$exists", "$and", "$or",
    "$match", "$group", "$sum",
}  # fmt: skip
EXPECTED_CODES = {"NOT_FOUND", "BAD_USER_INPUT"}


def upper(value: str) -> str:
    return value.strip().upper()


def same(value: str) -> str:
    return value


# Every String/ID argument and input field of the schema: the query that sends `$v` through it,
# and what the repository must receive (None: the argument never reaches MongoDB as such).
Case = tuple[str, Callable[[str], str] | None]
CASES: dict[str, Case] = {
    "Query.search(query)": ("query($v: String!) { search(query: $v) { matched } }", None),
    "Query.country(code)": ("query($v: String!) { country(code: $v) { name } }", upper),
    "CountryWhere.codes": (
        "query($v: String!) { countries(where: {codes: [$v]}) { totalCount } }",
        upper,
    ),
    "CountryWhere.nameStartsWith": (
        "query($v: String) { countries(where: {nameStartsWith: $v}) { totalCount } }",
        None,
    ),
    "CountryWhere.memberOf": (
        "query($v: String) { countries(where: {memberOf: $v}) { totalCount } }",
        same,
    ),
    "Query.official(id)": ("query($v: String!) { official(id: $v) { name } }", same),
    "OfficialWhere.country": (
        "query($v: String) { officials(where: {country: $v}) { totalCount } }",
        upper,
    ),
    "OfficialWhere.nameStartsWith": (
        "query($v: String) { officials(where: {nameStartsWith: $v}) { totalCount } }",
        None,
    ),
    "Query.organisation(id)": ("query($v: String!) { organisation(id: $v) { name } }", same),
    "OrganisationWhere.country": (
        "query($v: String) { organisations(where: {country: $v}) { totalCount } }",
        upper,
    ),
    "OrganisationWhere.parent": (
        "query($v: String) { organisations(where: {parent: $v}) { totalCount } }",
        same,
    ),
    "OrganisationWhere.nameStartsWith": (
        "query($v: String) { organisations(where: {nameStartsWith: $v}) { totalCount } }",
        None,
    ),
    "Query.meeting(id)": ("query($v: String!) { meeting(id: $v) { name } }", same),
    "MeetingWhere.organiser": (
        "query($v: String) { meetings(where: {organiser: $v}) { totalCount } }",
        same,
    ),
    "MeetingWhere.place": (
        "query($v: String) { meetings(where: {place: $v}) { totalCount } }",
        None,
    ),
    "MeetingWhere.nameStartsWith": (
        "query($v: String) { meetings(where: {nameStartsWith: $v}) { totalCount } }",
        None,
    ),
    "Query.article(id)": ("query($v: String!) { article(id: $v) { title } }", same),
    "ArticleWhere.publisher": (
        "query($v: String) { articles(where: {publisher: $v}) { totalCount } }",
        same,
    ),
    "Query.decision(id)": ("query($v: String!) { decision(id: $v) { summary } }", same),
    "Query.statement(id)": ("query($v: String!) { statement(id: $v) { summary } }", same),
    "Query.event(id)": ("query($v: String!) { event(id: $v) { name } }", same),
    "StatementWhere.speaker": (
        "query($v: String) { statements(where: {speaker: $v}) { totalCount } }",
        same,
    ),
    "StatementWhere.onBehalfOf": (
        "query($v: String) { statements(where: {onBehalfOf: $v}) { totalCount } }",
        upper,
    ),
    "StatementWhere.about": (
        "query($v: String) { statements(where: {about: $v}) { totalCount } }",
        same,
    ),
    "EventWhere.actor": (
        "query($v: String) { events(where: {actor: $v}) { totalCount } }",
        same,
    ),
    "EventWhere.subject": (
        "query($v: String) { events(where: {subject: $v}) { totalCount } }",
        same,
    ),
    "Query.connections(from)": (
        'query($v: ID!) { connections(from: $v, to: "KR") { length } }',
        same,
    ),
    "Query.connections(to)": (
        'query($v: ID!) { connections(from: "KR", to: $v) { length } }',
        same,
    ),
    "Query.node(id)": ("query($v: ID!) { node(id: $v) { id } }", None),
    "Query.nodes(ids)": ("query($v: ID!) { nodes(ids: [$v]) { id } }", None),
    "Country.memberships(organisation)": (
        'query($v: String) { country(code: "FI") { memberships(organisation: $v) { role } } }',
        None,
    ),
}
for connection in (
    "countries", "officials", "organisations", "meetings", "articles", "statements", "events"
):  # fmt: skip
    for argument in ("after", "before"):
        CASES[f"Query.{connection}({argument})"] = (
            f"query($v: String) {{ {connection}({argument}: $v, last: 1) {{ totalCount }} }}",
            None,
        )
NODE_QUERIES = {
    "Article": 'article(id: "korea-times-2022-09-28-nato-mission")',
    "Country": 'country(code: "KR")',
    "Decision": 'decision(id: "nac-2022-09-26-kr-mission")',
    "Meeting": 'meeting(id: "nac-plus-4-2022-09-27")',
    "Official": 'official(id: "kim-gunn")',
    "Organisation": 'organisation(id: "nato")',
    # The seed data has no statement or event: the list is empty, and the argument unread.
    "Statement": "statements(first: 1) { nodes",
    "Event": "events(first: 1) { nodes",
}
for type_name, lookup in NODE_QUERIES.items():
    closing = " }" if lookup.endswith("nodes") else ""
    CASES[f"{type_name}.history(after)"] = (
        f"query($v: String) {{ {lookup} {{ history(after: $v) {{ totalCount }} }}{closing} }}",
        None,
    )
CASES["Query.history(id)"] = ("query($v: ID!) { history(id: $v) { totalCount } }", None)
CASES["Query.history(after)"] = (
    'query($v: String) { history(id: "T2ZmaWNpYWw6a2ltLWd1bm4=", after: $v) { totalCount } }',
    None,
)
for argument in ("after", "before"):
    CASES[f"Meeting.participants({argument})"] = (
        f'query($v: String) {{ meeting(id: "nac-plus-4-2022-09-27") '
        f"{{ participants({argument}: $v) {{ totalCount }} }} }}",
        None,
    )
    CASES[f"Organisation.members({argument})"] = (
        f'query($v: String) {{ organisation(id: "nato") {{ members({argument}: $v) '
        "{ totalCount } } }",
        None,
    )


# The writes' string arguments, sent with a write token to an app of their own. Each either stops
# at validation (problems in the answer, nothing written) or names nothing that exists.
NO_SUCH = "no-such-entity"
BUNDLE_WITH = "input: {{text: {text}, metadata: {metadata}, facts: {facts}}}"
EVIDENCE = 'evidence: {url: "https://example.org/source"}'


def _bundle(**given: str) -> str:
    values = {"text": '"Some text."', "metadata": '"{}"', "facts": '"{}"', **given}
    return BUNDLE_WITH.format(**values)


WRITE_CASES: dict[str, str] = {
    "Mutation.proposeArticle(text)": (
        'mutation($v: String!) { proposeArticle(text: $v, published: "2022-09-28") { facts } }'
    ),
    "Mutation.proposeArticle(url)": (
        "mutation($v: String) "
        '{ proposeArticle(text: "x", published: "2022-09-28", url: $v) { facts } }'
    ),
    "Mutation.loadArticle(message)": (
        f"mutation($v: String) {{ loadArticle({_bundle()}, message: $v) {{ ok }} }}"
    ),
    "Mutation.removeArticle(id)": "mutation($v: ID!) { removeArticle(id: $v) { ok } }",
    "Mutation.removeArticle(message)": (
        f'mutation($v: String) {{ removeArticle(id: "{NO_SUCH}", message: $v) {{ ok }} }}'
    ),
    "Mutation.mergeEntities(keep)": (
        f'mutation($v: ID!) {{ mergeEntities(keep: $v, drop: "kim-gunn", {EVIDENCE}) {{ ok }} }}'
    ),
    "Mutation.mergeEntities(drop)": (
        f'mutation($v: ID!) {{ mergeEntities(keep: "kim-gunn", drop: $v, {EVIDENCE}) {{ ok }} }}'
    ),
    "Mutation.mergeEntities(message)": (
        f'mutation($v: String) {{ mergeEntities(keep: "{NO_SUCH}", drop: "kim-gunn", '
        f"{EVIDENCE}, message: $v) {{ ok }} }}"
    ),
    "Mutation.updateEntity(message)": (
        f'mutation($v: String) {{ updateEntity(input: {{id: "{NO_SUCH}", name: "x", {EVIDENCE}}}, '
        "message: $v) { ok } }"
    ),
    "UpdateEntityInput.id": (
        f'mutation($v: ID!) {{ updateEntity(input: {{id: $v, name: "x", {EVIDENCE}}}) {{ ok }} }}'
    ),
}
for field in ("text", "metadata", "facts"):
    WRITE_CASES[f"ArticleBundleInput.{field}"] = (
        f"mutation($v: String!) {{ loadArticle({_bundle(**{field: '$v'})}) {{ ok }} }}"
    )
for field in ("url", "article", "quote", "note"):
    WRITE_CASES[f"EvidenceInput.{field}"] = (
        f'mutation($v: String) {{ mergeEntities(keep: "{NO_SUCH}", drop: "kim-gunn", '
        f"evidence: {{{field}: $v}}) {{ ok }} }}"
    )
for field, value in (
    ("name", "$v"),
    ("aliases", "[$v]"),
    ("founded", "$v"),
    ("date", "$v"),
    ("endDate", "$v"),
):
    WRITE_CASES[f"UpdateEntityInput.{field}"] = (
        f'mutation($v: String!) {{ updateEntity(input: {{id: "{NO_SUCH}", {field}: {value}, '
        f"{EVIDENCE}}}) {{ ok }} }}"
    )
# Checked over a WebSocket, where subscriptions run: tests/api/test_live_updates.py.
SUBSCRIPTION_ARGUMENTS = {"Subscription.graphChanged(ids)"}
# The extractor may not be part of the build; saying so is the expected answer then.
WRITE_CODES = EXPECTED_CODES | {"EXTRACTOR_UNAVAILABLE"}


def string_arguments() -> set[str]:
    """Every argument and input field of the schema that takes a string or an id."""
    schema = build_schema(make_settings())._schema
    found = set()
    for name, type_ in schema.type_map.items():
        if name.startswith("__"):
            continue
        if isinstance(type_, GraphQLObjectType):
            for field, definition in type_.fields.items():
                for argument, spec in definition.args.items():
                    if get_named_type(spec.type).name in ("String", "ID", "GlobalID"):
                        found.add(f"{name}.{field}({argument})")
        if isinstance(type_, GraphQLInputObjectType):
            for field, spec in type_.fields.items():
                if get_named_type(spec.type).name in ("String", "ID", "GlobalID"):
                    found.add(f"{name}.{field}")
    return found


def test_every_string_argument_has_an_injection_case():
    assert string_arguments() == set(CASES) | set(WRITE_CASES) | SUBSCRIPTION_ARGUMENTS


def is_linear_prefix(pattern: str) -> bool:
    """True when a regex is an anchor followed by literal characters only: no alternation,
    repetition, classes or groups, so matching it takes time linear in the subject."""
    parsed = list(sre_parse.parse(pattern))
    if not parsed or parsed[0] != (sre_constants.AT, sre_constants.AT_BEGINNING):
        return False
    return all(op is sre_constants.LITERAL for op, _argument in parsed[1:])


@given(st.text())
def test_no_input_makes_a_search_regex_other_than_a_literal_prefix(text):
    assert is_linear_prefix(prefix_pattern(name_key(text)))
    assert is_linear_prefix(prefix_pattern(text))


def test_the_linearity_check_rejects_regexes_that_are_not_literal_prefixes():
    for pattern in ("^(a+)+$", "^a|b", "^[a-z]", "^a.*", "abc", "^a{2,}"):
        assert not is_linear_prefix(pattern), pattern


def walk(value: Any) -> Iterator[tuple[str | None, Any]]:
    """(key, value) pairs of a filter or pipeline, all the way down."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from walk(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield None, item
            yield from walk(item)


@pytest.mark.parametrize("argument", sorted(CASES))
async def test_a_string_argument_reaches_mongodb_only_as_data(client, database_reads, argument):
    query, expected = CASES[argument]
    for payload in PAYLOADS:
        database_reads.clear()
        response = await client.post("/graphql", json={"query": query, "variables": {"v": payload}})
        assert response.status_code < 500, (argument, payload, response.text)
        body = response.json()
        codes = {error["extensions"]["code"] for error in body.get("errors", [])}
        assert codes <= EXPECTED_CODES, (argument, payload, body)
        pairs = list(walk([[read.query, read.projection] for read in database_reads]))
        keys = {key for key, _value in pairs if isinstance(key, str) and key.startswith("$")}
        assert keys <= OPERATORS, (argument, payload, keys)
        for key, value in pairs:
            if key == "$regex":
                assert is_linear_prefix(value), (argument, payload, value)
        if expected is not None:
            strings = {value for _key, value in pairs if isinstance(value, str)}
            assert expected(payload) in strings, (argument, payload, database_reads)


@pytest.fixture(scope="module")
async def writer_client() -> AsyncIterator[httpx.AsyncClient]:
    """An app of its own that accepts writes (a token with the `write` scope)."""
    token = "dg_injection-test-token"
    settings = make_settings(
        tokens=[TokenEntry(id="injection", sha256=token_hash(token), scopes=["write"])]
    )
    async with running_app(settings) as (_app, client):
        client.headers["authorization"] = f"Bearer {token}"
        yield client


@pytest.mark.parametrize("argument", sorted(WRITE_CASES))
async def test_a_write_argument_reaches_mongodb_only_as_data(
    writer_client, database_reads, argument
):
    query = WRITE_CASES[argument]
    for payload in PAYLOADS:
        database_reads.clear()
        response = await writer_client.post(
            "/graphql", json={"query": query, "variables": {"v": payload}}
        )
        assert response.status_code < 500, (argument, payload, response.text)
        body = response.json()
        codes = {error["extensions"]["code"] for error in body.get("errors", [])}
        assert codes <= WRITE_CODES, (argument, payload, body)
        result = next(iter((body.get("data") or {}).values()), None)
        if isinstance(result, dict) and "ok" in result:
            assert result["ok"] is False, (argument, payload, body)  # nothing was written
        keys = {
            key
            for key, _value in walk([[read.query, read.projection] for read in database_reads])
            if isinstance(key, str) and key.startswith("$")
        }
        assert keys <= OPERATORS, (argument, payload, keys)


async def test_regex_syntax_in_a_search_is_read_as_text(client):
    async def matches(text: str) -> list[str]:
        response = await client.post(
            "/graphql",
            json={
                "query": "query($q: String!) { search(query: $q, first: 50) { matched } }",
                "variables": {"q": text},
            },
        )
        return [result["matched"] for result in response.json()["data"]["search"]]

    assert await matches("kim.*") == await matches("kim")
    assert await matches("k[i]m") != await matches("k")


async def test_a_name_prefix_of_only_regex_syntax_matches_nothing_rather_than_everything(client):
    response = await client.post(
        "/graphql",
        json={"query": '{ countries(where: {nameStartsWith: ".*"}) { totalCount } }'},
    )
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "at least one letter or digit" in error["message"]


# The embedded store's engine reads the filters it is given (to plan them on its indexes); it
# sends none.
FILTER_READERS = {"store/embedded_engine.py", "store/embedded_index.py"}


def test_every_regex_the_code_sends_is_built_by_prefix_pattern():
    root = Path(__file__).resolve().parents[2]
    sites = []
    for package in ("api", "schema", "seeds", "store"):
        for path in root.glob(f"{package}/**/*.py"):
            if str(path.relative_to(root)) in FILTER_READERS:
                continue
            lines = path.read_text().splitlines()
            for number, line in enumerate(lines):
                if '"$regex"' in line:
                    nearby = "\n".join(lines[max(0, number - 3) : number + 1])
                    assert "prefix_pattern(" in nearby, (path, line)
                    sites.append(path.name)
    assert set(sites) == {"criteria.py"}


def test_only_the_data_layer_writes_mongodb_operators():
    root = Path(__file__).resolve().parents[2]
    operator = re.compile(r"[\"']\$[a-zA-Z]+[\"']")
    found = [
        f"{path.relative_to(root)}:{number}"
        for package in ("api", "schema", "seeds")
        for path in root.glob(f"{package}/**/*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if operator.search(line)
    ]
    assert found == []
