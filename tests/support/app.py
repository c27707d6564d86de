"""The app over HTTP in-process, settings for a test, and a GraphQL helper.

Tests run on the embedded store by default. With MONGODB_URI set (e.g.
`MONGODB_URI=mongodb://localhost:27017 make test`), the same tests run against that server, each
store in a throwaway database that is dropped afterwards.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

from api.app import create_app
from api.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
MONGODB_URI = os.environ.get("MONGODB_URI") or None


def make_settings(**overrides: Any) -> Settings:
    """Settings for a test: no .env file, a throwaway database name, the seed loaded at start."""
    values: dict[str, Any] = {
        "mongodb_uri": MONGODB_URI,
        "mongodb_database": f"diplograph_test_{uuid.uuid4().hex[:10]}",
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
