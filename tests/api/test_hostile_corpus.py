"""The hostile corpus: documents and bodies built to hurt a GraphQL server. Each gets its intended
4xx or GraphQL error with a stable code, never a 5xx, and the server is healthy afterwards.

`python -m tests.test_hostile_corpus` prints the table docs/security.md shows.
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlencode

import httpx
import pytest

from schema.cursors import encode_cursor
from tests.support.app import make_settings, running_app

GQL = "application/graphql-response+json"
Send = Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]


def post(query: str, variables: dict | None = None, **extra: object) -> Send:
    body = {"query": query, **({"variables": variables} if variables else {}), **extra}
    return post_raw(json.dumps(body).encode())


def post_raw(body: bytes, content_type: str = "application/json", accept: str = GQL) -> Send:
    async def send(client: httpx.AsyncClient) -> httpx.Response:
        headers = {"content-type": content_type, "accept": accept}
        return await client.post("/graphql", content=body, headers=headers)

    return send


def get(query_string: str) -> Send:
    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.get(f"/graphql?{query_string}", headers={"accept": GQL})

    return send


def streamed(total_bytes: int) -> Send:
    async def chunks() -> AsyncIterator[bytes]:
        for _ in range(total_bytes // 65536):
            yield b" " * 65536

    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.post(
            "/graphql", content=chunks(), headers={"content-type": "application/json"}
        )

    return send


def method(name: str) -> Send:
    async def send(client: httpx.AsyncClient) -> httpx.Response:
        return await client.request(name, "/graphql", json={"query": "{ __typename }"})

    return send


def cursor(offset: int) -> str:
    """A position cursor of the kind earlier releases made."""
    return base64.b64encode(f"arrayconnection:{offset}".encode()).decode()


# A cursor with a valid checksum whose sort value is a MongoDB operator instead of a string.
OPERATOR_CURSOR = encode_cursor("countries", "CODE", [{"$ne": None}])
# A real cursor with its sort value changed ("KR" to "US") and its checksum left as it was.
EDITED_CURSOR = base64.urlsafe_b64encode(
    base64.urlsafe_b64decode(encode_cursor("countries", "CODE", ["KR"]) + "==").replace(
        b'"KR"', b'"US"'
    )
).decode()


def nested_fragments(levels: int) -> str:
    fragments = ["fragment F0 on Organisation { name }"] + [
        f"fragment F{i} on Organisation {{ parent {{ ...F{i - 1} }} children {{ ...F{i - 1} }} }}"
        for i in range(1, levels)
    ]
    return f'{{ organisation(id: "nato") {{ ...F{levels - 1} }} }} ' + " ".join(fragments)


def wide_fragments(levels: int) -> str:
    fragments = ["fragment F0 on Query { __typename }"] + [
        f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels)
    ]
    return f"{{ ...F{levels - 1} }} " + " ".join(fragments)


@dataclass(frozen=True)
class Hostile:
    name: str
    send: Send
    status: int
    code: str | None  # None: an ordinary answer, with no error at all


EXPENSIVE = (
    "{ countries(first: 100) { nodes { officials { posts { official "
    "{ meetings { meeting { name } } } } } } } }"
)
NATO = "T3JnYW5pc2F0aW9uOm5hdG8="  # the global id Organisation:nato
MEMBERS = "... on Organisation { members { nodes { member { name } organisation { name } } } }"
IDS_DEFAULT = "[" + ", ".join(f'"{NATO}"' for _ in range(100)) + "]"
IDS_OF_VARIABLES = "[" + ", ".join("$a" for _ in range(100)) + "]"


def nested(levels: int) -> object:
    value: object = []
    for _ in range(levels - 1):
        value = [value]
    return value


def get_json(query: str, variables: object) -> Send:
    params = urlencode({"query": query, "variables": json.dumps(variables)})
    return get(params)


CORPUS = [
    Hostile(
        "deep nesting: a field 11 levels down",
        post('{ organisation(id: "nato") ' + "{ parent " * 11 + "{ name }" + " }" * 12),
        400,
        "QUERY_TOO_DEEP",
    ),
    Hostile(
        "deep nesting: 300 levels of braces",
        post("{ " + "a { " * 300 + "b" + " }" * 301),
        400,
        "GRAPHQL_PARSE_FAILED",
    ),
    Hostile(
        "alias bomb: 31 aliases",
        post(
            "{ "
            + " ".join(f"a{i}: countries(first: 100) {{ totalCount }}" for i in range(31))
            + " }"
        ),
        400,
        "TOO_MANY_ALIASES",
    ),
    Hostile(
        "fragment bomb: 2^40 fields, nested", post(nested_fragments(40)), 400, "TOO_MANY_FIELDS"
    ),
    Hostile(
        "fragment bomb: 2^40 fields, side by side", post(wide_fragments(40)), 400, "TOO_MANY_FIELDS"
    ),
    Hostile(
        "circular fragments",
        post("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"),
        400,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    Hostile(
        "self-spreading fragment",
        post("{ ...A } fragment A on Query { __typename ...A }"),
        400,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    Hostile(
        "token flood: 5000 tokens", post("{ " + "__typename " * 5000 + "}"), 400, "TOO_MANY_TOKENS"
    ),
    Hostile(
        "repeated field flood: 100 x countries (quadratic validation)",
        post("{ " + "countries { totalCount } " * 100 + "}"),
        400,
        "TOO_MANY_FIELDS",
    ),
    Hostile(
        "directive flood: @skip 100 times",
        post("{ __typename " + "@skip(if: false) " * 100 + "}"),
        400,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    Hostile(
        "introspection recursion: fields > type > fields",
        post('{ __type(name: "Country") { fields { type { fields { type { name } } } } } }'),
        400,
        "INTROSPECTION_TOO_COMPLEX",
    ),
    Hostile(
        "introspection alias bomb: 2 x __schema",
        post("{ a: __schema { types { name } } b: __schema { types { name } } }"),
        400,
        "INTROSPECTION_TOO_COMPLEX",
    ),
    Hostile(
        "expensive: nested lists under 100 countries", post(EXPENSIVE), 400, "QUERY_TOO_EXPENSIVE"
    ),
    Hostile(
        "body of 10 MB with Content-Length",
        post_raw(b'{"query": "' + b"x" * 10_000_000 + b'"}'),
        413,
        "PAYLOAD_TOO_LARGE",
    ),
    Hostile(
        "body of 10 MB streamed, no Content-Length", streamed(10_000_000), 413, "PAYLOAD_TOO_LARGE"
    ),
    Hostile(
        "invalid UTF-8 in the body",
        post_raw(b'{"query": "{ country(code: \\"\xc3\x28\\") { name } }"}'),
        400,
        "BAD_REQUEST",
    ),
    Hostile("invalid UTF-8 in the URL", get("query=%7B%C3%28%7D"), 400, "BAD_REQUEST"),
    Hostile(
        "lone surrogate in a JSON string",
        post_raw(b'{"query": "{ __typename }", "variables": {"v": "\\udc80"}}'),
        400,
        "BAD_REQUEST",
    ),
    Hostile("malformed JSON", post_raw(b'{"query": "{ __typename }"'), 400, "BAD_REQUEST"),
    Hostile("JSON nested 100 000 deep", post_raw(b"[" * 100_000), 400, "BAD_REQUEST"),
    Hostile(
        "number with 5000 digits",
        post_raw(b'{"query": "{ __typename }", "variables": {"v": 1' + b"0" * 5000 + b"}}"),
        400,
        "BAD_REQUEST",
    ),
    Hostile("wrong JSON type: body is a string", post_raw(b'"{ __typename }"'), 400, "BAD_REQUEST"),
    Hostile("wrong JSON type: body is null", post_raw(b"null"), 400, "BAD_REQUEST"),
    Hostile(
        "wrong JSON type: body is an array (batching off)",
        post_raw(b'[{"query": "{ __typename }"}]'),
        400,
        "BAD_REQUEST",
    ),
    Hostile("wrong JSON type: query is a number", post_raw(b'{"query": 1}'), 400, "BAD_REQUEST"),
    Hostile(
        "wrong JSON type: variables is a list",
        post_raw(b'{"query": "{ __typename }", "variables": []}'),
        400,
        "BAD_REQUEST",
    ),
    Hostile(
        "wrong JSON type: operationName is an object",
        post_raw(b'{"query": "{ __typename }", "operationName": {}}'),
        400,
        "BAD_REQUEST",
    ),
    Hostile(
        "wrong variable type: first is a string",
        post("query($n: Int) { countries(first: $n) { totalCount } }", {"n": "all"}),
        400,
        "BAD_USER_INPUT",
    ),
    Hostile(
        "wrong content type",
        post_raw(b'{"query": "{ __typename }"}', "text/plain"),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    Hostile(
        "accepts no JSON",
        post_raw(b'{"query": "{ __typename }"}', accept="text/csv"),
        406,
        "NOT_ACCEPTABLE",
    ),
    Hostile("mutation over GET", get("query=mutation%20%7B%20x%20%7D"), 405, "METHOD_NOT_ALLOWED"),
    Hostile("PUT", method("PUT"), 405, "METHOD_NOT_ALLOWED"),
    Hostile(
        "first: 99999999",
        post("{ countries(first: 99999999) { totalCount } }"),
        200,
        "BAD_USER_INPUT",
    ),
    Hostile("last: -1", post("{ countries(last: -1) { totalCount } }"), 200, "BAD_USER_INPUT"),
    Hostile(
        "first: 2^40 (not a 32-bit Int)",
        post("{ countries(first: 1099511627776) { totalCount } }"),
        400,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    Hostile(
        "search(first: 100000)",
        post('{ search(query: "nato", first: 100000) { matched } }'),
        200,
        "BAD_USER_INPUT",
    ),
    Hostile(
        "nodes(ids:) with 101 ids",
        post(
            "query($ids: [ID!]!) { nodes(ids: $ids) { id } }", {"ids": ["Q291bnRyeTpLUg=="] * 101}
        ),
        200,
        "BAD_USER_INPUT",
    ),
    Hostile(
        "connections(maxHops: 99)",
        post('{ connections(from: "KR", to: "nato", maxHops: 99) { length } }'),
        200,
        "BAD_USER_INPUT",
    ),
    Hostile(
        "position cursor past 2^64",
        post(f'{{ countries(after: "{cursor(2**70)}") {{ totalCount }} }}'),
        200,
        "BAD_USER_INPUT",
    ),
    Hostile(
        "cursor with an edited sort value",
        post(f'{{ countries(after: "{EDITED_CURSOR}") {{ totalCount }} }}'),
        200,
        "BAD_USER_INPUT",
    ),
    Hostile(
        '$-operator as a cursor\'s sort value: {"$ne": null}',
        post(f'{{ countries(after: "{OPERATOR_CURSOR}") {{ totalCount }} }}'),
        200,
        "BAD_USER_INPUT",
    ),
    Hostile(
        "cursor that is not base64",
        post('{ countries(after: "%%%") { totalCount } }'),
        200,
        "BAD_USER_INPUT",
    ),
    Hostile(
        "search of 10 000 characters",
        post("query($q: String!) { search(query: $q) { matched } }", {"q": "a" * 10_000}),
        200,
        "BAD_USER_INPUT",
    ),
    Hostile(
        '$-operator as an id: {"$ne": null}',
        post("query($v: String!) { official(id: $v) { name } }", {"v": '{"$ne": null}'}),
        200,
        "NOT_FOUND",
    ),
    Hostile("$where as a code", post('{ country(code: "$where") { name } }'), 200, "NOT_FOUND"),
    Hostile(
        "regex as a name prefix: .*",
        post('{ countries(where: {nameStartsWith: ".*"}) { totalCount } }'),
        200,
        "BAD_USER_INPUT",
    ),
    Hostile(
        "catastrophic regex as a search: (a+)+$",
        post('{ search(query: "(a+)+$") { matched } }'),
        200,
        None,
    ),
    Hostile(
        "90 kB string argument",
        post("query($v: String!) { official(id: $v) { name } }", {"v": "x" * 90_000}),
        200,
        "NOT_FOUND",
    ),
    Hostile(
        "unknown operationName",
        post("query A { __typename } query B { __typename }", operationName="C"),
        400,
        "OPERATION_RESOLUTION_FAILURE",
    ),
    Hostile(
        "two operations, no operationName: Strawberry runs the first",
        post("query A { __typename } query B { __typename }"),
        200,
        None,
    ),
    Hostile("global id of garbage", post('{ node(id: "!!!") { id } }'), 200, "BAD_USER_INPUT"),
    Hostile(
        "cost bypass: first from a variable's default, under nested lists",
        post(
            "query($n: Int = 100) { countries(first: $n) { nodes { officials { posts "
            "{ official { meetings { meeting { name } } } } } } } }"
        ),
        400,
        "QUERY_TOO_EXPENSIVE",
    ),
    Hostile(
        "cost bypass: first as an integral float (100.0)",
        post(
            "query($n: Int) { countries(first: $n) { nodes { officials { posts "
            "{ official { meetings { meeting { name } } } } } } } }",
            {"n": 100.0},
        ),
        400,
        "QUERY_TOO_EXPENSIVE",
    ),
    Hostile(
        "cost bypass: 100 ids in a variable's default, two aliases",
        post(
            f"query($ids: [ID!]! = {IDS_DEFAULT}) "
            f"{{ a: nodes(ids: $ids) {{ {MEMBERS} }} b: nodes(ids: $ids) {{ {MEMBERS} }} }}"
        ),
        400,
        "QUERY_TOO_EXPENSIVE",
    ),
    Hostile(
        "cost bypass: a list of 100 variables",
        post(
            f"query($a: ID!) {{ a: nodes(ids: {IDS_OF_VARIABLES}) {{ {MEMBERS} }} }}",
            {"a": NATO},
        ),
        400,
        "QUERY_TOO_EXPENSIVE",
    ),
    Hostile(
        "variables nested 253 levels deep",
        post("{ __typename }", {"x": nested(253)}),
        400,
        "BAD_REQUEST",
    ),
    Hostile(
        "a body nested 65 levels deep (the cap is 64)",
        post("{ __typename }", {"x": nested(63)}),
        400,
        "BAD_REQUEST",
    ),
    Hostile(
        "a body nested 64 levels deep (at the cap)",
        post("{ __typename }", {"x": nested(62)}),
        200,
        None,
    ),
    Hostile(
        "variables nested 253 levels deep, over GET",
        get_json("{ __typename }", {"x": nested(253)}),
        400,
        "BAD_REQUEST",
    ),
    Hostile(
        "misspelt enum value in a variable (suggestion bait)",
        post(
            'query($t: [EntityType!]) { search(query: "nato", types: $t) { matched } }',
            {"t": ["NAM"]},
        ),
        400,
        "BAD_USER_INPUT",
    ),
    Hostile(
        "misspelt input field in a variable (suggestion bait)",
        post(
            "query($w: CountryWhere) { countries(where: $w) { totalCount } }",
            {"w": {"nameStartsWit": "a"}},
        ),
        400,
        "BAD_USER_INPUT",
    ),
    Hostile(
        "object field without a selection (type-name bait)",
        post('{ decision(id: "x") }'),
        400,
        "GRAPHQL_VALIDATION_FAILED",
    ),
    Hostile(
        "cursor with Arabic-Indic digits",
        post(
            '{ countries(after: "'
            + base64.b64encode("arrayconnection:٣".encode()).decode()
            + '") { totalCount } }'
        ),
        200,
        "BAD_USER_INPUT",
    ),
    Hostile(
        "90 kB string in a variable that is echoed in the error",
        post("query($c: String!) { country(code: $c) { name } }", {"c": "x" * 90_000}),
        200,
        "NOT_FOUND",
    ),
]


async def run(client: httpx.AsyncClient, hostile: Hostile) -> tuple[int, str | None]:
    response = await hostile.send(client)
    body = response.json()
    codes = [error["extensions"]["code"] for error in body.get("errors", [])]
    return response.status_code, codes[0] if codes else None


@pytest.fixture(scope="module")
async def corpus_client() -> AsyncIterator[httpx.AsyncClient]:
    async with running_app(make_settings()) as (_app, client):
        yield client


@pytest.mark.parametrize("hostile", CORPUS, ids=[hostile.name for hostile in CORPUS])
async def test_a_hostile_request_gets_its_intended_answer(corpus_client, hostile):
    assert await run(corpus_client, hostile) == (hostile.status, hostile.code)


@pytest.mark.parametrize("hostile", CORPUS, ids=[hostile.name for hostile in CORPUS])
async def test_no_answer_echoes_more_than_about_100_characters_of_input(corpus_client, hostile):
    response = await hostile.send(corpus_client)
    for error in response.json().get("errors", []):
        # The longest message written for a person (a rate-limit explanation) is about 200.
        assert len(error["message"]) <= 300, error["message"][:400]


async def test_the_server_is_healthy_after_the_corpus(corpus_client):
    for hostile in CORPUS:
        await hostile.send(corpus_client)
    assert (await corpus_client.get("/healthz")).status_code == 200
    assert (await corpus_client.get("/readyz")).json() == {"status": "ready"}
    response = await corpus_client.post(
        "/graphql",
        json={
            "query": '{ meeting(id: "nac-plus-4-2022-09-27") '
            "{ participants(kind: COUNTRY, first: 100) { totalCount } } }"
        },
    )
    assert response.json()["data"]["meeting"]["participants"]["totalCount"] == 36


async def _table() -> None:
    async with running_app(make_settings()) as (_app, client):
        print("| Hostile input | Status | Code |")
        print("|---|---|---|")
        for hostile in CORPUS:
            status, code = await run(client, hostile)
            print(f"| {hostile.name} | {status} | {code or '(none: answered normally)'} |")


if __name__ == "__main__":
    asyncio.run(_table())
