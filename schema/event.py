"""Events that are not meetings: a missile launch, an invasion, an election, an accession; who
acted, and whom or what it concerned."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from schema.common import (
    DateValue,
    Dispute,
    Entity,
    GraphQLInfo,
    Location,
    Source,
    StoredNode,
    by_date,
    disputes_of,
    from_documents,
    load_entities,
    loaders,
    sources,
)
from schema.history import Recorded
from schema.lazy import StatementType
from store import Document


@strawberry.enum(description="What kind of event it was.")
class EventKind(Enum):
    LAUNCH = strawberry.enum_value("launch", description="A missile or rocket launch.")
    TEST = strawberry.enum_value("test", description="A weapons test (a nuclear test...).")
    EXERCISE = strawberry.enum_value("exercise", description="A military exercise or drills.")
    ATTACK = strawberry.enum_value("attack", description="An attack or a strike.")
    INVASION = strawberry.enum_value("invasion", description="An invasion.")
    ELECTION = strawberry.enum_value("election", description="An election or a referendum.")
    ACCESSION = strawberry.enum_value(
        "accession", description="Joining an organisation or a treaty."
    )
    APPOINTMENT = strawberry.enum_value(
        "appointment", description="Someone appointed or taking office."
    )
    RESIGNATION = strawberry.enum_value(
        "resignation", description="Someone resigning or removed from office."
    )
    VISIT = strawberry.enum_value("visit", description="A visit or a trip.")
    OTHER = strawberry.enum_value("other", description="Anything else.")


@strawberry.enum(description="The part an entity plays in an event.")
class EventRole(Enum):
    ACTOR = strawberry.enum_value("actors", description="It did it (North Korea, launching).")
    SUBJECT = strawberry.enum_value(
        "subjects", description="It was done to it, or concerned it (Japan's waters)."
    )


@strawberry.type(
    description="Something that happened and is not a meeting: a missile launch, an invasion, an "
    "election, an accession. Its actors did it; its subjects are whom or what it concerned."
)
class Event(StoredNode, Entity, Recorded):
    slug: str = strawberry.field(
        description="Readable, stable id, e.g. dprk-icbm-launch-2022-11-18."
    )
    name: str = strawberry.field(description="The event's name.")
    aliases: list[str] = strawberry.field(description="Other names.")
    kind: EventKind = strawberry.field(description="Launch, invasion, election...")
    date: DateValue | None = strawberry.field(description="When it happened (or began).")
    end_date: DateValue | None = strawberry.field(description="When it ended, if it lasted.")
    location: Location | None = strawberry.field(description="Where it happened.")
    sources: list[Source] = strawberry.field(description="Evidence that it happened.")
    document: strawberry.Private[Document]

    @classmethod
    def from_doc(cls, document: Document) -> Event:
        return cls(
            slug=document["_id"],
            name=document["name"],
            aliases=document.get("aliases", []),
            kind=EventKind(document.get("kind") or "other"),
            date=DateValue.from_doc(document.get("date"), document, "date"),
            end_date=DateValue.from_doc(document.get("end_date"), document, "end_date"),
            location=Location.from_doc(document.get("location")),
            sources=sources(document.get("sources")),
            document=document,
        )

    @strawberry.field(description="Who did it: countries, officials, organisations.")
    async def actors(self, info: GraphQLInfo) -> list[Entity]:
        return await load_entities(info, self.document.get("actors", []))

    @strawberry.field(description="Whom or what it concerned.")
    async def subjects(self, info: GraphQLInfo) -> list[Entity]:
        return await load_entities(info, self.document.get("subjects", []))

    @strawberry.field(description="Statements about this event, oldest first.")
    async def statements(self, info: GraphQLInfo) -> list[StatementType]:
        documents = await loaders(info).by_field("statements", "subjects.id").load(self.slug)
        return from_documents("statement", sorted(documents, key=by_date))

    @strawberry.field(description="Fields its sources disagree on, with every value given.")
    def disputes(self) -> list[Dispute]:
        return disputes_of(self.document)


EventRoles = Annotated[
    list[EventRole] | None,
    strawberry.argument(
        name="as", description="Only events it plays these parts in (default: any)."
    ),
]


async def events_involving(
    info: GraphQLInfo, identifier: str, roles: list[EventRole] | None
) -> list[Event]:
    """The events an entity acted in or is a subject of, oldest first."""
    found: dict[str, Document] = {}
    for role in roles or list(EventRole):
        documents = await loaders(info).by_field("events", f"{role.value}.id").load(identifier)
        found.update((document["_id"], document) for document in documents)
    return [Event.from_doc(document) for document in sorted(found.values(), key=by_date)]
