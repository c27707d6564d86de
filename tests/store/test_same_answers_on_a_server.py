"""The embedded store answers as a real server does, on the same data.

Run in the server pass (`pytest --ferretdb`, or MONGODB_URI). The bench corpus at 10x goes into
the embedded engine and into a throwaway database on the server, and every query shape the
repositories send (`bench.engines.SHAPES`) runs on both; then every golden GraphQL query is asked
of an app on each store, both loaded with the bundled seed. Answers must be equal, order included.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson
import pymongo
import pytest

from bench.engines import SHAPES, Documents, Shape, corpus, load_engine
from bench.targets import canonical, golden_queries
from store.entities import INDEXES
from tests.support.app import (
    TEST_TIMEOUT_MS,
    drop_test_database,
    graphql,
    make_settings,
    mongodb_uri,
    running_app,
    throwaway_database,
)

pytestmark = pytest.mark.server


def _plain(value: Any) -> bytes:
    """Answers as comparable bytes: sorted keys inside each document, list order kept."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=str)


@pytest.fixture(scope="module")
def documents() -> Documents:
    """The bench corpus at 10x the bundled data (about 1,150 documents), as the seed loader writes
    it: big enough that every limit in SHAPES cuts an answer short."""
    return corpus(10, corpus(1, None))


@pytest.fixture(scope="module")
def server_database(documents: Documents) -> Iterator[Any]:
    """The same documents, with the app's indexes, in a throwaway database on the server."""
    uri = mongodb_uri()
    assert uri, "the server pass sets MONGODB_URI"
    name = throwaway_database()
    with pymongo.MongoClient(uri, timeoutMS=TEST_TIMEOUT_MS) as client:
        database = client[name]
        try:
            for collection, items in documents.items():
                for keys in INDEXES.get(collection, []):
                    database[collection].create_index(keys)
                if items:
                    database[collection].insert_many([dict(item) for item in items])
            yield database
        finally:
            drop_test_database(uri, name)


@pytest.mark.parametrize("shape", SHAPES, ids=[shape.name for shape in SHAPES])
def test_every_repository_query_shape_answers_as_on_the_server(
    shape: Shape, documents: Documents, server_database: Any
) -> None:
    embedded = load_engine("indexed", documents)

    on_server = shape.run(server_database)

    # An empty answer would make the comparison say nothing: every shape finds seed data.
    assert on_server, f"{shape.name}: the server found nothing in the seed"
    assert _plain(shape.run(embedded)) == _plain(on_server), shape.name


async def test_every_golden_query_answers_as_on_the_server() -> None:
    queries = golden_queries()
    assert queries
    answers: dict[str, dict[str, bytes]] = {}
    for label, uri in (("server", mongodb_uri()), ("embedded", None)):
        async with running_app(make_settings(mongodb_uri=uri)) as (_, client):
            for query in queries:
                body = await graphql(client, query.text)
                assert "errors" not in body, (label, query.name, body.get("errors"))
                answers.setdefault(query.name, {})[label] = canonical(body["data"])

    for name, by_store in answers.items():
        assert by_store["embedded"] == by_store["server"], name
