"""`ErrorPolicy` as a client and an operator see it: where an error points (locations and path),
the 503 of a store outage, names hidden from library messages when introspection is off, and the
one request log line per operation, field by field. A small schema of the test's own keeps each
case to one error."""

from __future__ import annotations

import asyncio
import enum
import logging
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import strawberry
from graphql import ExecutionResult, GraphQLError
from starlette.applications import Starlette
from starlette.routing import Route

from api import graphql_errors
from api.context import RequestContext
from api.graphql_errors import HIDDEN, MASKED_MESSAGE, ErrorPolicy, classify, ensure_coded
from api.graphql_schema import DiplographSchema
from api.http import GraphQLHTTP
from store.errors import DatabaseUnavailable, NotFound
from tests.support.app import make_settings


@strawberry.enum(description="A kind, for the test.")
class Kind(enum.Enum):
    ALPHA = "alpha"


@strawberry.type(description="A thing, for the test.")
class Thing:
    name: str = strawberry.field(description="Its name.")


@strawberry.type
class _Query:
    @strawberry.field
    def broken(self) -> str:
        raise RuntimeError("secret detail")

    @strawberry.field
    def down(self) -> str:
        raise DatabaseUnavailable("The database is unavailable.")

    @strawberry.field
    def missing(self) -> str:
        raise NotFound("No Official with id nobody.")

    @strawberry.field
    def thing(self, kind: Kind) -> Thing:
        return Thing(name=kind.value)


class _View(GraphQLHTTP):
    def __init__(self, policy: ErrorPolicy) -> None:
        schema = DiplographSchema(query=_Query, extensions=[lambda: policy])
        super().__init__(schema, deadline_seconds=5, graphql_ide=None)
        self.settings = make_settings()

    async def get_context(self, request, response) -> RequestContext:
        return self.request_context(request, response, store=None)


async def post(body: dict[str, Any], policy: ErrorPolicy | None = None) -> httpx.Response:
    app = Starlette(routes=[Route("/graphql", _View(policy or ErrorPolicy()))])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.post("/graphql", json=body)


def operation_lines(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "diplograph.requests"]


# --- where an error points -----------------------------------------------------------------------


async def test_a_masked_error_keeps_its_location_and_path():
    response = await post({"query": "query Q {\n  broken\n}"})

    (error,) = response.json()["errors"]
    assert error["message"] == MASKED_MESSAGE
    assert error["locations"] == [{"line": 2, "column": 3}]
    assert error["path"] == ["broken"]


async def test_a_syntax_error_says_where_the_document_broke():
    response = await post({"query": "{\n  broken }}"})

    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
    assert error["locations"] == [{"line": 2, "column": 11}]


async def test_an_expected_error_keeps_its_location_and_path():
    response = await post({"query": "{ missing }"})

    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "NOT_FOUND"}
    assert error["locations"] == [{"line": 1, "column": 3}]
    assert error["path"] == ["missing"]


async def test_a_store_outage_answers_503_and_a_bug_answers_200():
    assert (await post({"query": "{ down }"})).status_code == 503
    assert (await post({"query": "{ broken }"})).status_code == 200


# --- names hidden when introspection is off -----------------------------------------------------


