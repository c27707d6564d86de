"""The shared fixtures: one seeded app for the read-only tests, and an empty store per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from store.connection import Store, create_store
from store.repository.dataset import data_state
from store.repository.sizes import Sizes
from tests.support.app import make_settings, running_app


@pytest.fixture(scope="session")
async def seeded() -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """One app with the bundled seed data, shared by the read-only tests. Its cost budget is out
    of the way: hundreds of tests share one client address, and whether one of them is refused
    must not depend on how many ran before it (the budget has tests of its own, on apps of
    their own)."""
    settings = make_settings(rate_limit_budget=10**9, rate_limit_refill_per_second=10**6)
    async for pair in running_app(settings):
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
    created = create_store(make_settings().store_config)
    await created.ensure_indexes()
    try:
        yield created
    finally:
        if not created.embedded:
            await created.drop_database()
        await created.close()
