"""The shared fixtures: one seeded app for the read-only tests, an empty store per test, the reads
the database receives, and an app whose database can be taken away."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
from starlette.applications import Starlette

from store.connection import Store, create_store
from store.repository.dataset import data_state
from store.repository.sizes import Sizes
from tests.support.app import drop_test_database, make_settings, running_app
from tests.support.backend import backend
from tests.support.outage import Outage, embedded_outage, server_outage
from tests.support.reads import Read, embedded_reads, wire_reads


@pytest.fixture(scope="session")
async def seeded() -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """One app with the bundled seed data, shared by the read-only tests. Its cost budget is out
    of the way: hundreds of tests share one client address, and whether one of them is refused
    must not depend on how many ran before it (the budget has tests of its own, on apps of
    their own)."""
    settings = make_settings(rate_limit_budget=10**9, rate_limit_refill_per_second=10**6)
    async with running_app(settings) as pair:
        yield pair


@pytest.fixture(scope="session")
async def seed_sizes(seeded: tuple[Starlette, httpx.AsyncClient]) -> Sizes:
    """The sizes of the seed data's lists, which queries are priced from."""
    return (await data_state(seeded[0].state.store)).sizes


@pytest.fixture(scope="session")
async def app(seeded: tuple[Starlette, httpx.AsyncClient]) -> Starlette:
    return seeded[0]


@pytest.fixture(scope="session")
async def client(seeded: tuple[Starlette, httpx.AsyncClient]) -> httpx.AsyncClient:
    return seeded[1]


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    """An empty store (with indexes) of its own, for tests that write."""
    settings = make_settings()
    created = create_store(settings.store_config)
    try:
        await created.ensure_indexes()
        yield created
    finally:
        await created.close()
        drop_test_database(settings.mongodb_uri, settings.mongodb_database)


@pytest.fixture
def database_reads(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[list[Read]]:
    """The reads the database receives during the test: on a server, the commands as PyMongo
    sent them over the wire; on the embedded store, the calls its adapter receives."""
    if backend(request.config) == "embedded":
        yield embedded_reads(monkeypatch)
    else:
        with wire_reads() as reads:
            yield reads


@pytest.fixture
async def outage(request: pytest.FixtureRequest) -> AsyncIterator[Outage]:
    """A seeded app of the test's own whose database the test can take away and give back: the
    embedded store's switch, or a paused FerretDB of its own in a server pass."""
    if backend(request.config) == "embedded":
        async with embedded_outage() as switchable:
            yield switchable
    else:
        async with server_outage(request.getfixturevalue("ferretdb")) as switchable:
            yield switchable
