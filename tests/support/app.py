"""The app over HTTP in-process, settings for a test, and a GraphQL helper.

Tests run on the embedded store by default, on a FerretDB the suite starts with `pytest
--ferretdb`, or on the server MONGODB_URI names (tests/support/backend.py). On a server, each app
and store gets a throwaway database, dropped afterwards even when the test fails.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pymongo
from starlette.applications import Starlette

from api.app import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
TEST_DATABASE_PREFIX = "diplograph_test_"
TEARDOWN_TIMEOUT_MS = 10_000  # a server a test paused may still be waking
# A test's database deadline. Not the 2 s default: on a busy 2-core machine, FerretDB scanning
# for the naive bench peer's dozens of concurrent finds has taken longer. Fault tests set theirs.
TEST_TIMEOUT_MS = 10_000


def mongodb_uri() -> str | None:
    """The session's server (set before the first test runs), or None for the embedded store."""
    return os.environ.get("MONGODB_URI") or None


def throwaway_database() -> str:
    return f"{TEST_DATABASE_PREFIX}{uuid.uuid4().hex[:10]}"


def drop_test_database(uri: str | None, name: str) -> None:
    """Drop a test's database on the session's server. Other servers (a FerretDB a test started
    for itself) are left alone: their data directory goes away with them."""
    if uri is None or uri != mongodb_uri() or not name.startswith(TEST_DATABASE_PREFIX):
        return
    with pymongo.MongoClient(
        uri, serverSelectionTimeoutMS=TEARDOWN_TIMEOUT_MS, timeoutMS=TEARDOWN_TIMEOUT_MS
    ) as client:
        client.drop_database(name)


def make_settings(**overrides: Any) -> Settings:
    """Settings for a test: no .env file, a throwaway database name, the seed loaded at start."""
    values: dict[str, Any] = {
        "mongodb_uri": mongodb_uri(),
        "mongodb_database": throwaway_database(),
        "mongodb_timeout_ms": TEST_TIMEOUT_MS,
        "seed_on_startup": True,
        # A data folder of its own: what one test's app writes, another's never loads.
        "data_dir": Path(tempfile.mkdtemp(prefix="diplograph-test-data-")),
        # No background polling of the store: tests count the commands a request sends. The
        # change feed's own tests ask for `poll`.
        "change_feed": "local",
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)


async def graphql(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """POST a GraphQL request and return the decoded JSON body."""
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}})
    return response.json()


@asynccontextmanager
async def running_app(
    settings: Settings, **app_options: Any
) -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """An app with its lifespan running, and a client that talks to it in-process. On a server,
    its database is dropped at the end, whatever happened in between."""
    app = create_app(settings, **app_options)
    try:
        async with app.router.lifespan_context(app):
            transport = httpx.ASGITransport(app=app)
            async with httpx.AsyncClient(
                transport=transport, base_url="http://diplograph.test"
            ) as client:
                yield app, client
    finally:
        drop_test_database(settings.mongodb_uri, settings.mongodb_database)
