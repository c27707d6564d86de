"""The shared fixtures: one seeded app for the read-only tests, and an empty store per test."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from store.connection import Store, create_store
from tests.support.app import drop_test_database, make_settings, running_app


@pytest.fixture(scope="session")
async def seeded() -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """One app with the bundled seed data, shared by the read-only tests."""
    async with running_app(make_settings()) as pair:
        yield pair


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
