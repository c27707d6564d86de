"""What the server keeps about query texts, bounded by the memory it takes.

Parsing, the document guard's verdict, validation and the response cache's normalised text are
each computed once per distinct query text and kept in one `DocumentCache`, least recently used
out, within `DIPLOGRAPH_DOCUMENT_CACHE_BYTES`. A count of entries would not bound memory: a 95 kB
text (a long comment parses to few tokens) weighs as much as a hundred ordinary queries.

Each entry is charged its estimated size: the key's text, the value's own text, and 512 bytes per
token of a parsed document (a token and the syntax node around it take about 400 bytes in
graphql-core, measured with tracemalloc), so the estimate stays above what the entry holds.

Strawberry's own `ParserCache` is replaced: it parses in a hook, so a syntax error escapes the
hook and skips every `on_operation` hook, the error policy's included, and it counts entries.
Strawberry's `ValidationCache` is replaced too: it validates even a document the guard already
refused, and keys on the rule classes, which limiter factories create afresh for each request, so
it never hits.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Any

from cachetools import LRUCache
from graphql import DocumentNode, GraphQLError
from graphql.language.parser import parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

BYTES_PER_TOKEN = 512
ENTRY_BYTES = 512  # the entry's key tuple, its place in the LRU and the value's object


def text_bytes(*texts: str | None) -> int:
    """A conservative size of some strings (4 bytes a character covers any of Python's forms)."""
    return sum(4 * len(text) + 64 for text in texts if text)


def document_bytes(query: str, document: DocumentNode) -> int:
    """The estimated memory of a parsed document and the text it came from."""
    tokens = 0
    token = document.loc.start_token if document.loc else None
    while token is not None:
        tokens += 1
        token = token.next
    # Comments are tokens that keep their text, so the text counts twice.
    return 2 * text_bytes(query) + BYTES_PER_TOKEN * tokens


class DocumentCache:
    """An LRU map from keys (which include a query text) to what was derived from that text,
    bounded by the estimated bytes of its entries."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: LRUCache[Hashable, tuple[Any, int]] = LRUCache(
            maxsize=max(1, max_bytes), getsizeof=lambda entry: entry[1]
        )

    @property
    def size(self) -> int:
        """The estimated bytes of everything held."""
        return int(self._entries.currsize)

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> Any | None:
        found = self._entries.get(key)
        return None if found is None else found[0]

    def put(self, key: Hashable, value: Any, size: int) -> None:
        """Keep `value` at an estimated `size` bytes (the key's own text included by the
        caller); a value larger than the whole cache is not kept."""
        size += ENTRY_BYTES
        if size <= self.max_bytes:
            self._entries[key] = (value, size)


class ParserCache(SchemaExtension):
    """Parsed documents by text; a text that does not parse is left to Strawberry's parse,
    which raises the same syntax error where its error handling expects it."""

    def __init__(self, cache: DocumentCache) -> None:
        self.cache = cache

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        options = context.parse_options
        key = ("document", context.query, tuple(sorted(options.items())))
        document = self.cache.get(key)
        if document is None and context.query is not None:
            try:
                document = parse(context.query, **options)
            except GraphQLError:
                document = None
            else:
                self.cache.put(key, document, document_bytes(context.query, document))
        context.graphql_document = document
        yield


class ValidationCache(SchemaExtension):
    """Validation errors by document text, for one schema (and so one set of rules)."""

    def __init__(self, cache: DocumentCache) -> None:
        self.cache = cache

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.pre_execution_errors is None and context.graphql_document is not None:
            key = ("validation", context.query)
            errors = self.cache.get(key) if context.query is not None else None
            if errors is None:
                errors = validate_document(
                    context.schema._schema, context.graphql_document, context.validation_rules
                )
                if context.query is not None:
                    size = text_bytes(context.query, *(error.message for error in errors))
                    self.cache.put(key, errors, size + ENTRY_BYTES * len(errors))
            context.pre_execution_errors = list(errors)
        yield
