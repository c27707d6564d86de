"""The schema the app serves: `schema`'s Query and types, the writes (`api.mutations`) and live
updates (`api.subscriptions`), with the app's extensions."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import SchemaExtension
from strawberry.schema.config import StrawberryConfig

from api.caches import DocumentCache, ParserCache, ValidationCache
from api.cost import Budgets, CostLimit
from api.graphql_errors import ErrorPolicy
from api.limits import static_limits
from api.mutations import Mutation
from api.settings import Settings
from api.subscriptions import Subscription
from schema import TYPES, Query


class DiplographSchema(Schema):
    """Strawberry's schema, minus its logging of every error: `ErrorPolicy` logs the unexpected
    ones in full, with the request id; expected errors (bad input, not found) are not log noise."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        return None


def build_schema(
    settings: Settings | None = None,
    *,
    budgets: Budgets | None = None,
    outer_extensions: Sequence[Callable[[], SchemaExtension]] = (),
    documents: DocumentCache | None = None,
) -> Schema:
    """The schema with its extensions, in the order they run: errors, parsing, the static limits
    (which must come before validation), validation, then cost. Caches are bounded, so memory
    stays flat.

    `budgets` are what the cost limiter charges; the app passes the ones its view charges answers
    from the response cache to (without, the schema has budgets of its own). `outer_extensions`
    (metrics and tracing) come first, so that they wrap the whole operation and see the errors as
    `ErrorPolicy` leaves them. `documents` keeps what is derived from query texts; the app
    shares it with its view."""
    settings = settings or Settings()
    budgets = budgets or Budgets(settings.rate_limit_budget, settings.rate_limit_refill_per_second)
    documents = documents or DocumentCache(settings.document_cache_bytes)
    batching = (
        {"max_operations": settings.max_batch_operations}
        if settings.max_batch_operations > 0
        else None
    )
    return DiplographSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=TYPES,
        config=StrawberryConfig(
            disable_field_suggestions=not settings.debug, batching_config=batching
        ),
        extensions=[
            *outer_extensions,
            lambda: ErrorPolicy(debug=settings.debug, hide_schema=not settings.introspection),
            lambda: ParserCache(documents),
            *static_limits(settings, documents),
            lambda: ValidationCache(documents),
            lambda: CostLimit(settings, budgets),
        ],
    )
