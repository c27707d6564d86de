"""Reads of the graph: entities by id, relations by one of their fields, pages and name search.

These are generic over collections on purpose: every entity and relation collection is read the
same three ways, and the DataLoaders in `store.loaders` batch exactly these calls.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from store import Document
from store.connection import Store
from store.entities import LINK_FIELDS
from store.names import name_key, names_of
from store.repository.base import count, find_by_ids, find_many
from store.repository.criteria import Criteria, Sort

# Large fields the graph never needs when it reads an article by id (GraphQL asks for `text`
# explicitly through `article_texts`).
ARTICLE_LIGHT = {"meta_yaml": 0, "facts_yaml": 0}
# The fields that hold where an entity is: a country's capital, a meeting's location, an
# organisation's headquarters.
PLACE_FIELDS = {"capital": 1, "location": 1, "headquarters": 1}
# The fields that hold an entity's names (see `store.names.names_of`).
NAME_FIELDS = {
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


async def documents_by_ids(
    store: Store, collection: str, ids: Iterable[str]
) -> dict[str, Document]:
    """Documents of `collection` by id, in one query."""
    projection = ARTICLE_LIGHT if collection == "articles" else None
    return await find_by_ids(store, collection, ids, projection=projection)


async def documents_where_in(
    store: Store,
    collection: str,
    field: str,
    values: Iterable[str],
    where: Mapping[str, str] | None = None,
) -> dict[str, list[Document]]:
    """Documents whose `field` (a plain or array path) holds one of `values`, grouped by value;
    with `where`, only those whose other fields also equal its values (the store filters them,
    so a meeting's few countries are read without its thousands of officials)."""
    wanted = list(dict.fromkeys(values))
    grouped: dict[str, list[Document]] = defaultdict(list)
    if not wanted:
        return grouped
    query: dict[str, Any] = {field: {"$in": wanted}, **(where or {})}
    documents = await find_many(store, collection, query, sort=[("_id", 1)])
    path = field.split(".")
    wanted_set = set(wanted)
    for document in documents:
        for value in values_at(document, path):
            if value in wanted_set:
                grouped[value].append(document)
    return grouped


def values_at(document: Any, path: list[str]) -> list[Any]:
    """The values at a dotted path, descending into arrays as MongoDB does."""
    if not path:
        return document if isinstance(document, list) else [document]
    if isinstance(document, list):
        return [value for item in document for value in values_at(item, path)]
    if isinstance(document, Mapping) and path[0] in document:
        return list(dict.fromkeys(values_at(document[path[0]], path[1:])))
    return []


@dataclass(frozen=True)
class KeysetPage:
    """One page of a filtered, ordered collection, found by keyset bounds rather than offsets."""

    documents: list[Document]
    total: int
    """How many documents the criteria match, whatever the bounds."""
    has_next: bool
    has_previous: bool


def with_tiebreak(sort: Sort) -> list[tuple[str, int]]:
    """The order with `_id` last, so that every document has one position."""
    return [*sort] if any(key == "_id" for key, _ in sort) else [*sort, ("_id", 1)]


def keyset_values(document: Document, sort: Sort) -> list[Any]:
    """A document's position in an order: its value at each sort field (dotted paths)."""
    values = []
    for field, _direction in sort:
        value: Any = document
        for part in field.split("."):
            value = value.get(part) if isinstance(value, Mapping) else None
        values.append(value)
    return values


async def page(
    store: Store,
    collection: str,
    criteria: Criteria,
    sort: Sort,
    *,
    first: int | None = None,
    last: int | None = None,
    after: list[Any] | None = None,
    before: list[Any] | None = None,
) -> KeysetPage:
    """The first (or last) documents of a collection between two positions, and the total count.

    `sort` must end with `_id` (see `with_tiebreak`); `after` and `before` are positions in it
    (`keyset_values`). A page of `first` documents asks for one more, to know whether a next
    page exists; a previous page exists when anything lies at or before `after`. Only `find`,
    sort, limit and count: no `$facet`, and no offsets, which shift when documents are added.
    An unbounded page that holds the whole list tells its total without a count.
    """
    projection = ARTICLE_LIGHT if collection == "articles" else None
    bounded = criteria.copy()
    if after is not None:
        bounded.after(sort, after)
    if before is not None:
        bounded.before(sort, before)
    backwards = last is not None
    size = last if backwards else first
    assert size is not None, "pass `first` or `last`"
    order = [(field, -direction) for field, direction in sort] if backwards else list(sort)
    found = await find_many(
        store, collection, bounded.as_query(), projection=projection, sort=order, limit=size + 1
    )
    more = len(found) > size
    whole = after is None and before is None and not more
    total = len(found) if whole else await count(store, collection, criteria.as_query())
    documents = found[:size]
    if backwards:
        documents.reverse()
    beyond_after = after is not None and await _exists(
        store, collection, criteria.copy().before(sort, after, inclusive=True)
    )
    beyond_before = before is not None and await _exists(
        store, collection, criteria.copy().after(sort, before, inclusive=True)
    )
    return KeysetPage(
        documents=documents,
        total=total,
        has_next=(not backwards and more) or beyond_before,
        has_previous=(backwards and more) or beyond_after,
    )


async def _exists(store: Store, collection: str, criteria: Criteria) -> bool:
    found = await find_many(store, collection, criteria.as_query(), projection={"_id": 1}, limit=1)
    return bool(found)


async def search_by_key_prefix(
    store: Store, collections: Iterable[str], key: str, limit: int
) -> dict[str, list[Document]]:
    """Entities with a name key or a place key starting with `key` (already normalised), per
    collection, with the fields that hold their names and their place.

    The key is escaped, so no user text is ever read as regex syntax, and the pattern is an
    anchored literal prefix, which MongoDB answers from the `search_keys` and `place_keys`
    indexes in linear time.
    """
    projection = {**NAME_FIELDS, **PLACE_FIELDS}
    found: dict[str, list[Document]] = {}
    for collection in collections:
        found[collection] = await find_many(
            store,
            collection,
            Criteria().any_key_starts_with(("search_keys", "place_keys"), key).as_query(),
            projection=projection,
            limit=limit,
        )
    return found


async def posts_titled(store: Store, key: str, limit: int) -> list[Document]:
    """Posts whose title has a word-suffix starting with `key`: officials found by title."""
    return await find_many(store, "posts", Criteria().name_starts_with(key).as_query(), limit=limit)


async def link_counts(store: Store, ids: Iterable[str]) -> Counter[str]:
    """How many documents link to each of `ids` (memberships, posts, participations, meetings
    and organisations that name it): one query per linking collection, whatever the ids."""
    wanted = list(dict.fromkeys(ids))
    counts: Counter[str] = Counter()
    if not wanted:
        return counts
    wanted_set = set(wanted)
    for collection, fields in LINK_FIELDS.items():
        linking = [field for field in fields if field != "_id"]
        documents = await find_many(
            store,
            collection,
            Criteria().any_field_in(linking, wanted).as_query(),
            projection={field: 1 for field in linking},
        )
        for document in documents:
            linked = {value for field in linking for value in values_at(document, field.split("."))}
            counts.update(linked & wanted_set)
    return counts


async def countries_named(store: Store, key: str, code: str) -> list[str]:
    """The codes of the countries one of whose names has the name key `key`, or whose alpha-2
    or alpha-3 code is `code`."""
    found = await find_many(
        store,
        "countries",
        Criteria().named_or_coded(key, code).as_query(),
        projection=NAME_FIELDS,
    )
    return [
        document["_id"]
        for document in found
        if code in (document["_id"], document.get("alpha3"))
        or any(name_key(name) == key for name in names_of(document))
    ]


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


async def count_linking(store: Store, ids: list[str]) -> int:
    """How many documents `documents_linking(ids)` would read: one count per collection (a count
    reads no document where an index answers it)."""
    total = 0
    for collection, fields in LINK_FIELDS.items():
        if ids:
            total += await count(store, collection, {"$or": [{f: {"$in": ids}} for f in fields]})
    return total


async def any_matching(store: Store, collection: str, criteria: Criteria) -> bool:
    """Whether any document of `collection` meets `criteria` (one small query)."""
    found = await find_many(store, collection, criteria.as_query(), projection={"_id": 1}, limit=1)
    return bool(found)


async def publishers(store: Store) -> list[str]:
    """Every publisher an article has, once each."""
    found = await find_many(store, "articles", {}, projection={"publisher": 1})
    return sorted({document["publisher"] for document in found if document.get("publisher")})
