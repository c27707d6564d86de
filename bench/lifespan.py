"""The store lifespan the bench's own apps (the limit, the naive peer) share with diplograph.

Each app gets its store exactly as diplograph does (`create_store`, then `prepare_store`, which
loads the bundled seed on the embedded store, and `DIPLOGRAPH_ARTICLES`' bundles), so all three
answer from the same data.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import AsyncIterator, Callable
from typing import Any

from api.app import prepare_store
from api.settings import Settings
from store.connection import create_store


def store_lifespan(settings: Settings) -> Callable[[Any], contextlib.AbstractAsyncContextManager]:
    """A Starlette lifespan that keeps a prepared store on `app.state.store`."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        app.state.store = create_store(settings.store_config)
        try:
            await prepare_store(app.state.store, settings)
            # The collector as diplograph sets it once ready (`api.app.mark_ready`), so that the
            # comparison is of the code that answers, not of the collector's settings.
            gc.collect()
            gc.freeze()
            yield
        finally:
            await app.state.store.close()

    return lifespan
