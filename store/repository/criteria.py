"""Criteria: how callers say which documents a list holds without writing MongoDB syntax.

Resolvers state conditions (ids, equal fields, a name prefix, a range of dates); `as_query` turns
them into the MongoDB filter, so that filters are built in the data layer only, and every regex
is an escaped, anchored prefix (`store.names.prefix_pattern`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from store.names import prefix_pattern


class Criteria:
    """Conditions on the documents of one collection; all of them must hold."""

    def __init__(self) -> None:
        self._query: dict[str, Any] = {}

    def id_in(self, ids: Iterable[str]) -> Criteria:
        """Only documents whose `_id` is one of `ids` (none match an empty list)."""
        self._query["_id"] = {"$in": list(ids)}
        return self

    def equal(self, field: str, value: str) -> Criteria:
        """Only documents whose `field` holds `value` (or, for an array, contains it)."""
        self._query[field] = value
        return self

    def name_starts_with(self, key: str) -> Criteria:
        """Only documents with a search key starting with `key`, an already normalised name key."""
        self._query["search_keys"] = {"$regex": prefix_pattern(key)}
        return self

    def between(self, field: str, start: str | None, end: str | None) -> Criteria:
        """Only documents whose `field` is within [start, end] (ISO dates); None is unbounded."""
        bounds = {}
        if start:
            bounds["$gte"] = start
        if end:
            bounds["$lte"] = end
        if bounds:
            self._query[field] = bounds
        return self

    def as_query(self) -> dict[str, Any]:
        """The MongoDB filter that selects the documents."""
        return dict(self._query)
