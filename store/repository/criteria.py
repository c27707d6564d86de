"""Criteria: how callers say which documents a list holds without writing MongoDB syntax.

Resolvers state conditions (ids, equal fields, a name prefix, a range of dates, a place); the
paging code adds keyset bounds (after or before a document's position in an order); `as_query`
turns them into the MongoDB filter, so that filters are built in the data layer only, and every
regex is an escaped, anchored prefix (`store.names.prefix_pattern`).

Everything here is plain `find` syntax (equality, `$in`, ranges, anchored `$regex`, `$or`,
`$and`) that MongoDB, FerretDB 1.24 and the embedded store all answer alike.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from typing import Any

from store.names import prefix_pattern

Sort = Sequence[tuple[str, int]]


class Criteria:
    """Conditions on the documents of one collection; all of them must hold."""

    def __init__(self) -> None:
        self._query: dict[str, Any] = {}
        self._all_of: list[dict[str, Any]] = []

    def copy(self) -> Criteria:
        """Independent criteria with the same conditions, to add bounds to."""
        return copy.deepcopy(self)

    def id_in(self, ids: Iterable[str]) -> Criteria:
        """Only documents whose `_id` is one of `ids` (none match an empty list)."""
        self._query["_id"] = {"$in": list(ids)}
        return self

    def equal(self, field: str, value: str) -> Criteria:
        """Only documents whose `field` holds `value` (or, for an array, contains it)."""
        self._query[field] = value
        return self

    def any_field_in(self, fields: Iterable[str], values: Iterable[str]) -> Criteria:
        """Only documents whose value in any of `fields` is one of `values`."""
        wanted = list(values)
        self._all_of.append({"$or": [{field: {"$in": wanted}} for field in fields]})
        return self

    def name_starts_with(self, key: str) -> Criteria:
        """Only documents with a search key starting with `key`, an already normalised name key."""
        self._query["search_keys"] = {"$regex": prefix_pattern(key)}
        return self

    def any_key_starts_with(self, fields: Iterable[str], key: str) -> Criteria:
        """Only documents with a key in one of `fields` (name key arrays) starting with `key`."""
        pattern = prefix_pattern(key)
        self._all_of.append({"$or": [{field: {"$regex": pattern}} for field in fields]})
        return self

    def named_or_coded(self, key: str, code: str) -> Criteria:
        """Only entities with a name key equal to `key`, or with `code` as their id or alpha-3
        code: what a country given by name or by ISO code matches (suffix keys match too; the
        caller checks which name matched)."""
        self._all_of.append({"$or": [{"search_keys": key}, {"_id": code}, {"alpha3": code}]})
        return self

    def at_place(self, place_key: str, country_ids: Iterable[str]) -> Criteria:
        """Only documents whose place keys hold `place_key`, or whose location is in one of the
        countries (a place given as a city, a venue or a country)."""
        alternatives: list[dict[str, Any]] = [{"place_keys": place_key}]
        countries = list(country_ids)
        if countries:
            alternatives.append({"location.country_id": {"$in": countries}})
        self._all_of.append({"$or": alternatives})
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

    def overlapping(
        self, first_day: str, last_days: Sequence[str], start: str | None, end: str | None
    ) -> Criteria:
        """Only documents whose period overlaps [start, end] (ISO dates; None is unbounded).

        The period starts on `first_day` and ends on the first of `last_days` that the document
        has (e.g. a meeting's last day, else the last day its date can mean); a last day counts
        as absent when the date it belongs to (`end_date` of `end_date.latest`) is null.
        """
        if end:
            self._all_of.append({first_day: {"$lte": end}})
        if start:
            alternatives: list[dict[str, Any]] = []
            absent: dict[str, Any] = {}
            for field in last_days:
                alternatives.append({**absent, field: {"$gte": start}})
                absent = {**absent, field.rsplit(".", 1)[0]: None}
            self._all_of.append({"$or": alternatives})
        return self

    def after(self, sort: Sort, values: Sequence[Any], *, inclusive: bool = False) -> Criteria:
        """Only documents after the position `values` (one value per sort field) in `sort`
        (at or after it, with `inclusive`): a keyset bound, stable when documents are added."""
        self._all_of.append(_keyset(sort, values, forward=True, inclusive=inclusive))
        return self

    def before(self, sort: Sort, values: Sequence[Any], *, inclusive: bool = False) -> Criteria:
        """Only documents before the position `values` in `sort` (at or before, with
        `inclusive`)."""
        self._all_of.append(_keyset(sort, values, forward=False, inclusive=inclusive))
        return self

    def as_query(self) -> dict[str, Any]:
        """The MongoDB filter that selects the documents."""
        query = dict(self._query)
        if self._all_of:
            query["$and"] = list(self._all_of)
        return query


def _keyset(sort: Sort, values: Sequence[Any], *, forward: bool, inclusive: bool) -> dict[str, Any]:
    """The filter for "after (or before) `values` in `sort`": equal on the first fields and
    beyond on the next one, for each field in turn. The last field must be unique (`_id`)."""
    if len(values) != len(sort):
        raise ValueError(
            f"a keyset needs {len(sort)} values, one per sort field; got {len(values)}"
        )
    alternatives: list[dict[str, Any]] = []
    equal: dict[str, Any] = {}
    for position, ((field, direction), value) in enumerate(zip(sort, values, strict=True)):
        beyond = "$gt" if (direction == 1) == forward else "$lt"
        if inclusive and position == len(sort) - 1:
            beyond += "e"
        alternatives.append({**equal, field: {beyond: value}})
        equal = {**equal, field: value}
    return {"$or": alternatives}
