"""diplograph's GraphQL schema: Strawberry types, one module per entity, and the root Query."""

from __future__ import annotations

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


def build_schema(settings: Settings | None = None) -> Schema:
    """The schema with its extensions; caches are bounded so that memory stays flat."""
    return Schema(
        query=Query,
        types=[Country, Official, Organisation, Meeting, Article, Decision],
        extensions=[
            ErrorPolicy,
            ParserCache(maxsize=1000),
            ValidationCache(maxsize=1000),
        ],
    )
