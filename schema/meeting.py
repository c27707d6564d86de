"""Meetings: summits, council meetings, bilaterals; who attended, in which role, and why we know."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from schema.common import (
    After,
    Before,
    Connection,
    DateValue,
    Dispute,
    Entity,
    First,
    GraphQLInfo,
    Last,
    Location,
    Source,
    StoredNode,
    by_date,
    disputes_of,
    from_documents,
    load_entities,
    load_entity,
    loaders,
    sources,
)
from schema.history import Recorded
from schema.lazy import ArticleType, OrganisationType, StatementType
from schema.relations import (
    GroupParticipant,
    MembershipRole,
    Participation,
    ParticipationRole,
    prefetch_participants,
)
from store import Document
from store.timeline import in_force

KIND_ORDER = {"official": 0, "organisation": 1, "country": 2}


@strawberry.enum(description="What kind of meeting it was.")
class MeetingKind(Enum):
    SUMMIT = strawberry.enum_value(
        "summit",
        description="A meeting of heads of state or government, e.g. the 2022 NATO Summit.",
    )
    COUNCIL_MEETING = strawberry.enum_value(
        "council_meeting",
        description="A session of a standing council, e.g. the NAC+4 meeting of the North Atlantic "
        "Council.",
    )
    MINISTERIAL = strawberry.enum_value(
        "ministerial", description="A meeting of ministers, e.g. of foreign or defence ministers."
    )
    BILATERAL = strawberry.enum_value(
        "bilateral",
        description="A meeting of two parties, e.g. Yoon Suk-yeol and Jens Stoltenberg.",
    )
    MULTILATERAL = strawberry.enum_value(
        "multilateral",
        description="A meeting of several parties that is not a summit or a council session.",
    )
    CONFERENCE = strawberry.enum_value(
        "conference", description="A conference or forum with many participants."
    )
    OTHER = strawberry.enum_value("other", description="Any other kind of meeting.")


@strawberry.enum(description="Kinds of participant, for filtering a meeting's participants.")
class ParticipantKind(Enum):
    OFFICIAL = strawberry.enum_value(
        "official", description="People: officials named as participants."
    )
    COUNTRY = strawberry.enum_value(
        "country", description="Countries, named or as members of a group participant."
    )
    ORGANISATION = strawberry.enum_value(
        "organisation", description="Organisations named as participants."
    )


def group_of(group: Document, meeting: Document) -> GroupParticipant:
    as_of = group.get("as_of") or meeting.get("date")
    return GroupParticipant(
        label=group["label"],
        roles=[MembershipRole(role) for role in group["roles"]],
        attended_as=ParticipationRole(group["attended_as"]),
        as_of=DateValue.from_doc(as_of),
        expected_count=group.get("expected_count"),
        sources=sources(group.get("sources")),
        document=group,
    )


def participation_of(document: Document) -> Participation:
    return Participation(
        role=ParticipationRole(document["role"]),
        via=None,
        participant_ref=document["participant"],
        meeting_id=document["meeting_id"],
        on_behalf_of_ref=document.get("on_behalf_of"),
        source_documents=document.get("sources", []),
        document=document,
    )


async def participations_of(
    info: GraphQLInfo, meeting: Document, kind: ParticipantKind | None = None
) -> list[Participation]:
    """Named participants, then the members of each group participant as of the meeting's date;
    with `kind`, only those of that kind.

    A participant named individually keeps its own entry; a country in two groups is listed once,
    for the first group that includes it. The kind is asked of the store: a summit's handful of
    countries is not read through its thousands of named officials.
    """
    where = None if kind is None else {"participant.kind": kind.value}
    named = await loaders(info).by_field("participations", "meeting_id", where).load(meeting["_id"])
    result = [participation_of(document) for document in named]
    seen = {(p.participant_ref["kind"], p.participant_ref["id"]) for p in result}
    groups = meeting.get("group_participants", [])
    memberships = (
        await loaders(info)
        .by_field("memberships", "organisation_id")
        .load_many([group["organisation_id"] for group in groups])
    )
    for group, group_memberships in zip(groups, memberships, strict=True):
        as_of = (group.get("as_of") or meeting.get("date") or {}).get("earliest")
        if as_of is None:
            continue
        view = group_of(group, meeting)
        for membership in group_memberships:
            member = membership["member"]
            key = (member["kind"], member["id"])
            if (
                membership["role"] in group["roles"]
                and in_force(membership, as_of)
                and key not in seen
            ):
                seen.add(key)
                result.append(
                    Participation(
                        role=ParticipationRole(group["attended_as"]),
                        via=view,
                        participant_ref=member,
                        meeting_id=meeting["_id"],
                        on_behalf_of_ref=None,
                        source_documents=group.get("sources", []),
                        membership_document=membership,
                    )
                )
    result.sort(key=participant_position)
    return result


def participant_position(participation: Participation) -> tuple[str, str]:
    """Where a participant is listed: officials, then organisations, then countries, by id."""
    ref = participation.participant_ref
    return str(KIND_ORDER.get(ref["kind"], 9)), ref["id"]


async def by_meeting_date(info: GraphQLInfo, items: list[Participation]) -> list[Participation]:
    """Participations ordered by their meeting's date; a summit before its side meetings."""
    documents = await loaders(info).by_id("meetings").load_many([p.meeting_id for p in items])
    keys = {
        d["_id"]: ((d.get("date") or {}).get("earliest") or "9999", d.get("parent_id") is not None)
        for d in documents
        if d
    }
    return sorted(items, key=lambda p: (*keys.get(p.meeting_id, ("9999", True)), p.meeting_id))


