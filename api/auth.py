"""Who is calling: bearer tokens, their scopes, and the client a cost budget belongs to.

Tokens are configured as SHA-256 hashes with an id and scopes (`DIPLOGRAPH_TOKENS`, made by
`diplograph token create`); a presented token is hashed and compared with every configured hash in
constant time. The plain tokens of `DIPLOGRAPH_API_TOKENS` identify clients for their budgets (scope
`read`), and the deprecated `DIPLOGRAPH_WRITE_TOKEN` is one plain token with the `write` scope.

Reads need no token unless `DIPLOGRAPH_READ_REQUIRES_TOKEN` is on; writes need the `write` scope.
A missing or unknown token is 401, a known token without the scope 403, both with a
`WWW-Authenticate: Bearer` challenge (RFC 6750). A caller without a known token is known by its IP
address for its budget, so inventing tokens buys no fresh budgets.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from starlette.requests import HTTPConnection
from strawberry.permission import BasePermission

from api.context import RequestContext
from api.errors import Forbidden, Unauthorized
from api.settings import Settings

logger = logging.getLogger("diplograph.auth")

REALM = "diplograph"
LEGACY_WRITE_TOKEN_ID = "write-token"
TOKEN_PREFIX = "dg_"


@dataclass(frozen=True)
class Principal:
    """The holder of a known token: its id (what the audit trail records) and its scopes."""

    id: str
    scopes: frozenset[str]
    budget_key: str

    def can(self, scope: str) -> bool:
        """Whether the token has `scope`; `write` includes `read`."""
        return scope in self.scopes or (scope == "read" and "write" in self.scopes)


class AuthError(Exception):
    """A refusal: 401 (no or an unknown token) or 403 (a token without the scope)."""

    def __init__(self, status: int, message: str, challenge: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = "UNAUTHENTICATED" if status == 401 else "FORBIDDEN"
        self.headers = {"WWW-Authenticate": challenge}


def bearer_token(headers: Mapping[str, str]) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, if there is one."""
    scheme, _, token = headers.get("authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as `DIPLOGRAPH_TOKENS` records it."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A fresh token: 256 random bits, URL-safe, with a prefix that secret scanners can spot."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def identify(token: str | None, settings: Settings) -> Principal | None:
    """The principal a presented token names, or None when the server does not know it.

    Every configured token is compared, each in constant time, so the time taken does not say
    which one nearly matched."""
    if token is None:
        return None
    digest = token_hash(token).encode()
    found: Principal | None = None
    for entry in settings.tokens:
        if hmac.compare_digest(digest, entry.sha256.encode()) and found is None:
            found = Principal(entry.id, frozenset(entry.scopes), f"token:{entry.id}")
    for plain in settings.api_tokens:
        if hmac.compare_digest(token.encode(), plain.encode()) and found is None:
            found = Principal(
                f"api-token-{token_hash(plain)[:8]}",
                frozenset({"read"}),
                "token:" + token_hash(plain)[:16],
            )
    legacy = settings.write_token
    if legacy and hmac.compare_digest(token.encode(), legacy.encode()) and found is None:
        found = Principal(
            LEGACY_WRITE_TOKEN_ID, frozenset({"read", "write"}), "token:" + token_hash(legacy)[:16]
        )
    return found


def _challenge(error: str | None = None, scope: str | None = None) -> str:
    parts = [f'realm="{REALM}"']
    if error:
        parts.append(f'error="{error}"')
    if scope:
        parts.append(f'scope="{scope}"')
    return "Bearer " + ", ".join(parts)


def authorize(headers: Mapping[str, str], settings: Settings, scope: str) -> Principal | None:
    """The caller's principal if it may act with `scope`, else AuthError (401 or 403).

    Reading with an unknown token is allowed while reads are public (the caller is then
    anonymous), so that a client whose token was revoked keeps reading public data."""
    token = bearer_token(headers)
    principal = identify(token, settings)
    needed = scope == "write" or settings.read_requires_token
    if not needed:
        return principal
    if principal is None:
        if token is None:
            message = (
                "Writes need a token with the `write` scope: send `Authorization: Bearer <token>`."
                if scope == "write"
                else "Reads need a token on this server: send `Authorization: Bearer <token>`."
            )
            raise AuthError(401, message, _challenge(scope=scope))
        raise AuthError(
            401,
            "The bearer token is not one this server knows (revoked, or mistyped).",
            _challenge("invalid_token"),
        )
    if not principal.can(scope):
        raise AuthError(
            403,
            f"The token `{principal.id}` does not have the `{scope}` scope this needs.",
            _challenge("insufficient_scope", scope),
        )
    return principal


def client_key(request: HTTPConnection, settings: Settings) -> str:
    """The key of the caller's cost budget: a known token (by id or hash prefix) or the IP."""
    principal = identify(bearer_token(request.headers), settings)
    if principal is not None:
        return principal.budget_key
    host = request.client.host if request.client else "unknown"
    return f"ip:{host}"


def warn_about_deprecated(settings: Settings) -> None:
    """Say once, at start-up, that the plain write token should become a hashed one."""
    if settings.write_token:
        logger.warning(
            "DIPLOGRAPH_WRITE_TOKEN is deprecated: it still authorises writes (as token id %r), "
            "but it is kept in plain text. Run `diplograph token create --scope write` and put "
            "its line in DIPLOGRAPH_TOKENS instead.",
            LEGACY_WRITE_TOKEN_ID,
        )


class WriteAccess(BasePermission):
    """The permission every mutation carries: a token with the `write` scope, sent over HTTP.

    The view refuses unauthorised writes with 401/403 before anything runs; this is the same
    check where the view's does not apply (a WebSocket, a schema run without the view)."""

    message = "Writes need a token with the `write` scope: send `Authorization: Bearer <token>`."

    def has_permission(self, source: Any, info: Any, **kwargs: Any) -> bool:
        # Raises rather than returning False: the instance is shared by every request, so the
        # reason cannot wait on it for `on_unauthorized`.
        context = info.context
        if not isinstance(context, RequestContext) or context.request is None:
            raise Unauthorized(self.message)
        if context.request.scope.get("type") != "http":
            raise Unauthorized("Mutations are sent with POST over HTTP, not over a WebSocket.")
        try:
            principal = authorize(context.request.headers, context.settings, "write")
        except AuthError as error:
            raise (Forbidden if error.status == 403 else Unauthorized)(error.message) from None
        context.principal = principal
        return True
