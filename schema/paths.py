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

from api.errors import BadInput
from schema.common import (
    Document,
    Entity,
    GraphQLInfo,
    Source,
    load_entities,
    loaders,
    sources,
)

MAX_HOPS = 4
MAX_PATHS = 20
MAX_VISITED = 20_000

Node = tuple[str, str]  # (kind, id)


@strawberry.enum(description="What kind of relation a hop follows.")
class RelationKind(Enum):
    POST = "post"
    MEMBERSHIP = "membership"
    PARTICIPATION = "participation"
    GROUP_PARTICIPATION = "group_participation"
    PART_OF = "part_of"
    BODY_OF = "body_of"
    ORGANISER = "organiser"
    SIDE_MEETING = "side_meeting"


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


async def _neighbours(
    info: GraphQLInfo, frontier: list[Node]
) -> dict[Node, list[tuple[Node, Link]]]:
    """Every node one relation away from each frontier node, with the relation."""
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, identifier in frontier:
        by_kind[kind].append(identifier)
    found: dict[Node, list[tuple[Node, Link]]] = defaultdict(list)
    load = loaders(info)

    def link(a: Node, b: Node, kind: RelationKind, label: str, role: str | None, doc: Document):
        found[a].append((b, Link(kind, label, role, tuple(doc.get("sources", [])))))

    officials = by_kind.get("official", [])
    countries = by_kind.get("country", [])
    organisations = by_kind.get("organisation", [])
    meetings = by_kind.get("meeting", [])
    members = countries + organisations
    participants = officials + countries + organisations

    for identifier, posts in zip(
        officials, await load.by_field("posts", "official_id").load_many(officials), strict=True
    ):
        for post in posts:
            if post.get("organisation_id"):
                link(
                    ("official", identifier),
                    ("organisation", post["organisation_id"]),
                    RelationKind.POST,
                    "holds post in",
                    post["title"],
                    post,
                )
            if post.get("country_id"):
                link(
                    ("official", identifier),
                    ("country", post["country_id"]),
                    RelationKind.POST,
                    "holds post for",
                    post["title"],
                    post,
                )
    for field, kind in (("organisation_id", "organisation"), ("country_id", "country")):
        keys = organisations if kind == "organisation" else countries
        for identifier, posts in zip(
            keys, await load.by_field("posts", field).load_many(keys), strict=True
        ):
            for post in posts:
                link(
                    (kind, identifier),
                    ("official", post["official_id"]),
                    RelationKind.POST,
                    "has post held by",
                    post["title"],
                    post,
                )
    for memberships in await load.by_field("memberships", "member.id").load_many(members):
        for membership in memberships:
            link(
                _ref(membership["member"]),
                ("organisation", membership["organisation_id"]),
                RelationKind.MEMBERSHIP,
                f"is a {membership['role']} of",
                membership["role"],
                membership,
            )
    for identifier, memberships in zip(
        organisations,
        await load.by_field("memberships", "organisation_id").load_many(organisations),
        strict=True,
    ):
        for membership in memberships:
            link(
                ("organisation", identifier),
                _ref(membership["member"]),
                RelationKind.MEMBERSHIP,
                f"has as {membership['role']}",
                membership["role"],
                membership,
            )
    for attended in await load.by_field("participations", "participant.id").load_many(participants):
        for participation in attended:
            link(
                _ref(participation["participant"]),
                ("meeting", participation["meeting_id"]),
                RelationKind.PARTICIPATION,
                "attended",
                participation["role"],
                participation,
            )
    for identifier, attendees in zip(
        meetings,
        await load.by_field("participations", "meeting_id").load_many(meetings),
        strict=True,
    ):
        for participation in attendees:
            link(
                ("meeting", identifier),
                _ref(participation["participant"]),
                RelationKind.PARTICIPATION,
                "was attended by",
                participation["role"],
                participation,
            )
    for identifier, children in zip(
        organisations,
        await load.by_field("organisations", "parent_id").load_many(organisations),
        strict=True,
    ):
        for child in children:
            link(
                ("organisation", identifier),
                ("organisation", child["_id"]),
                RelationKind.PART_OF,
                "contains",
                None,
                child,
            )
    for identifier, bodies in zip(
        countries,
        await load.by_field("organisations", "country_id").load_many(countries),
        strict=True,
    ):
        for body in bodies:
            link(
                ("country", identifier),
                ("organisation", body["_id"]),
                RelationKind.BODY_OF,
                "has as a body",
                None,
                body,
            )
    for field, kind, label in (
        ("organiser_id", RelationKind.ORGANISER, "convened"),
        (
            "group_participants.organisation_id",
            RelationKind.GROUP_PARTICIPATION,
            "took part as a group in",
        ),
    ):
        for identifier, convened in zip(
            organisations,
            await load.by_field("meetings", field).load_many(organisations),
            strict=True,
        ):
            for meeting in convened:
                link(
                    ("organisation", identifier),
                    ("meeting", meeting["_id"]),
                    kind,
                    label,
                    None,
                    meeting,
                )
    for identifier, side in zip(
        meetings, await load.by_field("meetings", "parent_id").load_many(meetings), strict=True
    ):
        for child in side:
            link(
                ("meeting", identifier),
                ("meeting", child["_id"]),
                RelationKind.SIDE_MEETING,
                "had on its sidelines",
                None,
                child,
            )

    # Links stored on the frontier documents themselves: parents, countries, organisers, groups.
    for kind, collection in (("organisation", "organisations"), ("meeting", "meetings")):
        identifiers = by_kind.get(kind, [])
        for document in await load.by_id(collection).load_many(identifiers):
            if not document:
                continue
            node = (kind, document["_id"])
            if document.get("parent_id"):
                relation = (
                    RelationKind.PART_OF if kind == "organisation" else RelationKind.SIDE_MEETING
                )
                link(node, (kind, document["parent_id"]), relation, "is part of", None, document)
            if document.get("country_id"):
                link(
                    node,
                    ("country", document["country_id"]),
                    RelationKind.BODY_OF,
                    "is a body of",
                    None,
                    document,
                )
            if document.get("organiser_id"):
                link(
                    node,
                    ("organisation", document["organiser_id"]),
                    RelationKind.ORGANISER,
                    "was convened by",
                    None,
                    document,
                )
            for group in document.get("group_participants", []):
                link(
                    node,
                    ("organisation", group["organisation_id"]),
                    RelationKind.GROUP_PARTICIPATION,
                    "was attended by members of",
                    group["label"],
                    group,
                )
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
