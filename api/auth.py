"""Who is calling: bearer tokens, the client a cost budget belongs to, and the write policy.

Reads need no token. A bearer token the server knows (`DIPLOGRAPH_API_TOKENS`, or the write token)
names a client with a budget of its own; any other caller, including one with a token the server
does not know, is known by its IP address, so inventing tokens buys no fresh budgets. Writes need
the write token; with `DIPLOGRAPH_WRITE_TOKEN` unset, every write is refused.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from typing import Any

from starlette.requests import HTTPConnection
from strawberry.permission import BasePermission

from api.context import RequestContext
from api.errors import Unauthorized
from api.settings import Settings


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if there is one."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def _matches(token: str, known: str | None) -> bool:
    return known is not None and hmac.compare_digest(token.encode(), known.encode())


def client_key(request: HTTPConnection, settings: Settings) -> str:
    """The key of the caller's cost budget: a known token (hashed, never kept) or the IP."""
    token = bearer_token(request.headers)
    known = [*settings.api_tokens, settings.write_token]
    if token is not None and any(_matches(token, candidate) for candidate in known):
        return "token:" + hashlib.sha256(token.encode()).hexdigest()[:16]
    host = request.client.host if request.client else "unknown"
    return f"ip:{host}"


class WriteAccess(BasePermission):
    """The permission every mutation must carry: the caller presents the write token."""

    message = "Writes need the write token: send `Authorization: Bearer <DIPLOGRAPH_WRITE_TOKEN>`."

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        context = info.context
        if not isinstance(context, RequestContext) or context.request is None:
            return False
        token = bearer_token(context.request.headers)
        return token is not None and _matches(token, context.settings.write_token)

    def on_unauthorized(self) -> None:
        raise Unauthorized(self.message)
