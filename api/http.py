"""GraphQL over HTTP: the view follows the GraphQL-over-HTTP specification and fails closed.

Strawberry's view answers a body that is not UTF-8, or JSON that is not an object, with a 500,
always answers `application/json`, and says 400 to a mutation sent with GET. `GraphQLHTTP` fixes
those and adds the request deadline; `RawRequestGuard` refuses oversized bodies before anything
reads them. Every refusal is a JSON body with `errors[].extensions.code`, so clients can branch on
a code whatever went wrong.

Status codes (https://graphql.github.io/graphql-over-http/draft/):

- a request that is not a well-formed GraphQL-over-HTTP request: 400 (415 for a body that is not
  JSON, 413 when too large, 405 for other methods and for mutations over GET, 406 when the client
  accepts neither JSON media type);
- a GraphQL request error (the document does not parse or validate, a limit refuses it, the
  variables do not fit): 400 with `application/graphql-response+json`, 200 with `application/json`,
  and no `data` entry either way;
- over the cost budget: 429 with Retry-After; the database down: 503;
- anything else: 200, with `data` and any field errors.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import parse_qsl

import orjson
import pymongo
from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql import GraphQLError, OperationDefinitionNode, parse
from graphql import OperationType as AstOperationType
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, process_result
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.base import BaseSchema
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.graphql import OperationType

from api.auth import AuthError, authorize, client_key
from api.caches import DocumentCache
from api.consistency import ReadWriteLock
from api.context import RequestContext, RequestState
from api.cost import Budgets, charge, over_budget, settle
from api.errors import DeadlineExceeded
from api.graphql_errors import ensure_coded, log_operation
from api.limits import as_graphql_error
from api.metrics import Metrics, observe_unexecuted
from api.middleware import request_id_of
from api.persisted import PersistedQueries, PersistedQueryError
from api.response_cache import SCOPE, Entry, ResponseCache, cache_key, is_query, query_text
from api.settings import Settings
from store.connection import Store
from store.errors import DatabaseUnavailable
from store.repository.dataset import DataState, data_state

logger = logging.getLogger("diplograph.http")

GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
JSON = "application/json"
_CODES = {
    400: "BAD_REQUEST",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    406: "NOT_ACCEPTABLE",
    413: "PAYLOAD_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    500: "INTERNAL_SERVER_ERROR",
}
# Deepest nesting of arrays and objects a request's JSON may have. orjson parses up to 1,024 levels,
# but orjson.dumps (the cost limiter's and the response cache's keys) and any recursive walk stop
# far sooner (orjson at 254); real variables are a few levels deep.
MAX_JSON_DEPTH = 64


def too_deep(value: object, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether `value` (parsed JSON) nests arrays and objects more than `limit` levels deep.

    Iterative, so that checking is safe at any depth orjson accepts."""
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth + 1 > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


