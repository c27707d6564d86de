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
    """Found by name: the seed files refer to it by name or alias (a statement by its id), and
    `search` finds it through its `search_keys` (a statement's come from its summary)."""


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
        indexes=("parent_id", "country_id", "sources.article_id"),
        links=("_id", "parent_id", "country_id"),
        link_rank=4,
        named=True,
    ),
    Kind(
        "official",
        "officials",
        "Official",
        indexes=("country_id", "sources.article_id"),
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
    Kind(
        "event",
        "events",
        "Event",
        indexes=("actors.id", "subjects.id", "sort_date", "sources.article_id"),
        named=True,
    ),
    # mentions: the entities an article's references resolved to, which the seed loader reads to
    # find the articles a removed entity or name would break.
    Kind("article", "articles", "Article", indexes=("url", "published.earliest", "mentions")),
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
        # participant.kind: a meeting's participants of one kind, without reading the others.
        indexes=(
            "meeting_id",
            "participant.id",
            "participant.kind",
            "on_behalf_of.id",
            "sources.article_id",
        ),
        links=("participant.id", "meeting_id"),
        link_rank=3,
    ),
    Kind(
        "decision",
        "decisions",
        "Decision",
        indexes=("body_id", "subjects.id", "sources.article_id"),
    ),
    Kind(
        "statement",
        "statements",
        "Statement",
        indexes=(
            "speakers.id",
            "on_behalf_of.id",
            "subjects.id",
            "meeting_id",
            "sort_date",
            "sources.article_id",
        ),
        named=True,
    ),
    # Reviewed corrections (merges, entity updates) as the YAML they were made from: part of the
    # desired state, so that a rebuild from the articles replays them.
    Kind("correction", "corrections", None),
    # Ids merged away, each pointing at the entity that kept its facts: `node` follows them.
    Kind("redirect", "redirects", None, indexes=("to",)),
)

BY_NAME: dict[str, Kind] = {kind.name: kind for kind in KINDS}
BY_NODE_TYPE: dict[str, Kind] = {kind.node_type: kind for kind in KINDS if kind.node_type}

COLLECTIONS: tuple[str, ...] = tuple(kind.collection for kind in KINDS)
"""Every collection of the graph, in the order the seed loader writes them."""

NAMED_KINDS: tuple[str, ...] = tuple(kind.name for kind in KINDS if kind.named)
NAMED_COLLECTIONS: tuple[str, ...] = tuple(kind.collection for kind in KINDS if kind.named)

AUDIT = "audit"
"""The audit trail: one entry per document a write changed. Not part of the desired state: the
loader never compares or deletes it, so a removal keeps the history of what it removed."""

# What finds a named entity (its names, its place), what orders it (its collation key), and what
# the seed loader finds it by (the keys of the names seed files may call it: store.names).
NAMED_INDEXES = ("search_keys", "place_keys", "sort_name", "name_keys")

LOADER_INDEXES = frozenset({"name_keys", "mentions"})
"""Indexes only the seed loader reads by (seeds.incremental): no list the API returns is found
through them, so the data's sizes (store.repository.sizes) do not measure them."""

INDEXES: dict[str, list[list[tuple[str, int]]]] = {
    **{
        kind.collection: [
            [(field, ASCENDING)] for field in (NAMED_INDEXES if kind.named else ()) + kind.indexes
        ]
        for kind in KINDS
    },
    AUDIT: [[("nodes", ASCENDING)], [("version", ASCENDING)]],
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


# Reference fields whose kind is not written beside the id.
_REFERENCE_KINDS = {
    "organisation_id": "organisation",
    "official_id": "official",
    "country_id": "country",
    "meeting_id": "meeting",
    "body_id": "organisation",
    "organiser_id": "organisation",
    "accredited_to_id": "organisation",
    "hosted_by_id": "organisation",
}


def node_key(kind: str, identifier: str) -> str | None:
    """`Type:id`, the text a Relay global id encodes, for a kind that is shown as a node."""
    node_type = BY_NAME[kind].node_type if kind in BY_NAME else None
    return f"{node_type}:{identifier}" if node_type else None


def touched_nodes(collection: str, document: dict | None) -> set[str]:
    """The nodes (`Type:id`) a change to `document` concerns: the document itself when it is a
    node, and every entity it references (`*_id` fields and `{kind, id}` values, in lists too).

    Read generically from the document, so that a new kind of relation needs no entry here."""
    if not document:
        return set()
    kind = next((k for k in KINDS if k.collection == collection), None)
    found: set[str] = set()
    if kind is not None and kind.node_type:
        found.add(f"{kind.node_type}:{document['_id']}")
    for field, value in document.items():
        if field == "sources":
            continue
        referenced = _REFERENCE_KINDS.get(field) or (
            kind.name if field == "parent_id" and kind else None
        )
        if referenced and isinstance(value, str):
            key = node_key(referenced, value)
            if key:
                found.add(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and isinstance(item.get("kind"), str) and "id" in item:
                key = node_key(item["kind"], str(item["id"]))
                if key:
                    found.add(key)
    return found
