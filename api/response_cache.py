"""A whole-response cache: the graph changes only when data is written, so an answer can be kept.

An entry is keyed on the normalised document, the variables, the operation name, the caller's
scope and the data version, a counter in the database that every write bumps. Reading the version
costs one small query per request, and buys correctness across processes: after a write through
any worker or replica, every process's old entries are unreachable at once. Memory is bounded by
the size of the entries' JSON, least recently used first out.

The view consults the cache before Strawberry parses, validates or executes anything (a hit costs
a dictionary lookup, the version read, and the cost budget's charge); it only stores the answers
of queries that ran without errors, with what they cost, so that a hit is charged the same.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from cachetools import LRUCache
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse, print_ast


@dataclass(frozen=True)
class Entry:
    """A cached answer: its `data`, the size of that data's JSON, and the query's cost."""

    data: dict[str, Any]
    size: int
    requested: int
    actual: int


@dataclass(frozen=True)
class QueryText:
    """What the cache needs to know of a query text, computed once per distinct text."""

    normalised: str
    operations: tuple[tuple[str | None, bool], ...]  # (name, is it a query?)


@lru_cache(maxsize=1000)
def query_text(query: str) -> QueryText | None:
    """The normalised text of `query` and its operations; None when it does not parse."""
    try:
        parsed = parse(query)
    except GraphQLError:
        return None
    operations = tuple(
        (d.name.value if d.name else None, d.operation is OperationType.QUERY)
        for d in parsed.definitions
        if isinstance(d, OperationDefinitionNode)
    )
    return QueryText(normalised=print_ast(parsed), operations=operations)


def is_query(query: str, operation: str | None) -> bool:
    """Whether the request runs a query (not a mutation): only those are cached."""
    parsed = query_text(query)
    if parsed is None:
        return False
    if operation is None:
        return len(parsed.operations) == 1 and parsed.operations[0][1]
    return (operation, True) in parsed.operations


def cache_key(
    query: str, variables: dict[str, Any] | None, operation: str | None, scope: str, version: int
) -> str:
    parsed = query_text(query)
    text = parsed.normalised if parsed else query
    material = orjson.dumps(
        [text, variables or {}, operation, scope, version], option=orjson.OPT_SORT_KEYS
    )
    return hashlib.sha256(material).hexdigest()


class ResponseCache:
    """Cached answers of successful queries, bounded by the bytes of their JSON."""

    def __init__(self, max_bytes: int) -> None:
        self._entries: LRUCache[str, Entry] = LRUCache(
            maxsize=max(1, max_bytes), getsizeof=lambda entry: entry.size
        )
        self.max_bytes = max_bytes
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.max_bytes > 0

    @property
    def size(self) -> int:
        return int(self._entries.currsize)

    def get(self, key: str) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    def put(self, key: str, data: dict[str, Any], requested: int = 0, actual: int = 0) -> None:
        size = len(orjson.dumps(data))
        if size <= self.max_bytes:
            self._entries[key] = Entry(data=data, size=size, requested=requested, actual=actual)


SCOPE = "public"  # every read is public: one scope. A caller-dependent field would add the caller.
