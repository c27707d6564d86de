"""How two entities are connected: the shortest chains of relations between them, with sources.

A breadth-first search over relations (posts, memberships, participations, organisational
structure), expanded a level at a time through the request's DataLoaders, so each level costs a
fixed number of queries whatever its width.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from enum import Enum

import strawberry

from schema.common import Entity, GraphQLInfo, Source, load_entities, sources
from store import Document
from store.errors import BadInput
from store.repository import graph

MAX_HOPS = 4
MAX_PATHS = 20
MAX_VISITED = 20_000

Node = tuple[str, str]  # (kind, id)


@strawberry.enum(description="What kind of relation a hop follows.")
class RelationKind(Enum):
    POST = strawberry.enum_value(
        "post", description="An official holds a post in an organisation or for a country."
    )
    MEMBERSHIP = strawberry.enum_value(
        "membership",
        description="A country or organisation belongs to (or partners with) an organisation.",
    )
    PARTICIPATION = strawberry.enum_value(
        "participation",
        description="An official, a country or an organisation took part in a meeting.",
    )
    GROUP_PARTICIPATION = strawberry.enum_value(
        "group_participation",
        description="A country took part in a meeting as a member of a group participant.",
    )
    PART_OF = strawberry.enum_value(
        "part_of",
        description="An organisation is part of another (the North Atlantic Council of NATO).",
    )
    BODY_OF = strawberry.enum_value(
        "body_of", description="An organisation is a body of a country (a ministry, an embassy)."
    )
    ORGANISER = strawberry.enum_value(
        "organiser", description="An organisation convened a meeting."
    )
    SIDE_MEETING = strawberry.enum_value(
        "side_meeting", description="A meeting was held on the sidelines of another."
    )


@dataclass(frozen=True)
class Link:
    """An undirected edge found while searching: the relation and its evidence."""

    kind: RelationKind
    label: str
    role: str | None
    source_documents: tuple[Document, ...]


@strawberry.type(description="One step of a path: a relation between two entities.")
class Hop:
    relation: RelationKind = strawberry.field(description="The kind of relation.")
    label: str = strawberry.field(description='The relation in words, e.g. "holds post".')
    role: str | None = strawberry.field(description="Role or title on the relation, if any.")
    sources: list[Source] = strawberry.field(description="Evidence for this relation.")
    from_ref: strawberry.Private[Node]
    to_ref: strawberry.Private[Node]

    @strawberry.field(name="from", description="Where the step starts.")
    async def from_(self, info: GraphQLInfo) -> Entity | None:
        found = await load_entities(info, [{"kind": self.from_ref[0], "id": self.from_ref[1]}])
        return found[0] if found else None

    @strawberry.field(description="Where the step ends.")
    async def to(self, info: GraphQLInfo) -> Entity | None:
        found = await load_entities(info, [{"kind": self.to_ref[0], "id": self.to_ref[1]}])
        return found[0] if found else None


@strawberry.type(description="A chain of relations linking two entities.")
class Path:
    length: int = strawberry.field(description="Number of hops.")
    hops: list[Hop] = strawberry.field(description="The hops, from the start to the end.")


def _ref(document: Document) -> Node:
    return (document["kind"], document["id"])


def _links(
    collection: str, document: Document
) -> list[tuple[Node, Node, RelationKind, str, str, str | None]]:
    """The undirected links a document makes: (a, b, kind, label a→b, label b→a, role)."""
    if collection == "posts":
        official = ("official", document["official_id"])
        links = []
        if document.get("organisation_id"):
            links.append(
                (
                    official,
                    ("organisation", document["organisation_id"]),
                    RelationKind.POST,
                    "holds post in",
                    "has post held by",
                    document["title"],
                )
            )
        if document.get("country_id"):
            links.append(
                (
                    official,
                    ("country", document["country_id"]),
                    RelationKind.POST,
                    "holds post for",
                    "has post held by",
                    document["title"],
                )
            )
        return links
    if collection == "memberships":
        role = document["role"]
        return [
            (
                _ref(document["member"]),
                ("organisation", document["organisation_id"]),
                RelationKind.MEMBERSHIP,
                f"is a {role} of",
                f"has as {role}",
                role,
            )
        ]
    if collection == "participations":
        return [
            (
                _ref(document["participant"]),
                ("meeting", document["meeting_id"]),
                RelationKind.PARTICIPATION,
                "attended",
                "was attended by",
                document["role"],
            )
        ]
    if collection == "organisations":
        node = ("organisation", document["_id"])
        links = []
        if document.get("parent_id"):
            links.append(
                (
                    node,
                    ("organisation", document["parent_id"]),
                    RelationKind.PART_OF,
                    "is part of",
                    "contains",
                    None,
                )
            )
        if document.get("country_id"):
            links.append(
                (
                    node,
                    ("country", document["country_id"]),
                    RelationKind.BODY_OF,
                    "is a body of",
                    "has as a body",
                    None,
                )
            )
        return links
    node = ("meeting", document["_id"])
    links = []
    if document.get("parent_id"):
        links.append(
            (
                node,
                ("meeting", document["parent_id"]),
                RelationKind.SIDE_MEETING,
                "was held on the sidelines of",
                "had on its sidelines",
                None,
            )
        )
    if document.get("organiser_id"):
        links.append(
            (
                node,
                ("organisation", document["organiser_id"]),
                RelationKind.ORGANISER,
                "was convened by",
                "convened",
                None,
            )
        )
    for group in document.get("group_participants", []):
        links.append(
            (
                node,
                ("organisation", group["organisation_id"]),
                RelationKind.GROUP_PARTICIPATION,
                "was attended by members of",
                "had members attend as a group",
                group["label"],
            )
        )
    return links


async def _neighbours(
    info: GraphQLInfo, frontier: list[Node]
) -> dict[Node, list[tuple[Node, Link]]]:
    """Every node one relation away from each frontier node, with the relation (a fixed number
    of queries per level)."""
    wanted = set(frontier)
    found: dict[Node, list[tuple[Node, Link]]] = defaultdict(list)
    documents = await graph.documents_linking(info.context.store, sorted({i for _k, i in frontier}))
    for collection, items in documents.items():
        for document in items:
            for a, b, kind, forward, backward, role in _links(collection, document):
                evidence = document.get("sources", [])
                if kind is RelationKind.GROUP_PARTICIPATION:
                    # A group's evidence is its own quote, not the meeting's.
                    group = next(g for g in document["group_participants"] if g["label"] == role)
                    evidence = group.get("sources", [])
                if a in wanted:
                    found[a].append((b, Link(kind, forward, role, tuple(evidence))))
                if b in wanted:
                    found[b].append((a, Link(kind, backward, role, tuple(evidence))))
    return found


async def shortest_paths(
    info: GraphQLInfo, start: Node, goal: Node, max_hops: int, limit: int
) -> list[Path]:
    """Up to `limit` shortest paths from `start` to `goal` of at most `max_hops` hops."""
    if not 1 <= max_hops <= MAX_HOPS:
        raise BadInput(f"`maxHops` must be between 1 and {MAX_HOPS}; got {max_hops}.")
    if not 1 <= limit <= MAX_PATHS:
        raise BadInput(f"`first` must be between 1 and {MAX_PATHS}; got {limit}.")
    if start == goal:
        return [Path(length=0, hops=[])]
    depth = {start: 0}
    parents: dict[Node, list[tuple[Node, Link]]] = defaultdict(list)
    frontier = [start]
    for level in range(1, max_hops + 1):
        if not frontier or len(depth) > MAX_VISITED:
            break
        expansions = await _neighbours(info, frontier)
        next_frontier: list[Node] = []
        for node in frontier:
            for neighbour, relation in expansions.get(node, []):
                if neighbour not in depth:
                    depth[neighbour] = level
                    next_frontier.append(neighbour)
                if depth[neighbour] == level and (node, relation) not in parents[neighbour]:
                    parents[neighbour].append((node, relation))
        if goal in depth:
            break
        frontier = next_frontier
    if goal not in depth:
        return []

    paths: list[Path] = []

    def walk(node: Node, suffix: list[Hop]) -> None:
        if len(paths) >= limit:
            return
        if node == start:
            paths.append(Path(length=len(suffix), hops=suffix))
            return
        for previous, relation in parents[node]:
            hop = Hop(
                relation=relation.kind,
                label=relation.label,
                role=relation.role,
                sources=sources(relation.source_documents),
                from_ref=previous,
                to_ref=node,
            )
            walk(previous, [hop, *suffix])

    walk(goal, [])
    return paths
