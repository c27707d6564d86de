"""A whole-response cache: the graph changes only when data is written, so an answer can be kept.

An entry is keyed on the normalised document, the variables, the operation name, the caller's
scope and the data version, a counter in the database that every write bumps. Reading the version
costs one small query per request, and buys correctness across processes: after a write through
any worker or replica, every process's old entries are unreachable at once.

Entries hold the answer's `data` encoded as JSON bytes, and the cache counts those bytes (plus a
fixed overhead per entry): held as Python objects, 35 MB of JSON took about 590 MB. Least recently
used out.

The view consults the cache before Strawberry parses, validates or executes anything (a hit costs
a dictionary lookup, the version read, decoding the bytes and the cost budget's charge); it only
stores the answers of queries that ran without errors, with what they cost, so that a hit is
charged the same.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import orjson
from cachetools import LRUCache
from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse, print_ast

from api.caches import DocumentCache, text_bytes

# What one entry costs besides its JSON: the key (a 64-character digest), the entry object and its
# place in the LRU's maps.
ENTRY_OVERHEAD = 512


@dataclass(frozen=True, slots=True)
class Entry:
    """A cached answer: its `data` as JSON bytes, and the query's cost."""

    body: bytes
    requested: int
    actual: int

    @property
    def size(self) -> int:
        return len(self.body) + ENTRY_OVERHEAD

    @property
    def data(self) -> dict[str, Any]:
        return orjson.loads(self.body)


@dataclass(frozen=True)
class QueryText:
    """What the cache needs to know of a query text, computed once per distinct text."""

    normalised: str
    operations: tuple[tuple[str | None, bool], ...]  # (name, is it a query?)


_UNPARSABLE = QueryText(normalised="", operations=())


def query_text(query: str, cache: DocumentCache | None = None) -> QueryText | None:
    """The normalised text of `query` and its operations; None when it does not parse."""
    key = ("text", query)
    found = cache.get(key) if cache is not None else None
    if found is None:
        try:
            parsed = parse(query)
        except GraphQLError:
            found = _UNPARSABLE
        else:
            operations = tuple(
                (d.name.value if d.name else None, d.operation is OperationType.QUERY)
                for d in parsed.definitions
                if isinstance(d, OperationDefinitionNode)
            )
            found = QueryText(normalised=print_ast(parsed), operations=operations)
        if cache is not None:
            cache.put(key, found, text_bytes(query, found.normalised))
    return None if found is _UNPARSABLE else found


def is_query(query: str, operation: str | None, cache: DocumentCache | None = None) -> bool:
    """Whether the request runs a query (not a mutation): only those are cached."""
    parsed = query_text(query, cache)
    if parsed is None:
        return False
    if operation is None:
        return len(parsed.operations) == 1 and parsed.operations[0][1]
    return (operation, True) in parsed.operations


def cache_key(
    query: str,
    variables: dict[str, Any] | None,
    operation: str | None,
    scope: str,
    version: int,
    cache: DocumentCache | None = None,
) -> str:
    parsed = query_text(query, cache)
    text = parsed.normalised if parsed else query
    material = orjson.dumps(
        [text, variables or {}, operation, scope, version], option=orjson.OPT_SORT_KEYS
    )
    return hashlib.sha256(material).hexdigest()


class ResponseCache:
    """Cached answers of successful queries, bounded by the bytes of their JSON (and a fixed
    overhead per entry)."""

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

    def encoded_bytes(self) -> int:
        """The bytes of JSON held (what `size` counts, without the per-entry overhead)."""
        return sum(len(entry.body) for entry in self._entries.values())

    def put(
        self, key: str, data: dict[str, Any], requested: int = 0, actual: int = 0
    ) -> Entry | None:
        """Keep an answer (None when it is larger than the whole cache)."""
        entry = Entry(body=orjson.dumps(data), requested=requested, actual=actual)
        if entry.size > self.max_bytes:
            return None
        self._entries[key] = entry
        return entry


SCOPE = "public"  # every read is public: one scope. A caller-dependent field would add the caller.
