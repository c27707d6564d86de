"""Shared query helpers: bounded finds, batched lookups and one-round-trip pages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pymongo.errors import ConnectionFailure, PyMongoError

from store import Document
from store.connection import Store
from store.errors import DatabaseUnavailable

Sort = Sequence[tuple[str, int]]


@dataclass(frozen=True)
class Page:
    """One slice of a filtered, ordered collection, and how many documents the filter matches."""

    documents: list[Document]
    total: int


def _unavailable(error: PyMongoError) -> Exception:
    """Connection trouble becomes DatabaseUnavailable; anything else is a bug, raised as is."""
    if isinstance(error, ConnectionFailure):
        return DatabaseUnavailable(f"The database is unavailable: {type(error).__name__}")
    return error


async def find_many(
    store: Store,
    collection: str,
    query: Mapping[str, Any],
    *,
    projection: Mapping[str, Any] | None = None,
    sort: Sort | None = None,
    limit: int = 0,
) -> list[Document]:
    """All documents matching `query` (at most `limit` when it is set)."""
    try:
        # A copy: mongomock adds `_id` to the projection it is given, which would corrupt shared
        # constants such as ARTICLE_LIGHT for every later query.
        cursor = store[collection].find(
            dict(query),
            dict(projection) if projection else None,
            max_time_ms=store.timeout_ms,
            limit=limit,
        )
        if sort:
            cursor = cursor.sort(list(sort))
        return await cursor.to_list(None)
    except PyMongoError as error:
        raise _unavailable(error) from error


async def find_by_ids(
    store: Store,
    collection: str,
    ids: Iterable[str],
    *,
    projection: Mapping[str, Any] | None = None,
) -> dict[str, Document]:
    """Documents by `_id`, in one query; missing ids are absent from the result."""
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    documents = await find_many(store, collection, {"_id": {"$in": wanted}}, projection=projection)
    return {document["_id"]: document for document in documents}


async def find_page(
    store: Store,
    collection: str,
    query: Mapping[str, Any],
    *,
    sort: Sort,
    offset: int,
    limit: int,
    projection: Mapping[str, Any] | None = None,
) -> Page:
    """A page of documents and the total count, in a single `$facet` round trip."""
    items: list[dict[str, Any]] = [{"$sort": dict(sort)}, {"$skip": offset}]
    # MongoDB refuses `$limit: 0`; a page of no items (only `totalCount` asked) matches nothing.
    items.append({"$limit": limit} if limit > 0 else {"$match": {"_id": {"$exists": False}}})
    if projection:
        items.append({"$project": dict(projection)})
    pipeline = [{"$match": dict(query)}, {"$facet": {"items": items, "total": [{"$count": "n"}]}}]
    try:
        cursor = await store[collection].aggregate(pipeline, maxTimeMS=store.timeout_ms)
        (result,) = await cursor.to_list(None)
    except PyMongoError as error:
        raise _unavailable(error) from error
    total = result["total"][0]["n"] if result["total"] else 0
    return Page(documents=result["items"], total=total)
