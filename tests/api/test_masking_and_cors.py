"""Errors raised outside the resolvers are masked like those inside; CORS allows no cookies, only
the methods and headers the API uses, and only the listed origins."""

from __future__ import annotations

import logging

import pytest

from api.graphql_errors import MASKED_MESSAGE
from api.limits import DocumentShape
from tests.support.app import make_settings, running_app


@pytest.fixture
def broken_guard(monkeypatch):
    def explode(self):
        raise RuntimeError("secret connection string mongodb://admin:hunter2@db")

    monkeypatch.setattr(DocumentShape, "check", explode)


async def test_an_error_in_an_extension_is_masked_and_logged_with_the_request_id(
    broken_guard, caplog
):
    async with running_app(make_settings()) as (_app, client):
        response = await client.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={"x-request-id": "req-outside"},
        )

    (error,) = response.json()["errors"]
    assert error["message"] == MASKED_MESSAGE
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-outside"}
    assert "hunter2" not in response.text
    logged = [r for r in caplog.records if r.name == "diplograph.errors"]
    assert [r.levelno for r in logged] == [logging.ERROR]
    assert logged[0].request_id == "req-outside"
    assert "hunter2" in str(logged[0].exc_info[1])


async def test_a_preflight_allows_only_the_api_s_methods_and_headers_and_no_cookies():
    settings = make_settings(cors_allow_origins=["https://app.example"])
    async with running_app(settings) as (_app, client):
        preflight = await client.options(
            "/graphql",
            headers={
                "origin": "https://app.example",
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type",
            },
        )
        refused = await client.options(
            "/graphql",
            headers={
                "origin": "https://app.example",
                "access-control-request-method": "DELETE",
            },
        )
        simple = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": "https://app.example"}
        )

    methods = {m.strip() for m in preflight.headers["access-control-allow-methods"].split(",")}
    assert methods == {"GET", "POST"}
    allowed_headers = preflight.headers["access-control-allow-headers"].lower()
    assert {h.strip() for h in allowed_headers.split(",")} >= {"authorization", "content-type"}
    assert "x-evil" not in allowed_headers
    assert "access-control-allow-credentials" not in preflight.headers
    assert "access-control-allow-credentials" not in simple.headers
    assert preflight.headers["access-control-allow-origin"] == "https://app.example"
    assert refused.status_code == 400
    assert preflight.headers["access-control-max-age"] == "600"


async def test_a_preflight_asking_for_another_header_is_refused():
    settings = make_settings(cors_allow_origins=["https://app.example"])
    async with running_app(settings) as (_app, client):
        preflight = await client.options(
            "/graphql",
            headers={
                "origin": "https://app.example",
                "access-control-request-method": "POST",
                "access-control-request-headers": "x-evil",
            },
        )

    assert preflight.status_code == 400
