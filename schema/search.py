"""`search`: find any entity by name, alias, acronym, demonym or metonym, ranked."""

from __future__ import annotations

from enum import Enum

import strawberry

from schema.common import Entity, GraphQLInfo, load_entities
from store import Document
from store.entities import collection_of
from store.errors import BadInput
from store.names import name_key
from store.repository import graph

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 50
CANDIDATES_PER_TYPE = 200


@strawberry.enum(description="Kinds of entity `search` can return.")
class EntityType(Enum):
    COUNTRY = "country"
    OFFICIAL = "official"
    ORGANISATION = "organisation"
    MEETING = "meeting"
    EVENT = "event"
    STATEMENT = "statement"


@strawberry.type(description="One search match.")
class SearchResult:
    score: float = strawberry.field(
        description="1.0 for an exact name; lower for aliases, prefixes and words inside names."
    )
    matched: str = strawberry.field(description="The name or alias that matched.")
    node_ref: strawberry.Private[dict]

    @strawberry.field(description="The entity found.")
    async def node(self, info: GraphQLInfo) -> Entity | None:
        found = await load_entities(info, [self.node_ref])
        return found[0] if found else None


def _names(document: Document) -> list[str]:
    names = [document.get("name"), document.get("acronym"), document.get("official_name")]
    names += [document.get("iso_name"), document.get("alpha3"), document.get("summary")]
    for field in ("aliases", "metonyms", "demonyms"):
        names += document.get(field) or []
    return [name for name in names if name]


def score(document: Document, key: str) -> tuple[float, str]:
    """How well `key` matches the document, and which of its names matched best."""
    best = (0.0, document.get("name", ""))
    for position, name in enumerate(_names(document)):
        name_as_key = name_key(name)
        primary = position == 0
        if name_as_key == key:
            candidate = 1.0 if primary else 0.9
        elif name_as_key.startswith(key):
            candidate = 0.8 if primary else 0.7
        elif f" {key}" in f" {name_as_key}":
            words = name_as_key.split()
            candidate = 0.6 if key in words else 0.5
        else:
            continue
        best = max(best, (candidate, name), key=lambda pair: pair[0])
    return best


async def search_entities(
    info: GraphQLInfo, query: str, types: list[EntityType] | None, first: int
) -> list[SearchResult]:
    if len(query) > MAX_QUERY_LENGTH:
        raise BadInput(f"`query` is limited to {MAX_QUERY_LENGTH} characters.")
    if not 1 <= first <= MAX_RESULTS:
        raise BadInput(f"`first` must be between 1 and {MAX_RESULTS}; got {first}.")
    key = name_key(query)
    if not key:
        raise BadInput("`query` must contain at least one letter or digit.")
    kinds = [t.value for t in types] if types else [t.value for t in EntityType]
    found = await graph.search_by_key_prefix(
        info.context.store, [collection_of(kind) for kind in kinds], key, CANDIDATES_PER_TYPE
    )
    ranked = []
    for kind in kinds:
        for document in found[collection_of(kind)]:
            value, matched = score(document, key)
            if value > 0:
                ranked.append(
                    (value, len(document.get("name", "")), document["_id"], kind, matched)
                )
    ranked.sort(key=lambda item: (-item[0], item[1], item[2]))
    return [
        SearchResult(score=value, matched=matched, node_ref={"kind": kind, "id": identifier})
        for value, _length, identifier, kind, matched in ranked[:first]
    ]
