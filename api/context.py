"""The context of a GraphQL request served over HTTP: the schema's `Context` (store, loaders) plus
what only the app needs: the settings, the request, the sub-response extensions set headers and a
status on, and the request's state.

The state is made once per request by the view and read downstream: the cost limiter leaves its
report there, the metrics and the error policy read it, and the view answers in the media type
it records. Nothing else carries request data between the parts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import Response

from api.settings import Settings
from schema.context import Context
from store.repository.sizes import Sizes


@dataclass
class CostReport:
    """What `extensions.cost` says, and what the request log records."""

    requested: int
    actual: int
    maximum: int
    remaining: int
    capacity: int
    refill_per_second: float
    minimum: int = 0

    def as_extension(self) -> dict[str, Any]:
        return {
            "requested": self.requested,
            "actual": self.actual,
            "maximum": self.maximum,
            "remaining": self.remaining,
            "capacity": self.capacity,
            "refillPerSecond": self.refill_per_second,
            "minimum": self.minimum,
        }


@dataclass
class RequestState:
    """What the parts of one GraphQL request tell each other."""

    accept: str | None = None
    """The client's Accept header: the response's media type is chosen from it."""
    request_id: str | None = None
    """The id `RequestIdMiddleware` gave the request, for errors and logs."""
    cost: CostReport | None = None
    """The cost limiter's report, once it has priced the operation."""
    sizes: Sizes | None = None
    """The data's sizes at the version the view read (queries are priced with them)."""
    observed: bool = False
    """Whether the metrics extension has counted the operation (the view counts the others)."""


@dataclass(kw_only=True)
class RequestContext(Context):
    """One HTTP request's context."""

    settings: Settings
    request: HTTPConnection | None = None
    response: Response | None = None
    state: RequestState = field(default_factory=RequestState)
    principal: Any = None
    """The holder of the request's token (`api.auth.Principal`), once it has been checked."""
    connection_params: Any = None
    """A WebSocket's `connection_init` payload (Strawberry sets it)."""
