"""An app whose database a test can take away and give back, on whichever backend the suite runs:
the embedded store's outage switch, or SIGSTOP and SIGCONT on a FerretDB of the test's own (a
server the suite shares cannot be paused). The fixture is `outage` (tests/support/fixtures.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import httpx
from starlette.applications import Starlette

from api.app import prepare_store
from api.settings import Settings
from store.connection import create_store
from tests.support.app import make_settings, running_app
from tests.support.ferretdb import FerretDBServer

# Short, so that a request to the paused server fails quickly.
OUTAGE_TIMEOUT_MS = 500


@dataclass(frozen=True)
class Outage:
    """The app, its client, and the switch: `begin()` takes the database away, `end()` gives it
    back (the requests in between fail as against an unreachable server)."""

    app: Starlette
    client: httpx.AsyncClient
    begin: Callable[[], None]
    end: Callable[[], None]


@asynccontextmanager
async def embedded_outage() -> AsyncIterator[Outage]:
    async with running_app(make_settings(mongodb_uri=None)) as (app, client):
        switch = app.state.store.client
        yield Outage(app, client, switch.simulate_outage, switch.end_outage)


@asynccontextmanager
async def server_outage(server: FerretDBServer) -> AsyncIterator[Outage]:
    # Seeded first, with the suite's own deadline: the short one is for the outage, and a seed
    # load on a busy machine can take longer than it.
    seeded = make_settings(mongodb_uri=server.uri)
    await seed_database(seeded)
    settings = seeded.model_copy(
        update={"mongodb_timeout_ms": OUTAGE_TIMEOUT_MS, "seed_on_startup": False}
    )
    async with running_app(settings) as (app, client):
        yield Outage(app, client, server.pause, server.resume)


async def seed_database(settings: Settings) -> None:
    """Load the bundled seed into the database `settings` name, as the app does at start-up."""
    store = create_store(settings.store_config)
    try:
        await prepare_store(store, settings.model_copy(update={"seed_on_startup": True}))
    finally:
        await store.close()
