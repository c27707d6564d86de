"""The naive peer: diplograph's schema written the way most tutorials write a GraphQL API.

Same type and field names as diplograph (the subset the golden queries use), but every resolver
that follows a relation queries the store itself, once per object it is called on: no
DataLoaders, no batching, no parser or validation cache, Strawberry's default JSON encoding. The
queries go through the same repository functions as diplograph's (one id or one value per call),
so the only difference the bench measures is how the schema is written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from enum import Enum
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from strawberry import relay
from strawberry.relay.utils import to_base64
from strawberry.types import Info

from schema.common import sentence_around
from store.repository import graph
from store.timeline import in_force

Document = dict[str, Any]
T = TypeVar("T")
DEFAULT_PAGE_SIZE = 50
KIND_ORDER = {"official": 0, "organisation": 1, "country": 2}
COLLECTIONS = {
    "country": "countries",
    "organisation": "organisations",
    "official": "officials",
    "meeting": "meetings",
}


# --- one query per call -------------------------------------------------------------------------


async def find_one(info: Info, collection: str, identifier: str | None) -> Document | None:
    if identifier is None:
        return None
    found = await graph.documents_by_ids(info.context["store"], collection, [identifier])
    return found.get(identifier)


async def find_where(info: Info, collection: str, field: str, value: str) -> list[Document]:
    found = await graph.documents_where_in(info.context["store"], collection, field, [value])
    return found.get(value, [])


async def entity(info: Info, kind: str, identifier: str | None) -> Any:
    document = await find_one(info, COLLECTIONS[kind], identifier)
    return ENTITY_TYPES[kind].of(document) if document else None


# --- enums and shared pieces --------------------------------------------------------------------


@strawberry.enum
class DatePrecision(Enum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


@strawberry.enum
class MeetingKind(Enum):
    SUMMIT = "summit"
    COUNCIL_MEETING = "council_meeting"
    MINISTERIAL = "ministerial"
    BILATERAL = "bilateral"
    MULTILATERAL = "multilateral"
    CONFERENCE = "conference"
    OTHER = "other"


@strawberry.enum
class ParticipantKind(Enum):
    OFFICIAL = "official"
    COUNTRY = "country"
    ORGANISATION = "organisation"


@strawberry.enum
class MembershipRole(Enum):
    MEMBER = "member"
    PARTNER = "partner"
    APPLICANT = "applicant"
    INVITEE = "invitee"
    OBSERVER = "observer"


@strawberry.enum
class ParticipationRole(Enum):
    HOST = "host"
    CHAIR = "chair"
    LEADER = "leader"
    REPRESENTATIVE = "representative"
    MEMBER = "member"
    PARTNER = "partner"
    INVITEE = "invitee"
    OBSERVER = "observer"
    PARTICIPANT = "participant"


@strawberry.enum
class PostStatus(Enum):
    HELD = "held"
    DESIGNATED = "designated"


@strawberry.type
class DateValue:
    value: str
    precision: DatePrecision
    raw: str | None
    earliest: dt.date
    latest: dt.date
    inferred: bool


def date_value(document: Document | None) -> DateValue | None:
    if not document:
        return None
    return DateValue(
        value=document["value"],
        precision=DatePrecision(document["precision"]),
        raw=document.get("raw"),
        earliest=dt.date.fromisoformat(document["earliest"]),
        latest=dt.date.fromisoformat(document["latest"]),
        inferred=bool(document.get("inferred", False)),
    )


@strawberry.type
class Article:
    title: str
    url: str
    publisher: str
    authors: list[str]
    published: DateValue

    @classmethod
    def of(cls, document: Document) -> Article:
        return cls(
            title=document["title"],
            url=document["url"],
            publisher=document["publisher"],
            authors=document.get("authors", []),
            published=date_value(document["published"]),  # type: ignore[arg-type]
        )


@strawberry.type
class Source:
    quote: str | None
    start: int | None
    end: int | None
    url: str | None
    note: str | None
    article_id: strawberry.Private[str | None]

    @strawberry.field
    async def article(self, info: Info) -> Article | None:
        document = await find_one(info, "articles", self.article_id)
        return Article.of(document) if document else None

    @strawberry.field
    async def sentence(self, info: Info) -> str | None:
        if self.article_id is None or self.start is None or self.end is None:
            return None
        document = await find_one(info, "articles", self.article_id)
        return sentence_around(document["text"], self.start, self.end) if document else None


def sources(documents: list[Document] | None) -> list[Source]:
    return [
        Source(
            quote=d.get("quote"),
            start=d.get("start"),
            end=d.get("end"),
            url=d.get("url"),
            note=d.get("note"),
            article_id=d.get("article_id"),
        )
        for d in documents or []
    ]


@strawberry.type
class Location:
    name: str | None
    city: str | None
    country_code: strawberry.Private[str | None]

    @strawberry.field
    async def country(self, info: Info) -> Country | None:
        return await entity(info, "country", self.country_code)


def location(document: Document | None) -> Location | None:
    if not document:
        return None
    return Location(
        name=document.get("name"),
        city=document.get("city"),
        country_code=document.get("country_id"),
    )


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: relay.PageInfo
    total_count: int

    @strawberry.field
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @classmethod
    def of_list(cls, items: list[Any], first: int | None) -> Connection:
        chosen = items[: DEFAULT_PAGE_SIZE if first is None else first]
        edges = [Edge(cursor=to_base64("arrayconnection", i), node=n) for i, n in enumerate(chosen)]
        return cls(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=len(chosen) < len(items),
                has_previous_page=False,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=len(items),
        )


@strawberry.interface
class Entity:
    name: str


def by_start(documents: list[Document], undated: str) -> list[Document]:
    return sorted(
        documents, key=lambda d: ((d.get("start") or {}).get("earliest") or undated, d["_id"])
    )


# --- relations ----------------------------------------------------------------------------------


@strawberry.type
class AttestedText:
    text: str
    sources: list[Source]


@strawberry.type
class Membership:
    slug: str
    role: MembershipRole
    start: DateValue | None
    end: DateValue | None
    sources: list[Source]
    document: strawberry.Private[Document]

    @classmethod
    def of(cls, document: Document) -> Membership:
        return cls(
            slug=document["_id"],
            role=MembershipRole(document["role"]),
            start=date_value(document.get("start")),
            end=date_value(document.get("end")),
            sources=sources(document.get("sources")),
            document=document,
        )

    @strawberry.field
    async def member(self, info: Info) -> Entity | None:
        ref = self.document["member"]
        return await entity(info, ref["kind"], ref["id"])

    @strawberry.field
    async def organisation(self, info: Info) -> Organisation | None:
        return await entity(info, "organisation", self.document["organisation_id"])


@strawberry.type
class PostHeld:
    slug: str
    title: str
    status: PostStatus
    start: DateValue | None
    end: DateValue | None
    attested: list[DateValue]
    sources: list[Source]
    document: strawberry.Private[Document]

    @classmethod
    def of(cls, document: Document) -> PostHeld:
        return cls(
            slug=document["_id"],
            title=document["title"],
            status=PostStatus(document["status"]),
            start=date_value(document.get("start")),
            end=date_value(document.get("end")),
            attested=[date_value(d) for d in document.get("attested", [])],  # type: ignore[misc]
            sources=sources(document.get("sources")),
            document=document,
        )

    @strawberry.field
    async def official(self, info: Info) -> Official | None:
        return await entity(info, "official", self.document["official_id"])

    @strawberry.field
    async def organisation(self, info: Info) -> Organisation | None:
        return await entity(info, "organisation", self.document.get("organisation_id"))

    @strawberry.field
    async def country(self, info: Info) -> Country | None:
        return await entity(info, "country", self.document.get("country_id"))


@strawberry.type
class GroupParticipant:
    label: str
    roles: list[MembershipRole]
    attended_as: ParticipationRole
    as_of: DateValue | None
    expected_count: int | None
    sources: list[Source]


@strawberry.type
class Participation:
    role: ParticipationRole
    sources: list[Source]
    via: GroupParticipant | None
    participant_ref: strawberry.Private[Document]
    meeting_id: strawberry.Private[str]
    on_behalf_of_ref: strawberry.Private[Document | None]

    @classmethod
    def of(cls, document: Document) -> Participation:
        return cls(
            role=ParticipationRole(document["role"]),
            sources=sources(document.get("sources")),
            via=None,
            participant_ref=document["participant"],
            meeting_id=document["meeting_id"],
            on_behalf_of_ref=document.get("on_behalf_of"),
        )

    @strawberry.field
    async def participant(self, info: Info) -> Entity | None:
        return await entity(info, self.participant_ref["kind"], self.participant_ref["id"])

    @strawberry.field
    async def meeting(self, info: Info) -> Meeting | None:
        return await entity(info, "meeting", self.meeting_id)

    @strawberry.field
    async def on_behalf_of(self, info: Info) -> Entity | None:
        ref = self.on_behalf_of_ref
        return await entity(info, ref["kind"], ref["id"]) if ref else None


@strawberry.type
class Decision:
    slug: str
    summary: str
    date: DateValue | None
    sources: list[Source]
    document: strawberry.Private[Document]

    @strawberry.field
    async def decided_by(self, info: Info) -> Organisation | None:
        return await entity(info, "organisation", self.document.get("body_id"))


# --- entities -----------------------------------------------------------------------------------


@strawberry.type
class Country(Entity):
    code: str
    name: str
    alpha3: str
    document: strawberry.Private[Document]

    @classmethod
    def of(cls, document: Document) -> Country:
        return cls(
            code=document["_id"],
            name=document["name"],
            alpha3=document["alpha3"],
            document=document,
        )

    @strawberry.field
    async def officials(self, info: Info) -> list[Official]:
        return [
            Official.of(d) for d in await find_where(info, "officials", "country_id", self.code)
        ]

    @strawberry.field
    async def memberships(
        self,
        info: Info,
        as_of: dt.date | None = None,
        organisation: str | None = None,
        role: MembershipRole | None = None,
    ) -> list[Membership]:
        documents = await find_where(info, "memberships", "member.id", self.code)
        day = as_of.isoformat() if as_of else None
        chosen = [
            d
            for d in documents
            if (organisation is None or d["organisation_id"] == organisation)
            and (role is None or d["role"] == role.value)
            and (day is None or in_force(d, day))
        ]
        return [Membership.of(d) for d in by_start(chosen, "0000")]


@strawberry.type
class Encounter:
    official: Official
    meeting: Meeting


@strawberry.type
class Official(Entity):
    slug: str
    name: str
    honorific: str | None
    document: strawberry.Private[Document]

    @classmethod
    def of(cls, document: Document) -> Official:
        return cls(
            slug=document["_id"],
            name=document["name"],
            honorific=document.get("honorific"),
            document=document,
        )

    @strawberry.field
    async def posts(
        self, info: Info, as_of: dt.date | None = None, status: PostStatus | None = None
    ) -> list[PostHeld]:
        documents = await find_where(info, "posts", "official_id", self.slug)
        day = as_of.isoformat() if as_of else None
        chosen = [
            d
            for d in documents
            if (status is None or d["status"] == status.value)
            and (day is None or (d["status"] == "held" and in_force(d, day)))
        ]
        return [PostHeld.of(d) for d in by_start(chosen, "9999")]

    @strawberry.field
    async def meetings(self, info: Info) -> list[Participation]:
        documents = await find_where(info, "participations", "participant.id", self.slug)
        attended = [d for d in documents if d["participant"]["kind"] == "official"]
        order = {}
        for d in attended:
            meeting = await find_one(info, "meetings", d["meeting_id"])
            order[d["_id"]] = (
                ((meeting.get("date") or {}).get("earliest") or "9999") if meeting else "9999",
                meeting.get("parent_id") is not None if meeting else True,
                d["meeting_id"],
            )
        return [Participation.of(d) for d in sorted(attended, key=lambda d: order[d["_id"]])]

    @strawberry.field
    async def people_met(self, info: Info) -> list[Encounter]:
        mine = await find_where(info, "participations", "participant.id", self.slug)
        met = []
        for participation in mine:
            if participation["participant"]["kind"] != "official":
                continue
            meeting_id = participation["meeting_id"]
            for other in await find_where(info, "participations", "meeting_id", meeting_id):
                ref = other["participant"]
                if ref["kind"] != "official" or ref["id"] == self.slug:
                    continue
                official = await find_one(info, "officials", ref["id"])
                meeting = await find_one(info, "meetings", meeting_id)
                if official and meeting:
                    met.append(
                        Encounter(official=Official.of(official), meeting=Meeting.of(meeting))
                    )
        return met


@strawberry.type
class Organisation(Entity):
    slug: str
    name: str
    acronym: str | None
    described_as: list[AttestedText]
    document: strawberry.Private[Document]

    @classmethod
    def of(cls, document: Document) -> Organisation:
        return cls(
            slug=document["_id"],
            name=document["name"],
            acronym=document.get("acronym"),
            described_as=[
                AttestedText(text=item["text"], sources=sources(item.get("sources")))
                for item in document.get("described_as", [])
            ],
            document=document,
        )

    @strawberry.field
    async def parent(self, info: Info) -> Organisation | None:
        return await entity(info, "organisation", self.document.get("parent_id"))

    @strawberry.field
    async def accredited_to(self, info: Info) -> Organisation | None:
        return await entity(info, "organisation", self.document.get("accredited_to_id"))

    @strawberry.field
    async def hosted_by(self, info: Info) -> Organisation | None:
        return await entity(info, "organisation", self.document.get("hosted_by_id"))

    @strawberry.field
    async def members(
        self,
        info: Info,
        role: MembershipRole | None = None,
        as_of: dt.date | None = None,
        first: int | None = None,
    ) -> Connection[Membership]:
        documents = await find_where(info, "memberships", "organisation_id", self.slug)
        day = as_of.isoformat() if as_of else None
        chosen = [
            d
            for d in documents
            if (role is None or d["role"] == role.value) and (day is None or in_force(d, day))
        ]
        return Connection.of_list([Membership.of(d) for d in by_start(chosen, "0000")], first)

    @strawberry.field
    async def posts(self, info: Info) -> list[PostHeld]:
        documents = await find_where(info, "posts", "organisation_id", self.slug)
        return [PostHeld.of(d) for d in by_start(documents, "9999")]

    @strawberry.field
    async def decisions(self, info: Info) -> list[Decision]:
        taken = await find_where(info, "decisions", "body_id", self.slug)
        about = await find_where(info, "decisions", "subjects.id", self.slug)
        unique = {d["_id"]: d for d in taken + about}
        return [
            Decision(
                slug=d["_id"],
                summary=d["summary"],
                date=date_value(d.get("date")),
                sources=sources(d.get("sources")),
                document=d,
            )
            for d in unique.values()
        ]


@strawberry.type
class Meeting(Entity):
    slug: str
    name: str
    kind: MeetingKind | None
    date: DateValue | None
    location: Location | None
    sources: list[Source]
    document: strawberry.Private[Document]

    @classmethod
    def of(cls, document: Document) -> Meeting:
        return cls(
            slug=document["_id"],
            name=document["name"],
            kind=MeetingKind(document["kind"]) if document.get("kind") else None,
            date=date_value(document.get("date")),
            location=location(document.get("location")),
            sources=sources(document.get("sources")),
            document=document,
        )

    @strawberry.field
    async def parent(self, info: Info) -> Meeting | None:
        return await entity(info, "meeting", self.document.get("parent_id"))

    @strawberry.field
    async def participants(
        self,
        info: Info,
        kind: ParticipantKind | None = None,
        role: ParticipationRole | None = None,
        first: int | None = None,
    ) -> Connection[Participation]:
        named = await find_where(info, "participations", "meeting_id", self.slug)
        found = [Participation.of(d) for d in named]
        seen = {(p.participant_ref["kind"], p.participant_ref["id"]) for p in found}
        for group in self.document.get("group_participants", []):
            as_of = (group.get("as_of") or self.document.get("date") or {}).get("earliest")
            if as_of is None:
                continue
            view = GroupParticipant(
                label=group["label"],
                roles=[MembershipRole(r) for r in group["roles"]],
                attended_as=ParticipationRole(group["attended_as"]),
                as_of=date_value(group.get("as_of") or self.document.get("date")),
                expected_count=group.get("expected_count"),
                sources=sources(group.get("sources")),
            )
            members = await find_where(
                info, "memberships", "organisation_id", group["organisation_id"]
            )
            for membership in members:
                member = membership["member"]
                key = (member["kind"], member["id"])
                if membership["role"] in group["roles"] and in_force(membership, as_of):
                    if key in seen:
                        continue
                    seen.add(key)
                    found.append(
                        Participation(
                            role=ParticipationRole(group["attended_as"]),
                            sources=view.sources,
                            via=view,
                            participant_ref=member,
                            meeting_id=self.slug,
                            on_behalf_of_ref=None,
                        )
                    )
        found.sort(
            key=lambda p: (KIND_ORDER.get(p.participant_ref["kind"], 9), p.participant_ref["id"])
        )
        if kind is not None:
            found = [p for p in found if p.participant_ref["kind"] == kind.value]
        if role is not None:
            found = [p for p in found if p.role == role]
        return Connection.of_list(found, first)


ENTITY_TYPES: dict[str, Any] = {
    "country": Country,
    "official": Official,
    "organisation": Organisation,
    "meeting": Meeting,
}


# --- paths, searched node by node ---------------------------------------------------------------


@strawberry.type
class Hop:
    label: str
    role: str | None
    sources: list[Source]
    from_ref: strawberry.Private[tuple[str, str]]
    to_ref: strawberry.Private[tuple[str, str]]

    @strawberry.field(name="from")
    async def from_(self, info: Info) -> Entity | None:
        return await entity(info, *self.from_ref)

    @strawberry.field
    async def to(self, info: Info) -> Entity | None:
        return await entity(info, *self.to_ref)


@strawberry.type
class Path:
    length: int
    hops: list[Hop]


Node = tuple[str, str]
Link = tuple[str, str, str | None, tuple]  # (relation kind, label, role, source documents)


def _ref(document: Document) -> Node:
    return (document["kind"], document["id"])


async def _neighbours(info: Info, frontier: list[Node]) -> dict[Node, list[tuple[Node, Link]]]:
    by_kind: dict[str, list[str]] = defaultdict(list)
    for kind, identifier in frontier:
        by_kind[kind].append(identifier)
    # Links are added in the order diplograph's search adds them, which orders equal-length paths;
    # each relation is queried once per frontier node.
    found: dict[Node, list[tuple[Node, Link]]] = defaultdict(list)

    def link(a: Node, b: Node, kind: str, label: str, role: str | None, doc: Document) -> None:
        found[a].append((b, (kind, label, role, tuple(doc.get("sources", [])))))

    officials = by_kind.get("official", [])
    countries = by_kind.get("country", [])
    organisations = by_kind.get("organisation", [])
    meetings = by_kind.get("meeting", [])
    for identifier in officials:
        for post in await find_where(info, "posts", "official_id", identifier):
            node = ("official", identifier)
            if post.get("organisation_id"):
                target = ("organisation", post["organisation_id"])
                link(node, target, "post", "holds post in", post["title"], post)
            if post.get("country_id"):
                target = ("country", post["country_id"])
                link(node, target, "post", "holds post for", post["title"], post)
    for field, kind, keys in (
        ("organisation_id", "organisation", organisations),
        ("country_id", "country", countries),
    ):
        for identifier in keys:
            for post in await find_where(info, "posts", field, identifier):
                target = ("official", post["official_id"])
                link((kind, identifier), target, "post", "has post held by", post["title"], post)
    for identifier in countries + organisations:
        for m in await find_where(info, "memberships", "member.id", identifier):
            target = ("organisation", m["organisation_id"])
            link(_ref(m["member"]), target, "membership", f"is a {m['role']} of", m["role"], m)
    for identifier in organisations:
        for m in await find_where(info, "memberships", "organisation_id", identifier):
            node = ("organisation", identifier)
            link(node, _ref(m["member"]), "membership", f"has as {m['role']}", m["role"], m)
    for identifier in officials + countries + organisations:
        for p in await find_where(info, "participations", "participant.id", identifier):
            target = ("meeting", p["meeting_id"])
            link(_ref(p["participant"]), target, "participation", "attended", p["role"], p)
    for identifier in meetings:
        for p in await find_where(info, "participations", "meeting_id", identifier):
            node = ("meeting", identifier)
            target = _ref(p["participant"])
            link(node, target, "participation", "was attended by", p["role"], p)
    for field, keys, kind, relation, label in (
        ("parent_id", organisations, "organisation", "part_of", "contains"),
        ("country_id", countries, "country", "body_of", "has as a body"),
    ):
        for identifier in keys:
            for child in await find_where(info, "organisations", field, identifier):
                target = ("organisation", child["_id"])
                link((kind, identifier), target, relation, label, None, child)
    for field, keys, kind, relation, label in (
        ("organiser_id", organisations, "organisation", "organiser", "convened"),
        (
            "group_participants.organisation_id",
            organisations,
            "organisation",
            "group_participation",
            "took part as a group in",
        ),
        ("parent_id", meetings, "meeting", "side_meeting", "had on its sidelines"),
    ):
        for identifier in keys:
            for meeting in await find_where(info, "meetings", field, identifier):
                target = ("meeting", meeting["_id"])
                link((kind, identifier), target, relation, label, None, meeting)
    for kind in ("organisation", "meeting"):
        for identifier in by_kind.get(kind, []):
            document = await find_one(info, COLLECTIONS[kind], identifier)
            if not document:
                continue
            node = (kind, identifier)
            if document.get("parent_id"):
                relation = "part_of" if kind == "organisation" else "side_meeting"
                link(node, (kind, document["parent_id"]), relation, "is part of", None, document)
            if document.get("country_id"):
                target = ("country", document["country_id"])
                link(node, target, "body_of", "is a body of", None, document)
            if document.get("organiser_id"):
                target = ("organisation", document["organiser_id"])
                link(node, target, "organiser", "was convened by", None, document)
            for group in document.get("group_participants", []):
                target = ("organisation", group["organisation_id"])
                relation, label = "group_participation", "was attended by members of"
                link(node, target, relation, label, group["label"], group)
    return found


async def _endpoint(info: Info, identifier: str) -> Node:
    for kind in ("official", "organisation", "meeting", "country"):
        if await find_one(info, COLLECTIONS[kind], identifier):
            return (kind, identifier)
    raise ValueError(f"nothing in the graph has the id {identifier!r}")


async def shortest_paths(info: Info, start: Node, goal: Node, max_hops: int, limit: int):
    depth = {start: 0}
    parents: dict[Node, list[tuple[Node, Link]]] = defaultdict(list)
    frontier = [start]
    for level in range(1, max_hops + 1):
        if not frontier:
            break
        expansions = await _neighbours(info, frontier)
        next_frontier = []
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
    paths: list[Path] = []

    def walk(node: Node, suffix: list[Hop]) -> None:
        if len(paths) >= limit:
            return
        if node == start:
            paths.append(Path(length=len(suffix), hops=suffix))
            return
        for previous, (_kind, label, role, documents) in parents[node]:
            hop = Hop(
                label=label,
                role=role,
                sources=sources(list(documents)),
                from_ref=previous,
                to_ref=node,
            )
            walk(previous, [hop, *suffix])

    if goal in depth:
        walk(goal, [])
    return paths


# --- the root -----------------------------------------------------------------------------------


@strawberry.type
class Query:
    @strawberry.field
    async def country(self, info: Info, code: str) -> Country | None:
        return await entity(info, "country", code.strip().upper())

    @strawberry.field
    async def official(
        self, info: Info, slug: Annotated[str, strawberry.argument(name="id")]
    ) -> Official | None:
        return await entity(info, "official", slug)

    @strawberry.field
    async def organisation(
        self, info: Info, slug: Annotated[str, strawberry.argument(name="id")]
    ) -> Organisation | None:
        return await entity(info, "organisation", slug)

    @strawberry.field
    async def meeting(
        self, info: Info, slug: Annotated[str, strawberry.argument(name="id")]
    ) -> Meeting | None:
        return await entity(info, "meeting", slug)

    @strawberry.field
    async def connections(
        self,
        info: Info,
        from_: Annotated[strawberry.ID, strawberry.argument(name="from")],
        to: strawberry.ID,
        max_hops: int = 3,
        first: int = 10,
    ) -> list[Path]:
        start = await _endpoint(info, from_)
        goal = await _endpoint(info, to)
        return await shortest_paths(info, start, goal, max_hops, first)


naive_schema = strawberry.Schema(query=Query, types=[Country, Official, Organisation, Meeting])