async def test_with_the_schema_hidden_a_message_keeps_the_names_the_request_spelled():
    body = {"query": "query Q($k: Kind!) { thing(kind: $k) { name } }", "variables": {"k": "Zeta"}}

    hidden = await post(body, ErrorPolicy(hide_schema=True))
    shown = await post(body, ErrorPolicy(hide_schema=False))

    (error,) = hidden.json()["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    # 'Zeta' comes from the variables and 'Kind' from the document: both may be repeated.
    assert error["message"] == (
        "Variable '$k' has invalid value: Value 'Zeta' does not exist in 'Kind' enum."
    )
    assert hidden.json() == shown.json()


async def test_with_the_schema_hidden_a_type_the_request_never_wrote_is_not_named():
    body = {"query": "{ thing(kind: ALPHA) }"}

    hidden = await post(body, ErrorPolicy(hide_schema=True))
    shown = await post(body, ErrorPolicy(hide_schema=False))

    (error,) = hidden.json()["errors"]
    assert (
        error["message"] == f"Field 'thing' of type '{HIDDEN}' must have a selection of subfields."
    )
    assert shown.json()["errors"][0]["message"] == (
        "Field 'thing' of type 'Thing!' must have a selection of subfields."
    )


async def test_in_debug_nothing_is_hidden():
    body = {"query": "{ thing(kind: ALPHA) }"}

    debug = await post(body, ErrorPolicy(debug=True, hide_schema=True))

    assert debug.json()["errors"][0]["message"] == (
        "Field 'thing' of type 'Thing!' must have a selection of subfields."
        " Did you mean 'thing { ... }'?"
    )


def test_an_argument_error_is_worded_with_the_names_spelled_and_keeps_hints_only_in_debug():
    inner = GraphQLError("bad")
    error = GraphQLError(
        "Argument 'kind' has invalid value 'Zeta'. Did you mean 'ALPHA'?",
        path=["thing"],
        original_error=inner,
    )

    hidden, _ = classify(error, None, False, frozenset({"kind"}))
    debug, _ = classify(error, None, True, frozenset({"kind", "Zeta", "ALPHA"}))

    assert hidden.message == f"Argument 'kind' has invalid value '{HIDDEN}'."
    assert hidden.extensions == {"code": "BAD_USER_INPUT"}
    assert debug.message == error.message


def test_a_library_error_is_worded_with_the_names_spelled():
    error = GraphQLError("Unknown type 'Secret'. Did you mean 'Thing'?")

    shown, _ = classify(error, None, False, frozenset({"kind"}))

    assert shown.message == f"Unknown type '{HIDDEN}'."


# --- the request log ------------------------------------------------------------------------------


class _Clock:
    """`time.perf_counter` for the policy: the operation starts at 100 s and every later reading
    is 12.3456 ms on."""

    def __init__(self) -> None:
        self.readings = 0

    def perf_counter(self) -> float:
        self.readings += 1
        return 100.0 if self.readings == 1 else 100.0123456


async def test_one_operation_leaves_one_line_with_its_codes_and_duration(monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="diplograph.requests")
    monkeypatch.setattr(graphql_errors, "time", _Clock())

    await post({"query": "query Find { missing }", "operationName": "Find"})

    (line,) = operation_lines(caplog)
    assert line.getMessage() == "graphql operation"
    assert line.operation == "Find"
    assert line.error_codes == ["NOT_FOUND"]
    assert line.duration_ms == 12.3
    assert line.cost is None


async def test_an_unexpected_error_is_logged_with_its_path_and_its_own_traceback(caplog):
    await post({"query": "{ broken }"})

    (record,) = [r for r in caplog.records if r.name == "diplograph.errors"]
    assert record.getMessage() == "unexpected error in a GraphQL request"
    assert record.path == ["broken"]
    assert isinstance(record.exc_info[1], RuntimeError)
    assert str(record.exc_info[1]) == "secret detail"


def test_an_error_outside_resolvers_is_logged_with_its_own_traceback(caplog):
    error = GraphQLError("boom", path=["a"], original_error=ValueError("the cause"))

    (shown,) = ensure_coded([error], "req-1")

    assert shown.extensions == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-1"}
    (record,) = [r for r in caplog.records if r.name == "diplograph.errors"]
    assert isinstance(record.exc_info[1], ValueError)


@pytest.mark.parametrize(
    ("raised", "code"),
    [(asyncio.CancelledError(), "CANCELLED"), (RuntimeError("x"), "INTERNAL_SERVER_ERROR")],
)
def test_an_operation_that_does_not_finish_is_logged_with_why(raised, code, caplog):
    caplog.set_level(logging.INFO, logger="diplograph.requests")
    policy = ErrorPolicy()
    policy.execution_context = SimpleNamespace(
        context=None, operation_name="Slow", result=ExecutionResult(None, None)
    )
    operation = policy.on_operation()
    next(operation)

    with pytest.raises(type(raised)):
        operation.throw(raised)

    (line,) = operation_lines(caplog)
    assert (line.operation, line.error_codes) == ("Slow", [code])
