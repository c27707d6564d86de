"""The frame: probes answer, GraphQL answers, and a dead database is reported clearly."""

from __future__ import annotations

import socket
import time

from tests.support.app import ROOT, graphql, make_settings, running_app


async def test_healthz_answers_ok(client):
    response = await client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_readyz_answers_ready_when_the_store_answers(client):
    response = await client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready"}


async def test_typename_query_answers(client):
    body = await graphql(client, "{ __typename }")
    assert body["data"] == {"__typename": "Query"}


async def test_countries_lists_iso_3166_with_a_total(client):
    body = await graphql(client, "{ countries(first: 3) { totalCount nodes { code name } } }")
    countries = body["data"]["countries"]
    assert countries["totalCount"] == 249
    assert countries["nodes"] == [
        {"code": "AD", "name": "Andorra"},
        {"code": "AE", "name": "United Arab Emirates"},
        {"code": "AF", "name": "Afghanistan"},
    ]


async def test_every_response_carries_a_request_id(client):
    response = await client.get("/healthz")
    assert len(response.headers["x-request-id"]) >= 16


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_unreachable_mongodb_gives_503_and_a_clear_graphql_error_quickly():
    settings = make_settings(
        mongodb_uri=f"mongodb://127.0.0.1:{_closed_port()}/?directConnection=true",
        mongodb_timeout_ms=500,
    )
    started = time.monotonic()
    async with running_app(settings) as (_app, client):
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable"
        assert "did not answer" in ready.json()["reason"]

        response = await client.post("/graphql", json={"query": '{ country(code: "KR") { name } }'})
        body = response.json()
        assert response.status_code == 503
        assert body["data"] == {"country": None}
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
        assert "unavailable" in error["message"]
        assert "Traceback" not in response.text
    # Not a speed target: a guard that the 500 ms timeout is applied at all (PyMongo's own
    # default would wait 30 s per call), with twenty times the configured time as headroom.
    assert time.monotonic() - started < 10


def test_the_readme_documents_every_setting():
    from api.settings import Settings, environment_name

    readme = (ROOT / "README.md").read_text()
    names = [environment_name(field) for field in Settings.model_fields]
    missing = [name for name in names if f"`{name}`" not in readme]
    assert missing == []
