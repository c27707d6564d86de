"""The app each benchmarked uvicorn process serves: one target, plus what the bench needs to read.

    BENCH_TARGET=graphql|limit|naive [BENCH_CORPUS=DIR] \
        [BENCH_MONGODB_URI=mongodb://… BENCH_MONGODB_DATABASE=NAME] \
        uvicorn bench.server:create --factory --port 8123

Wraps the target's own app without changing it:
- `BENCH_DEADLINE_SECONDS`: the request deadline, instead of the app's default;
- `BENCH_CORPUS`: on the embedded store, the generated article bundles under DIR are loaded at
  start-up with the bundled seed, as `diplograph serve DIR` loads them (`DIPLOGRAPH_ARTICLES`), so
  the store holds the scaled corpus and the app treats it as its start-up data;
- `BENCH_MONGODB_URI` and `BENCH_MONGODB_DATABASE`: serve from that server's database, which
  `bench.run` has already loaded (no seeding at start-up, so several targets can share it);
- `GET /_bench/stats`: the store's command count (its CommandLog, which the app keeps anyway), the
  time spent in the database, and how long start-up and the corpus load took;
  `GET /_bench/documents`: each collection's size; `GET /_bench/data-size`: the JSON size of
  everything stored; `GET /_bench/calls?start=N`: the duration of every store command from the
  N-th on (recorded only with `BENCH_CALL_TIMES=1`); `POST /_bench/add-article`: load one more
  generated article, as `diplograph seed FOLDER` would, and say how long it took;
- the embedded store's calls are timed (two `perf_counter` calls around each; wall-clock time,
  which includes waiting for the store's worker thread and any moment another process had the
  CPU), and so are the garbage collector's pauses. On a server, the time in the database is each
  command's round trip as PyMongo's command monitoring reports it (sent to answered), summed:
  commands that overlap count each.

The environment is read here, not in api/settings.py, because these knobs are the bench's own.
"""

from __future__ import annotations

import array
import contextlib
import functools
import gc
import os
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from bench.targets import app_factory, settings_for
from store import embedded
from store.entities import COLLECTIONS

STATS_PATH = "/_bench/stats"
DOCUMENTS_PATH = "/_bench/documents"
DATA_SIZE_PATH = "/_bench/data-size"
CALLS_PATH = "/_bench/calls"
ADD_ARTICLE_PATH = "/_bench/add-article"


# A server's deadline in the bench: a slow scan is to be measured, not cut off.
SERVER_TIMEOUT_MS = 120_000


class DatabaseClock:
    """Time spent inside the embedded store's calls (or a server's commands), and how many."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.calls = 0

    def wrap_async(self, function: Any) -> Any:
        @functools.wraps(function)
        async def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return await function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        return timed

    def wrap_sync(self, function: Any) -> Any:
        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - started
                self.calls += 1

        return timed

    def install(self) -> None:
        """Time every embedded-store call that does work (the reads, and the loader's writes)."""
        collection = embedded.EmbeddedCollection
        for name in ("find_one", "count_documents", "aggregate", "bulk_write", "update_one"):
            setattr(collection, name, self.wrap_async(getattr(collection, name)))
        collection.find = self.wrap_sync(collection.find)
        for cursor in (embedded.EmbeddedCursor, embedded.EmbeddedCommandCursor):
            cursor.to_list = self.wrap_async(cursor.to_list)
            cursor.__anext__ = self.wrap_async(cursor.__anext__)
        embedded.EmbeddedCursor.sort = self.wrap_sync(embedded.EmbeddedCursor.sort)

    def observe(self, _name: str, _collection: str, seconds: float, _succeeded: bool) -> None:
        """A server's command ended (the store's CommandLog calls this)."""
        self.seconds += seconds
        self.calls += 1


CLOCK = DatabaseClock()


class CollectorClock:
    """Time the process spends in Python's cyclic garbage collector, and collections per generation.

    A full (generation 2) collection walks every tracked object, the embedded store's documents
    included, so its pauses grow with the data and show up in p99 latency.
    """

    def __init__(self) -> None:
        self.seconds = [0.0, 0.0, 0.0]
        self.collections = [0, 0, 0]
        self._started = 0.0

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
        else:
            self.seconds[info["generation"]] += time.perf_counter() - self._started
            self.collections[info["generation"]] += 1

    def install(self) -> None:
        gc.callbacks.append(self)


GC_CLOCK = CollectorClock()


class CallRecorder:
    """The duration of every store command, in order (8 bytes each), when asked for."""

    def __init__(self) -> None:
        self.seconds = array.array("d")

    def __call__(self, name: str, collection: str, seconds: float, succeeded: bool) -> None:
        self.seconds.append(seconds)


CALLS = CallRecorder()
STARTUP: dict[str, float] = {}


async def load_corpus(store: Any, corpus: Path) -> None:
    """Add the generated bundles under `corpus` to the bundled seed, through the seed loader (a
    server's database, which `bench.run` loads before the servers start)."""
    from seeds.inputs import bundled_article_folders
    from seeds.loader import collect_articles, load

    await load(store, collect_articles([*bundled_article_folders(), corpus]))


async def add_article(store: Any) -> dict[str, Any]:
    """Load one more generated article on top of what is stored (an incremental load)."""
    from bench.corpus import write_one
    from seeds.loader import collect_articles, load

    with tempfile.TemporaryDirectory(prefix="bench-one-article-") as folder:
        bundle = write_one(Path(folder), 99_999)
        started = time.perf_counter()
        report = await load(store, collect_articles([bundle]))
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "written": report.totals(), "validate": report.validate_seconds}


