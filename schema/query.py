"""The root Query: lookups by readable id, filtered lists, search, paths, and Relay's node."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry import relay

from schema.article import Article
from schema.common import (
    MAX_PAGE_SIZE,
    After,
    Before,
    Certainty,
    Connection,
    First,
    GraphQLInfo,
    Last,
    Slug,
    StoredNode,
    certainties,
    iso_day,
    loaders,
    window,
)
from schema.country import Country, require
from schema.event import Event, EventKind
from schema.meeting import Meeting, MeetingKind
from schema.official import Official
from schema.organisation import Organisation, OrganisationKind
from schema.paths import MAX_HOPS, Path, shortest_paths
from schema.relations import Decision, MembershipRole
from schema.search import MAX_QUERY_LENGTH, EntityType, SearchResult, search_entities
from schema.statement import Statement, StatementKind
from store.entities import BY_NODE_TYPE, collection_of
from store.errors import BadInput, NotFound
from store.names import name_key
from store.repository import graph
from store.repository.criteria import Criteria
from store.timeline import certainty_on

SearchFirst = Annotated[int, strawberry.argument(description="How many results (1 to 50).")]
FILTERS = strawberry.argument(description="Filters; all given must match.")
ORDER = strawberry.argument(description="The order of the list.")


@strawberry.enum(description="Orderings of a list of countries.")
class CountryOrder(Enum):
    CODE = "code"
    NAME = "name"


@strawberry.enum(description="Orderings of a list of named things.")
class NameOrder(Enum):
    NAME = "name"
    NAME_DESC = "name_desc"


@strawberry.enum(description="Orderings of a list of meetings.")
class MeetingOrder(Enum):
    DATE = "date"
    DATE_DESC = "date_desc"
    NAME = "name"


@strawberry.enum(description="Orderings of a list of articles.")
class ArticleOrder(Enum):
    PUBLISHED = "published"
    PUBLISHED_DESC = "published_desc"


@strawberry.enum(description="Orderings of a list of dated things (statements, events).")
class DatedOrder(Enum):
    DATE = strawberry.enum_value("date", description="Oldest first (undated ones first).")
    DATE_DESC = strawberry.enum_value("date_desc", description="Newest first (undated ones last).")


SORTS: dict[Enum, list[tuple[str, int]]] = {
    CountryOrder.CODE: [("_id", 1)],
    CountryOrder.NAME: [("name", 1)],
    NameOrder.NAME: [("name", 1)],
    NameOrder.NAME_DESC: [("name", -1)],
    MeetingOrder.DATE: [("date.earliest", 1)],
    MeetingOrder.DATE_DESC: [("date.earliest", -1)],
    MeetingOrder.NAME: [("name", 1)],
    ArticleOrder.PUBLISHED: [("published.earliest", 1)],
    ArticleOrder.PUBLISHED_DESC: [("published.earliest", -1)],
    DatedOrder.DATE: [("date.earliest", 1)],
    DatedOrder.DATE_DESC: [("date.earliest", -1)],
}


@strawberry.input(description="Filters for `countries`; all given filters must match.")
class CountryWhere:
    codes: list[str] | None = strawberry.field(default=None, description="ISO alpha-2 codes.")
    name_starts_with: str | None = strawberry.field(
        default=None,
        description="A prefix of any of its names or aliases (accents and case ignored).",
    )
    member_of: str | None = strawberry.field(
        default=None,
        description="Only countries with a membership of this organisation (its slug, e.g. "
        "nato) in the role `role`: by default MEMBER, so partners are not members. An unknown "
        "slug is an error.",
    )
    role: MembershipRole | None = strawberry.field(
        default=None,
        description="With `memberOf`: the membership role (default MEMBER; PARTNER, INVITEE...).",
    )
    as_of: dt.date | None = strawberry.field(
        default=None,
        description="With `memberOf`: the membership held on this day (known to, unless "
        "`certainty` says otherwise). Without `memberOf` it is an error: it qualifies nothing.",
    )
    certainty: list[Certainty] | None = strawberry.field(
        default=None,
        description="With `asOf`: the certainties to count (default [KNOWN]).",
    )


@strawberry.input(description="Filters for `officials`.")
class OfficialWhere:
    country: str | None = strawberry.field(
        default=None, description="Officials of this country: its ISO alpha-2 code."
    )
    name_starts_with: str | None = strawberry.field(default=None, description="A name prefix.")


@strawberry.input(description="Filters for `organisations`.")
class OrganisationWhere:
    kind: OrganisationKind | None = strawberry.field(default=None, description="Kind.")
    country: str | None = strawberry.field(
        default=None, description="Bodies of this country (its ISO alpha-2 code)."
    )
    parent: str | None = strawberry.field(
        default=None, description="Parts of this organisation (its slug)."
    )
    name_starts_with: str | None = strawberry.field(default=None, description="A name prefix.")


@strawberry.input(description="Filters for `meetings`.")
class MeetingWhere:
    kind: MeetingKind | None = strawberry.field(default=None, description="Kind.")
    from_date: dt.date | None = strawberry.field(default=None, description="On or after this day.")
    to_date: dt.date | None = strawberry.field(default=None, description="On or before this day.")
    organiser: str | None = strawberry.field(default=None, description="Convened by (slug).")
    name_starts_with: str | None = strawberry.field(default=None, description="A name prefix.")


@strawberry.input(description="Filters for `articles`.")
class ArticleWhere:
    publisher: str | None = strawberry.field(
        default=None,
        description="The publisher's name, as `Article.publisher` writes it (case and accents "
        "aside). A publisher no article has is an error.",
    )
    published_from: dt.date | None = strawberry.field(default=None, description="From this day.")
    published_to: dt.date | None = strawberry.field(default=None, description="Up to this day.")


@strawberry.input(description="Filters for `statements`; all given must match.")
class StatementWhere:
    kind: StatementKind | None = strawberry.field(default=None, description="Kind.")
    speaker: str | None = strawberry.field(
        default=None, description="Made by this official, country or organisation (its id)."
    )
    on_behalf_of: str | None = strawberry.field(
        default=None, description="Made on behalf of this country or organisation (its id)."
    )
    about: str | None = strawberry.field(
        default=None, description="About this entity (its id): a country, an official, an event."
    )
    from_date: dt.date | None = strawberry.field(default=None, description="On or after this day.")
    to_date: dt.date | None = strawberry.field(default=None, description="On or before this day.")


@strawberry.input(description="Filters for `events`; all given must match.")
class EventWhere:
    kind: EventKind | None = strawberry.field(default=None, description="Kind.")
    actor: str | None = strawberry.field(
        default=None, description="Done by this country, official or organisation (its id)."
    )
    subject: str | None = strawberry.field(
        default=None, description="Concerning this entity (its id)."
    )
    from_date: dt.date | None = strawberry.field(default=None, description="On or after this day.")
    to_date: dt.date | None = strawberry.field(default=None, description="On or before this day.")


def _date_range(start: dt.date | None, end: dt.date | None, names: tuple[str, str]) -> None:
    if start is not None and end is not None and start > end:
        raise BadInput(f"`{names[0]}` ({start}) is after `{names[1]}` ({end}): nothing can match.")


async def _entity_id(info: GraphQLInfo, value: str, argument: str, kinds: tuple[str, ...]) -> str:
    """The stored id `value` names among `kinds` (a country code in any case); BadInput naming
    it when nothing has it."""
    for kind in kinds:
        identifier = value.strip().upper() if kind == "country" else value.strip()
        if await loaders(info).by_id(collection_of(kind)).load(identifier):
            return identifier
    wanted = " or ".join(kinds)
    raise BadInput(f"`{argument}`: no {wanted} has the id {value!r}.", argument=argument)


ANY_ENTITY = ("official", "country", "organisation", "meeting", "event")


def _name_prefix(criteria: Criteria, prefix: str | None) -> None:
    if prefix is not None:
        if len(prefix) > MAX_QUERY_LENGTH:
            raise BadInput(f"`nameStartsWith` is limited to {MAX_QUERY_LENGTH} characters.")
        key = name_key(prefix)
        if not key:
            raise BadInput("`nameStartsWith` must contain at least one letter or digit.")
        criteria.name_starts_with(key)


async def _publisher(info: GraphQLInfo, publisher: str) -> str:
    """The publisher as stored, for a name written with any case or accents; BadInput naming it
    when no article has it."""
    if await graph.any_matching(
        info.context.store, "articles", Criteria().equal("publisher", publisher)
    ):
        return publisher
    key = name_key(publisher)
    for name in await graph.publishers(info.context.store):
        if name_key(name) == key:
            return name
    raise BadInput(
        f"`publisher`: no article has the publisher {publisher!r}.", argument="publisher"
    )


async def _connection(
    info: GraphQLInfo,
    node_type: type[StoredNode],
    criteria: Criteria,
    order: Enum,
    first: int | None,
    after: str | None,
    last: int | None,
    before: str | None,
) -> Connection[Any]:
    store = info.context.store
    slice_ = window(first, after, last, before, None)
    if slice_.needs_total:
        total = (await graph.page(store, node_type.collection, criteria, SORTS[order], 0, 0)).total
        slice_ = window(first, after, last, before, total)
    found = await graph.page(
        store, node_type.collection, criteria, SORTS[order], slice_.offset, slice_.limit
    )
    items = [node_type.from_doc(document) for document in found.documents]
    for document in found.documents:
        loaders(info).by_id(node_type.collection).prime(document["_id"], document)
    return Connection.of_page(items, slice_.offset, found.total)


async def _node_or_none(info: GraphQLInfo, global_id: relay.GlobalID) -> relay.Node | None:
    if global_id.type_name not in BY_NODE_TYPE:
        return None
    return await global_id.resolve_node(info, required=False)


def _parse_node_ref(value: str) -> tuple[str, str]:
    """A global id, or a readable id (a country code or a slug), as (kind, id)."""
    try:
        global_id = relay.GlobalID.from_id(value)
    except Exception:
        global_id = None
    if global_id is not None:
        node_kind = BY_NODE_TYPE.get(global_id.type_name)
        if node_kind is not None:
            return node_kind.name, global_id.node_id
        raise BadInput(f"{value!r} is the id of a {global_id.type_name}, which paths do not visit.")
    return ("country", value.upper()) if re.fullmatch(r"[A-Za-z]{2}", value) else ("", value)


async def _resolve_endpoint(info: GraphQLInfo, value: str, argument: str) -> tuple[str, str]:
    kind, identifier = _parse_node_ref(value)
    candidates = [kind] if kind else ["official", "organisation", "meeting", "country"]
    for candidate in candidates:
        if await loaders(info).by_id(collection_of(candidate)).load(identifier):
            return candidate, identifier
    raise NotFound(f"`{argument}`: nothing in the graph has the id {value!r}.")


@strawberry.type(description="diplograph's entry points. Every answer can show its sources.")
class Query:
    @strawberry.field(description="Any object by its global id (null when nothing has it).")
    async def node(
        self,
        info: GraphQLInfo,
        global_id: Annotated[
            relay.GlobalID, strawberry.argument(name="id", description="A global id.")
        ],
    ) -> relay.Node | None:
        return await _node_or_none(info, global_id)

    @strawberry.field(description="Objects by their global ids, in order (null where unknown).")
    async def nodes(
        self,
        info: GraphQLInfo,
        ids: Annotated[list[relay.GlobalID], strawberry.argument(description="Global ids.")],
    ) -> list[relay.Node | None]:
        if len(ids) > MAX_PAGE_SIZE:
            raise BadInput(f"`ids` takes at most {MAX_PAGE_SIZE} ids; got {len(ids)}.")
        return list(await asyncio.gather(*(_node_or_none(info, gid) for gid in ids)))

    @strawberry.field(
        description="Find countries, officials, organisations and meetings by name, alias, "
        'acronym, demonym or metonym ("Seoul", "ROK", "the Alliance"), ranked; accents and '
        "case are ignored and any word of a name can start the match."
    )
    async def search(
        self,
        info: GraphQLInfo,
        query: Annotated[
            str,
            strawberry.argument(
                description="Words to look for: a name, alias, acronym, demonym or capital."
            ),
        ],
        types: Annotated[
            list[EntityType] | None,
            strawberry.argument(description="Only these kinds of entity (default: all)."),
        ] = None,
        first: SearchFirst = 10,
    ) -> list[SearchResult]:
        return await search_entities(info, query, types, first)

    @strawberry.field(
        description="A country by ISO 3166-1 alpha-2 or alpha-3 code, e.g. KR or KOR."
    )
    async def country(
        self,
        info: GraphQLInfo,
        code: Annotated[
            str, strawberry.argument(description="ISO 3166-1 alpha-2 or alpha-3 code.")
        ],
    ) -> Country | None:
        code = code.strip().upper()
        if len(code) == 2:
            document = await loaders(info).by_id("countries").load(code)
        else:
            matches = await loaders(info).by_field("countries", "alpha3").load(code)
            document = matches[0] if matches else None
        if document is None:
            raise NotFound(f"No country has the ISO 3166-1 code {code!r}.")
        return Country.from_doc(document)

    @strawberry.field(description="Countries, filtered and ordered.")
    async def countries(
        self,
        info: GraphQLInfo,
        where: Annotated[CountryWhere | None, FILTERS] = None,
        order_by: Annotated[CountryOrder, ORDER] = CountryOrder.CODE,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Country]:
        criteria = Criteria()
        if where:
            codes = (
                [code.strip().upper() for code in where.codes] if where.codes is not None else None
            )
            if codes:
                found = await loaders(info).by_id("countries").load_many(codes)
                unknown = [code for code, doc in zip(codes, found, strict=True) if doc is None]
                if unknown:
                    raise BadInput(
                        f"`codes`: no country has the code {', '.join(map(repr, unknown))}; "
                        "give ISO 3166-1 alpha-2 codes, like KR.",
                        argument="codes",
                    )
            _name_prefix(criteria, where.name_starts_with)
            if where.member_of is None:
                for argument, value in (
                    ("role", where.role),
                    ("asOf", where.as_of),
                    ("certainty", where.certainty),
                ):
                    if value is not None:
                        raise BadInput(
                            f"`{argument}` qualifies `memberOf`, which is not given: name the "
                            'organisation too (e.g. memberOf: "nato").',
                            argument=argument,
                        )
            else:
                await require(info, "organisations", where.member_of, "memberOf")
                wanted = certainties(where.as_of, where.certainty)
                role = (where.role or MembershipRole.MEMBER).value
                memberships = await graph.memberships_of(
                    info.context.store, where.member_of, [role]
                )
                day = iso_day(where.as_of)
                members = {
                    m["member"]["id"]
                    for m in memberships
                    if m["member"]["kind"] == "country"
                    and (day is None or certainty_on(m, day) in wanted)
                }
                if codes is not None:
                    members &= set(codes)
                codes = sorted(members)
            if codes is not None:
                criteria.id_in(codes)
        return await _connection(info, Country, criteria, order_by, first, after, last, before)

    @strawberry.field(description="An official by slug, e.g. kim-gunn.")
    async def official(self, info: GraphQLInfo, slug: Slug) -> Official | None:
        return (await Official.resolve_nodes(info=info, node_ids=[slug], required=True))[0]

    @strawberry.field(description="Officials, filtered and ordered.")
    async def officials(
        self,
        info: GraphQLInfo,
        where: Annotated[OfficialWhere | None, FILTERS] = None,
        order_by: Annotated[NameOrder, ORDER] = NameOrder.NAME,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Official]:
        criteria = Criteria()
        if where:
            if where.country is not None:
                country = await _entity_id(info, where.country, "country", ("country",))
                criteria.equal("country_id", country)
            _name_prefix(criteria, where.name_starts_with)
        return await _connection(info, Official, criteria, order_by, first, after, last, before)

    @strawberry.field(description="An organisation by slug, e.g. nato or nato-nac.")
    async def organisation(self, info: GraphQLInfo, slug: Slug) -> Organisation | None:
        return (await Organisation.resolve_nodes(info=info, node_ids=[slug], required=True))[0]

    @strawberry.field(description="Organisations, filtered and ordered.")
    async def organisations(
        self,
        info: GraphQLInfo,
        where: Annotated[OrganisationWhere | None, FILTERS] = None,
        order_by: Annotated[NameOrder, ORDER] = NameOrder.NAME,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Organisation]:
        criteria = Criteria()
        if where:
            if where.kind is not None:
                criteria.equal("kind", where.kind.value)
            if where.country is not None:
                country = await _entity_id(info, where.country, "country", ("country",))
                criteria.equal("country_id", country)
            if where.parent is not None:
                await require(info, "organisations", where.parent, "parent")
                criteria.equal("parent_id", where.parent)
            _name_prefix(criteria, where.name_starts_with)
        return await _connection(info, Organisation, criteria, order_by, first, after, last, before)

    @strawberry.field(description="A meeting by slug, e.g. nac-plus-4-2022-09-27.")
    async def meeting(self, info: GraphQLInfo, slug: Slug) -> Meeting | None:
        return (await Meeting.resolve_nodes(info=info, node_ids=[slug], required=True))[0]

    @strawberry.field(description="Meetings, filtered and ordered (by date by default).")
    async def meetings(
        self,
        info: GraphQLInfo,
        where: Annotated[MeetingWhere | None, FILTERS] = None,
        order_by: Annotated[MeetingOrder, ORDER] = MeetingOrder.DATE,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Meeting]:
        criteria = Criteria()
        if where:
            if where.kind is not None:
                criteria.equal("kind", where.kind.value)
            if where.organiser is not None:
                await require(info, "organisations", where.organiser, "organiser")
                criteria.equal("organiser_id", where.organiser)
            _date_range(where.from_date, where.to_date, ("fromDate", "toDate"))
            criteria.between("date.earliest", iso_day(where.from_date), iso_day(where.to_date))
            _name_prefix(criteria, where.name_starts_with)
        return await _connection(info, Meeting, criteria, order_by, first, after, last, before)

    @strawberry.field(description="An article by slug.")
    async def article(self, info: GraphQLInfo, slug: Slug) -> Article | None:
        return (await Article.resolve_nodes(info=info, node_ids=[slug], required=True))[0]

    @strawberry.field(description="Articles, filtered and ordered (newest first by default).")
    async def articles(
        self,
        info: GraphQLInfo,
        where: Annotated[ArticleWhere | None, FILTERS] = None,
        order_by: Annotated[ArticleOrder, ORDER] = ArticleOrder.PUBLISHED_DESC,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Article]:
        criteria = Criteria()
        if where:
            if where.publisher is not None:
                criteria.equal("publisher", await _publisher(info, where.publisher))
            _date_range(where.published_from, where.published_to, ("publishedFrom", "publishedTo"))
            criteria.between(
                "published.earliest", iso_day(where.published_from), iso_day(where.published_to)
            )
        return await _connection(info, Article, criteria, order_by, first, after, last, before)

    @strawberry.field(description="A statement by slug.")
    async def statement(self, info: GraphQLInfo, slug: Slug) -> Statement | None:
        return (await Statement.resolve_nodes(info=info, node_ids=[slug], required=True))[0]

    @strawberry.field(
        description="Statements, filtered and ordered (oldest first by default): who condemned "
        "what, who spoke for whom."
    )
    async def statements(
        self,
        info: GraphQLInfo,
        where: Annotated[StatementWhere | None, FILTERS] = None,
        order_by: Annotated[DatedOrder, ORDER] = DatedOrder.DATE,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Statement]:
        criteria = Criteria()
        if where:
            if where.kind is not None:
                criteria.equal("kind", where.kind.value)
            if where.speaker is not None:
                speaker = ("official", "country", "organisation")
                identifier = await _entity_id(info, where.speaker, "speaker", speaker)
                criteria.equal("speakers.id", identifier)
            if where.on_behalf_of is not None:
                parties = ("country", "organisation")
                identifier = await _entity_id(info, where.on_behalf_of, "onBehalfOf", parties)
                criteria.equal("on_behalf_of.id", identifier)
            if where.about is not None:
                identifier = await _entity_id(info, where.about, "about", ANY_ENTITY)
                criteria.equal("subjects.id", identifier)
            _date_range(where.from_date, where.to_date, ("fromDate", "toDate"))
            criteria.between("date.earliest", iso_day(where.from_date), iso_day(where.to_date))
        return await _connection(info, Statement, criteria, order_by, first, after, last, before)

    @strawberry.field(description="An event by slug, e.g. dprk-icbm-launch-2022-11-18.")
    async def event(self, info: GraphQLInfo, slug: Slug) -> Event | None:
        return (await Event.resolve_nodes(info=info, node_ids=[slug], required=True))[0]

    @strawberry.field(description="Events, filtered and ordered (oldest first by default).")
    async def events(
        self,
        info: GraphQLInfo,
        where: Annotated[EventWhere | None, FILTERS] = None,
        order_by: Annotated[DatedOrder, ORDER] = DatedOrder.DATE,
        first: First = None,
        after: After = None,
        last: Last = None,
        before: Before = None,
    ) -> Connection[Event]:
        criteria = Criteria()
        if where:
            if where.kind is not None:
                criteria.equal("kind", where.kind.value)
            if where.actor is not None:
                actor = ("official", "country", "organisation")
                criteria.equal("actors.id", await _entity_id(info, where.actor, "actor", actor))
            if where.subject is not None:
                identifier = await _entity_id(info, where.subject, "subject", ANY_ENTITY)
                criteria.equal("subjects.id", identifier)
            _date_range(where.from_date, where.to_date, ("fromDate", "toDate"))
            criteria.between("date.earliest", iso_day(where.from_date), iso_day(where.to_date))
        return await _connection(info, Event, criteria, order_by, first, after, last, before)

    @strawberry.field(description="A decision by slug, e.g. nac-2022-09-26-kr-mission.")
    async def decision(self, info: GraphQLInfo, slug: Slug) -> Decision | None:
        return (await Decision.resolve_nodes(info=info, node_ids=[slug], required=True))[0]

    @strawberry.field(
        description="How two entities are connected: the shortest chains of relations (posts, "
        "memberships, meetings, structure) between them, each hop with its sources. `from` and "
        "`to` take global ids or readable ids (kim-gunn, KR, nato)."
    )
    async def connections(
        self,
        info: GraphQLInfo,
        from_: Annotated[
            strawberry.ID, strawberry.argument(name="from", description="Where paths start.")
        ],
        to: Annotated[strawberry.ID, strawberry.argument(description="Where paths end.")],
        max_hops: Annotated[
            int, strawberry.argument(description=f"Longest path considered (at most {MAX_HOPS}).")
        ] = 3,
        first: Annotated[int, strawberry.argument(description="At most this many paths.")] = 10,
    ) -> list[Path]:
        start = await _resolve_endpoint(info, from_, "from")
        goal = await _resolve_endpoint(info, to, "to")
        return await shortest_paths(info, start, goal, max_hops, first)
