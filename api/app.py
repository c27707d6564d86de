"""The ASGI app: GraphQL at /graphql (GraphiQL on GET), health and readiness probes."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from starlette.applications import Starlette
from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket
from strawberry import Schema
from strawberry.extensions import SchemaExtension

from api.auth import warn_about_deprecated
from api.banner import log_banner
from api.caches import DocumentCache
from api.changes import ChangeFeed, ChangeHub, choose_feed
from api.consistency import ReadWriteLock
from api.context import RequestContext
from api.cost import Budgets
from api.examples import default_query, golden_queries, live_examples
from api.graphiql import STATIC_DIR, render_graphiql_page
from api.graphql_schema import build_schema
from api.http import GraphQLHTTP, RawRequestGuard, cors_options
from api.logs import configure_logging
from api.metrics import Metrics, MetricsExtension, MetricsMiddleware, metrics_endpoint
from api.middleware import LoggedCORSMiddleware, RequestIdMiddleware
from api.response_cache import ResponseCache
from api.settings import Settings
from api.tracing import create_tracer_provider
from api.writes import Writer, restore_data_folder
from seeds.datadir import DataFolder
from store.connection import Store, create_store
from store.errors import DatabaseUnavailable
from store.repository.dataset import data_state

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

logger = logging.getLogger("diplograph")

STATIC_URL = "/graphiql-static"
RETRY_SECONDS = 2.0


class GraphQLView(GraphQLHTTP):
    """The GraphQL-over-HTTP view with diplograph's context and an offline GraphiQL page."""

    def __init__(self, schema: Schema, settings: Settings, **kwargs: Any) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.graphiql else None,
            deadline_seconds=settings.request_deadline_seconds,
            settings=settings,
            persisted_queries=settings.persisted_queries,
            **kwargs,
        )
        # The example files themselves, read at start-up: GraphiQL never holds copies.
        self._page = (
            render_graphiql_page(
                static_url=STATIC_URL,
                default_query=default_query(),
                examples=golden_queries() + live_examples(),
            )
            if settings.graphiql
            else ""
        )

    async def get_context(
        self, request: Request | WebSocket, response: Response | WebSocket
    ) -> RequestContext:
        return self.request_context(request, response, request.app.state.store)

    async def render_graphql_ide(self, request: Request) -> Response:
        return HTMLResponse(self._page)


async def prepare_store(store: Store, settings: Settings) -> None:
    """Check the database answers, learn what it can do, create indexes, and load the seed
    data if asked to: the bundled articles, then DIPLOGRAPH_ARTICLES' bundles. On the embedded
    store, also what earlier runs wrote (the data folder). Invalid bundles stop the start-up with
    every problem logged: serving without them would answer as if they did not exist."""
    await store.ping()
    await store.detect_capabilities()
    await store.ensure_indexes()
    folder = data_folder(settings)
    if settings.should_seed or folder is not None:
        from seeds.loader import article_id_of, collect_articles, load
        from seeds.problems import SeedValidationError

        try:
            articles = collect_articles(None) if settings.should_seed else []
            if settings.should_seed and settings.articles:
                articles += collect_articles(settings.articles)
            corrections = []
            if folder is not None:
                saved = folder.articles()
                removed = folder.removed()
                replaced = {article_id_of(article) for article in saved} | removed
                articles = [a for a in articles if article_id_of(a) not in replaced] + saved
                corrections = folder.corrections()
            report = await load(store, articles, corrections=corrections)
        except SeedValidationError as error:
            logger.error("the seed data did not load; nothing was written. %s", error.message)
            raise
        for warning in report.warnings:
            logger.warning("seed data: WARNING %s", warning)
        logger.info(
            "seed data loaded (%s): %d bundle(s) read: %s; the store holds %d article(s)",
            report.summary(),
            len(report.loaded),
            ", ".join(report.loaded),
            len(report.articles),
        )
        if folder is not None:
            writes, entries = await restore_data_folder(store, folder)
            logger.info(
                "data folder %s: %d saved articles, %d removed, %d corrections, %d earlier "
                "writes (%d audit entries)",
                folder.root,
                len(saved),
                len(removed),
                len(corrections),
                len(writes),
                entries,
            )

    # Measures the data's sizes now if they were never stored, rather than on the first query.
    await data_state(store)


def data_folder(settings: Settings) -> DataFolder | None:
    """The data folder the embedded store saves writes to (none on MongoDB: it is the truth)."""
    return DataFolder(settings.data_dir) if settings.embedded else None


async def start_feed(app: Starlette, settings: Settings) -> None:
    """Start hearing of writes by other processes, for `graphChanged` (api/changes.py)."""
    store = app.state.store
    kind = choose_feed(settings.change_feed, store)
    app.state.feed = ChangeFeed(store, app.state.changes, kind, settings.change_poll_seconds)
    await app.state.feed.start()
    logger.info("change feed: %s", kind)


