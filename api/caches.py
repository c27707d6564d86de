"""Strawberry's parser and validation caches, adjusted so that limits and error codes work.

Strawberry's `ParserCache` parses in a hook, so a syntax error escapes the hook and skips every
`on_operation` hook, the error policy's included. Its `ValidationCache` validates even a document
the guard already refused, and keys on the rule classes, which limiter factories create afresh for
each request, so it never hits.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import ParserCache as StrawberryParserCache
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document


class ParserCache(StrawberryParserCache):
    """Caches parsed documents; leaves a document that does not parse to Strawberry's parse.

    Strawberry then raises the same syntax error where its error handling expects it.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(
                context.query, **context.parse_options
            )
        except GraphQLError:
            context.graphql_document = None
        yield


class ValidationCache(SchemaExtension):
    """Caches validation errors by document text, for one schema (and so one set of rules).

    Create one `ValidationResults` per schema and pass it to each request's extension.
    """

    def __init__(self, results: ValidationResults) -> None:
        self.results = results

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.pre_execution_errors is None and context.graphql_document is not None:
            key = context.query
            errors = self.results.get(key) if key is not None else None
            if errors is None:
                errors = validate_document(
                    context.schema._schema, context.graphql_document, context.validation_rules
                )
                if key is not None:
                    self.results.put(key, errors)
            context.pre_execution_errors = list(errors)
        yield


class ValidationResults:
    """A bounded least-recently-used map from document text to its validation errors."""

    def __init__(self, maxsize: int) -> None:
        self.maxsize = maxsize
        self._items: OrderedDict[str, list[GraphQLError]] = OrderedDict()

    def get(self, key: str) -> list[GraphQLError] | None:
        found = self._items.get(key)
        if found is not None:
            self._items.move_to_end(key)
        return found

    def put(self, key: str, errors: list[GraphQLError]) -> None:
        self._items[key] = errors
        self._items.move_to_end(key)
        while len(self._items) > self.maxsize:
            self._items.popitem(last=False)
