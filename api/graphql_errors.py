"""What a client sees when something goes wrong, and what the log keeps.

Expected errors (not found, bad input, database unavailable, limits) keep their message and get a
stable `extensions.code`. Anything else is masked to a generic message carrying the request id, and
logged in full with that id, so a user's report can be matched to the stack trace.

graphql-core's own messages (parsing, validation, variable values) are rewritten on the way out:
- they lose their "Did you mean ...?" hints unless debugging: with introspection off, they would
  hand out the schema one guess at a time;
- with introspection off, a quoted name the request did not spell itself becomes '…':
  "Field 'decision' of type 'Decision' must have a selection of subfields" names a type the
  client never wrote, which is how schema-guessing tools (clairvoyance) rebuild a schema;
- a quoted value is cut to about 100 characters, so that no input is echoed back whole.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import Iterator
from typing import Any

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import SchemaExtension

from api.context import RequestContext
from api.limits import library_code
from store.errors import DatabaseUnavailable, DiplographError, clip

logger = logging.getLogger("diplograph.errors")
request_logger = logging.getLogger("diplograph.requests")

MASKED_MESSAGE = "Internal server error. Quote the request id when you report it."
_SUGGESTION = re.compile(r"\s*Did you mean .*$", re.DOTALL)
_QUOTED = re.compile(r"'([^'\n]*)'|\"([^\"\n]*)\"")
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")
HIDDEN = "…"


def spelled_names(query: str | None, variables: Any) -> frozenset[str]:
    """Every name the request itself wrote: in the document, and as a key or in a string value of
    its variables. A message may repeat these without telling the client anything new."""
    names = set(_NAME.findall(query or ""))
    stack = [variables]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            names.update(key for key in item if isinstance(key, str))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            names.update(_NAME.findall(item))
    return frozenset(names)


def library_message(message: str, debug: bool, spelled: frozenset[str] | None = None) -> str:
    """A graphql-core message as it may leave: without suggestions unless debugging, quoted
    values cut short, and, given the `spelled` names, no other name in quotes."""
    if not debug:
        message = _SUGGESTION.sub("", message)

    def quoted(match: re.Match[str]) -> str:
        text = match.group(0)
        inner = text[1:-1]
        if spelled is not None and any(name not in spelled for name in _NAME.findall(inner)):
            inner = HIDDEN
        return text[0] + clip(inner) + text[-1]

    return _QUOTED.sub(quoted, message)


def request_id_of(context: Any) -> str | None:
    return context.state.request_id if isinstance(context, RequestContext) else None


def _code_without_original(error: GraphQLError) -> str:
    """The code of an error raised by the GraphQL machinery rather than by a resolver."""
    known = library_code(error.message)
    if known is not None:
        return known
    if isinstance(error, GraphQLSyntaxError):
        return "GRAPHQL_PARSE_FAILED"
    if error.message.startswith("Variable '$"):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def classify(
    error: GraphQLError,
    request_id: str | None,
    debug: bool = False,
    spelled: frozenset[str] | None = None,
) -> tuple[GraphQLError, bool]:
    """The error to send, and whether it was unexpected (and so masked). With `spelled` (the
    names the request wrote), the library's messages name nothing else."""
    original = error.original_error
    if original is None and error.path is None:
        message = library_message(error.message, debug, spelled)
        extensions = {"code": _code_without_original(error), **(error.extensions or {})}
        return _copy(error, message, extensions), False
    if isinstance(original, DiplographError):
        return _copy(error, original.message, original.graphql_extensions()), False
    if isinstance(original, GraphQLError):
        # A variable's value that does not fit its type, or graphql-core refusing an argument.
        message = library_message(error.message, debug, spelled)
        return _copy(error, message, {"code": "BAD_USER_INPUT", **(error.extensions or {})}), False
    # An exception in a resolver, or graphql-core finding a resolver broke the schema's promises
    # (a null for a non-null field): a bug either way.
    extensions = {"code": "INTERNAL_SERVER_ERROR", "requestId": request_id}
    return _copy(error, error.message if debug else MASKED_MESSAGE, extensions), True


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


def ensure_coded(errors: list[GraphQLError], request_id: str | None) -> list[GraphQLError]:
    """Errors that escaped `ErrorPolicy` (Strawberry reports a failing extension outside the
    operation hooks), classified the same way: nothing leaves without a code."""
    coded = []
    for error in errors:
        if "code" in (error.extensions or {}):
            coded.append(error)
            continue
        shown, unexpected = classify(error, request_id)
        if unexpected:
            logger.error(
                "unexpected error outside resolvers",
                exc_info=error.original_error or error,
                extra={"request_id": request_id},
            )
        coded.append(shown)
    return coded


class ErrorPolicy(SchemaExtension):
    """Codes expected errors, masks and logs the rest, and answers 503 when the store is down.

    It also writes one structured log line per operation: request id, operation name, duration,
    cost and the error codes sent.
    """

    def __init__(self, debug: bool = False, hide_schema: bool = False) -> None:
        """`hide_schema` (introspection off): messages name only what the request spelled."""
        self.debug = debug
        self.hide_schema = hide_schema

    def _spelled(self) -> frozenset[str] | None:
        if not self.hide_schema or self.debug:
            return None
        context = self.execution_context
        return spelled_names(context.query, context.variables)

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        except BaseException as error:
            # Cancelled at the deadline, or an extension failed (`ensure_coded` masks that).
            cancelled = isinstance(error, asyncio.CancelledError)
            self._log_operation(started, ["CANCELLED" if cancelled else "INTERNAL_SERVER_ERROR"])
            raise
        result = self.execution_context.result
        errors = getattr(result, "errors", None) or []
        context = self.execution_context.context
        request_id = request_id_of(context)
        spelled = self._spelled() if errors else None
        processed = []
        for error in errors:
            shown, unexpected = classify(error, request_id, self.debug, spelled)
            if unexpected:
                logger.error(
                    "unexpected error in a GraphQL request",
                    exc_info=error.original_error or error,
                    extra={**self._fields(started), "path": error.path},
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
            if (
                isinstance(error.original_error, DatabaseUnavailable)
                and isinstance(context, RequestContext)
                and context.response is not None
            ):
                context.response.status_code = 503
        if errors:
            result.errors = processed
        self._log_operation(started, codes=[(e.extensions or {}).get("code") for e in processed])

    def _fields(self, started: float) -> dict[str, Any]:
        context = self.execution_context.context
        cost = context.state.cost if isinstance(context, RequestContext) else None
        return {
            "request_id": request_id_of(context),
            "operation": self.execution_context.operation_name,
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            "cost": {"requested": cost.requested, "actual": cost.actual} if cost else None,
        }

    def _log_operation(self, started: float, codes: list[Any]) -> None:
        log_operation({**self._fields(started), "error_codes": codes})


def log_operation(fields: dict[str, Any]) -> None:
    """The one structured line each GraphQL operation leaves in the log."""
    request_logger.info("graphql operation", extra=fields)