def mark_ready(app: Starlette) -> None:
    """Ready to serve. The start-up heap (schema, reference data, the embedded store's seed data)
    moves to the collector's permanent generation: otherwise every full collection walks its
    ~100k objects (about 55 ms here), which was the p99 of every query."""
    app.state.prepared = True
    app.state.not_ready_reason = None
    gc.collect()
    gc.freeze()


async def _keep_trying(app: Starlette, settings: Settings) -> None:
    """Retry preparing the store until it works, so the server recovers by itself."""
    while True:
        await asyncio.sleep(RETRY_SECONDS)
        try:
            await prepare_store(app.state.store, settings)
        except DatabaseUnavailable as error:
            app.state.not_ready_reason = str(error)
            continue
        mark_ready(app)
        await start_feed(app, settings)
        logger.info("database is available again; the API is ready")
        await log_banner(app.state.store, settings)
        return


def create_app(
    settings: Settings | None = None, *, span_exporter: SpanExporter | None = None
) -> Starlette:
    """Build the app from settings; the store is created in the lifespan and kept on app.state.

    `span_exporter` replaces DIPLOGRAPH_TRACING_EXPORTER's exporter when DIPLOGRAPH_TRACING is on
    (tests pass the SDK's in-memory one).
    """
    settings = settings or Settings()
    configure_logging(settings.log_level, settings.log_format)
    metrics = Metrics()
    budgets = Budgets(settings.rate_limit_budget, settings.rate_limit_refill_per_second)
    response_cache = ResponseCache(settings.response_cache_bytes)
    documents = DocumentCache(settings.document_cache_bytes)
    tracer_provider = create_tracer_provider(settings, span_exporter)
    outer_extensions: list[Callable[[], SchemaExtension]] = []
    if settings.metrics:
        outer_extensions.append(partial(MetricsExtension, metrics))
    if tracer_provider is not None:
        from strawberry.extensions.tracing import OpenTelemetryExtension

        outer_extensions.append(partial(OpenTelemetryExtension, tracer_provider=tracer_provider))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        warn_about_deprecated(settings)
        app.state.store = create_store(settings.store_config)
        app.state.store.commands.observe(metrics.observe_command)
        app.state.prepared = False
        app.state.not_ready_reason = "starting"
        app.state.changes = ChangeHub()
        app.state.readers = ReadWriteLock()
        app.state.writer = Writer(
            app.state.store, app.state.changes, app.state.readers, data_folder(settings)
        )
        app.state.feed = None
        retry: asyncio.Task[None] | None = None
        try:
            await prepare_store(app.state.store, settings)
            mark_ready(app)
            await start_feed(app, settings)
            await log_banner(app.state.store, settings)
        except DatabaseUnavailable as error:
            app.state.not_ready_reason = str(error)
            logger.warning(
                "database unavailable at start-up (%s); retrying in the background", error
            )
            retry = asyncio.create_task(_keep_trying(app, settings))
        try:
            yield
        finally:
            if retry is not None:
                retry.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await retry
            if app.state.feed is not None:
                await app.state.feed.stop()
            await app.state.store.close()
            if tracer_provider is not None:
                tracer_provider.shutdown()  # flushes the spans still batched

    async def healthz(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> JSONResponse:
        state = request.app.state
        if not state.prepared:
            return JSONResponse({"status": "unavailable", "reason": state.not_ready_reason}, 503)
        try:
            await state.store.ping()
        except DatabaseUnavailable as error:
            return JSONResponse({"status": "unavailable", "reason": str(error)}, 503)
        return JSONResponse({"status": "ready"})

    schema = build_schema(
        settings, budgets=budgets, outer_extensions=outer_extensions, documents=documents
    )
    graphql = GraphQLView(
        schema,
        settings,
        budgets=budgets,
        response_cache=response_cache,
        metrics=metrics if settings.metrics else None,
        documents=documents,
    )
    routes = [
        Route("/healthz", healthz),
        Route("/readyz", readyz),
        # The view answers every method itself (405 with a JSON body for the others).
        Route("/graphql", RawRequestGuard(graphql, settings.max_body_bytes, settings, budgets)),
        # Subscriptions (graphChanged) over graphql-transport-ws.
        WebSocketRoute("/graphql", graphql),
    ]
    if settings.graphiql:
        # Compressed: GraphiQL's 4.1 MB of scripts travel as about 1.1 MB.
        assets = GZipMiddleware(StaticFiles(directory=STATIC_DIR), minimum_size=1024)
        routes.append(Mount(STATIC_URL, assets, name="graphiql-static"))
    if settings.metrics:
        routes.append(Route("/metrics", metrics_endpoint(metrics, settings.metrics_token)))
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.response_cache = response_cache
    app.state.documents = documents
    app.add_middleware(LoggedCORSMiddleware, **cors_options(settings))
    app.add_middleware(RequestIdMiddleware)
    if settings.metrics:
        app.add_middleware(MetricsMiddleware, metrics=metrics)
    return app
