"""Repository reads: regressions found while hardening, how pages are cut and counted, and which
fields reads ask for (as the database received them: over the wire on a server)."""

from __future__ import annotations

import pytest
from pymongo.errors import ExecutionTimeout, OperationFailure

from store.errors import DatabaseUnavailable
from store.repository import graph
from store.repository.base import find_many
from store.repository.criteria import Criteria
from tests.support.app import graphql
from tests.support.factories import country


async def test_articles_still_list_after_an_article_was_loaded_by_id(client):
    by_id = '{ meeting(id: "nac-plus-4-2022-09-27") { articles { title } } }'
    assert "errors" not in await graphql(client, by_id)
    body = await graphql(client, "{ articles { totalCount nodes { title } } }")
    assert "errors" not in body
    assert body["data"]["articles"]["totalCount"] == 1


async def seven_countries(store) -> list[str]:
    codes = ["AA", "BB", "CC", "DD", "EE", "FF", "GG"]
    await store["countries"].insert_many([country(code, f"Country {code}") for code in codes])
    return codes


BY_CODE = [("_id", 1)]


async def page(store, first: int, after: str | None = None, ids=None) -> tuple[list[str], int]:
    criteria = Criteria().id_in(ids) if ids is not None else Criteria()
    position = [after] if after else None
    found = await graph.page(store, "countries", criteria, BY_CODE, first=first, after=position)
    return [document["_id"] for document in found.documents], found.total


async def test_a_page_holds_its_slice_of_the_order_and_the_total_of_the_filter(store):
    codes = await seven_countries(store)

    assert await page(store, 3) == (codes[:3], 7)
    assert await page(store, 3, after="CC") == (codes[3:6], 7)
    assert await page(store, 3, after="FF") == (codes[6:], 7)
    assert await page(store, 10) == (codes, 7)
    assert await page(store, 3, after="GG") == ([], 7)
    assert await page(store, 3, after="ZZ") == ([], 7)
    assert await page(store, 0, after="BB") == ([], 7)
    assert await page(store, 2, ids=["BB", "EE", "ZZ"]) == (["BB", "EE"], 2)
    assert await page(store, 2, ids=["ZZ"]) == ([], 0)


async def test_a_short_page_costs_one_command_and_a_full_page_two(store):
    await seven_countries(store)

    store.commands.reset()
    await page(store, 10)
    short = dict(store.commands.counts)
    store.commands.reset()
    await page(store, 3)
    full = dict(store.commands.counts)

    assert short == {("find", "countries"): 1}
    assert full == {("find", "countries"): 1, ("aggregate", "countries"): 1}


async def test_more_documents_than_a_server_batch_come_in_one_reply(store):
    # A server sends 101 documents, then one `getMore` per batch, unless asked for more at once.
    many = [country(f"X{number:03d}", f"Country {number}") for number in range(250)]
    await store["countries"].insert_many(many)

    store.commands.reset()
    codes, total = await page(store, 300)
    everything = await find_many(store, "countries", {})

    assert (len(codes), total, len(everything)) == (250, 250, 250)
    assert dict(store.commands.counts) == {("find", "countries"): 2}


async def test_reads_ask_the_database_for_only_the_fields_they_use(store, database_reads):
    article = {"_id": "a1", "title": "T", "text": "x", "meta_yaml": "m", "facts_yaml": "f"}
    await store["articles"].insert_one(article)
    await store["countries"].insert_one(country("KR", "South Korea", capital="Seoul"))
    database_reads.clear()

    by_id = await graph.documents_by_ids(store, "articles", ["a1"])
    listed = await graph.page(store, "articles", Criteria(), [("_id", 1)], first=10)
    found = await graph.search_by_key_prefix(store, ["countries"], "south", 5)

    light = {"_id": "a1", "title": "T", "text": "x"}
    assert (by_id, listed.documents) == ({"a1": light}, [light])
    (korea,) = found["countries"]
    assert "sources" not in korea and "search_keys" not in korea
    assert korea["name"] == "South Korea"
    received = [(read.collection, read.projection) for read in database_reads]
    assert received[:2] == [("articles", {"meta_yaml": 0, "facts_yaml": 0})] * 2
    assert received[2][0] == "countries"
    assert {"name", "aliases", "alpha3"} <= set(received[2][1])
    assert "sources" not in received[2][1]
    # The shared constant is intact: mongomock adds `_id` to a projection it is handed.
    assert graph.ARTICLE_LIGHT == {"meta_yaml": 0, "facts_yaml": 0}


async def test_a_read_that_runs_out_of_time_is_a_database_outage_and_other_errors_are_bugs(
    store, monkeypatch
):
    # Raised by PyMongo when a request's shared deadline has passed and a pooled connection is
    # free (found on a paused FerretDB), and by a server whose maxTimeMS ran out: not connection
    # failures, yet the database did not answer in time.
    collection_class = type(store["countries"])
    for error in (
        ExecutionTimeout("operation would exceed time limit", 50),
        OperationFailure("operation exceeded time limit", 50),
    ):
        monkeypatch.setattr(collection_class, "find", _raising(error))
        with pytest.raises(DatabaseUnavailable, match="The database is unavailable"):
            await find_many(store, "countries", {})
    monkeypatch.setattr(collection_class, "find", _raising(OperationFailure("bad query", 2)))
    with pytest.raises(OperationFailure, match="bad query"):
        await find_many(store, "countries", {})


def _raising(error: Exception):
    def find(*args, **kwargs):
        raise error

    return find
