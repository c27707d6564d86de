"""Articles: the sources of every relation, with their text and what they support."""

from __future__ import annotations

import strawberry
from strawberry import relay

from schema.common import DateValue, GraphQLInfo, StoredNode, by_date, from_documents, loaders
from schema.event import Event
from schema.history import Recorded
from schema.lazy import OrganisationType
from schema.meeting import Meeting, participation_of
from schema.official import Official
from schema.relations import Decision, Membership, Participation, PostHeld
from schema.statement import Statement
from store import Document


@strawberry.type(description="Everything an article is a source for.")
class ArticleFacts:
    article_id: strawberry.Private[str]

    async def _documents(self, info: GraphQLInfo, collection: str) -> list[Document]:
        return await loaders(info).by_field(collection, "sources.article_id").load(self.article_id)

    @strawberry.field(description="Officials the article mentions.")
    async def officials(self, info: GraphQLInfo) -> list[Official]:
        return [Official.from_doc(d) for d in await self._documents(info, "officials")]

    @strawberry.field(description="Organisations the article states facts about.")
    async def organisations(self, info: GraphQLInfo) -> list[OrganisationType]:
        return from_documents("organisation", await self._documents(info, "organisations"))

    @strawberry.field(description="Meetings the article reports.")
    async def meetings(self, info: GraphQLInfo) -> list[Meeting]:
        return [Meeting.from_doc(d) for d in await self._documents(info, "meetings")]

    @strawberry.field(description="Posts the article attests.")
    async def posts(self, info: GraphQLInfo) -> list[PostHeld]:
        return [PostHeld.from_doc(d) for d in await self._documents(info, "posts")]

    @strawberry.field(description="Memberships the article states.")
    async def memberships(self, info: GraphQLInfo) -> list[Membership]:
        return [Membership.from_doc(d) for d in await self._documents(info, "memberships")]

    @strawberry.field(description="Named participations in meetings the article states.")
    async def participations(self, info: GraphQLInfo) -> list[Participation]:
        return [participation_of(d) for d in await self._documents(info, "participations")]

    @strawberry.field(description="Decisions the article reports.")
    async def decisions(self, info: GraphQLInfo) -> list[Decision]:
        return [Decision.from_doc(d) for d in await self._documents(info, "decisions")]

    @strawberry.field(description="Statements the article reports, oldest first.")
    async def statements(self, info: GraphQLInfo) -> list[Statement]:
        documents = await self._documents(info, "statements")
        return [Statement.from_doc(d) for d in sorted(documents, key=by_date)]

    @strawberry.field(description="Events the article reports, oldest first.")
    async def events(self, info: GraphQLInfo) -> list[Event]:
        documents = await self._documents(info, "events")
        return [Event.from_doc(d) for d in sorted(documents, key=by_date)]


@strawberry.type(description="A news article, the source of the facts in the graph.")
class Article(StoredNode, relay.Node, Recorded):
    slug: str = strawberry.field(description="Readable, stable id.")
    title: str = strawberry.field(description="The headline.")
    title_is_editorial: bool = strawberry.field(
        description="True when the headline was written by diplograph's editors, not the publisher."
    )
    url: str = strawberry.field(description="Where it was published.")
    publisher: str = strawberry.field(description="Who published it.")
    authors: list[str] = strawberry.field(description="Bylines.")
    language: str = strawberry.field(description="Language code, e.g. en.")
    published: DateValue = strawberry.field(
        description="Publication date; `inferred` says whether it was read off the URL or similar."
    )
    text: str = strawberry.field(
        description="The text, byte for byte as published; sources' offsets index into it."
    )
    sha256: str = strawberry.field(description="SHA-256 of the text, to detect any change.")
    document: strawberry.Private[Document]

    @classmethod
    def from_doc(cls, document: Document) -> Article:
        return cls(
            slug=document["_id"],
            title=document["title"],
            title_is_editorial=document.get("title_is_editorial", False),
            url=document["url"],
            publisher=document["publisher"],
            authors=document.get("authors", []),
            language=document.get("language", "en"),
            published=DateValue.from_doc(document["published"]),
            text=document["text"],
            sha256=document["sha256"],
            document=document,
        )

    @strawberry.field(description="Everything this article is a source for.")
    def supports(self) -> ArticleFacts:
        return ArticleFacts(article_id=self.slug)
