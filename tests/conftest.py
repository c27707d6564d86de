"""Shared fixtures: the app over HTTP in-process, a fresh store, and a GraphQL helper.

Tests run on the embedded store by default. With MONGODB_URI set (e.g.
`MONGODB_URI=mongodb://localhost:27017 make test`), the same tests run against that server, each
store in a throwaway database that is dropped afterwards.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, settings
from starlette.applications import Starlette

from api.app import create_app
from api.settings import Settings
from store.connection import Store, create_store

ROOT = Path(__file__).resolve().parents[1]
MONGODB_URI = os.environ.get("MONGODB_URI") or None

# Property-based tests: `ci` (the default) is bounded and repeatable, so CI stays within minutes
# and a red run replays; `long` explores new examples on every run, for a local soak:
#   HYPOTHESIS_PROFILE=long .venv/bin/pytest tests/test_fuzz.py --hypothesis-show-statistics
_SLOW_IS_FINE = [HealthCheck.too_slow, HealthCheck.data_too_large]
settings.register_profile(
    "ci", max_examples=500, deadline=None, derandomize=True, suppress_health_check=_SLOW_IS_FINE
)
settings.register_profile(
    "long", max_examples=3000, deadline=None, suppress_health_check=_SLOW_IS_FINE
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def make_settings(**overrides: Any) -> Settings:
    """Settings for a test: no .env file, a throwaway database name, the seed loaded at start."""
    values: dict[str, Any] = {
        "mongodb_uri": MONGODB_URI,
        "mongodb_database": f"diplograph_test_{uuid.uuid4().hex[:10]}",
        "seed_on_startup": True,
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


async def graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """POST a GraphQL request and return the decoded JSON body."""
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    return response.json()


async def running_app(
    settings: Settings, **app_options: Any
) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """An app with its lifespan running, and a client that talks to it in-process."""
    app = create_app(settings, **app_options)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://diplograph.test"
        ) as client:
            yield app, client
        if not settings.embedded and app.state.prepared:
            await app.state.store.drop_database()


@pytest.fixture(scope="session")
async def seeded() -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """One app with the bundled seed data, shared by the read-only tests."""
    async for pair in running_app(make_settings()):
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
    created = create_store(make_settings().store_config)
    await created.ensure_indexes()
    try:
        yield created
    finally:
        if not created.embedded:
            await created.drop_database()
        await created.close()
