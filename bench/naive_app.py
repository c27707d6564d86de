"""The naive peer's app: the naive schema behind Strawberry's ASGI view, nothing else."""

from __future__ import annotations

from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.routing import Route
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL

from api.settings import Settings
from bench.lifespan import store_lifespan
from bench.naive_schema import naive_schema


class NaiveGraphQL(GraphQL):
    """Strawberry's view as tutorials set it up: the store in a dict context, defaults otherwise."""

    async def get_context(self, request: Request | WebSocket, response: Any) -> dict[str, Any]:
        return {"store": request.app.state.store, "request": request, "response": response}


def create_naive_app(settings: Settings | None = None) -> Starlette:
    """The naive peer on the same store and seed as diplograph, at POST /graphql."""
    settings = settings or Settings()
    view = NaiveGraphQL(naive_schema, graphql_ide=None)
    return Starlette(
        routes=[Route("/graphql", view, methods=["GET", "POST"])],
        lifespan=store_lifespan(settings),
    )
