"""Organisations: alliances, councils inside them, partnerships, and the bodies of countries."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from schema.common import (
    After,
    AsOf,
    Before,
    CertaintyArg,
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
    disputes_of,
    load_entity,
    loaders,
    sources,
)
from schema.country import (
    Country,
    attendance_via_groups,
    membership_position,
    memberships_in_force,
)
from schema.event import Event, EventRoles, events_involving
from schema.history import Recorded
from schema.meeting import Meeting, by_meeting_date, participation_of
from schema.official import posts_in_force
from schema.relations import (
    AttestedText,
    Decision,
    Membership,
    MembershipRole,
    Participation,
    PostHeld,
)
from schema.statement import Statement, StatementRoles, statements_involving
from store import Document


@strawberry.enum(description="What kind of organisation it is.")
class OrganisationKind(Enum):
    ALLIANCE = strawberry.enum_value(
        "alliance", description="A treaty alliance of countries, e.g. NATO."
    )
    COUNCIL = strawberry.enum_value(
        "council", description="A council inside an organisation, e.g. the North Atlantic Council."
    )
    PARTNERSHIP = strawberry.enum_value(
        "partnership",
        description="A group of partner countries, e.g. NATO's Asia-Pacific partners.",
    )
    GOVERNMENT = strawberry.enum_value(
        "government", description="A country's government as a whole."
    )
    MINISTRY = strawberry.enum_value(
        "ministry",
        description="A ministry of a country, e.g. South Korea's Ministry of Foreign Affairs.",
    )
    OFFICE = strawberry.enum_value(
        "office",
        description="An office of a country's government, e.g. the National Security Office.",
    )
    AGENCY = strawberry.enum_value("agency", description="A government agency.")
    EMBASSY = strawberry.enum_value(
        "embassy", description="A country's embassy in another country."
    )
    MISSION = strawberry.enum_value(
        "mission",
        description="A country's mission to an organisation, e.g. South Korea's mission to NATO.",
    )
    OTHER = strawberry.enum_value("other", description="Any other kind of organisation.")


@strawberry.type(
    description="An organisation: an alliance (NATO), a body inside one (the North Atlantic "
    "Council), a partnership, or a body of a country (a ministry, an embassy, a mission)."
)
class Organisation(StoredNode, Entity, Recorded):
    slug: str = strawberry.field(description="Readable, stable id, e.g. nato-nac.")
    name: str = strawberry.field(description="Full name.")
    acronym: str | None = strawberry.field(description="Acronym, e.g. NAC.")
    aliases: list[str] = strawberry.field(description="Other names: the Alliance.")
    kind: OrganisationKind | None = strawberry.field(description="Alliance, council, ministry...")
    description: str | None = strawberry.field(description="What it is, from reference sources.")
    described_as: list[AttestedText] = strawberry.field(
        description='How articles describe it, e.g. "the top decision-making body of NATO".'
    )
    founded: DateValue | None = strawberry.field(description="When it was founded.")
    headquarters: Location | None = strawberry.field(description="Where it is based.")
    wikidata: str | None = strawberry.field(description="Wikidata id, where known.")
    sources: list[Source] = strawberry.field(description="Evidence for the organisation's facts.")
    document: strawberry.Private[Document]

    @classmethod
    def from_doc(cls, document: Document) -> Organisation:
        return cls(
            slug=document["_id"],
            name=document["name"],
            acronym=document.get("acronym"),
            aliases=document.get("aliases", []),
            kind=OrganisationKind(document["kind"]) if document.get("kind") else None,
            description=document.get("description"),
            described_as=[
                AttestedText(text=item["text"], sources=sources(item.get("sources")))
                for item in document.get("described_as", [])
            ],
            founded=DateValue.from_doc(document.get("founded"), document, "founded"),
            headquarters=Location.from_doc(document.get("headquarters")),
            wikidata=document.get("wikidata"),
            sources=sources(document.get("sources")),
            document=document,
        )

    @strawberry.field(
        description="Its members, partners, applicants... (filter with `role`). With `asOf`, only "
        "memberships in force that day: NATO had 30 members on 2022-09-27."
    )
    async def members(
        self,
        info: GraphQLInfo,
        role: Annotated[
            MembershipRole | None, strawberry.argument(description="Only members with this role.")
        ] = None,
        as_of: AsOf = None,
        certainty: CertaintyArg = None,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Membership]:
        documents = await loaders(info).by_field("memberships", "organisation_id").load(self.slug)
        chosen = memberships_in_force(documents, as_of, role, certainty)
        return Connection.of_list(
            chosen, membership_position, "Organisation.members", first, after, last, before
        )

    @strawberry.field(description="Organisations this one belongs to or partners with.")
    async def memberships(
        self,
        info: GraphQLInfo,
        as_of: AsOf = None,
        role: Annotated[
            MembershipRole | None,
            strawberry.argument(description="Only memberships with this role."),
        ] = None,
        certainty: CertaintyArg = None,
    ) -> list[Membership]:
        documents = await loaders(info).by_field("memberships", "member.id").load(self.slug)
        return memberships_in_force(documents, as_of, role, certainty)

    @strawberry.field(description="The organisation this one is part of (NATO, for the NAC).")
    async def parent(self, info: GraphQLInfo) -> Organisation | None:
        return await load_entity(info, "organisation", self.document.get("parent_id"))

    @strawberry.field(description="Bodies inside this organisation.")
    async def children(self, info: GraphQLInfo) -> list[Organisation]:
        documents = await loaders(info).by_field("organisations", "parent_id").load(self.slug)
        return [Organisation.from_doc(document) for document in documents]

    @strawberry.field(description="For a country's body: the country.")
    async def country(self, info: GraphQLInfo) -> Country | None:
        return await load_entity(info, "country", self.document.get("country_id"))

    @strawberry.field(description="For a mission: the organisation it is accredited to.")
    async def accredited_to(self, info: GraphQLInfo) -> Organisation | None:
        return await load_entity(info, "organisation", self.document.get("accredited_to_id"))

    @strawberry.field(description="For a mission: the embassy designated to serve as it.")
    async def hosted_by(self, info: GraphQLInfo) -> Organisation | None:
        return await load_entity(info, "organisation", self.document.get("hosted_by_id"))

    @strawberry.field(
        description="Posts in this organisation (Secretary General, ambassadors...). With `asOf`, "
        "only those held that day."
    )
    async def posts(
        self, info: GraphQLInfo, as_of: AsOf = None, certainty: CertaintyArg = None
    ) -> list[PostHeld]:
        documents = await loaders(info).by_field("posts", "organisation_id").load(self.slug)
        return posts_in_force(documents, as_of, certainty)

    @strawberry.field(
        description="Meetings it convened or took part in (by name or through its members as a "
        "group), oldest first."
    )
    async def meetings(self, info: GraphQLInfo) -> list[Meeting]:
        organised = await loaders(info).by_field("meetings", "organiser_id").load(self.slug)
        named = await loaders(info).by_field("participations", "participant.id").load(self.slug)
        grouped = (
            await loaders(info)
            .by_field("meetings", "group_participants.organisation_id")
            .load(self.slug)
        )
        ids = [m["_id"] for m in organised + grouped] + [p["meeting_id"] for p in named]
        documents = await loaders(info).by_id("meetings").load_many(list(dict.fromkeys(ids)))
        meetings = [Meeting.from_doc(document) for document in documents if document]
        return sorted(
            meetings, key=lambda m: (m.date.earliest.isoformat() if m.date else "9999", m.slug)
        )

    @strawberry.field(description="Meetings it attended as a participant, with its role.")
    async def attended(self, info: GraphQLInfo) -> list[Participation]:
        named = await loaders(info).by_field("participations", "participant.id").load(self.slug)
        result = [participation_of(d) for d in named if d["participant"]["kind"] == "organisation"]
        memberships = await loaders(info).by_field("memberships", "member.id").load(self.slug)
        seen = {p.meeting_id for p in result}
        grouped = await attendance_via_groups(info, self.slug, memberships)
        result += [p for p in grouped if p.meeting_id not in seen]
        return await by_meeting_date(info, result)

    @strawberry.field(description="Decisions this organisation took, or that are about it.")
    async def decisions(self, info: GraphQLInfo) -> list[Decision]:
        taken = await loaders(info).by_field("decisions", "body_id").load(self.slug)
        about = await loaders(info).by_field("decisions", "subjects.id").load(self.slug)
        unique = {d["_id"]: d for d in taken + about}
        return [Decision.from_doc(document) for document in unique.values()]

    @strawberry.field(
        description="Statements the organisation made (as a speaker, or through those who spoke "
        "on its behalf) or that are about it, oldest first."
    )
    async def statements(self, info: GraphQLInfo, as_: StatementRoles = None) -> list[Statement]:
        return await statements_involving(info, self.slug, as_)

    @strawberry.field(description="Events the organisation acted in or is a subject of.")
    async def events(self, info: GraphQLInfo, as_: EventRoles = None) -> list[Event]:
        return await events_involving(info, self.slug, as_)

    @strawberry.field(description="Fields its sources disagree on, with every value given.")
    def disputes(self) -> list[Dispute]:
        return disputes_of(self.document)
