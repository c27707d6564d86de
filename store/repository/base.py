"""Shared query helpers: bounded finds, batched lookups and counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pymongo.errors import ConnectionFailure, PyMongoError

from store import Document
from store.connection import Store
from store.errors import DatabaseUnavailable
from store.repository.criteria import Sort

# Documents in a cursor's first reply when no limit bounds it (a reply is capped at 16 MiB anyway).
FIRST_BATCH = 100_000


def _unavailable(error: PyMongoError) -> Exception:
    """Connection trouble and timeouts become DatabaseUnavailable; anything else is a bug, raised
    as is. A timeout is not always a ConnectionFailure: when a request's shared deadline has
    passed and a pooled connection is free, PyMongo raises ExecutionTimeout (code 50) before
    sending, and so does a server whose `maxTimeMS` ran out."""
    if isinstance(error, ConnectionFailure) or error.timeout:
        return DatabaseUnavailable(f"The database is unavailable: {type(error).__name__}")
    return error


async def find_many(
    store: Store,
    collection: str,
    query: Mapping[str, Any],
    *,
    projection: Mapping[str, Any] | None = None,
    sort: Sort | None = None,
    skip: int = 0,
    limit: int = 0,
) -> list[Document]:
    """All documents matching `query` (at most `limit` when it is set), in one round trip."""
    try:
        # A copy: mongomock adds `_id` to the projection it is given, which would corrupt shared
        # constants such as ARTICLE_LIGHT for every later query.
        cursor = store[collection].find(
            dict(query),
            dict(projection) if projection else None,
            max_time_ms=store.timeout_ms,
            skip=skip,
            limit=limit,
            # A server answers 101 documents, then one `getMore` per batch: the whole result in
            # the first reply keeps the commands per request flat as the data grows.
            batch_size=limit or FIRST_BATCH,
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


async def count(store: Store, collection: str, query: Mapping[str, Any]) -> int:
    """How many documents match `query` (an `aggregate` that carries `maxTimeMS`)."""
    try:
        return await store[collection].count_documents(dict(query), maxTimeMS=store.timeout_ms)
    except PyMongoError as error:
        raise _unavailable(error) from error
