"""What a client sees when something goes wrong, and what the log keeps.

Expected errors (not found, bad input, database unavailable, limits) keep their message and get a
stable `extensions.code`. Anything else is masked to a generic message carrying the request id, and
logged in full with that id, so a user's report can be matched to the stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from api.errors import DatabaseUnavailable, DiplographError

logger = logging.getLogger("diplograph.errors")

MASKED_MESSAGE = "Internal server error. Quote the request id when you report it."


def request_id_of(context: Any) -> str | None:
    request = getattr(context, "request", None)
    return getattr(getattr(request, "state", None), "request_id", None) if request else None


def classify(error: GraphQLError, request_id: str | None) -> tuple[GraphQLError, bool]:
    """The error to send, and whether it was unexpected (and so masked)."""
    original = error.original_error
    if original is None:
        code = "GRAPHQL_VALIDATION_FAILED" if error.nodes else "GRAPHQL_PARSE_FAILED"
        extensions = {"code": code, **(error.extensions or {})}
        return _copy(error, error.message, extensions), False
    if isinstance(original, DiplographError):
        return _copy(error, original.message, original.graphql_extensions()), False
    if isinstance(original, GraphQLError):
        return _copy(
            error, error.message, {"code": "BAD_USER_INPUT", **(error.extensions or {})}
        ), False
    extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    return _copy(error, MASKED_MESSAGE, extensions), True


def _copy(error: GraphQLError, message: str, extensions: dict[str, Any]) -> GraphQLError:
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=error.path,
        original_error=error.original_error,
        extensions=extensions,
    )


class ErrorPolicy(SchemaExtension):
    """Codes expected errors, masks and logs the rest, and answers 503 when the store is down."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        errors = getattr(result, "errors", None)
        if not errors:
            return
        context = self.execution_context.context
        request_id = request_id_of(context)
        processed = []
        for error in errors:
            shown, unexpected = classify(error, request_id)
            if unexpected:
                logger.error(
                    "unexpected error in a GraphQL request",
                    exc_info=error.original_error,
                    extra={
                        "request_id": request_id,
                        "operation": self.execution_context.operation_name,
                        "path": error.path,
                    },
                )
                shown = GraphQLError(
                    shown.message,
                    nodes=shown.nodes,
                    source=shown.source,
                    positions=shown.positions,
                    path=shown.path,
                    extensions=shown.extensions,
                )
            processed.append(shown)
            if isinstance(error.original_error, DatabaseUnavailable):
                response = getattr(context, "response", None)
                if response is not None:
                    response.status_code = 503
        result.errors = processed
