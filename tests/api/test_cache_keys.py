"""What the response cache and the persisted queries keep, and under which key: an answer per
operation of a document, never a mutation's, and a persisted text only once its hash is checked.

Each test has an app of its own: they count what the cache holds and the commands a request
sends, which must not depend on what ran before.
"""

from __future__ import annotations

import hashlib

import pytest

from api.response_cache import is_query
from tests.support.app import make_settings, running_app
from tests.support.writes import EDITOR, REMOVE, post, writer_settings

TWO_OPERATIONS = """
query Name { official(id: "kim-gunn") { name } }
query Slug { official(id: "kim-gunn") { slug } }
"""


async def operation(client, document: str, name: str | None) -> dict:
    response = await client.post("/graphql", json={"query": document, "operationName": name})
    return response.json()


async def test_each_operation_of_a_document_gets_its_own_answer():
    async with running_app(make_settings()) as (app, client):
        name = await operation(client, TWO_OPERATIONS, "Name")
        slug = await operation(client, TWO_OPERATIONS, "Slug")
        name_again = await operation(client, TWO_OPERATIONS, "Name")

        assert name["data"] == {"official": {"name": "Kim Gunn"}}
        assert slug["data"] == {"official": {"slug": "kim-gunn"}}
        assert name_again["data"] == name["data"]
        assert app.state.response_cache.hits == 1  # only the repeated operation


async def test_a_mutation_is_executed_every_time_never_answered_from_the_cache():
    unknown = {"id": "no-such-article", "message": "test"}
    async with running_app(writer_settings()) as (app, client):
        first = (await post(client, REMOVE, unknown, EDITOR)).json()
        app.state.store.commands.reset()
        second = (await post(client, REMOVE, unknown, EDITOR)).json()

        assert second["data"] == first["data"]
        assert first["data"]["removeArticle"]["ok"] is False
        assert app.state.response_cache.hits == 0
        assert app.state.store.commands.total > 1  # it ran: more than the version read


@pytest.mark.parametrize(
    ("document", "operation_name", "expected"),
    [
        ("{ a }", None, True),
        ("query Q { a }", None, True),
        ("mutation M { a }", None, False),
        ("subscription S { a }", None, False),
        ("query Q { a } mutation M { a }", "Q", True),
        ("query Q { a } mutation M { a }", "M", False),
        ("query Q { a } mutation M { a }", None, False),  # which one runs is not known
        ("query Q { a } query R { a }", "S", False),  # no such operation
        ("{ a", None, False),  # does not parse
    ],
)
def test_only_queries_are_cacheable(document, operation_name, expected):
    assert is_query(document, operation_name) is expected


# --- automatic persisted queries ------------------------------------------------------------


QUERY = '{ official(id: "kim-gunn") { name } }'
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()


def persisted(query: str | None, extension: object) -> dict:
    body: dict = {"extensions": {"persistedQuery": extension}}
    if query is not None:
        body["query"] = query
    return body


async def test_a_text_sent_with_another_texts_hash_is_never_served_for_that_hash():
    attack = '{ official(id: "mircea-geoana") { name } }'
    async with running_app(make_settings()) as (_app, client):
        refused = await client.post(
            "/graphql", json=persisted(attack, {"version": 1, "sha256Hash": DIGEST})
        )
        by_hash = await client.post(
            "/graphql", json=persisted(None, {"version": 1, "sha256Hash": DIGEST})
        )

        assert refused.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
        assert refused.json()["errors"][0]["message"] == "provided sha does not match query"
        assert by_hash.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


@pytest.mark.parametrize(
    "extension",
    [
        {"version": 2, "sha256Hash": DIGEST},
        {"version": "1", "sha256Hash": DIGEST},
        {"sha256Hash": DIGEST},
        {"version": 1, "sha256Hash": DIGEST.upper()},
        {"version": 1, "sha256Hash": DIGEST[:-1]},
        {"version": 1, "sha256Hash": DIGEST + "0"},
        {"version": 1, "sha256Hash": "g" * 64},
        {"version": 1},
        "not an object",
    ],
    ids=[
        "version-2",
        "version-text",
        "no-version",
        "upper-case",
        "short",
        "long",
        "not-hex",
        "no-hash",
        "not-an-object",
    ],
)
async def test_a_persisted_query_of_another_version_or_hash_format_is_refused(extension):
    async with running_app(make_settings()) as (_app, client):
        response = await client.post("/graphql", json=persisted(QUERY, extension))

        (error,) = response.json()["errors"]
        assert error["extensions"]["code"] == "PERSISTED_QUERY_INVALID"
        version_ok = isinstance(extension, dict) and extension.get("version") == 1
        assert error["message"] == (
            "`sha256Hash` must be 64 lower-case hex digits."
            if version_ok
            else "`extensions.persistedQuery` must be {version: 1, sha256Hash: ...}."
        )


async def test_persisted_queries_turned_off_are_refused_in_the_words_clients_know():
    async with running_app(make_settings(persisted_queries=0)) as (_app, client):
        response = await client.post(
            "/graphql", json=persisted(None, {"version": 1, "sha256Hash": DIGEST})
        )

    (error,) = response.json()["errors"]
    assert (error["message"], error["extensions"]["code"]) == (
        "PersistedQueryNotSupported",
        "PERSISTED_QUERY_NOT_SUPPORTED",
    )
