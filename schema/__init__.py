"""diplograph's GraphQL schema: Strawberry types, one module per entity, and the root Query."""

from __future__ import annotations

from typing import Any

from graphql import GraphQLError
from strawberry import Schema
from strawberry.extensions import ParserCache, ValidationCache

from api.graphql_errors import ErrorPolicy
from api.settings import Settings
from schema.article import Article
from schema.country import Country
from schema.meeting import Meeting
from schema.official import Official
from schema.organisation import Organisation
from schema.query import Query
from schema.relations import Decision


class DiplographSchema(Schema):
    """Strawberry's schema, minus its logging of every error: `ErrorPolicy` logs the unexpected
    ones in full, with the request id; expected errors (bad input, not found) are not log noise."""

    def process_errors(self, errors: list[GraphQLError], execution_context: Any = None) -> None:
        return None


def build_schema(settings: Settings | None = None) -> Schema:
    """The schema with its extensions; caches are bounded so that memory stays flat."""
    return DiplographSchema(
        query=Query,
        types=[Country, Official, Organisation, Meeting, Article, Decision],
        extensions=[
            ErrorPolicy,
            lambda: ParserCache(maxsize=1000),
            lambda: ValidationCache(maxsize=1000),
        ],
    )
