"""How two entities are connected: the shortest chains of relations between them, with sources.

A breadth-first search over relations (posts, memberships, participations, organisational
structure) from both ends, expanded a level at a time, so each level costs a fixed number of
queries whatever its width.
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


@dataclass
class _Side:
    """One end of the search: how far each node it has seen is from its end, the nodes of its
    last level, and the nodes of the level before that reached each node."""

    depth: dict[Node, int]
    frontier: list[Node]
    parents: dict[Node, list[Node]]

    @classmethod
    def at(cls, node: Node) -> _Side:
        return cls({node: 0}, [node], defaultdict(list))

    @property
    def level(self) -> int:
        return self.depth[self.frontier[0]] if self.frontier else 0


async def _linking_count(info: GraphQLInfo, frontier: list[Node]) -> int:
    """How many documents a level's expansion would read (counts, which read no document)."""
    return await graph.count_linking(info.context.store, sorted({i for _k, i in frontier}))


async def _expand(
    info: GraphQLInfo, side: _Side, expansions: dict[Node, list[tuple[Node, Link]]]
) -> None:
    """Move `side` one level out, keeping each expanded node's links in `expansions`."""
    found = await _neighbours(info, side.frontier)
    level = side.level + 1
    next_frontier: list[Node] = []
    for node in side.frontier:
        expansions[node] = found.get(node, [])
        for neighbour, _relation in expansions[node]:
            if neighbour not in side.depth:
                side.depth[neighbour] = level
                next_frontier.append(neighbour)
            if side.depth[neighbour] == level and node not in side.parents[neighbour]:
                side.parents[neighbour].append(node)
    side.frontier = next_frontier


async def shortest_paths(
    info: GraphQLInfo, start: Node, goal: Node, max_hops: int, limit: int
) -> list[Path]:
    """Up to `limit` shortest paths from `start` to `goal` of at most `max_hops` hops.

    The search grows from both ends, each time the end whose next level reads fewer documents
    (counted first), until the two meet: around a hub (an official at thousands of meetings) the
    other end is usually the cheap one, and each end only goes part of the way. The paths, and
    their order, are those of a breadth-first search from `start` alone (`_in_order`).
    """
    if not 1 <= max_hops <= MAX_HOPS:
        raise BadInput(f"`maxHops` must be between 1 and {MAX_HOPS}; got {max_hops}.")
    if not 1 <= limit <= MAX_PATHS:
        raise BadInput(f"`first` must be between 1 and {MAX_PATHS}; got {limit}.")
    if start == goal:
        return [Path(length=0, hops=[])]
    ahead, behind = _Side.at(start), _Side.at(goal)
    expansions: dict[Node, list[tuple[Node, Link]]] = {}
    costs: dict[int, int] = {}  # id(side) -> the documents its next level reads
    meeting: list[Node] = []
    while not meeting and ahead.level + behind.level < max_hops:
        if not ahead.frontier or not behind.frontier:
            return []
        if len(ahead.depth) + len(behind.depth) > MAX_VISITED:
            return []
        for side in (ahead, behind):
            if id(side) not in costs:
                costs[id(side)] = await _linking_count(info, side.frontier)
        side, other = (ahead, behind) if costs[id(ahead)] <= costs[id(behind)] else (behind, ahead)
        await _expand(info, side, expansions)
        del costs[id(side)]
        meeting = [node for node in side.frontier if node in other.depth]
    if not meeting:
        return []
    return await _in_order(info, start, ahead, behind, meeting, expansions, limit)


async def _in_order(
    info: GraphQLInfo,
    start: Node,
    ahead: _Side,
    behind: _Side,
    meeting: list[Node],
    expansions: dict[Node, list[tuple[Node, Link]]],
    limit: int,
) -> list[Path]:
    """The shortest paths through the nodes where the two ends met, listed as a breadth-first
    search from `start` alone lists them.

    Such a search records, for each node, every link from a node of the level before, in the
    order it reached them: the order in which it found those nodes, then the order of their
    links. Every such node lies on a shortest path too, so the nodes on shortest paths (level by
    level: back from where the ends met on `start`'s side, on towards the goal on the other) and
    their links are all it takes to rebuild that order.
    """
    length = ahead.level + behind.level
    middle = ahead.level
    levels: list[list[Node]] = [[] for _ in range(length + 1)]
    levels[middle] = list(dict.fromkeys(meeting))
    for index in range(middle, 0, -1):
        levels[index - 1] = list(
            dict.fromkeys(p for node in levels[index] for p in ahead.parents[node])
        )
    for index in range(middle, length):
        levels[index + 1] = list(
            dict.fromkeys(p for node in levels[index] for p in behind.parents[node])
        )
    unexpanded = [node for level in levels[:-1] for node in level if node not in expansions]
    if unexpanded:
        found = await _neighbours(info, unexpanded)
        for node in unexpanded:
            expansions[node] = found.get(node, [])

    parents: dict[Node, list[tuple[Node, Link]]] = defaultdict(list)
    rank = {start: (0,)}
    for index in range(1, length + 1):
        wanted = set(levels[index])
        reached: dict[Node, tuple[int, ...]] = {}
        for previous in sorted(levels[index - 1], key=rank.__getitem__):
            for position, (neighbour, relation) in enumerate(expansions[previous]):
                if neighbour not in wanted:
                    continue
                reached.setdefault(neighbour, (*rank[previous], position))
                if (previous, relation) not in parents[neighbour]:
                    parents[neighbour].append((previous, relation))
        order = sorted(reached, key=reached.__getitem__)
        rank.update({node: (number,) for number, node in enumerate(order)})

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

    walk(levels[length][0], [])
    return paths
