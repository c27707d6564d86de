"""Officials: people, the posts they hold, the meetings they attend and whom they met there."""

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
    iso_day,
    load_entity,
    loaders,
    sources,
)
from schema.event import Event, EventRoles, events_involving
from schema.history import Recorded
from schema.lazy import CountryType
from schema.meeting import Meeting, by_meeting_date, participation_of
from schema.relations import Encounter, Participation, PostHeld, PostStatus
from schema.statement import Statement, StatementRoles, statements_involving
from store import Document
from store.timeline import certainty_on


def posts_in_force(
    documents: list[Document], as_of: dt.date | None, certainty: list[Certainty] | None = None
) -> list[PostHeld]:
    """Posts, optionally only those held on `as_of` with one of the certainties asked (by
    default, known to be held); ordered by start date, undated last."""
    day = iso_day(as_of)
    wanted = certainties(as_of, certainty)
    chosen = [
        d
        for d in documents
        if day is None or (d["status"] == "held" and certainty_on(d, day) in wanted)
    ]
    chosen.sort(key=lambda d: ((d.get("start") or {}).get("earliest") or "9999", d["_id"]))
    return [PostHeld.from_doc(document, day) for document in chosen]


@strawberry.type(description="A person who holds or held a public post.")
class Official(StoredNode, Entity, Recorded):
    slug: str = strawberry.field(description="Readable, stable id, e.g. kim-gunn.")
    name: str = strawberry.field(description="The official's name, as the sources spell it.")
    aliases: list[str] = strawberry.field(description="Other spellings of the name.")
    honorific: str | None = strawberry.field(description="A title used with the name: Ambassador.")
    wikidata: str | None = strawberry.field(description="Wikidata id, where known.")
    sources: list[Source] = strawberry.field(description="Where the official is mentioned.")
    document: strawberry.Private[Document]

    @classmethod
    def from_doc(cls, document: Document) -> Official:
        return cls(
            slug=document["_id"],
            name=document["name"],
            aliases=document.get("aliases", []),
            honorific=document.get("honorific"),
            wikidata=document.get("wikidata"),
            sources=sources(document.get("sources")),
            document=document,
        )

    @strawberry.field(description="The official's country.")
    async def country(self, info: GraphQLInfo) -> CountryType | None:
        return await load_entity(info, "country", self.document.get("country_id"))

    @strawberry.field(
        description="Posts held, announced or past. With `asOf`, only posts held on that day "
        "(known to be, unless `certainty` says otherwise)."
    )
    async def posts(
        self,
        info: GraphQLInfo,
        as_of: AsOf = None,
        status: Annotated[
            PostStatus | None, strawberry.argument(description="Only posts with this status.")
        ] = None,
        certainty: CertaintyArg = None,
    ) -> list[PostHeld]:
        documents = await loaders(info).by_field("posts", "official_id").load(self.slug)
        if status is not None:
            documents = [d for d in documents if d["status"] == status.value]
        return posts_in_force(documents, as_of, certainty)

    @strawberry.field(
        description="Statements the official made, or that are about the official, oldest first."
    )
    async def statements(self, info: GraphQLInfo, as_: StatementRoles = None) -> list[Statement]:
        return await statements_involving(info, self.slug, as_)

    @strawberry.field(description="Events the official acted in or is a subject of.")
    async def events(self, info: GraphQLInfo, as_: EventRoles = None) -> list[Event]:
        return await events_involving(info, self.slug, as_)

    @strawberry.field(description="Fields its sources disagree on, with every value given.")
    def disputes(self) -> list[Dispute]:
        return disputes_of(self.document)

    @strawberry.field(description="Meetings the official attended, with the role, oldest first.")
    async def meetings(self, info: GraphQLInfo) -> list[Participation]:
        documents = await loaders(info).by_field("participations", "participant.id").load(self.slug)
        attended = [
            participation_of(d) for d in documents if d["participant"]["kind"] == "official"
        ]
        return await by_meeting_date(info, attended)

    @strawberry.field(description="Other officials met at meetings both attended.")
    async def people_met(self, info: GraphQLInfo) -> list[Encounter]:
        mine = await loaders(info).by_field("participations", "participant.id").load(self.slug)
        meeting_ids = [d["meeting_id"] for d in mine if d["participant"]["kind"] == "official"]
        by_meeting = (
            await loaders(info).by_field("participations", "meeting_id").load_many(meeting_ids)
        )
        pairs = [
            (other["participant"]["id"], meeting_id)
            for meeting_id, others in zip(meeting_ids, by_meeting, strict=True)
            for other in others
            if other["participant"]["kind"] == "official"
            and other["participant"]["id"] != self.slug
        ]
        officials = await loaders(info).by_id("officials").load_many([o for o, _ in pairs])
        meetings = await loaders(info).by_id("meetings").load_many([m for _, m in pairs])
        return [
            Encounter(official=Official.from_doc(official), meeting=Meeting.from_doc(meeting))
            for official, meeting in zip(officials, meetings, strict=True)
            if official and meeting
        ]
