"""Repository reads: regressions found while hardening, and how pages are cut and counted."""

from __future__ import annotations

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
