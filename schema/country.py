"""Countries: all of ISO 3166-1, with the names news uses for them, and their place in the graph."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from schema.common import (
    AsOf,
    Certainty,
    CertaintyArg,
    Dispute,
    Entity,
    GraphQLInfo,
    Source,
    StoredNode,
    certainties,
    disputes_of,
    from_documents,
    iso_day,
    loaders,
    readable_id,
    sources,
)
from schema.event import Event, EventRoles, events_involving
from schema.history import Recorded
from schema.lazy import OrganisationType
from schema.meeting import by_meeting_date, group_of, participation_of
from schema.official import Official, posts_in_force
from schema.relations import (
    Decision,
    Membership,
    MembershipRole,
    Participation,
    ParticipationRole,
    PostHeld,
)
from schema.statement import Statement, StatementRoles, statements_involving
from store import Document
from store.errors import BadInput
from store.timeline import certainty_on, in_force


def memberships_in_force(
    documents: list[Document],
    as_of: dt.date | None,
    role: MembershipRole | None,
    certainty: list[Certainty] | None = None,
) -> list[Membership]:
    """Memberships with `role`, optionally only those held on `as_of` with one of the
    certainties asked (by default, known to hold); oldest first."""
    day = iso_day(as_of)
    wanted = certainties(as_of, certainty)
    chosen = [
        d
        for d in documents
        if (role is None or d["role"] == role.value)
        and (day is None or certainty_on(d, day) in wanted)
    ]
    memberships = [Membership.from_doc(document, day) for document in chosen]
    memberships.sort(key=membership_position)
    return memberships


def membership_position(membership: Membership) -> tuple[str, str]:
    """Where a membership is listed: by the day it began (undated first), then by id."""
    return (membership.start.earliest.isoformat() if membership.start else "0000"), membership.slug


async def require(info: GraphQLInfo, collection: str, identifier: str, argument: str) -> str:
    """The readable id a filter names (a global id of that kind is read too); BadInput naming
    it when the graph holds nothing with it: an unknown id silently matching nothing reads as
    a true "none"."""
    kind = collection.removesuffix("s")
    wanted = readable_id(identifier, kind, argument)
    if await loaders(info).by_id(collection).load(wanted) is None:
        raise BadInput(f"`{argument}`: no {kind} has the id {identifier!r}.", argument=argument)
    return wanted


async def attendance_via_groups(
    info: GraphQLInfo, member_id: str, memberships: list[Document]
) -> list[Participation]:
    """Meetings a member attended as part of a group participant ("30 NATO members")."""
    organisation_ids = list(dict.fromkeys(m["organisation_id"] for m in memberships))
    meetings_lists = (
        await loaders(info)
        .by_field("meetings", "group_participants.organisation_id")
        .load_many(organisation_ids)
    )
    meetings = {m["_id"]: m for group in meetings_lists for m in group}
    attended = []
    for meeting in meetings.values():
        for group in meeting.get("group_participants", []):
            as_of = (group.get("as_of") or meeting.get("date") or {}).get("earliest")
            matching = [
                m
                for m in memberships
                if m["organisation_id"] == group["organisation_id"]
                and m["role"] in group["roles"]
                and as_of
                and in_force(m, as_of)
            ]
            if matching:
                view = group_of(group, meeting)
                attended.append(
                    Participation(
                        role=ParticipationRole(group["attended_as"]),
                        via=view,
                        participant_ref=matching[0]["member"],
                        meeting_id=meeting["_id"],
                        on_behalf_of_ref=None,
                        source_documents=group.get("sources", []),
                        membership_document=matching[0],
                    )
                )
                break
    return attended


@strawberry.type(
    description="A country (ISO 3166-1), with the names news uses for it: aliases, demonyms, and "
    'its capital as a metonym ("Seoul" for the South Korean government).'
)
class Country(StoredNode, Entity, Recorded):
    code: str = strawberry.field(description="ISO 3166-1 alpha-2 code, e.g. KR.")
    name: str = strawberry.field(description="Common English name, e.g. South Korea.")
    alpha3: str = strawberry.field(description="ISO 3166-1 alpha-3 code, e.g. KOR.")
    numeric: str = strawberry.field(description="ISO 3166-1 numeric code, e.g. 410.")
    iso_name: str = strawberry.field(description="The ISO 3166-1 name, e.g. Korea, Republic of.")
    official_name: str | None = strawberry.field(description="Formal name: Republic of Korea.")
    aliases: list[str] = strawberry.field(description="Other names: ROK, Republic of Korea.")
    demonyms: list[str] = strawberry.field(description="Adjectives for its people: South Korean.")
    capital: str | None = strawberry.field(description="The capital city.")
    metonyms: list[str] = strawberry.field(
        description="Names that stand for its government in news, usually the capital: Seoul."
    )
    wikidata: str | None = strawberry.field(description="Wikidata id, e.g. Q884.")
    sources: list[Source] = strawberry.field(description="Where the country's names come from.")
    document: strawberry.Private[Document]

    @classmethod
    def from_doc(cls, document: Document) -> Country:
        return cls(
            code=document["_id"],
            name=document["name"],
            alpha3=document["alpha3"],
            numeric=document["numeric"],
            iso_name=document["iso_name"],
            official_name=document.get("official_name"),
            aliases=document.get("aliases", []),
            demonyms=document.get("demonyms", []),
            capital=document.get("capital"),
            metonyms=document.get("metonyms", []),
            wikidata=document.get("wikidata"),
            sources=sources(document.get("sources")),
            document=document,
        )

    @strawberry.field(
        description="Memberships of organisations (member, partner, applicant, invitee...), "
        "oldest first. With `asOf`, only those in force that day."
    )
    async def memberships(
        self,
        info: GraphQLInfo,
        as_of: AsOf = None,
        organisation: Annotated[
            str | None,
            strawberry.argument(
                description="Only memberships of this organisation: its readable id (nato) or "
                "global id."
            ),
        ] = None,
        role: Annotated[
            MembershipRole | None,
            strawberry.argument(description="Only memberships with this role."),
        ] = None,
        certainty: CertaintyArg = None,
    ) -> list[Membership]:
        if organisation is not None:
            wanted = await require(info, "organisations", organisation, "organisation")
        documents = await loaders(info).by_field("memberships", "member.id").load(self.code)
        if organisation is not None:
            documents = [d for d in documents if d["organisation_id"] == wanted]
        return memberships_in_force(documents, as_of, role, certainty)

    @strawberry.field(description="Officials of this country.")
    async def officials(self, info: GraphQLInfo) -> list[Official]:
        documents = await loaders(info).by_field("officials", "country_id").load(self.code)
        return [Official.from_doc(document) for document in documents]

    @strawberry.field(
        description="Posts that serve this country (president, ambassadors...). With `asOf`, "
        "only those held that day (known to be, unless `certainty` says otherwise)."
    )
    async def posts(
        self, info: GraphQLInfo, as_of: AsOf = None, certainty: CertaintyArg = None
    ) -> list[PostHeld]:
        documents = await loaders(info).by_field("posts", "country_id").load(self.code)
        return posts_in_force(documents, as_of, certainty)

    @strawberry.field(
        description="Meetings the country attended, by name or as a member of a group "
        'participant (e.g. as one of "30 NATO members"), oldest first.'
    )
    async def meetings(self, info: GraphQLInfo) -> list[Participation]:
        named = await loaders(info).by_field("participations", "participant.id").load(self.code)
        result = [participation_of(d) for d in named if d["participant"]["kind"] == "country"]
        memberships = await loaders(info).by_field("memberships", "member.id").load(self.code)
        seen = {p.meeting_id for p in result}
        grouped = await attendance_via_groups(info, self.code, memberships)
        result += [p for p in grouped if p.meeting_id not in seen]
        return await by_meeting_date(info, result)

    @strawberry.field(description="The country's bodies: ministries, offices, embassies, missions.")
    async def bodies(self, info: GraphQLInfo) -> list[OrganisationType]:
        documents = await loaders(info).by_field("organisations", "country_id").load(self.code)
        return from_documents("organisation", documents)

    @strawberry.field(description="Decisions about this country.")
    async def decisions(self, info: GraphQLInfo) -> list[Decision]:
        documents = await loaders(info).by_field("decisions", "subjects.id").load(self.code)
        return [Decision.from_doc(document) for document in documents]

    @strawberry.field(
        description="Statements the country made (as a speaker, or through those who spoke on "
        "its behalf) or that are about it, oldest first: a country named only as a subject "
        '("accused China and Russia") is found here.'
    )
    async def statements(self, info: GraphQLInfo, as_: StatementRoles = None) -> list[Statement]:
        return await statements_involving(info, self.code, as_)

    @strawberry.field(description="Events the country acted in or is a subject of, oldest first.")
    async def events(self, info: GraphQLInfo, as_: EventRoles = None) -> list[Event]:
        return await events_involving(info, self.code, as_)

    @strawberry.field(description="Fields its sources disagree on, with every value given.")
    def disputes(self) -> list[Dispute]:
        return disputes_of(self.document)
