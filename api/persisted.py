"""Automatic persisted queries (Apollo's APQ protocol): clients send a query's SHA-256 instead of
its text, and the text only once, when the server asks for it.

The client sends `extensions.persistedQuery = {version: 1, sha256Hash}` without `query`; if the
hash is unknown the server answers `PersistedQueryNotFound`, and the client retries with both the
hash and the text, which the server checks and keeps. Kept texts are bounded (least recently used
out, by count and, within the document cache, by bytes), so unknown hashes cost a round trip,
never memory.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from cachetools import LRUCache

from api.caches import DocumentCache, text_bytes

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class PersistedQueryError(Exception):
    """A persisted-query request the server cannot serve; `code` is the APQ protocol's."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class PersistedQueries:
    """Query texts by SHA-256, as registered by clients."""

    def __init__(self, max_entries: int, cache: DocumentCache | None = None) -> None:
        """At most `max_entries` hashes are known; their texts are kept in `cache`, whose byte
        bound they share with the parsed documents."""
        self.max_entries = max_entries
        self._known: LRUCache[str, bool] = LRUCache(maxsize=max(1, max_entries))
        self._texts = cache if cache is not None else DocumentCache(16 * 1024 * 1024)

    def resolve(self, query: str | None, extension: Any) -> str | None:
        """The query text to run for a request carrying `extensions.persistedQuery`."""
        if not isinstance(extension, dict) or extension.get("version") != 1:
            raise PersistedQueryError(
                "`extensions.persistedQuery` must be {version: 1, sha256Hash: ...}.",
                "PERSISTED_QUERY_INVALID",
            )
        digest = extension.get("sha256Hash")
        if not isinstance(digest, str) or not _SHA256.match(digest):
            raise PersistedQueryError(
                "`sha256Hash` must be 64 lower-case hex digits.", "PERSISTED_QUERY_INVALID"
            )
        if self.max_entries == 0:
            if query is not None:
                return query
            raise PersistedQueryError("PersistedQueryNotSupported", "PERSISTED_QUERY_NOT_SUPPORTED")
        if query is None:
            text = self._texts.get(("apq", digest)) if self._known.get(digest) else None
            if text is None:
                raise PersistedQueryError("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
            return text
        if hashlib.sha256(query.encode("utf-8")).hexdigest() != digest:
            raise PersistedQueryError(
                "provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH"
            )
        self._known[digest] = True
        self._texts.put(("apq", digest), query, text_bytes(digest, query))
        return query
