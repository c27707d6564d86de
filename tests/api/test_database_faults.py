"""When the database fails, clients get a clear DATABASE_UNAVAILABLE (HTTP 503) and the app
recovers by itself once the database is back, without a restart.

On a server, the real PyMongo client talks to a FerretDB process of the test's own, which the
test starts after the app, pauses (SIGSTOP: the port still accepts, nothing answers) in the middle
of a query, kills (SIGKILL, as a crash) and restarts on the same port and data. On the embedded
store, its outage switch covers the same faults. How long each fault takes to reach the client is
measured by `bench/faults.py` (docs/operations.md), not asserted here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from api.settings import Settings
from tests.support.app import make_settings, running_app
from tests.support.ferretdb import FerretDBServer
from tests.support.outage import Outage, seed_database

KOREA = '{ country(code: "KR") { name } }'
KOREA_ANSWER = {"country": {"name": "South Korea"}}
READY_POLLS = 120  # x 0.25 s: generous, so a slow CI machine waits instead of failing
TIMEOUT_MS = 500


async def settings_for(server: FerretDBServer) -> Settings:
    """The app on a FerretDB of the test's own, with the seed data and a short deadline. The
    seed is loaded first with the suite's own deadline: a seed load on a busy machine can take
    longer than the short one, which is for the faults."""
    seeded = make_settings(mongodb_uri=server.uri)
    await seed_database(seeded)
    return seeded.model_copy(update={"mongodb_timeout_ms": TIMEOUT_MS, "seed_on_startup": False})


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


async def assert_answers(client: httpx.AsyncClient) -> None:
    response = await client.post("/graphql", json={"query": KOREA})
    assert response.status_code == 200
    assert response.json()["data"] == KOREA_ANSWER


def after_the_first_command(app: Starlette, fault: Callable[[], None]) -> None:
    """Inflict `fault` once the next command has been answered: the request that sent it is then
    halfway, with its data-version read done and its data reads still to come."""
    armed = [True]

    def observer(name: str, collection: str, *_: Any) -> None:
        if armed and name == "find":
            armed.clear()
            fault()

    app.state.store.commands.observe(observer)


@pytest.mark.server
async def test_app_started_before_the_database_recovers_when_it_comes_up(ferretdb_process):
    # The app seeds the database itself once it comes up: a deadline that a seed load on a busy
    # machine meets.
    settings = make_settings(mongodb_uri=ferretdb_process.uri, mongodb_timeout_ms=2000)
    async with running_app(settings) as (_app, client):
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert "did not answer" in ready.json()["reason"]
        assert_database_unavailable(await client.post("/graphql", json={"query": KOREA}))

        ferretdb_process.start()
        await wait_until_ready(client)  # the start-up preparation, seed included, ran late

        await assert_answers(client)


@pytest.mark.server
async def test_a_database_paused_mid_query_gives_503_then_answers_once_resumed(ferretdb):
    async with running_app(await settings_for(ferretdb)) as (app, client):
        after_the_first_command(app, ferretdb.pause)
        assert_database_unavailable(await client.post("/graphql", json={"query": KOREA}))
        ready = await client.get("/readyz")
        assert ready.status_code == 503

        ferretdb.resume()
        await wait_until_ready(client)
        await assert_answers(client)


@pytest.mark.server
async def test_a_request_waits_on_a_paused_database_once_not_per_call(ferretdb, database_reads):
    # The response cache reads the data version, then the resolver reads the country. With one
    # deadline for the request, every read that goes out is told to end by that deadline (its
    # `maxTimeMS` is what is left of it), instead of getting a timeout of its own.
    async with running_app(await settings_for(ferretdb)) as (app, client):
        # Idle connections in the pool, so that the second read can go out while the first waits.
        korea = [app.state.store["countries"].find_one({"_id": "KR"}) for _ in range(4)]
        await asyncio.gather(*korea)
        ferretdb.pause()
        database_reads.clear()
        assert_database_unavailable(await client.post("/graphql", json={"query": KOREA}))
        ferretdb.resume()

    assert [read.collection for read in database_reads][:1] == ["meta"]
    deadlines = [read.sent_at * 1000 + (read.max_time_ms or 0) for read in database_reads]
    assert max(deadlines) - min(deadlines) < TIMEOUT_MS / 2, database_reads


@pytest.mark.server
async def test_a_killed_database_gives_503_until_it_restarts_on_the_same_port_and_data(ferretdb):
    async with running_app(await settings_for(ferretdb)) as (_app, client):
        await assert_answers(client)

        ferretdb.kill()
        assert_database_unavailable(await client.post("/graphql", json={"query": KOREA}))
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["status"] == "unavailable"

        ferretdb.start()
        await wait_until_ready(client)
        await assert_answers(client)  # the seed data survived the crash: no reload


@pytest.mark.server
async def test_a_database_killed_while_a_query_waits_gives_503_then_recovers(ferretdb):
    # Paused mid-query, then killed: the connection the query waits on is cut, and PyMongo's
    # retry of the read finds nobody listening.
    async with running_app(await settings_for(ferretdb)) as (app, client):
        after_the_first_command(app, ferretdb.pause)
        commands = app.state.store.commands
        commands.reset()
        request = asyncio.create_task(client.post("/graphql", json={"query": KOREA}))
        while not (commands.counts[("find", "countries")] or request.done()):  # sent, unanswered
            await asyncio.sleep(0.005)
        ferretdb.kill()
        assert_database_unavailable(await request)

        ferretdb.start()
        await wait_until_ready(client)
        await assert_answers(client)


async def test_an_outage_gives_503_then_recovers(outage: Outage):
    outage.begin()
    assert_database_unavailable(await outage.client.post("/graphql", json={"query": KOREA}))
    assert (await outage.client.get("/readyz")).status_code == 503

    outage.end()
    await wait_until_ready(outage.client)
    await assert_answers(outage.client)


async def test_an_outage_starting_halfway_through_a_query_gives_database_unavailable(
    outage: Outage,
):
    finished: list[tuple[str, bool]] = []

    def fail_once_the_meeting_is_read(_name: str, collection: str, _s: float, ok: bool) -> None:
        finished.append((collection, ok))
        if collection == "meetings" and ok:
            outage.begin()

    outage.app.state.store.commands.observe(fail_once_the_meeting_is_read)
    response = await outage.client.post(
        "/graphql",
        json={
            "query": '{ meeting(id: "nac-plus-4-2022-09-27") { name '
            "participants(kind: COUNTRY) { totalCount } } }"
        },
    )
    outage.end()

    failed = {collection for collection, ok in finished if not ok}
    assert "participations" in failed  # read after the meeting, for its participants
    assert "meetings" not in failed
    body = response.json()
    assert response.status_code == 503
    assert body["data"] == {"meeting": None}  # `participants` is non-null, so the null bubbles
    (error,) = body["errors"]
    assert error["path"] == ["meeting", "participants"]
    assert error["extensions"]["code"] == "DATABASE_UNAVAILABLE"
