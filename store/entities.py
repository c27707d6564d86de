"""The entity registry: one description per kind of stored document. The collections, their
indexes, the kinds a reference may name and the fields the path search follows are derived from
it, and `schema` finds the GraphQL type of a kind by the name given here."""

from __future__ import annotations

from dataclasses import dataclass

from pymongo import ASCENDING


@dataclass(frozen=True)
class Kind:
    """What diplograph knows about one kind of document."""

    name: str
    """The kind as stored references spell it: `{"kind": "country", "id": "KR"}`."""
    collection: str
    """The MongoDB collection that holds its documents."""
    node_type: str | None
    """The GraphQL type (a Relay node) that shows one document; None for relations, which are
    shown inside the objects they relate."""
    indexes: tuple[str, ...] = ()
    """Fields with an ascending single-field index, besides `_id` (and the NAMED_INDEXES, which
    every named kind has)."""
    links: tuple[str, ...] = ()
    """Fields that hold the ids of entities a document links, for the path search."""
    link_rank: int = 0
    """Where the path search reads this kind's links among the others, lowest first: of several
    equally short paths, those found first are listed first."""
    named: bool = False
    """Found by name: the seed files refer to it by name or alias, and `search` finds it through
    its `search_keys`."""


# In the order the seed loader compares and writes collections: entities before the relations
# that point at them.
KINDS: tuple[Kind, ...] = (
    Kind(
        "country",
        "countries",
        "Country",
        indexes=("alpha3",),
        named=True,
    ),
    Kind(
        "organisation",
        "organisations",
        "Organisation",
        indexes=("parent_id", "country_id"),
        links=("_id", "parent_id", "country_id"),
        link_rank=4,
        named=True,
    ),
    Kind(
        "official",
        "officials",
        "Official",
        indexes=("country_id",),
        named=True,
    ),
    Kind(
        "meeting",
        "meetings",
        "Meeting",
        indexes=(
            "parent_id",
            "organiser_id",
            "group_participants.organisation_id",
            "date.earliest",
            "sort_date",
            "sources.article_id",
        ),
        links=("_id", "parent_id", "organiser_id", "group_participants.organisation_id"),
        link_rank=5,
        named=True,
    ),
    Kind("article", "articles", "Article", indexes=("url", "published.earliest")),
    Kind(
        "membership",
        "memberships",
        None,
        indexes=("member.id", "organisation_id", "sources.article_id"),
        links=("member.id", "organisation_id"),
        link_rank=2,
    ),
    Kind(
        "post",
        "posts",
        None,
        # search_keys: `search` finds officials by the titles of their posts.
        indexes=(
            "official_id",
            "organisation_id",
            "country_id",
            "sources.article_id",
            "search_keys",
        ),
        links=("official_id", "organisation_id", "country_id"),
        link_rank=1,
    ),
    Kind(
        "participation",
        "participations",
        None,
        indexes=("meeting_id", "participant.id", "on_behalf_of.id", "sources.article_id"),
        links=("participant.id", "meeting_id"),
        link_rank=3,
    ),
    Kind(
        "decision",
        "decisions",
        "Decision",
        indexes=("body_id", "subjects.id", "sources.article_id"),
    ),
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
BY_NODE_TYPE: dict[str, Kind] = {kind.node_type: kind for kind in KINDS if kind.node_type}

COLLECTIONS: tuple[str, ...] = tuple(kind.collection for kind in KINDS)
"""Every collection of the graph, in the order the seed loader writes them."""

NAMED_KINDS: tuple[str, ...] = tuple(kind.name for kind in KINDS if kind.named)
NAMED_COLLECTIONS: tuple[str, ...] = tuple(kind.collection for kind in KINDS if kind.named)

# What finds a named entity (its names, its place) and what orders it (its collation key).
NAMED_INDEXES = ("search_keys", "place_keys", "sort_name")

INDEXES: dict[str, list[list[tuple[str, int]]]] = {
    kind.collection: [
        [(field, ASCENDING)] for field in (NAMED_INDEXES if kind.named else ()) + kind.indexes
    ]
    for kind in KINDS
}
"""collection -> indexes, each a list of (field, direction) keys. Both backends get the same."""

LINK_FIELDS: dict[str, tuple[str, ...]] = {
    kind.collection: kind.links
    for kind in sorted(KINDS, key=lambda kind: kind.link_rank)
    if kind.links
}
"""collection -> the fields whose values are ids of linked entities."""


def collection_of(kind: str) -> str:
    """The collection that holds documents of `kind` (KeyError for an unknown kind)."""
    return BY_NAME[kind].collection
