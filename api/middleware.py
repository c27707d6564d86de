"""ASGI middleware: a request id on every request, echoed in the response and in the logs; CORS
that logs the origins it refuses."""

from __future__ import annotations

import logging
import re
import uuid

from starlette.datastructures import Headers, MutableHeaders
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger("diplograph.cors")

REQUEST_ID_HEADER = "x-request-id"
_STATE_KEY = "request_id"
_VALID_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class RequestIdMiddleware:
    """Take the caller's X-Request-ID when it is sane, or make one; expose it as request.state."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        incoming = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = incoming if _VALID_ID.match(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})[_STATE_KEY] = request_id

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        await self.app(scope, receive, send_with_id)


def request_id_of(connection: HTTPConnection) -> str | None:
    """The id the middleware gave this request (None outside the middleware, as in tests)."""
    state = connection.scope.get("state") or {}
    return state.get(_STATE_KEY)


class LoggedCORSMiddleware(CORSMiddleware):
    """Starlette's CORS allow-list, plus a warning naming each origin it refuses and the path.

    A refused preflight is otherwise only `"OPTIONS /graphql" 400` in the access log, and a
    refused simple request nothing at all (the browser just hides the answer). A page of the
    server's own origin sends an Origin header too; it needs no CORS, so it is not logged.
    """

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            origin = headers.get("origin")
            if (
                origin is not None
                and not self.is_allowed_origin(origin)
                and not _same_origin(scope, headers, origin)
            ):
                preflight = (
                    scope["method"] == "OPTIONS" and "access-control-request-method" in headers
                )
                logger.warning(
                    "refused CORS %s from origin %s to %s: not in DIPLOGRAPH_CORS_ALLOW_ORIGINS",
                    "preflight" if preflight else "request",
                    origin,
                    scope["path"],
                    extra={"origin": origin, "path": scope["path"]},
                )
        await super().__call__(scope, receive, send)


def _same_origin(scope: Scope, headers: Headers, origin: str) -> bool:
    host = headers.get("host")
    return host is not None and origin == f"{scope.get('scheme', 'http')}://{host}"
