"""diplograph's GraphQL schema: Strawberry types, one module per entity, and the root Query.

No HTTP here: `api.graphql_schema` builds the served schema from these, with its extensions.
"""

from __future__ import annotations

from schema.article import Article
from schema.common import NODE_TYPES
from schema.country import Country
from schema.event import Event
from schema.meeting import Meeting
from schema.official import Official
from schema.organisation import Organisation
from schema.query import Query
from schema.relations import Decision
from schema.statement import Statement
from store.entities import KINDS

# The node types of the entity registry, given to Strawberry so that `node(id:)` can return any.
TYPES = [NODE_TYPES[kind.node_type] for kind in KINDS if kind.node_type]

__all__ = [
    "TYPES",
    "Article",
    "Country",
    "Decision",
    "Event",
    "Meeting",
    "Official",
    "Organisation",
    "Query",
    "Statement",
]
