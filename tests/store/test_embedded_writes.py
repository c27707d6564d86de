"""Writes on the embedded engine keep every index in step, through the paths the app takes: the
loader's change sets (inserts, bulk replaces and deletes, the version's `$inc` upsert) and their
compensation when a write fails part-way."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from pymongo.errors import DuplicateKeyError

from store.connection import Store
from store.embedded import EmbeddedClient
from store.embedded_engine import EngineCollection
from store.repository.dataset import META, CollectionChanges, WriteFailed, apply_changes
from tests.support.embedded import assert_indexes_match_rebuild


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    client = EmbeddedClient()
    store = Store(client=client, db=client["writes"], embedded=True, timeout_ms=1000)
    await store.ensure_indexes()
    yield store
    await store.close()


def engine_collection(store: Store, name: str) -> EngineCollection:
    return store.client.engine["writes"][name]


def official(identifier: str, country: str, *keys: str) -> dict:
    return {"_id": identifier, "name": identifier, "country_id": country, "search_keys": list(keys)}


async def test_a_load_rolled_back_part_way_leaves_indexes_that_answer_as_before(store):
    await store["officials"].insert_many(
        [official("kim-gunn", "KR", "kim gunn", "gunn"), official("geoana", "RO", "geoana")]
    )
    await store["posts"].create_index([("title", 1)], unique=True)
    await store["posts"].insert_one({"_id": "p1", "official_id": "kim-gunn", "title": "envoy"})
    before = {
        "officials": engine_collection(store, "officials").find({}),
        "posts": engine_collection(store, "posts").find({}),
    }
    officials = CollectionChanges(
        "officials",
        inserted={"yoon": official("yoon", "KR", "yoon suk yeol")},
        updated={"kim-gunn": official("kim-gunn", "BE", "kim gunn", "ambassador")},
        deleted=["geoana"],
        previous={
            "kim-gunn": before["officials"][0],
            "geoana": before["officials"][1],
        },
    )
    # A second post with the same unique title: the posts' insert fails after officials are written.
    posts = CollectionChanges(
        "posts", inserted={"p2": {"_id": "p2", "official_id": "yoon", "title": "envoy"}}
    )

    with pytest.raises(WriteFailed) as raised:
        await apply_changes(store, [officials, posts])

    assert raised.value.restored
    for name in ("officials", "posts"):
        collection = engine_collection(store, name)
        assert collection.find({}) == before[name]
        assert_indexes_match_rebuild(collection)
    officials_now = engine_collection(store, "officials")
    assert [d["_id"] for d in officials_now.find({"country_id": {"$in": ["KR"]}})] == ["kim-gunn"]
    assert officials_now.find({"country_id": "BE"}) == []
    assert [d["_id"] for d in officials_now.find({"search_keys": {"$regex": "^gun"}})] == [
        "kim-gunn"
    ]
    assert officials_now.find({"search_keys": {"$regex": "^yoon"}}) == []


async def test_the_data_version_is_bumped_through_the_index(store):
    for _ in range(3):
        await store[META].update_one({"_id": "dataset"}, {"$inc": {"version": 1}}, upsert=True)

    assert await store[META].find({"_id": "dataset"}).to_list(None) == [
        {"_id": "dataset", "version": 3}
    ]


async def test_a_duplicate_key_is_refused_and_leaves_no_trace_in_the_indexes(store):
    collection = engine_collection(store, "codes")
    collection.create_index([("alpha3", 1)], unique=True)
    collection.insert_one({"_id": "KR", "alpha3": "KOR"})

    with pytest.raises(DuplicateKeyError):
        collection.insert_one({"_id": "KP", "alpha3": "KOR"})
    with pytest.raises(DuplicateKeyError):
        collection.insert_one({"_id": "KR", "alpha3": "XXX"})

    assert collection.find({"alpha3": {"$in": ["KOR", "XXX"]}}) == [{"_id": "KR", "alpha3": "KOR"}]
    assert_indexes_match_rebuild(collection)


async def test_documents_read_back_are_copies(store):
    await store["officials"].insert_one(official("kim-gunn", "KR", "kim gunn"))
    found = await store["officials"].find({"_id": "kim-gunn"}).to_list(None)

    found[0]["country_id"] = "XX"
    found[0]["search_keys"].append("changed")

    again = await store["officials"].find({"country_id": "KR"}).to_list(None)
    assert again == [official("kim-gunn", "KR", "kim gunn")]
