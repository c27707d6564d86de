"""Per-request DataLoaders over the repository: every relation a resolver follows is batched.

Two kinds cover the whole graph: documents of a collection by id, and documents of a collection by
the value of one field (memberships by organisation, participations by meeting, ...). They are
created lazily, one per (collection, field), in each request's context.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

from strawberry.dataloader import DataLoader

from store import Document
from store.connection import Store
from store.repository import graph


async def _load_by_ids(store: Store, collection: str, ids: list[str]) -> list[Document | None]:
    found = await graph.documents_by_ids(store, collection, ids)
    return [found.get(identifier) for identifier in ids]


async def _load_where_in(
    store: Store,
    collection: str,
    field: str,
    values: list[str],
    where: tuple[tuple[str, str], ...] = (),
) -> list[list[Document]]:
    grouped = await graph.documents_where_in(store, collection, field, values, dict(where))
    return [grouped.get(value, []) for value in values]


class Loaders:
    """The DataLoaders of one request."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._by_id: dict[str, DataLoader[str, Document | None]] = {}
        self._by_field: dict[
            tuple[str, str, tuple[tuple[str, str], ...]], DataLoader[str, list[Document]]
        ] = {}

    def by_id(self, collection: str) -> DataLoader[str, Document | None]:
        """Documents of `collection` by `_id` (None for an unknown id)."""
        if collection not in self._by_id:
            self._by_id[collection] = DataLoader(partial(_load_by_ids, self.store, collection))
        return self._by_id[collection]

    def by_field(
        self, collection: str, field: str, where: Mapping[str, str] | None = None
    ) -> DataLoader[str, list[Document]]:
        """Documents of `collection` whose `field` holds the key, in `_id` order; with `where`,
        only those whose other fields equal its values (filtered by the store, not here)."""
        fixed = tuple(sorted((where or {}).items()))
        key = (collection, field, fixed)
        if key not in self._by_field:
            self._by_field[key] = DataLoader(
                partial(_load_where_in, self.store, collection, field, where=fixed)
            )
        return self._by_field[key]
