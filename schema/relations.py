"""Relations between entities, each with its own fields, dates and sources: posts held,
memberships, participations in meetings, and decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import Enum
from typing import Any

import strawberry
from strawberry import relay

from schema.common import (
    Certainty,
    DateValue,
    Dispute,
    Entity,
    GraphQLInfo,
    Source,
    StoredNode,
    disputes_of,
    load_entities,
    load_entity,
    loaders,
    sources,
)
from schema.history import Recorded
from schema.lazy import ArticleType, CountryType, MeetingType, OfficialType, OrganisationType
from store import Document
from store.timeline import certainty_on, intervals


@strawberry.enum(description="The standing of a member in an organisation.")
class MembershipRole(Enum):
    MEMBER = strawberry.enum_value(
        "member", description="A full member, e.g. Belgium in NATO since 1949-08-24."
    )
    PARTNER = strawberry.enum_value(
        "partner",
        description="A partner that is not a member, e.g. South Korea with NATO since 2005.",
    )
    APPLICANT = strawberry.enum_value(
        "applicant",
        description="Has applied to join, e.g. Finland from May 2022 until it was invited.",
    )
    INVITEE = strawberry.enum_value(
        "invitee",
        description="Invited to join and not yet a member, e.g. Finland from 2022-06-29 to "
        "2023-04-04.",
    )
    OBSERVER = strawberry.enum_value(
        "observer", description="Takes part without a vote or membership."
    )


@strawberry.enum(
    description="The capacity in which someone took part in a meeting. Editors choose it from "
    "this list when they record a participation; group participants take theirs from the group "
    "(`attendedAs`)."
)
class ParticipationRole(Enum):
    HOST = strawberry.enum_value(
        "host", description="Received the others, e.g. Mircea Geoana at NATO headquarters."
    )
    CHAIR = strawberry.enum_value("chair", description="Chaired the meeting.")
    LEADER = strawberry.enum_value(
        "leader",
        description="Led a delegation as head of state or government, or as an organisation's "
        "head, e.g. Yoon Suk-yeol at the 2022 NATO Summit.",
    )
    REPRESENTATIVE = strawberry.enum_value(
        "representative",
        description="Represented a country or an organisation without leading it, e.g. Kim Gunn, "
        "South Korea's special representative, at NAC+4.",
    )
    MEMBER = strawberry.enum_value(
        "member", description="Attended as a member, e.g. one of the 30 NATO members at NAC+4."
    )
    PARTNER = strawberry.enum_value(
        "partner", description="Attended as a partner, e.g. the Asia-Pacific partners at NAC+4."
    )
    INVITEE = strawberry.enum_value(
        "invitee",
        description="Attended by invitation, neither member nor partner, e.g. Finland and "
        "Sweden at NAC+4.",
    )
    OBSERVER = strawberry.enum_value(
        "observer", description="Attended without taking part in decisions."
    )
    PARTICIPANT = strawberry.enum_value(
        "participant", description="Took part; the sources say nothing more specific."
    )


@strawberry.enum(description="Whether a post is held, or announced for the future.")
class PostStatus(Enum):
    HELD = strawberry.enum_value("held", description="The official holds (or held) the post.")
    DESIGNATED = strawberry.enum_value(
        "designated",
        description="Announced for the official, not yet taken up, e.g. head of South Korea's "
        "mission to NATO.",
    )


@strawberry.type(
    description="A span of days: from `from` (inclusive) until `until` (the first day outside it, "
    "as end dates are); a null bound is open."
)
class TimeInterval:
    from_: dt.date | None = strawberry.field(
        name="from", description="The first day; null when it reaches back without limit."
    )
    until: dt.date | None = strawberry.field(
        description="The first day after it; null when it reaches on without limit."
    )

    @classmethod
    def from_doc(cls, document: Document | None) -> TimeInterval | None:
        if document is None:
            return None
        start, until = document.get("from"), document.get("until")
        return cls(
            from_=dt.date.fromisoformat(start) if start else None,
            until=dt.date.fromisoformat(until) if until else None,
        )


@strawberry.enum(description="Why an article shows a relation held on a day.")
class EvidenceBasis(Enum):
    PUBLISHED = strawberry.enum_value(
        "published", description="The article, published that day, states it."
    )
    REPORTED = strawberry.enum_value(
        "reported",
        description="The article states it in the words that report something of that day (a "
        "meeting, a decision, a statement, an event).",
    )
    GROUP = strawberry.enum_value(
        "group",
        description="The article counts the member in a group that attended a meeting that day "
        '("the four Asia-Pacific partner nations held a four-way summit").',
    )


@strawberry.type(description="A day an article shows a relation held, and why.")
class EvidenceDay:
    day: dt.date = strawberry.field(description="The day.")
    basis: EvidenceBasis = strawberry.field(description="Why the article shows it that day.")
    article_id: strawberry.Private[str]
    about_ref: strawberry.Private[Document | None]

    @strawberry.field(description="The article.")
    async def article(self, info: GraphQLInfo) -> ArticleType | None:
        return await load_entity(info, "article", self.article_id)

    @strawberry.field(description="What the article reports that day (for REPORTED and GROUP).")
    async def about(self, info: GraphQLInfo) -> Entity | None:
        if not self.about_ref:
            return None
        found = await load_entities(info, [self.about_ref])
        return found[0] if found else None


@strawberry.interface(
    description="A relation that holds for a time (a membership, a post), with how sure the "
    "evidence makes it on each day: `known` where the sources show it held, `possible` where it "
    "may have held (docs/data-model.md, 'Time bounded by evidence')."
)
class TimeAware:
    document: strawberry.Private[Document]
    as_of: strawberry.Private[str | None]

    @strawberry.field(
        description="How sure it is that this held on the list's `asOf` day; null in a list "
        "asked without `asOf`."
    )
    def certainty(self) -> Certainty | None:
        if self.as_of is None:
            return None
        found = certainty_on(self.document, self.as_of)
        return Certainty(found) if found else None

    @strawberry.field(
        description="The days the evidence shows it held: from its start (the last day a partial "
        "start can mean) or its first evidence day, until its end or the day after its last "
        "evidence day. Null when no day is known."
    )
    def known(self) -> TimeInterval | None:
        return TimeInterval.from_doc(intervals(self.document)[0])

    @strawberry.field(
        description="The days it possibly held: `known`, widened to the first day its start can "
        "mean (or a predecessor's end), and to the last day its end can mean (or a successor's "
        "known start)."
    )
    def possible(self) -> TimeInterval:
        found = TimeInterval.from_doc(intervals(self.document)[1])
        assert found is not None
        return found

    @strawberry.field(description="Each day an article shows it held, and why, earliest first.")
    def evidence_days(self) -> list[EvidenceDay]:
        return [
            EvidenceDay(
                day=dt.date.fromisoformat(item["day"]),
                basis=EvidenceBasis(item["basis"]),
                article_id=item["article_id"],
                about_ref=item.get("about"),
            )
            for item in self.document.get("evidence_days", [])
        ]

    @strawberry.field(description="Fields its sources disagree on, with every value given.")
    def disputes(self) -> list[Dispute]:
        return disputes_of(self.document)


@strawberry.type(
    description="A country's (or an organisation's) membership of an organisation, with its role "
    "and dates: Finland was a NATO applicant, then an invitee, then a member."
)
class Membership(TimeAware):
    slug: str = strawberry.field(description="Readable, stable id of this membership.")
    role: MembershipRole = strawberry.field(description="Member, partner, applicant, invitee...")
    start: DateValue | None = strawberry.field(description="When the role began, if known.")
    end: DateValue | None = strawberry.field(
        description="The first day the role no longer held; null while it holds."
    )
    sources: list[Source] = strawberry.field(description="Evidence for this membership.")

    @classmethod
    def from_doc(cls, document: Document, as_of: str | None = None) -> Membership:
        return cls(
            slug=document["_id"],
            role=MembershipRole(document["role"]),
            start=DateValue.from_doc(document.get("start"), document, "start"),
            end=DateValue.from_doc(document.get("end"), document, "end"),
            sources=sources(document.get("sources")),
            document=document,
            as_of=as_of,
        )

    @strawberry.field(description="The member: a country or an organisation.")
    async def member(self, info: GraphQLInfo) -> Entity | None:
        ref = self.document["member"]
        return await load_entity(info, ref["kind"], ref["id"])

    @strawberry.field(description="The organisation the member belongs to.")
    async def organisation(self, info: GraphQLInfo) -> OrganisationType | None:
        return await load_entity(info, "organisation", self.document["organisation_id"])


@strawberry.type(
    description="A post an official holds or held (an occupancy, in FollowTheMoney's terms): a "
    "title, the body it is in, the country it serves, dates, and the dates articles attest it."
)
class PostHeld(TimeAware):
    slug: str = strawberry.field(description="Readable, stable id of this post.")
    title: str = strawberry.field(description="The title, e.g. Ambassador to Belgium.")
    status: PostStatus = strawberry.field(description="Held, or designated for the future.")
    start: DateValue | None = strawberry.field(description="When the official took the post.")
    end: DateValue | None = strawberry.field(description="When the official left the post.")
    attested: list[DateValue] = strawberry.field(
        description="Publication dates of articles that state the official holds the post: news "
        "rarely gives a start date, but shows the post was held then."
    )
    sources: list[Source] = strawberry.field(description="Evidence for this post.")

    @classmethod
    def from_doc(cls, document: Document, as_of: str | None = None) -> PostHeld:
        return cls(
            slug=document["_id"],
            title=document["title"],
            status=PostStatus(document["status"]),
            start=DateValue.from_doc(document.get("start"), document, "start"),
            end=DateValue.from_doc(document.get("end"), document, "end"),
            attested=[DateValue.from_doc(date) for date in document.get("attested", [])],
            sources=sources(document.get("sources")),
            document=document,
            as_of=as_of,
        )

    @strawberry.field(
        description="In an office one person holds at a time (seeds/reference/offices.yaml): the "
        "previous holder's post."
    )
    async def predecessor(self, info: GraphQLInfo) -> PostHeld | None:
        previous = (self.document.get("succession") or {}).get("previous")
        if previous is None:
            return None
        document = await loaders(info).by_id("posts").load(previous)
        return PostHeld.from_doc(document) if document else None

    @strawberry.field(
        description="In an office one person holds at a time: the next holder's post."
    )
    async def successor(self, info: GraphQLInfo) -> PostHeld | None:
        following = (self.document.get("succession") or {}).get("next")
        if following is None:
            return None
        document = await loaders(info).by_id("posts").load(following)
        return PostHeld.from_doc(document) if document else None

    @strawberry.field(description="Who holds the post.")
    async def official(self, info: GraphQLInfo) -> OfficialType | None:
        return await load_entity(info, "official", self.document["official_id"])

    @strawberry.field(description="The body the post is in (a ministry, an embassy, NATO).")
    async def organisation(self, info: GraphQLInfo) -> OrganisationType | None:
        return await load_entity(info, "organisation", self.document.get("organisation_id"))

    @strawberry.field(description="The country the post serves, if it is a national post.")
    async def country(self, info: GraphQLInfo) -> CountryType | None:
        return await load_entity(info, "country", self.document.get("country_id"))


@strawberry.type(
    description='Participants given as a group, e.g. "30 NATO members": the members of an '
    "organisation with some roles, resolved as of the meeting's date."
)
class GroupParticipant:
    label: str = strawberry.field(description="How the article names the group.")
    roles: list[MembershipRole] = strawberry.field(
        description="Membership roles that put a country in the group."
    )
    attended_as: ParticipationRole = strawberry.field(
        description="The role the group's members attended in."
    )
    as_of: DateValue | None = strawberry.field(
        description="The date membership is resolved on: the meeting's date unless stated."
    )
    expected_count: int | None = strawberry.field(
        description="The group's size as the article states it, checked when the data is loaded."
    )
    sources: list[Source] = strawberry.field(description="Evidence that the group took part.")
    document: strawberry.Private[Document]

    @strawberry.field(description="The organisation whose members form the group.")
    async def organisation(self, info: GraphQLInfo) -> OrganisationType | None:
        return await load_entity(info, "organisation", self.document["organisation_id"])


@strawberry.type(
    description="Someone's part in a meeting: an official, a country or an organisation, the role "
    "it attended in, on whose behalf, and, for members of a group participant, the group."
)
class Participation:
    role: ParticipationRole = strawberry.field(
        description="The capacity it took part in: leader, representative, member, invitee..."
    )
    via: GroupParticipant | None = strawberry.field(
        description="The group this participant attended as part of (null for named participants)."
    )
    participant_ref: strawberry.Private[Document]
    meeting_id: strawberry.Private[str]
    on_behalf_of_ref: strawberry.Private[Document | None]
    source_documents: strawberry.Private[list[Document]]
    membership_document: strawberry.Private[Document | None] = None
    # Set when a list prefetched its participants in one batch (see `prefetch_participants`).
    participant_object: strawberry.Private[Any] = None
    # The stored participation (None for the members of a group participant).
    document: strawberry.Private[Document | None] = None

    @strawberry.field(description="Evidence for the participation.")
    def sources(self) -> list[Source]:
        return sources(self.source_documents)

    @strawberry.field(
        description="For group members: the membership that placed them in the group that day."
    )
    def via_membership(self) -> Membership | None:
        document = self.membership_document
        return Membership.from_doc(document) if document else None

    @strawberry.field(description="Who took part.")
    def participant(self, info: GraphQLInfo) -> Entity | None:
        # Synchronous when prefetched (a list of 36 countries costs no awaits); otherwise the
        # awaitable of a batched load, which graphql-core awaits like an async resolver's.
        if self.participant_object is not None:
            return self.participant_object
        pending: Any = load_entity(info, self.participant_ref["kind"], self.participant_ref["id"])
        return pending

    @strawberry.field(description="The meeting.")
    async def meeting(self, info: GraphQLInfo) -> MeetingType | None:
        return await load_entity(info, "meeting", self.meeting_id)

    @strawberry.field(description="The country or organisation the participant represented.")
    async def on_behalf_of(self, info: GraphQLInfo) -> Entity | None:
        if not self.on_behalf_of_ref:
            return None
        return await load_entity(info, self.on_behalf_of_ref["kind"], self.on_behalf_of_ref["id"])

    @strawberry.field(
        description="Fields its sources disagree on (a named participation's role, on whose "
        "behalf), with every value given."
    )
    def disputes(self) -> list[Dispute]:
        return disputes_of(self.document or {})


async def prefetch_participants(info: GraphQLInfo, items: Iterable[Participation]) -> None:
    """Load the participants of a page of participations in one batch per kind."""
    items = list(items)
    found = await load_entities(info, [item.participant_ref for item in items])
    by_ref = {(entity.node_kind, entity.document["_id"]): entity for entity in found}
    for item in items:
        ref = item.participant_ref
        item.participant_object = by_ref.get((ref["kind"], ref["id"]))


@strawberry.type(description="An official someone met, and the meeting where they met.")
class Encounter:
    official: OfficialType = strawberry.field(description="The official met.")
    meeting: MeetingType = strawberry.field(description="Where they met.")


@strawberry.type(description="A phrase an article uses to describe something, with its source.")
class AttestedText:
    text: str = strawberry.field(description="The article's words.")
    sources: list[Source] = strawberry.field(description="Where the words appear.")


@strawberry.type(
    description="A decision taken by a body on a date, e.g. the North Atlantic Council accepting "
    "South Korea's mission to NATO."
)
class Decision(StoredNode, relay.Node, Recorded):
    slug: str = strawberry.field(description="Readable, stable id.")
    summary: str = strawberry.field(description="What was decided.")
    date: DateValue | None = strawberry.field(description="When it was decided.")
    sources: list[Source] = strawberry.field(description="Evidence for the decision.")
    document: strawberry.Private[Document]

    @classmethod
    def from_doc(cls, document: Document) -> Decision:
        return cls(
            slug=document["_id"],
            summary=document["summary"],
            date=DateValue.from_doc(document.get("date"), document, "date"),
            sources=sources(document.get("sources")),
            document=document,
        )

    @strawberry.field(description="Fields its sources disagree on, with every value given.")
    def disputes(self) -> list[Dispute]:
        return disputes_of(self.document)

    @strawberry.field(description="The body that decided.")
    async def decided_by(self, info: GraphQLInfo) -> OrganisationType | None:
        return await load_entity(info, "organisation", self.document.get("body_id"))

    @strawberry.field(description="What the decision is about: countries, organisations...")
    async def subjects(self, info: GraphQLInfo) -> list[Entity]:
        return await load_entities(info, self.document.get("subjects", []))
