"""How long the lists in the data can be: the sizes a query's price is an upper bound from.

A list the API returns without a page size (an official's posts, a meeting's sources) is as long
as its relation is in the data. Two measures bound every such list:

- **groups**: for each indexed field of a collection, the most documents that share one value of
  it (the most memberships of one member, the most posts in one organisation...);
- **arrays**: for each array inside a collection's documents, the longest one (the most sources
  of one document, the most group participants of one meeting...), by dotted path;

plus each collection's document count. They are kept in the `meta` collection's dataset document
with the data version, and raised on every write (`apply_changes`): for each value a write touched,
the documents holding it now are counted; for each array written, its length. A deletion lowers no
maximum, so the sizes stay an upper bound, a little loose until the next full `measure`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from store import Document
from store.connection import Store
from store.entities import KINDS, LOADER_INDEXES
from store.repository.base import count, find_many
from store.repository.graph import values_at

SIZES_FORMAT = 2
"""Bumped when what is measured changes: stored sizes of another format are measured afresh."""

GROUP_FIELDS: dict[str, tuple[str, ...]] = {
    kind.collection: tuple(
        dict.fromkeys(
            f
            for f in (*kind.indexes, *kind.links)
            if f not in ("_id", "url") and f not in LOADER_INDEXES
        )
    )
    for kind in KINDS
}
"""collection -> the fields documents are looked up by (its indexes and links)."""


@dataclass(frozen=True)
class Sizes:
    """The sizes of the data at one version (see the module docstring)."""

    groups: Mapping[tuple[str, str], int] = field(default_factory=dict)
    arrays: Mapping[tuple[str, str], int] = field(default_factory=dict)
    counts: Mapping[str, int] = field(default_factory=dict)

    def group(self, collection: str, field_name: str) -> int:
        """The most documents of `collection` sharing one value of `field_name`."""
        return self.groups.get((collection, field_name), 0)

    def array(self, collection: str, path: str) -> int:
        """The longest array at `path` in a document of `collection`."""
        return self.arrays.get((collection, path), 0)

    def count(self, collection: str) -> int:
        return self.counts.get(collection, 0)

    def raised(self, other: Sizes) -> Sizes:
        """The larger of each measure of the two (counts: `other`'s, which are newer)."""
        groups = dict(self.groups)
        for key, value in other.groups.items():
            groups[key] = max(groups.get(key, 0), value)
        arrays = dict(self.arrays)
        for key, value in other.arrays.items():
            arrays[key] = max(arrays.get(key, 0), value)
        return Sizes(groups, arrays, {**self.counts, **other.counts})

    def as_stored(self) -> dict[str, Any]:
        """The form kept in the dataset document (field names with dots are avoided)."""
        return {
            "format": SIZES_FORMAT,
            "groups": [{"c": c, "f": f, "n": n} for (c, f), n in sorted(self.groups.items())],
            "arrays": [{"c": c, "p": p, "n": n} for (c, p), n in sorted(self.arrays.items())],
            "counts": [{"c": c, "n": n} for c, n in sorted(self.counts.items())],
        }

    @classmethod
    def from_stored(cls, stored: Any) -> Sizes | None:
        """The sizes kept in the dataset document, or None when absent or of another format."""
        if not isinstance(stored, dict) or stored.get("format") != SIZES_FORMAT:
            return None
        return cls(
            groups={(g["c"], g["f"]): int(g["n"]) for g in stored["groups"]},
            arrays={(a["c"], a["p"]): int(a["n"]) for a in stored["arrays"]},
            counts={c["c"]: int(c["n"]) for c in stored["counts"]},
        )


def array_lengths(document: Any, prefix: str = "") -> dict[str, int]:
    """The longest array at each dotted path of `document` (items of arrays included)."""
    longest: dict[str, int] = {}
    stack: list[tuple[Any, str]] = [(document, prefix)]
    while stack:
        value, path = stack.pop()
        if isinstance(value, Mapping):
            for key, child in value.items():
                stack.append((child, f"{path}.{key}" if path else key))
        elif isinstance(value, list):
            longest[path] = max(longest.get(path, 0), len(value))
            stack.extend((item, path) for item in value)
    return longest


def _array_sizes(collection: str, documents: Iterable[Document]) -> dict[tuple[str, str], int]:
    sizes: dict[tuple[str, str], int] = {}
    for document in documents:
        for path, length in array_lengths(document).items():
            key = (collection, path)
            sizes[key] = max(sizes.get(key, 0), length)
    return sizes


def group_sizes(
    collection: str, documents: Iterable[Document], fields: Iterable[str]
) -> dict[tuple[str, str], int]:
    """The most of `documents` sharing one value of each field (a document counts once)."""
    sizes: dict[tuple[str, str], int] = {}
    documents = list(documents)
    for field_name in fields:
        path = field_name.split(".")
        shared: Counter[Any] = Counter()
        for document in documents:
            shared.update(v for v in set(_hashable(values_at(document, path))) if v is not None)
        sizes[(collection, field_name)] = max(shared.values(), default=0)
    return sizes


def _hashable(values: list[Any]) -> list[Any]:
    return [v for v in values if isinstance(v, str | int | float | bool)]


async def _count(store: Store, collection: str) -> int:
    return await store[collection].count_documents({})


async def measure(store: Store) -> Sizes:
    """Every size, from every document (at start-up, when none are stored)."""
    groups: dict[tuple[str, str], int] = {}
    arrays: dict[tuple[str, str], int] = {}
    counts: dict[str, int] = {}
    for collection, fields in GROUP_FIELDS.items():
        documents = await find_many(store, collection, {})
        groups.update(group_sizes(collection, documents, fields))
        arrays.update(_array_sizes(collection, documents))
        counts[collection] = len(documents)
    return Sizes(groups, arrays, counts)


async def measure_written(
    store: Store, written: Mapping[str, list[Document]], known: Mapping[str, int] | None = None
) -> Sizes:
    """The sizes a write may have raised: for each collection written, the groups of the values
    its new and changed documents hold (counted in the store as it now is), their arrays, and the
    collection's count (`known`'s when given: the count before, moved by the write)."""
    groups: dict[tuple[str, str], int] = {}
    arrays: dict[tuple[str, str], int] = {}
    counts: dict[str, int] = {}
    for collection, documents in written.items():
        if known is not None and collection in known:
            counts[collection] = known[collection]
        else:
            counts[collection] = await _count(store, collection)
        arrays.update(_array_sizes(collection, documents))
        for field_name in GROUP_FIELDS.get(collection, ()):
            path = field_name.split(".")
            values = list(
                dict.fromkeys(v for d in documents for v in _hashable(values_at(d, path)))
            )
            if not values:
                continue
            # A count per value, which an index answers without reading the documents: a value
            # many documents share (a country, a hub meeting) would otherwise be read whole on
            # every write that touches one of them.
            shared = [await count(store, collection, {field_name: value}) for value in values]
            groups[(collection, field_name)] = max(shared, default=0)
    return Sizes(groups, arrays, counts)