def create() -> Starlette:
    """The uvicorn factory: the target's app with the corpus loaded and the stats route added."""
    target = os.environ.get("BENCH_TARGET", "graphql")
    corpus = os.environ.get("BENCH_CORPUS")
    settings = settings_for(target)
    if uri := os.environ.get("BENCH_MONGODB_URI"):
        settings = settings.model_copy(
            update={
                "mongodb_uri": uri,
                "mongodb_database": os.environ["BENCH_MONGODB_DATABASE"],
                "mongodb_timeout_ms": SERVER_TIMEOUT_MS,
                "request_deadline_seconds": SERVER_TIMEOUT_MS / 1000,
                "seed_on_startup": False,
            }
        )
    elif corpus:
        settings = settings.model_copy(update={"articles": [Path(corpus)]})
    if deadline := os.environ.get("BENCH_DEADLINE_SECONDS"):
        # At 1,000x some golden answers are megabytes: the scale series measures them instead of
        # stopping at the app's default deadline.
        settings = settings.model_copy(update={"request_deadline_seconds": float(deadline)})
    app = app_factory(target)(settings)
    if settings.embedded:
        CLOCK.install()
    GC_CLOCK.install()
    started_lifespan = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        started = time.perf_counter()
        async with started_lifespan(app):
            # The store's preparation: on the embedded store, the whole corpus loaded into the
            # empty store (a server's database was loaded by `bench.run`).
            STARTUP["lifespan_seconds"] = time.perf_counter() - started
            if not settings.embedded:
                app.state.store.commands.observe(CLOCK.observe)
            if os.environ.get("BENCH_CALL_TIMES") == "1":
                app.state.store.commands.observe(CALLS)
            STARTUP["ready_seconds"] = time.perf_counter() - started
            yield

    async def stats(request: Request) -> JSONResponse:
        return JSONResponse(
            {
                "target": target,
                "commands": request.app.state.store.commands.total,
                "db_seconds": CLOCK.seconds,
                "db_calls": CLOCK.calls,
                "gc_seconds": GC_CLOCK.seconds,  # per generation
                "gc_collections": GC_CLOCK.collections,
                "calls_recorded": len(CALLS.seconds),
                "startup": STARTUP,
            }
        )

    async def data_size(request: Request) -> JSONResponse:
        import orjson

        store = request.app.state.store
        sizes = {}
        for name in COLLECTIONS:
            documents = await store[name].find({}).to_list(None)
            sizes[name] = sum(len(orjson.dumps(document, default=str)) for document in documents)
        return JSONResponse({"json_bytes": sum(sizes.values()), "by_collection": sizes})

    async def calls(request: Request) -> Response:
        start = int(request.query_params.get("start", "0"))
        return JSONResponse(CALLS.seconds[start:].tolist())

    async def add(request: Request) -> JSONResponse:
        return JSONResponse(await add_article(request.app.state.store))

    async def documents(request: Request) -> JSONResponse:
        # Counting sends commands too: read /_bench/stats before and after a measurement instead.
        store = request.app.state.store
        return JSONResponse(
            {name: await store[name].estimated_document_count() for name in COLLECTIONS}
        )

    app.router.lifespan_context = lifespan
    app.router.routes[:0] = [
        Route(STATS_PATH, stats),
        Route(DOCUMENTS_PATH, documents),
        Route(DATA_SIZE_PATH, data_size),
        Route(CALLS_PATH, calls),
        Route(ADD_ARTICLE_PATH, add, methods=["POST"]),
    ]
    return app
