"""Reads of the graph: entities by id, relations by one of their fields, pages and name search.

These are generic over collections on purpose: every entity and relation collection is read the
same three ways, and the DataLoaders in `store.loaders` batch exactly these calls.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from store import Document
from store.connection import Store
from store.entities import LINK_FIELDS
from store.repository.base import Page, find_by_ids, find_many, find_page
from store.repository.criteria import Criteria

# Large fields the graph never needs when it reads an article by id (GraphQL asks for `text`
# explicitly through `article_texts`).
ARTICLE_LIGHT = {"meta_yaml": 0, "facts_yaml": 0}


async def documents_by_ids(
    store: Store, collection: str, ids: Iterable[str]
) -> dict[str, Document]:
    """Documents of `collection` by id, in one query."""
    projection = ARTICLE_LIGHT if collection == "articles" else None
    return await find_by_ids(store, collection, ids, projection=projection)


async def documents_where_in(
    store: Store, collection: str, field: str, values: Iterable[str]
) -> dict[str, list[Document]]:
    """Documents whose `field` (a plain or array path) holds one of `values`, grouped by value."""
    wanted = list(dict.fromkeys(values))
    grouped: dict[str, list[Document]] = defaultdict(list)
    if not wanted:
        return grouped
    documents = await find_many(store, collection, {field: {"$in": wanted}}, sort=[("_id", 1)])
    path = field.split(".")
    wanted_set = set(wanted)
    for document in documents:
        for value in _values_at(document, path):
            if value in wanted_set:
                grouped[value].append(document)
    return grouped


def _values_at(document: Any, path: list[str]) -> list[Any]:
    """The values at a dotted path, descending into arrays as MongoDB does."""
    if not path:
        return document if isinstance(document, list) else [document]
    if isinstance(document, list):
        return [value for item in document for value in _values_at(item, path)]
    if isinstance(document, Mapping) and path[0] in document:
        return list(dict.fromkeys(_values_at(document[path[0]], path[1:])))
    return []


async def page(
    store: Store,
    collection: str,
    criteria: Criteria,
    sort: list[tuple[str, int]],
    offset: int,
    limit: int,
) -> Page:
    """One page of a collection, ordered, with the total count. `_id` breaks ties."""
    order = [*sort, ("_id", 1)] if all(key != "_id" for key, _ in sort) else sort
    projection = ARTICLE_LIGHT if collection == "articles" else None
    return await find_page(
        store,
        collection,
        criteria.as_query(),
        sort=order,
        offset=offset,
        limit=limit,
        projection=projection,
    )


async def search_by_key_prefix(
    store: Store, collections: Iterable[str], key: str, limit: int
) -> dict[str, list[Document]]:
    """Entities with a search key starting with `key` (already normalised), per collection.

    The key is escaped, so no user text is ever read as regex syntax, and the pattern is an
    anchored literal prefix, which MongoDB answers from the `search_keys` index in linear time.
    """
    projection = {
        field: 1
        for field in (
            "name",
            "acronym",
            "official_name",
            "iso_name",
            "alpha3",
            "aliases",
            "metonyms",
            "demonyms",
            "summary",
        )
    }
    found: dict[str, list[Document]] = {}
    for collection in collections:
        found[collection] = await find_many(
            store,
            collection,
            Criteria().name_starts_with(key).as_query(),
            projection=projection,
            limit=limit,
        )
    return found


async def memberships_of(
    store: Store, organisation_id: str, roles: list[str] | None
) -> list[Document]:
    """Every membership of an organisation (all dates), optionally only with some roles."""
    query: dict[str, Any] = {"organisation_id": organisation_id}
    if roles:
        query["role"] = {"$in": roles}
    return await find_many(store, "memberships", query)


async def documents_linking(store: Store, ids: list[str]) -> dict[str, list[Document]]:
    """Every relation or entity document that links any of `ids` to something: one query per
    collection, whatever the number or kinds of ids (the path search expands a level with it)."""
    found: dict[str, list[Document]] = {}
    for collection, fields in LINK_FIELDS.items():
        query = {"$or": [{field: {"$in": ids}} for field in fields]}
        found[collection] = await find_many(store, collection, query) if ids else []
    return found


async def any_matching(store: Store, collection: str, criteria: Criteria) -> bool:
    """Whether any document of `collection` meets `criteria` (one small query)."""
    found = await find_many(store, collection, criteria.as_query(), projection={"_id": 1}, limit=1)
    return bool(found)


async def publishers(store: Store) -> list[str]:
    """Every publisher an article has, once each."""
    found = await find_many(store, "articles", {}, projection={"publisher": 1})
    return sorted({document["publisher"] for document in found if document.get("publisher")})
