"""What every resolver receives as `info.context`: the store, the request's loaders, settings."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from api.settings import Settings
from store.connection import Store
from store.loaders import Loaders


@dataclass
class Context:
    """One request's context. Loaders are per request, so their caches never outlive it."""

    store: Store
    settings: Settings
    request: Request | None = None
    response: Response | None = None
    loaders: Loaders = field(init=False)
    extras: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.loaders = Loaders(self.store)
