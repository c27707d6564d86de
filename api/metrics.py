"""Prometheus metrics: GraphQL operations, errors, query cost, HTTP traffic, MongoDB commands.

Each app owns its registry (no process-wide global), so tests and several apps in one process do
not share counts. Three feeds fill it: `MetricsExtension` (one per GraphQL operation), the
`MetricsMiddleware` around every HTTP request, and the store's `CommandLog` (every MongoDB
command, on both backends). `GET /metrics` renders it in the text exposition format.
"""

from __future__ import annotations

import asyncio
import hmac
import re
import time
from collections.abc import Iterator

from graphql import GraphQLError
from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    ProcessCollector,
    disable_created_metrics,
)
from prometheus_client.exposition import choose_encoder
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import SchemaExtension
from strawberry.types import ExecutionResult

from api.auth import bearer_token
from api.context import CostReport, RequestContext, RequestState
from api.graphql_errors import classify

LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
COST_BUCKETS = (1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)

# Operation names come from clients, so they are checked and capped: a client cannot grow the
# registry without bound by inventing names.
MAX_OPERATION_NAMES = 200
_OPERATION_NAME = re.compile(r"^[_A-Za-z][_0-9A-Za-z]{0,63}$")
ANONYMOUS = "anonymous"
OTHER = "other"

# The `_created` timestamp series double every series' count and no dashboard here reads them.
disable_created_metrics()

ROUTES = ("/graphql", "/healthz", "/readyz", "/metrics", "/graphiql-static")


class Metrics:
    """The app's metrics and the functions that feed them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        self._operation_names: set[str] = set()
        self.operations = Counter(
            "diplograph_graphql_operations",
            "GraphQL operations executed, by operation name.",
            ["operation"],
            registry=self.registry,
        )
        self.operation_seconds = Histogram(
            "diplograph_graphql_operation_duration_seconds",
            "Time to execute a GraphQL operation (parse, validate, resolve), by operation name.",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "diplograph_graphql_errors",
            "GraphQL errors sent to clients, by `extensions.code`.",
            ["code"],
            registry=self.registry,
        )
        self.query_cost = Histogram(
            "diplograph_graphql_query_cost",
            "Cost of each GraphQL operation: `requested` is the limiter's price before execution, "
            "`actual` what the answer turned out to cost.",
            ["operation", "kind"],
            buckets=COST_BUCKETS,
            registry=self.registry,
        )
        self.http_requests = Counter(
            "diplograph_http_requests",
            "HTTP requests answered, by route and status code.",
            ["route", "status"],
            registry=self.registry,
        )
        self.http_in_progress = Gauge(
            "diplograph_http_requests_in_progress",
            "HTTP requests being served right now.",
            registry=self.registry,
        )
        self.mongodb_commands = Counter(
            "diplograph_mongodb_commands",
            "MongoDB commands sent, by command, collection and outcome (ok or failed).",
            ["command", "collection", "outcome"],
            registry=self.registry,
        )
        self.mongodb_seconds = Histogram(
            "diplograph_mongodb_command_duration_seconds",
            "Time from sending a MongoDB command to its reply, by command.",
            ["command"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )

    def operation_label(self, name: str | None) -> str:
        if not name:
            return ANONYMOUS
        if name in self._operation_names:
            return name
        if not _OPERATION_NAME.match(name) or len(self._operation_names) >= MAX_OPERATION_NAMES:
            return OTHER
        self._operation_names.add(name)
        return name

    def observe_operation(
        self,
        name: str | None,
        seconds: float,
        error_codes: list[str],
        cost: CostReport | None = None,
    ) -> None:
        """One operation has ended; `cost` is the cost limiter's report, if it priced it."""
        label = self.operation_label(name)
        self.operations.labels(label).inc()
        self.operation_seconds.labels(label).observe(seconds)
        for code in error_codes:
            self.errors.labels(code).inc()
        if cost is not None:
            self.query_cost.labels(label, "requested").observe(cost.requested)
            self.query_cost.labels(label, "actual").observe(cost.actual)

    def observe_command(self, name: str, collection: str, seconds: float, succeeded: bool) -> None:
        """A `CommandLog` observer: one MongoDB command has ended."""
        self.mongodb_commands.labels(name, collection, "ok" if succeeded else "failed").inc()
        self.mongodb_seconds.labels(name).observe(seconds)

    def render(self, accept: str = "") -> tuple[bytes, str]:
        """The exposition the scraper asked for (Prometheus text, or OpenMetrics), and its type."""
        encoder, content_type = choose_encoder(accept)
        return encoder(self.registry), content_type


class MetricsExtension(SchemaExtension):
    """Counts and times each operation and the errors it returns.

    Listed before `ErrorPolicy`, so it finishes after it and sees the final error codes.
    """

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        context = self.execution_context
        codes: list[str] = []  # other exceptions become HTTP 400s, counted by the middleware
        try:
            yield
        except GraphQLError as error:
            # An error raised in a hook leaves the operation as an exception, not as a result
            # (Strawberry answers it after every hook has run): count it by the code it gets.
            codes = [_code(classify(error, None)[0])]
            raise
        except asyncio.CancelledError:
            # The request deadline (api/http.py) cancels the operation and answers with this code.
            codes = ["DEADLINE_EXCEEDED"]
            raise
        else:
            codes = [_code(error) for error in getattr(context.result, "errors", None) or []]
        finally:
            state = context.context.state if isinstance(context.context, RequestContext) else None
            if state is not None:
                state.observed = True
            seconds = time.perf_counter() - started
            cost = state.cost if state is not None else None
            self.metrics.observe_operation(context.operation_name, seconds, codes, cost)


def observe_unexecuted(
    metrics: Metrics,
    state: RequestState,
    name: str | None,
    result: ExecutionResult,
    seconds: float,
) -> None:
    """Count an operation the view answered without running Strawberry (from the response cache,
    or refused over budget there), by its operation `name`; one the extension counted already is
    left alone."""
    if state.observed:
        return
    codes = [_code(error) for error in result.errors or []]
    metrics.observe_operation(name, seconds, codes, state.cost)


def _code(error: GraphQLError) -> str:
    return str((error.extensions or {}).get("code", "UNKNOWN"))


class MetricsMiddleware:
    """Counts HTTP requests by route and status, and how many are in flight."""

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = _route(scope["path"])
        status = 500  # what the server sends if the app fails before starting a response

        async def send_and_watch(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        self.metrics.http_in_progress.inc()
        try:
            await self.app(scope, receive, send_and_watch)
        finally:
            self.metrics.http_in_progress.dec()
            self.metrics.http_requests.labels(route, str(status)).inc()


def _route(path: str) -> str:
    for route in ROUTES:
        if path == route or path.startswith(route + "/"):
            return route
    return OTHER


def metrics_endpoint(metrics: Metrics, token: str | None = None):
    """The `GET /metrics` handler for this app's registry; with a `token`, only for a request
    that presents it (`Authorization: Bearer <token>`, compared in constant time)."""

    async def endpoint(request: Request) -> Response:
        if token is not None:
            given = bearer_token(request.headers)
            if given is None or not hmac.compare_digest(given.encode(), token.encode()):
                return Response(
                    "/metrics needs `Authorization: Bearer <DIPLOGRAPH_METRICS_TOKEN>`.\n",
                    status_code=401,
                    headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
                    media_type="text/plain",
                )
        body, content_type = metrics.render(request.headers.get("accept", ""))
        return Response(body, headers={"content-type": content_type})

    return endpoint