@strawberry.type(
    description="A meeting: a summit, a council meeting, a bilateral on the sidelines of a summit. "
    'Its participants include groups ("30 NATO members") resolved as of the meeting\'s date.'
)
class Meeting(StoredNode, Entity, Recorded):
    slug: str = strawberry.field(description="Readable, stable id, e.g. nac-plus-4-2022-09-27.")
    name: str = strawberry.field(description="The meeting's name.")
    aliases: list[str] = strawberry.field(description="Other names, e.g. NAC+4.")
    kind: MeetingKind | None = strawberry.field(description="Summit, council meeting, bilateral...")
    date: DateValue | None = strawberry.field(description="When it took place (or began).")
    end_date: DateValue | None = strawberry.field(
        description="When it ended, for multi-day meetings."
    )
    location: Location | None = strawberry.field(description="Where it took place.")
    sources: list[Source] = strawberry.field(description="Evidence that the meeting took place.")
    document: strawberry.Private[Document]

    @classmethod
    def from_doc(cls, document: Document) -> Meeting:
        return cls(
            slug=document["_id"],
            name=document["name"],
            aliases=document.get("aliases", []),
            kind=MeetingKind(document["kind"]) if document.get("kind") else None,
            date=DateValue.from_doc(document.get("date"), document, "date"),
            end_date=DateValue.from_doc(document.get("end_date"), document, "end_date"),
            location=Location.from_doc(document.get("location")),
            sources=sources(document.get("sources")),
            document=document,
        )

    @strawberry.field(description="Fields its sources disagree on, with every value given.")
    def disputes(self) -> list[Dispute]:
        return disputes_of(self.document)

    @strawberry.field(description="Statements made at this meeting, oldest first.")
    async def statements(self, info: GraphQLInfo) -> list[StatementType]:
        documents = await loaders(info).by_field("statements", "meeting_id").load(self.slug)
        return from_documents("statement", sorted(documents, key=by_date))

    @strawberry.field(
        description="Everyone who took part: named officials, countries and organisations, and "
        "the members of group participants as of the meeting's date, each with its role."
    )
    async def participants(
        self,
        info: GraphQLInfo,
        kind: Annotated[
            ParticipantKind | None,
            strawberry.argument(description="Only participants of this kind."),
        ] = None,
        role: Annotated[
            ParticipationRole | None,
            strawberry.argument(description="Only participants in this role, e.g. INVITEE."),
        ] = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Participation]:
        found = await participations_of(info, self.document, kind)
        if kind is not None:
            found = [p for p in found if p.participant_ref["kind"] == kind.value]
        if role is not None:
            found = [p for p in found if p.role == role]
        page = Connection.of_list(
            found, participant_position, "Meeting.participants", first, after, last, before
        )
        await prefetch_participants(info, page.nodes())
        return page

    @strawberry.field(description="Participants given as groups, as the article states them.")
    def groups(self) -> list[GroupParticipant]:
        return [
            group_of(group, self.document) for group in self.document.get("group_participants", [])
        ]

    @strawberry.field(description="The organisation that convened the meeting.")
    async def organiser(self, info: GraphQLInfo) -> OrganisationType | None:
        return await load_entity(info, "organisation", self.document.get("organiser_id"))

    @strawberry.field(description="The meeting this one was held on the sidelines of.")
    async def parent(self, info: GraphQLInfo) -> Meeting | None:
        return await load_entity(info, "meeting", self.document.get("parent_id"))

    @strawberry.field(description="Meetings held on the sidelines of this one.")
    async def side_meetings(self, info: GraphQLInfo) -> list[Meeting]:
        documents = await loaders(info).by_field("meetings", "parent_id").load(self.slug)
        return [Meeting.from_doc(document) for document in documents]

    @strawberry.field(description="Articles that report the meeting or any of its participants.")
    async def articles(self, info: GraphQLInfo) -> list[ArticleType]:
        named = await loaders(info).by_field("participations", "meeting_id").load(self.slug)
        evidence = [*self.document.get("sources", [])]
        for document in named:
            evidence += document.get("sources", [])
        for group in self.document.get("group_participants", []):
            evidence += group.get("sources", [])
        ids = list(dict.fromkeys(s["article_id"] for s in evidence if s.get("article_id")))
        return await load_entities(info, [{"kind": "article", "id": i} for i in ids])
