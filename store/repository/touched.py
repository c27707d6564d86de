"""Reads for an incremental load (seeds.incremental): the documents that one article touches,
and what the global checks need, each found through an index, never by reading a collection whole.

Only portable queries: equality and `$in` on indexed fields, and projections.
"""

from __future__ import annotations

from collections.abc import Iterable

from store import Document
from store.connection import Store
from store.repository.base import find_by_ids, find_many


async def citing(store: Store, collection: str, article_ids: Iterable[str]) -> list[Document]:
    """The documents of `collection` with a source from one of `article_ids`."""
    wanted = sorted(set(article_ids))
    if not wanted:
        return []
    return await find_many(store, collection, {"sources.article_id": {"$in": wanted}})


async def by_ids(store: Store, collection: str, ids: Iterable[str]) -> dict[str, Document]:
    """Documents by `_id` (missing ones absent)."""
    return await find_by_ids(store, collection, ids)


async def named(store: Store, collection: str, keys: Iterable[str]) -> list[Document]:
    """The entities of `collection` with one of the typed name `keys` (store.names.index_keys):
    their ids and keys only."""
    wanted = sorted(set(keys))
    if not wanted:
        return []
    return await find_many(
        store, collection, {"name_keys": {"$in": wanted}}, projection={"name_keys": 1}
    )


async def existing(store: Store, collection: str, ids: Iterable[str]) -> set[str]:
    """Which of `ids` are documents of `collection`."""
    wanted = sorted(set(ids))
    if not wanted:
        return set()
    found = await find_many(store, collection, {"_id": {"$in": wanted}}, projection={"_id": 1})
    return {document["_id"] for document in found}


async def articles_mentioning(store: Store, mentions: Iterable[str]) -> set[str]:
    """The ids of the articles whose references resolved to one of `mentions` (`kind:id`)."""
    wanted = sorted(set(mentions))
    if not wanted:
        return set()
    found = await find_many(store, "articles", {"mentions": {"$in": wanted}}, projection={"_id": 1})
    return {document["_id"] for document in found}


async def article_ids(store: Store) -> list[str]:
    """Every stored article's id, sorted."""
    found = await find_many(store, "articles", {}, projection={"_id": 1}, sort=[("_id", 1)])
    return [document["_id"] for document in found]


async def any_correction(store: Store) -> bool:
    """Whether a correction is stored."""
    return bool(await find_many(store, "corrections", {}, projection={"_id": 1}, limit=1))


async def where_in(
    store: Store, collection: str, field: str, values: Iterable[str | None]
) -> list[Document]:
    """The documents of `collection` whose indexed `field` holds one of `values`."""
    wanted = sorted(set(values), key=lambda value: (value is None, value or ""))
    if not wanted:
        return []
    return await find_many(store, collection, {field: {"$in": wanted}})


async def posts_of_office(
    store: Store, country_id: str | None, organisation_id: str | None
) -> list[Document]:
    """The posts for this country and organisation (either may be None: neither set)."""
    return await find_many(
        store, "posts", {"country_id": country_id, "organisation_id": organisation_id}
    )
