"""The error policy: expected errors keep their words, the rest are masked and logged in full;
the write policy; structured logs."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.routing import Route

from api.auth import WriteAccess, bearer_token
from api.context import RequestContext
from api.graphql_errors import MASKED_MESSAGE, ErrorPolicy
from api.http import GraphQLHTTP
from api.logs import JsonFormatter
from store.repository import graph
from tests.support.app import graphql, make_settings, running_app


@pytest.fixture
def broken_search(monkeypatch):
    async def explode(*args, **kwargs):
        raise RuntimeError("secret connection string mongodb://admin:hunter2@db")

    monkeypatch.setattr(graph, "search_by_key_prefix", explode)


async def test_an_unexpected_error_is_masked_with_the_request_id(client, broken_search, caplog):
    response = await client.post(
        "/graphql",
        json={"query": 'query Find { search(query: "nato") { matched } }'},
        headers={"x-request-id": "req-123"},
    )
    (error,) = response.json()["errors"]
    assert error["message"] == MASKED_MESSAGE
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-123"}
    assert "hunter2" not in response.text
    (record,) = [r for r in caplog.records if r.name == "diplograph.errors"]
    assert record.request_id == "req-123"
    assert record.operation == "Find"
    assert record.duration_ms >= 0
    assert record.cost["requested"] == 10
    assert "hunter2" in str(record.exc_info[1])


async def test_debug_shows_the_unexpected_error_message(broken_search):
    async with running_app(make_settings(debug=True)) as (_app, client):
        body = await graphql(client, '{ search(query: "nato") { matched } }')
        assert "hunter2" in body["errors"][0]["message"]


async def test_expected_errors_keep_their_message_and_code(client):
    body = await graphql(client, '{ official(id: "nobody") { name } }')
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "NOT_FOUND"}
    assert error["message"] == "No Official with id nobody."


async def test_each_operation_is_logged_once_with_its_request_fields(client, caplog):
    caplog.set_level(logging.INFO, logger="diplograph.requests")
    await client.post(
        "/graphql",
        json={"query": "query Tiny { countries(first: 1) { totalCount } }"},
        headers={"x-request-id": "req-456"},
    )
    (record,) = [r for r in caplog.records if getattr(r, "request_id", None) == "req-456"]
    assert record.operation == "Tiny"
    assert record.cost == {"requested": 1, "actual": 1}
    assert record.error_codes == []


def test_log_lines_are_json_with_the_request_fields():
    record = logging.LogRecord("diplograph.errors", logging.ERROR, __file__, 1, "boom", None, None)
    record.request_id = "req-789"
    record.operation = "Find"
    record.duration_ms = 12.5
    record.cost = {"requested": 10, "actual": 0}
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "boom"
    assert line["level"] == "error"
    assert (line["request_id"], line["operation"], line["duration_ms"]) == ("req-789", "Find", 12.5)
    assert line["cost"] == {"requested": 10, "actual": 0}


# --- writes: diplograph has no mutations yet; the policy is tested on one of the test's own -------


@strawberry.type
class _Query:
    @strawberry.field
    def ping(self) -> str:
        return "pong"


@strawberry.type
class _Mutation:
    @strawberry.mutation(permission_classes=[WriteAccess])
    def touch(self) -> bool:
        return True


class _View(GraphQLHTTP):
    def __init__(self, write_token: str | None) -> None:
        schema = strawberry.Schema(query=_Query, mutation=_Mutation, extensions=[ErrorPolicy])
        super().__init__(schema, deadline_seconds=5, graphql_ide=None)
        self.settings = make_settings(write_token=write_token)

    async def get_context(self, request, response) -> RequestContext:
        return self.request_context(request, response, store=None)


async def write(token_setting: str | None, header: str | None) -> httpx.Response:
    app = Starlette(routes=[Route("/graphql", _View(token_setting))])
    headers = {"authorization": header} if header else {}
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        return await client.post("/graphql", json={"query": "mutation { touch }"}, headers=headers)


async def test_a_write_with_the_write_token_runs():
    assert (await write("s3cret", "Bearer s3cret")).json()["data"] == {"touch": True}


@pytest.mark.parametrize(
    ("setting", "header"),
    [("s3cret", None), ("s3cret", "Bearer wrong"), ("s3cret", "Basic s3cret"), (None, "Bearer x")],
)
async def test_a_write_without_the_write_token_is_refused(setting, header):
    response = await write(setting, header)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith('Bearer realm="diplograph"')
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"] == {"code": "UNAUTHENTICATED"}
    assert "token" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("header", "token"),
    [("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer", None)],
)
def test_bearer_tokens_are_read_from_the_authorization_header(header, token):
    assert bearer_token({"authorization": header}) == token
