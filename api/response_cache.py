"""A whole-response cache: the graph changes only when data is written, so an answer can be kept.

An entry is keyed on the normalised document, the variables, the operation name, the caller's
scope and the data version, a counter in the database that every write bumps. Reading the version
costs one small query per request, and buys correctness across processes: after a write through
any worker or replica, every process's old entries are unreachable at once. Memory is bounded by
the size of the entries' JSON, least recently used first out.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from cachetools import LRUCache
from graphql import ExecutionResult, parse, print_ast
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from api.errors import DatabaseUnavailable
from api.repository.dataset import data_version


@dataclass(frozen=True)
class Entry:
    data: dict[str, Any]
    size: int


@lru_cache(maxsize=1000)
def normalised(query: str) -> str:
    """The document as graphql-core prints it: the same query however it is spaced or commented."""
    return print_ast(parse(query))


def cache_key(
    query: str, variables: dict[str, Any] | None, operation: str | None, scope: str, version: int
) -> str:
    material = orjson.dumps(
        [normalised(query), variables or {}, operation, scope, version],
        option=orjson.OPT_SORT_KEYS,
    )
    return hashlib.sha256(material).hexdigest()


class ResponseCache:
    """Cached `data` of successful query responses, bounded by the bytes of their JSON."""

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

    def get(self, key: str) -> dict[str, Any] | None:
        entry = self._entries.get(key)
        if entry is None:
            self.misses += 1
            return None
        self.hits += 1
        return entry.data

    def put(self, key: str, data: dict[str, Any]) -> None:
        size = len(orjson.dumps(data))
        if size <= self.max_bytes:
            self._entries[key] = Entry(data=data, size=size)


class CachedResponses(SchemaExtension):
    """Answers a query from the cache when the data has not changed since it was answered.

    It runs inside the cost extension, so a cached answer is charged like any other; errors,
    mutations and refused operations are never cached.
    """

    def __init__(self, cache: ResponseCache) -> None:
        self.cache = cache

    async def on_execute(self) -> AsyncIterator[None]:
        context = self.execution_context
        if (
            not self.cache.enabled
            or context.result is not None
            or context.operation_type is not OperationType.QUERY
            or context.query is None
        ):
            yield
            return
        try:
            version = await data_version(context.context.store)
        except DatabaseUnavailable:
            yield  # run normally; the resolvers report the outage
            return
        key = cache_key(
            context.query, context.variables, context.operation_name, _scope(context), version
        )
        cached = self.cache.get(key)
        if cached is not None:
            context.result = ExecutionResult(data=cached, errors=None)
            yield
            return
        yield
        result = context.result
        if result is not None and not result.errors and result.data is not None:
            self.cache.put(key, result.data)


def _scope(context: Any) -> str:
    """Who the answer is for. Every read is public today, so there is one scope; a field that
    depended on the caller would have to add the caller's class here."""
    return "public"
