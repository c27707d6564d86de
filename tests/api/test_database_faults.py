"""When MongoDB fails, clients get a clear DATABASE_UNAVAILABLE (HTTP 503) and the app recovers
by itself once MongoDB is back, without a restart.

The real PyMongo client runs against `FakeMongod` (tests/support/fake_mongod.py), a small
wire-protocol responder the test can start late, stop, or make hang up or stall; the embedded
store's outage switch covers the same faults on the default backend. How long each fault takes to
reach the client is measured by `bench/faults.py`, not asserted here.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.support.app import make_settings, running_app
from tests.support.fake_mongod import FakeMongod, free_port

pytestmark = pytest.mark.embedded

KOREA = '{ country(code: "KR") { name } }'
READY_POLLS = 120  # x 0.25 s: generous, so a slow CI machine waits instead of failing
TIMEOUT_MS = 300


@pytest.fixture
async def korea(app) -> dict[str, Any]:
    """South Korea's document as the seed loader stores it, for the fake server to serve."""
    return await app.state.store["countries"].find_one({"_id": "KR"})


@pytest.fixture
async def mongod(korea) -> AsyncIterator[FakeMongod]:
    """A fake MongoDB on a free port, not started: each test decides when it comes up."""
    server = FakeMongod(free_port())
    server.documents["countries"] = [korea]
    yield server
    await server.stop()


def real_client_settings(mongod: FakeMongod):
    return make_settings(
        mongodb_uri=mongod.uri, mongodb_timeout_ms=TIMEOUT_MS, seed_on_startup=False
    )


async def wait_until_ready(client: httpx.AsyncClient) -> None:
    for _ in range(READY_POLLS):
        if (await client.get("/readyz")).status_code == 200:
            return
        await asyncio.sleep(0.25)
    pytest.fail("the app did not become ready after the database came back")


def assert_database_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503
    body = response.json()
    assert {"data", "errors"} <= set(body) <= {"data", "errors", "extensions"}
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
    assert error["message"].startswith("The database is unavailable")
    assert "Traceback" not in response.text
    assert 'File "' not in response.text


async def test_app_started_while_mongodb_is_down_recovers_when_it_comes_up(mongod):
    async with running_app(real_client_settings(mongod)) as (_app, client):
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert "did not answer" in ready.json()["reason"]
        assert_database_unavailable(await client.post("/graphql", json={"query": KOREA}))

        await mongod.start()
        await wait_until_ready(client)

        response = await client.post("/graphql", json={"query": KOREA})
        assert response.status_code == 200
        assert response.json()["data"] == {"country": {"name": "South Korea"}}
        assert "createIndexes" in mongod.commands  # start-up preparation finished late


async def test_mongodb_vanishing_while_serving_gives_503_then_recovers(mongod):
    await mongod.start()
    async with running_app(real_client_settings(mongod)) as (_app, client):
        assert (await client.get("/readyz")).status_code == 200
        assert (await client.post("/graphql", json={"query": KOREA})).status_code == 200

        await mongod.stop()
        assert_database_unavailable(await client.post("/graphql", json={"query": KOREA}))
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable"

        await mongod.start()
        await wait_until_ready(client)
        response = await client.post("/graphql", json={"query": KOREA})
        assert response.json()["data"] == {"country": {"name": "South Korea"}}


async def test_connection_cut_during_a_query_gives_database_unavailable(mongod):
    await mongod.start()
    async with running_app(real_client_settings(mongod)) as (_app, client):
        mongod.hang_up_on = "find"
        assert_database_unavailable(await client.post("/graphql", json={"query": KOREA}))

        mongod.hang_up_on = None
        response = await client.post("/graphql", json={"query": KOREA})
        assert response.json()["data"] == {"country": {"name": "South Korea"}}


async def test_stalled_mongodb_fails_the_request_with_database_unavailable(mongod):
    await mongod.start()
    async with running_app(real_client_settings(mongod)) as (_app, client):
        mongod.stall_on = "find"
        assert_database_unavailable(await client.post("/graphql", json={"query": KOREA}))

        mongod.stall_on = None
        response = await client.post("/graphql", json={"query": KOREA})
        assert response.json()["data"] == {"country": {"name": "South Korea"}}


async def test_a_request_waits_on_a_stalled_mongodb_once_not_per_call(mongod):
    # The response cache reads the data version, then the resolver reads the country: with one
    # deadline for the request, the second read fails at once instead of stalling again.
    await mongod.start()
    async with running_app(real_client_settings(mongod)) as (_app, client):
        mongod.stall_on = "find"
        mongod.commands.clear()
        assert_database_unavailable(await client.post("/graphql", json={"query": KOREA}))
        assert mongod.commands.count("find") == 1


@pytest.fixture
async def embedded() -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """An app of its own on the embedded store, so its outage touches no other test."""
    async with running_app(make_settings(mongodb_uri=None)) as (app, client):
        yield app, client


async def test_embedded_store_outage_gives_503_then_recovers(embedded):
    app, client = embedded
    app.state.store.client.simulate_outage()
    assert_database_unavailable(await client.post("/graphql", json={"query": KOREA}))
    assert (await client.get("/readyz")).status_code == 503

    app.state.store.client.end_outage()
    assert (await client.get("/readyz")).status_code == 200
    response = await client.post("/graphql", json={"query": KOREA})
    assert response.json()["data"] == {"country": {"name": "South Korea"}}


async def test_outage_starting_halfway_through_a_query_gives_database_unavailable(embedded):
    app, client = embedded
    store = app.state.store
    collections_read = []

    def fail_once_the_meeting_is_read(name: str, collection: str, *_: Any) -> None:
        collections_read.append(collection)
        if collection == "meetings":
            store.client.simulate_outage("the database went away mid-request")

    store.commands.observe(fail_once_the_meeting_is_read)
    response = await client.post(
        "/graphql",
        json={
            "query": '{ meeting(id: "nac-plus-4-2022-09-27") { name '
            "participants(kind: COUNTRY) { totalCount } } }"
        },
    )

    assert collections_read[-1] == "participations"  # the read that failed
    body = response.json()
    assert response.status_code == 503
    assert body["data"] == {"meeting": None}  # `participants` is non-null, so the null bubbles
    (error,) = body["errors"]
    assert error["path"] == ["meeting", "participants"]
    assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
