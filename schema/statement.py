"""Statements: who said what, on whose behalf, about whom, when and where; the reported speech
that most diplomatic news is made of."""

from __future__ import annotations

from enum import Enum
from typing import Annotated

import strawberry

from schema.common import (
    DateValue,
    Dispute,
    Entity,
    GraphQLInfo,
    Source,
    StoredNode,
    by_date,
    disputes_of,
    load_entities,
    load_entity,
    loaders,
    sources,
)
from schema.history import Recorded
from schema.lazy import MeetingType
from schema.relations import PostHeld
from store import Document
from store.timeline import in_force


@strawberry.enum(description="What a statement does.")
class StatementKind(Enum):
    SAID = strawberry.enum_value("said", description="Said or stated (reported speech).")
    ANNOUNCED = strawberry.enum_value("announced", description="Announced a plan or a step.")
    DISCUSSED = strawberry.enum_value("discussed", description="Discussed with others.")
    AGREED = strawberry.enum_value("agreed", description="Agreed, jointly or with others.")
    PLEDGED = strawberry.enum_value("pledged", description="Pledged or promised.")
    REAFFIRMED = strawberry.enum_value("reaffirmed", description="Reaffirmed a commitment.")
    WELCOMED = strawberry.enum_value("welcomed", description="Welcomed something or someone.")
    SUPPORTED = strawberry.enum_value("supported", description="Expressed support.")
    CONDEMNED = strawberry.enum_value("condemned", description="Condemned.")
    PROTESTED = strawberry.enum_value("protested", description="Lodged a protest.")
    ACCUSED = strawberry.enum_value("accused", description="Accused someone.")
    BLAMED = strawberry.enum_value("blamed", description="Blamed someone or something.")
    WARNED = strawberry.enum_value("warned", description="Warned.")
    OPPOSED = strawberry.enum_value("opposed", description="Opposed or resisted.")
    CALLED_FOR = strawberry.enum_value(
        "called_for", description="Called for, urged or asked for something."
    )
    OTHER = strawberry.enum_value("other", description="Anything else.")


@strawberry.enum(description="The part an entity plays in a statement.")
class StatementRole(Enum):
    SPEAKER = strawberry.enum_value("speakers", description="It spoke.")
    ON_BEHALF_OF = strawberry.enum_value(
        "on_behalf_of", description="The speaker spoke on its behalf."
    )
    SUBJECT = strawberry.enum_value("subjects", description="The statement is about it.")


@strawberry.type(
    description="Something said, as an article reports it: who spoke, on whose behalf, what kind "
    "of statement (condemned, agreed, called for...), about whom or what, when, and at which "
    "meeting. `name` is its summary; `sources` holds the article's words."
)
class Statement(StoredNode, Entity, Recorded):
    slug: str = strawberry.field(description="Readable, stable id.")
    name: str = strawberry.field(description="The summary: the editors' one line for it.")
    summary: str = strawberry.field(description="The editors' one line for it.")
    kind: StatementKind = strawberry.field(description="What the statement does.")
    date: DateValue | None = strawberry.field(description="When it was said.")
    sources: list[Source] = strawberry.field(description="The article's words.")
    document: strawberry.Private[Document]

    @classmethod
    def from_doc(cls, document: Document) -> Statement:
        return cls(
            slug=document["_id"],
            name=document["summary"],
            summary=document["summary"],
            kind=StatementKind(document["kind"]),
            date=DateValue.from_doc(document.get("date"), document, "date"),
            sources=sources(document.get("sources")),
            document=document,
        )

    @strawberry.field(description="Who spoke: officials, or a country or body speaking as one.")
    async def speakers(self, info: GraphQLInfo) -> list[Entity]:
        return await load_entities(info, self.document.get("speakers", []))

    @strawberry.field(description="The countries or organisations the speakers spoke for.")
    async def on_behalf_of(self, info: GraphQLInfo) -> list[Entity]:
        return await load_entities(info, self.document.get("on_behalf_of", []))

    @strawberry.field(description="Whom or what it is about: countries, people, events...")
    async def about(self, info: GraphQLInfo) -> list[Entity]:
        return await load_entities(info, self.document.get("subjects", []))

    @strawberry.field(description="The meeting it was made at, if the article says.")
    async def meeting(self, info: GraphQLInfo) -> MeetingType | None:
        return await load_entity(info, "meeting", self.document.get("meeting_id"))

    @strawberry.field(
        description="The posts its speakers were known to hold on its date: in what capacity "
        "they spoke (empty when the statement has no day)."
    )
    async def speaker_posts(self, info: GraphQLInfo) -> list[PostHeld]:
        date = self.document.get("date") or {}
        if date.get("precision") != "day":
            return []
        day = date["earliest"]
        speakers = self.document.get("speakers", [])
        officials = [ref["id"] for ref in speakers if ref["kind"] == "official"]
        posts = await loaders(info).by_field("posts", "official_id").load_many(officials)
        return [
            PostHeld.from_doc(post, day)
            for held in posts
            for post in held
            if post["status"] == "held" and in_force(post, day)
        ]

    @strawberry.field(description="Fields its sources disagree on, with every value given.")
    def disputes(self) -> list[Dispute]:
        return disputes_of(self.document)


StatementRoles = Annotated[
    list[StatementRole] | None,
    strawberry.argument(
        name="as", description="Only statements it plays these parts in (default: any)."
    ),
]


async def statements_involving(
    info: GraphQLInfo, identifier: str, roles: list[StatementRole] | None
) -> list[Statement]:
    """The statements an entity made, was spoken for in, or is the subject of, oldest first."""
    found: dict[str, Document] = {}
    for role in roles or list(StatementRole):
        field = f"{role.value}.id"
        documents = await loaders(info).by_field("statements", field).load(identifier)
        found.update((document["_id"], document) for document in documents)
    return [Statement.from_doc(document) for document in sorted(found.values(), key=by_date)]
