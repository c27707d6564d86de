"""diplograph's GraphQL schema: Strawberry types, one module per entity, and the root Query."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig

from api.caches import ParserCache, ValidationCache, ValidationResults
from api.cost import Budgets, CostLimit
from api.graphql_errors import ErrorPolicy
from api.limits import static_limits
from api.response_cache import ResponseCache
from api.settings import Settings
from schema.article import Article
from schema.country import Country
from schema.meeting import Meeting
from schema.official import Official
from schema.organisation import Organisation
from schema.query import Query
from schema.relations import Decision

CACHE_SIZE = 1000


class DiplographSchema(Schema):
    """Strawberry's schema, minus its logging of every error: `ErrorPolicy` logs the unexpected
    ones in full, with the request id; expected errors (bad input, not found) are not log noise."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        return None


def build_schema(
    settings: Settings | None = None,
    *,
    outer_extensions: Sequence[Callable[[], SchemaExtension]] = (),
) -> Schema:
    """The schema with its extensions, in the order they run: errors, parsing, the static limits
    (which must come before validation), validation, then cost. Caches are bounded, so memory
    stays flat; the cost budgets and the response cache (consulted by the view before any of
    this runs) live as long as the schema, one per app.

    `outer_extensions` (metrics and tracing: issue 7) come first, so that they wrap the whole
    operation and see the errors as `ErrorPolicy` leaves them."""
    settings = settings or Settings()
    budgets = Budgets(settings.rate_limit_budget, settings.rate_limit_refill_per_second)
    validated = ValidationResults(maxsize=CACHE_SIZE)
    batching = (
        {"max_operations": settings.max_batch_operations}
        if settings.max_batch_operations > 0
        else None
    )
    response_cache = ResponseCache(settings.response_cache_bytes)
    schema = DiplographSchema(
        query=Query,
        types=[Country, Official, Organisation, Meeting, Article, Decision],
        config=StrawberryConfig(
            disable_field_suggestions=not settings.debug, batching_config=batching
        ),
        extensions=[
            *outer_extensions,
            lambda: ErrorPolicy(debug=settings.debug),
            lambda: ParserCache(maxsize=CACHE_SIZE),
            *static_limits(settings),
            lambda: ValidationCache(validated),
            lambda: CostLimit(settings, budgets),
        ],
    )
    # The view answers from the response cache before any extension runs, and charges cached
    # answers to the same budgets.
    schema.response_cache = response_cache  # type: ignore[attr-defined]
    schema.budgets = budgets  # type: ignore[attr-defined]
    return schema