def loads(data: str | bytes, what: str, invalid: str | None = None) -> Any:
    """Parse request JSON, refusing (400) what is not JSON (with the message `invalid`, if given)
    or nests deeper than MAX_JSON_DEPTH."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise HTTPError(400, invalid or f"{what} is not valid JSON: {error}.") from None
    if too_deep(value):
        raise HTTPError(
            400, f"{what} nests arrays and objects more than {MAX_JSON_DEPTH} levels deep."
        )
    return value


class HTTPError(Exception):
    """A refusal at the HTTP level, with the status, code and headers to answer it with."""

    def __init__(
        self,
        status: int,
        message: str,
        headers: Mapping[str, str] | None = None,
        code: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = dict(headers or {})
        self.code = code


def negotiate(accept: str | None) -> str | None:
    """The response media type for an Accept header, or None when the client takes neither.

    No header means the GraphQL media type (the spec's default since 2025); `*/*` means JSON, for
    the clients that send it without thinking (curl, browsers, most HTTP libraries).
    """
    if not accept or not accept.strip():
        return GRAPHQL_RESPONSE_JSON
    best: tuple[float, int, str] | None = None
    for position, item in enumerate(accept.split(",")):
        media, params = parse_content_type(item)
        media = media.strip().lower()
        quality = 1.0
        if "q" in params:
            try:
                quality = float(params["q"])
            except ValueError:
                quality = 0.0
        if quality <= 0:
            continue
        if media == GRAPHQL_RESPONSE_JSON:
            chosen = GRAPHQL_RESPONSE_JSON
        elif media in (JSON, "application/*", "*/*"):
            chosen = JSON
        else:
            continue
        # The higher quality wins, then the earlier entry.
        if best is None or quality > best[0]:
            best = (quality, position, chosen)
    return best[2] if best else None


def error_body(message: str, code: str, request_id: str | None = None) -> bytes:
    extensions: dict[str, Any] = {"code": code}
    if request_id:
        extensions["requestId"] = request_id
    return orjson.dumps({"errors": [{"message": message, "extensions": extensions}]})


def error_response(
    status: int,
    message: str,
    accept: str | None,
    headers: Mapping[str, str] | None = None,
    request_id: str | None = None,
    code: str | None = None,
) -> Response:
    """A refusal as a GraphQL-shaped JSON body in the media type the client accepts."""
    media = negotiate(accept) or JSON
    return Response(
        error_body(message, code or _CODES.get(status, "BAD_REQUEST"), request_id),
        status_code=status,
        headers=dict(headers or {}),
        media_type=f"{media}; charset=utf-8",
    )


class InFlight:
    """How many requests each client has in flight, and the most it may."""

    def __init__(self, maximum: int) -> None:
        self.maximum = maximum
        self._counts: dict[str, int] = {}

    def enter(self, client: str) -> bool:
        """Count one more request for `client`, unless it already has the most it may."""
        count = self._counts.get(client, 0)
        if count >= self.maximum:
            return False
        self._counts[client] = count + 1
        return True

    def leave(self, client: str) -> None:
        count = self._counts.get(client, 0) - 1
        if count > 0:
            self._counts[client] = count
        else:
            self._counts.pop(client, None)


STATE_KEY = "diplograph.request_state"


class RawRequestGuard:
    """Refuses requests whose bytes cannot make a GraphQL request, before anything parses them,
    and those a client may not make now.

    In order: a client with `max_concurrent_requests_per_client` requests in flight gets 429, and
    so does one whose budget cannot pay the minimum charge (both before the body is read); a body
    over `max_body_bytes` gets 413 (from Content-Length without reading it, or as soon as the
    streamed body passes the limit); a URL query string that is not UTF-8 gets 400. A request
    that the cost limiter did not charge (refused here, malformed, failing validation) is charged
    the minimum when it ends.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_body_bytes: int,
        settings: Settings | None = None,
        budgets: Budgets | None = None,
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.settings = settings or Settings()
        self.budgets = budgets
        self.in_flight = InFlight(self.settings.max_concurrent_requests_per_client)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        accept = request.headers.get("accept")
        client = client_key(request, self.settings)
        if not self.in_flight.enter(client):
            message = (
                f"This client has {self.in_flight.maximum} requests in flight, the most it may; "
                "send the next one when one of them has been answered."
            )
            headers = {"Retry-After": "1"}
            await error_response(429, message, accept, headers, code="RATE_LIMITED")(
                scope, receive, send
            )
            return
        state = RequestState(accept=accept, request_id=request_id_of(request))
        scope.setdefault("state", {})[STATE_KEY] = state
        try:
            refusal = self._cannot_pay(client)
            if refusal is not None:
                await refusal(scope, receive, send)
                return
            await self._guarded(request, accept, scope, receive, send)
        finally:
            self.in_flight.leave(client)
            if state.cost is None and self.budgets is not None:
                self.budgets.settle(client, 0, self.settings.min_request_cost)

    def _cannot_pay(self, client: str) -> Response | None:
        minimum = self.settings.min_request_cost
        if self.budgets is None or minimum == 0:
            return None
        taken = self.budgets.take(client, minimum)
        if not taken.allowed:
            refusal = over_budget(self.budgets, taken, minimum)
            body = error_body(refusal.error.message, refusal.error.code)
            return Response(
                body,
                status_code=429,
                headers=refusal.headers,
                media_type=f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8",
            )
        # Only a check: the charge itself is made once the request has run.
        self.budgets.settle(client, minimum, 0)
        return None

    async def _guarded(
        self, request: Request, accept: str | None, scope: Scope, receive: Receive, send: Send
    ) -> None:
        try:
            parse_qsl(scope.get("query_string", b"").decode("latin-1"), errors="strict")
        except UnicodeDecodeError:
            await error_response(400, "The URL's query string is not valid UTF-8.", accept)(
                scope, receive, send
            )
            return
        declared = request.headers.get("content-length")
        if declared is not None and not (declared.isascii() and declared.isdigit()):
            await error_response(400, "Content-Length is not a number.", accept)(
                scope, receive, send
            )
            return
        if declared is not None and int(declared) > self.max_body_bytes:
            await self._too_large(accept, scope, receive, send)
            return
        body = bytearray()
        more = True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_body_bytes:
                await self._too_large(accept, scope, receive, send)
                return
        await self.app(scope, _replay(bytes(body), receive), send)

    async def _too_large(self, accept: str | None, scope: Scope, receive: Receive, send: Send):
        message = f"The request body is over the limit of {self.max_body_bytes} bytes."
        await error_response(413, message, accept, {"Connection": "close"})(scope, receive, send)


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replayed


class SubResponse(Response):
    """Strawberry's sub-response, where extensions set headers and a status, carrying the state
    of the request it answers (`RequestState`): the view reads the client's Accept header there."""

    def __init__(self, state: RequestState) -> None:
        super().__init__()
        # Strawberry's convention: no status until an extension sets one.
        self.status_code = None  # type: ignore[assignment]
        del self.headers["content-length"]
        self.state = state


_TIMED_OUT = object()  # waiting for an identical request's answer ran past the deadline


class TimedOut(ExecutionResult):
    """The result of an operation cancelled at the request deadline (it has `data: null`)."""


def is_request_error(result: ExecutionResult) -> bool:
    """Whether the operation never ran: parse, validation, limits, variables (no `data`)."""
    if isinstance(result, PreExecutionError):
        return True
    if isinstance(result, TimedOut) or result.data is not None or not result.errors:
        return False
    return all(error.path is None for error in result.errors)


# A query that overlapped a write made by another process runs again, at most this many times in
# all, a little later each time (a write of one article takes milliseconds).
READ_ATTEMPTS = 3
READ_RETRY_SECONDS = 0.02


@lru_cache(maxsize=1000)
def _writes(query: str, operation: str | None) -> bool:
    """Whether the operation a request selects is a mutation (unparseable: no, it cannot run)."""
    try:
        document = parse(query)
    except GraphQLError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if operation is not None:
        operations = [d for d in operations if d.name and d.name.value == operation]
    return any(d.operation is AstOperationType.MUTATION for d in operations)


class GraphQLHTTP(GraphQL):
    """Strawberry's ASGI view, made to follow the GraphQL-over-HTTP spec and to fail closed."""

    def __init__(
        self,
        schema: BaseSchema,
        *,
        deadline_seconds: float,
        persisted_queries: int = 0,
        settings: Settings | None = None,
        budgets: Budgets | None = None,
        response_cache: ResponseCache | None = None,
        metrics: Metrics | None = None,
        documents: DocumentCache | None = None,
        **kwargs: Any,
    ) -> None:
        """`budgets` are the ones the schema's cost limiter charges (one set per app), so that
        answers from `response_cache` are charged alike; without them (a bare schema, in tests)
        the view has no cache and an unlimited budget. `metrics` counts what the view answers
        without running Strawberry; `documents` keeps what is derived from query texts (shared
        with the schema's extensions)."""
        super().__init__(schema, **kwargs)
        self.settings = settings or Settings()
        self.deadline_seconds = deadline_seconds
        self.documents = documents or DocumentCache(self.settings.document_cache_bytes)
        self.persisted = PersistedQueries(persisted_queries, self.documents)
        self.budgets = budgets or Budgets(10**9, 10**9)
        self.response_cache = response_cache or ResponseCache(0)
        self.metrics = metrics
        # Misses being executed, by cache key: an identical request waits for the answer.
        self._executing: dict[str, asyncio.Future[Entry | None]] = {}

    def request_context(
        self, request: Request | WebSocket, response: Response | WebSocket, store: Store
    ) -> RequestContext:
        """The context of one request, sharing the request's state with its sub-response."""
        state = response.state if isinstance(response, SubResponse) else RequestState()
        return RequestContext(
            store=store,
            settings=self.settings,
            request=request,
            response=response if isinstance(response, Response) else None,
            state=state,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        accept = request.headers.get("accept")
        try:
            response = await self.run(request)
        except HTTPError as error:
            response = error_response(
                error.status, error.message, accept, error.headers, code=error.code
            )
        except HTTPException as error:
            allow = {"Allow": "GET, POST"} if error.status_code == 405 else None
            response = error_response(error.status_code, error.reason, accept, allow)
        except Exception:
            request_id = request_id_of(request)
            logger.exception("unexpected error in the view", extra={"request_id": request_id})
            message = "Internal server error. Quote the request id when you report it."
            response = error_response(500, message, accept, request_id=request_id)
        await response(scope, receive, send)

    async def on_ws_connect(self, context: Any) -> Any:
        """A WebSocket reads: with `DIPLOGRAPH_READ_REQUIRES_TOKEN`, its `connection_init`
        payload (or the upgrade request) must carry `Authorization: Bearer <token>`."""
        if not self.settings.read_requires_token or not isinstance(context, RequestContext):
            return await super().on_ws_connect(context)
        params = context.connection_params if isinstance(context.connection_params, dict) else {}
        headers = {
            key.lower(): value for key, value in params.items() if isinstance(value, str)
        } or dict(context.request.headers if context.request is not None else {})
        try:
            context.principal = authorize(headers, self.settings, "read")
        except AuthError:
            raise ConnectionRejectionError() from None
        return await super().on_ws_connect(context)

    def should_render_graphql_ide(self, request: Any) -> bool:
        # A GET that carries a persisted-query hash is an operation, not a visit to GraphiQL.
        if request.query_params.get("extensions") is not None:
            return False
        return super().should_render_graphql_ide(request)

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def encode_json(self, data: object) -> bytes:  # type: ignore[override]
        return orjson.dumps(data)

    async def get_sub_response(self, request: Request | WebSocket) -> SubResponse:
        state = request.scope.get("state", {}).get(STATE_KEY)
        if not isinstance(state, RequestState):
            state = RequestState(
                accept=request.headers.get("accept"), request_id=request_id_of(request)
            )
        return SubResponse(state)

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if negotiate(request.headers.get("accept")) is None:
            raise HTTPError(
                406,
                f"This endpoint answers {GRAPHQL_RESPONSE_JSON} or {JSON}; the Accept header "
                "allows neither.",
            )
        if request.method == "GET":
            return self._request_data(self._query_params(request.query_params))
        media, params = parse_content_type(request.content_type or "")
        if media != JSON:
            raise HTTPError(415, f"Send the request as {JSON} (Content-Type: {JSON}).")
        if params.get("charset", "utf-8").lower() not in ("utf-8", "utf8"):
            raise HTTPError(415, "The request body must be UTF-8.")
        raw = await request.get_body()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise HTTPError(400, "The request body is not valid UTF-8.") from None
        data = loads(text, "The request body")
        if isinstance(data, list):
            return self._batch(data)
        return self._request_data(data)

    def _query_params(self, params: Any) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for name in ("query", "operationName", "variables", "extensions"):
            values = params.getlist(name)
            if len(values) > 1:
                raise HTTPError(400, f"`{name}` is given {len(values)} times; give it once.")
            if values:
                data[name] = values[0]
        if data.get("operationName") == "":
            data["operationName"] = None
        for name in ("variables", "extensions"):
            if name in data:
                data[name] = (
                    loads(data[name], f"`{name}`", f"`{name}` must be a JSON object.")
                    if data[name]
                    else None
                )
        return data

    def _batch(self, items: list[Any]) -> list[GraphQLRequestData]:
        config = self.schema.config.batching_config
        if config is None:
            raise HTTPError(400, "Batching is off: send one operation per request.")
        if not items or len(items) > config["max_operations"]:
            raise HTTPError(
                400, f"A batch holds 1 to {config['max_operations']} operations; got {len(items)}."
            )
        return [self._request_data(item) for item in items]

    def _request_data(self, data: Any) -> GraphQLRequestData:
        if not isinstance(data, dict):
            raise HTTPError(400, "The request must be a JSON object with a `query` string.")
        query = data.get("query")
        extensions = data.get("extensions")
        if isinstance(extensions, dict) and "persistedQuery" in extensions:
            if query is not None and not isinstance(query, str):
                raise HTTPError(400, "`query` must be a string.")
            try:
                query = self.persisted.resolve(query, extensions["persistedQuery"])
            except PersistedQueryError as error:
                # Apollo's clients look for the message and the code, and retry with the text.
                status = 200 if error.code == "PERSISTED_QUERY_NOT_FOUND" else 400
                raise HTTPError(status, error.message, code=error.code) from None
        if not isinstance(query, str):
            raise HTTPError(400, "`query` is required and must be a string.")
        operation_name = data.get("operationName")
        if operation_name is not None and not isinstance(operation_name, str):
            raise HTTPError(400, "`operationName` must be a string or null.")
        for name in ("variables", "extensions"):
            if data.get(name) is not None and not isinstance(data[name], dict):
                raise HTTPError(400, f"`{name}` must be an object or null.")
        return GraphQLRequestData(
            query=query,
            variables=data.get("variables"),
            operation_name=operation_name,
            extensions=data.get("extensions"),
        )

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """One operation: from the response cache, or run by Strawberry within the deadline.

        Its MongoDB calls share one deadline: the response cache's data-version read, then the
        resolvers' reads level by level, would each wait DIPLOGRAPH_MONGODB_TIMEOUT_MS while the
        database is down; inside `pymongo.timeout` (PyMongo's client-side operation timeout,
        provisional in PyMongo 4) a call made after the deadline fails at once. Answers given
        without Strawberry are counted in the metrics here.
        """
        started = time.perf_counter()
        state = sub_response.state if isinstance(sub_response, SubResponse) else RequestState()
        self._authorize(request, request_adapter.method, context, request_data)
        # A write waits its turn behind the others and validates every stored article: it has
        # the write deadline, not one read's.
        database_seconds = (
            self.settings.write_deadline_seconds
            if _writes(request_data.query, request_data.operation_name)
            else self.settings.mongodb_timeout_ms / 1000
        )
        with pymongo.timeout(database_seconds):
            key, data = await self._cache_key(context, request_data, state)
            entry = self.response_cache.get(key) if key else None
            if entry is None and key in self._executing:
                entry = await self._wait_for(key)
            if isinstance(entry, Entry):
                result = self._cached(request, state, sub_response, request_data, entry, started)
            elif entry is _TIMED_OUT:
                result = self._timed_out(state, request_data, started)
            else:
                result = await self._execute_once(
                    key, request, request_adapter, state, context, root_value, request_data, data
                )
        if self.metrics is not None:
            seconds = time.perf_counter() - started
            name = request_data.operation_name or self._only_operation(request_data.query)
            observe_unexecuted(self.metrics, state, name, result, seconds)
        return result

    def _authorize(
        self, request: Request, method: str, context: Any, request_data: GraphQLRequestData
    ) -> None:
        """Refuse a write without a `write` token (and, when reads need one, a read without a
        token) with 401 or 403 before anything runs; remember who the caller is."""
        writes = _writes(request_data.query, request_data.operation_name)
        if writes and method == "GET":
            return  # refused with 405 when it runs: GET never writes
        try:
            principal = authorize(request.headers, self.settings, "write" if writes else "read")
        except AuthError as error:
            raise HTTPError(error.status, error.message, error.headers, error.code) from None
        if isinstance(context, RequestContext):
            context.principal = principal

    def _only_operation(self, query: str | None) -> str | None:
        parsed = query_text(query, self.documents) if isinstance(query, str) else None
        return parsed.operations[0][0] if parsed and len(parsed.operations) == 1 else None

    async def _wait_for(self, key: str) -> Entry | object | None:
        """The answer of an identical request being executed (single flight): its entry, None
        when it left nothing to share (the caller executes), or _TIMED_OUT at the deadline."""
        try:
            async with asyncio.timeout(self.deadline_seconds):
                return await asyncio.shield(self._executing[key])
        except TimeoutError:
            return _TIMED_OUT

    async def _execute_once(
        self,
        key: str | None,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        state: RequestState,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
        data: DataState | None,
    ) -> ExecutionResult:
        """Execute a miss, and keep its answer for the cache (when it is known to be consistent)
        and for identical requests that arrive meanwhile."""
        shared: asyncio.Future[Entry | None] | None = None
        if key is not None:
            shared = self._executing[key] = asyncio.get_running_loop().create_future()
        entry = None
        try:
            result, consistent = await self._execute_consistently(
                request, request_adapter, state, context, root_value, request_data, data
            )
            cost = state.cost
            if key and consistent and cost and result.data is not None and not result.errors:
                entry = self.response_cache.put(key, result.data, cost.requested, cost.actual)
            return result
        finally:
            if shared is not None and key is not None:
                del self._executing[key]
                shared.set_result(entry)

    async def _cache_key(
        self, context: Any, request_data: GraphQLRequestData, state: RequestState
    ) -> tuple[str | None, DataState | None]:
        """The response-cache key of a query, or None (cache off, a mutation, database down),
        and the data state it was read at (None when not read). The data's sizes, read with the
        version, are left on the request state for pricing."""
        if (
            not isinstance(context, RequestContext)
            or not isinstance(request_data.query, str)
            or not is_query(request_data.query, request_data.operation_name, self.documents)
        ):
            return None, None
        if not self.response_cache.enabled and (context.store is None or context.store.embedded):
            return None, None
        try:
            data = await data_state(context.store)
        except DatabaseUnavailable:
            return None, None  # executing will report the outage
        state.sizes = data.sizes
        if not self.response_cache.enabled:
            return None, data
        key = cache_key(
            request_data.query,
            request_data.variables,
            request_data.operation_name,
            SCOPE,
            data.version,
            self.documents,
        )
        return key, data

    async def _execute_consistently(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        state: RequestState,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
        before: DataState | None,
    ) -> tuple[ExecutionResult, bool]:
        """Run the operation so that it never sees a write half-done: holding this process's
        readers' lock, and, on a database other processes write to, again when the data state
        moved while it ran (api/consistency.py). Whether the result is known to be consistent."""
        readers: ReadWriteLock | None = getattr(request.app.state, "readers", None)
        store = context.store if isinstance(context, RequestContext) else None
        shared = (
            before is not None
            and store is not None
            and not store.embedded
            and is_query(request_data.query, request_data.operation_name, self.documents)
        )
        for attempt in range(1, READ_ATTEMPTS + 1):
            if readers is not None and is_query(
                request_data.query, request_data.operation_name, self.documents
            ):
                async with readers.reading():
                    result = await self._execute(
                        request, request_adapter, state, context, root_value, request_data
                    )
            else:
                result = await self._execute(
                    request, request_adapter, state, context, root_value, request_data
                )
            if not shared or result.data is None:
                return result, before is None or not before.writing
            try:
                after = await data_state(store)
            except DatabaseUnavailable:
                return result, False
            writing = after.writing and not store.transactions
            if after == before and not writing:
                return result, True
            if attempt == READ_ATTEMPTS:
                logger.warning(
                    "answering a query that overlapped writes by another process",
                    extra={"request_id": state.request_id, "attempts": attempt},
                )
                return result, False
            await asyncio.sleep(READ_RETRY_SECONDS * attempt)
            before = await data_state(store)
        raise AssertionError("unreachable")  # pragma: no cover

    def _cached(
        self,
        request: Request,
        state: RequestState,
        sub_response: Response,
        request_data: GraphQLRequestData,
        entry: Entry,
        started: float,
    ) -> ExecutionResult:
        """Answer from the cache, charged to the caller's budget like a fresh answer."""
        client = client_key(request, self.settings)
        report, refusal = charge(
            self.budgets,
            client,
            entry.requested,
            self.settings.max_query_cost,
            self.settings.min_request_cost,
        )
        fields = {
            "request_id": state.request_id,
            "operation": request_data.operation_name,
            "cached": True,
        }
        if refusal is not None:
            sub_response.headers.update(refusal.headers)
            if refusal.status is not None:
                sub_response.status_code = refusal.status
            log_operation({**fields, "error_codes": [refusal.error.code]})
            return PreExecutionError(data=None, errors=[as_graphql_error(refusal.error)])
        report = settle(self.budgets, client, report, entry.actual)
        state.cost = report
        sub_response.headers.update(self.budgets.headers(report.remaining))
        log_operation(
            {
                **fields,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "cost": {"requested": entry.requested, "actual": entry.actual},
                "error_codes": [],
            }
        )
        return ExecutionResult(
            data=entry.data, errors=None, extensions={"cost": report.as_extension()}
        )

    async def _execute(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        state: RequestState,
        context: Any,
        root_value: Any,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        method = request_adapter.method
        seconds = (
            self.settings.write_deadline_seconds
            if _writes(request_data.query, request_data.operation_name)
            else self.deadline_seconds
        )
        deadline = asyncio.timeout(seconds)
        started = time.perf_counter()
        try:
            async with deadline:
                return await self.schema.execute(
                    request_data.query,
                    root_value=root_value,
                    variable_values=request_data.variables,
                    context_value=context,
                    operation_name=request_data.operation_name,
                    allowed_operation_types=OperationType.from_http(method),
                    operation_extensions=request_data.extensions,
                )
        except TimeoutError:
            if not deadline.expired():
                raise
            return self._timed_out(state, request_data, started, seconds)
        except InvalidOperationTypeError as error:
            if method == "GET" and error.operation_type is OperationType.MUTATION:
                raise HTTPError(
                    405, "Mutations need POST; GET runs queries only.", {"Allow": "POST"}
                ) from None
            raise HTTPError(400, error.as_http_error_reason(method)) from None
        except CannotGetOperationTypeError as error:
            problem = GraphQLError(
                error.as_http_error_reason(), extensions={"code": "OPERATION_RESOLUTION_FAILURE"}
            )
            return PreExecutionError(data=None, errors=[problem])
        except MissingQueryError:
            raise HTTPError(400, "`query` is required and must be a string.") from None

    def _timed_out(
        self, state: RequestState, request_data: GraphQLRequestData, started: float, seconds: float
    ) -> TimedOut:
        request_id = state.request_id
        cost = state.cost
        logger.warning(
            "request deadline exceeded",
            extra={
                "request_id": request_id,
                "operation": request_data.operation_name,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                "cost": {"requested": cost.requested} if cost else None,
            },
        )
        error = DeadlineExceeded(
            f"The request ran past its deadline of {seconds:g} s and was "
            "cancelled. Ask for less: smaller pages, fewer nested lists.",
            deadline=seconds,
            requestId=request_id,
        )
        return TimedOut(
            data=None,
            errors=[GraphQLError(error.message, extensions=error.graphql_extensions())],
        )

    async def process_result(
        self, request: Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        if result.errors:
            request_id = request_id_of(request)
            result.errors = ensure_coded(result.errors, request_id)
        body = process_result(result)
        if is_request_error(result):
            body.pop("data", None)
        return body

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        accept = sub_response.state.accept if isinstance(sub_response, SubResponse) else None
        media = negotiate(accept) or JSON
        status = sub_response.status_code or 200
        request_error = isinstance(response_data, dict) and "data" not in response_data
        if not sub_response.status_code and request_error and media == GRAPHQL_RESPONSE_JSON:
            status = 400
        response = Response(
            self.encode_json(response_data),
            status_code=status,
            media_type=f"{media}; charset=utf-8",
        )
        response.headers.raw.extend(sub_response.headers.raw)
        if sub_response.background:
            response.background = sub_response.background
        return response


def cors_options(settings: Settings) -> dict[str, Any]:
    """Starlette's CORSMiddleware arguments: only the allow-listed origins, no cookies.

    Clients authenticate with bearer tokens, never cookies, so credentials stay off; the rate
    limit and request id headers are exposed so that browser clients can read them.
    """
    return {
        "allow_origins": settings.cors_allow_origins,
        "allow_methods": ["GET", "POST"],
        "allow_headers": ["Authorization", "Content-Type", "X-Request-ID"],
        "expose_headers": ["RateLimit", "RateLimit-Policy", "Retry-After", "X-Request-ID"],
        "allow_credentials": False,
        "max_age": 600,
    }
