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
    StoredNode,
    certainties,
    id_argument,
    iso_day,
    loaders,
    page_sizes,
    readable_id,
)
from schema.country import Country, require
from schema.cursors import decode_cursor, encode_cursor
from schema.event import Event, EventKind
from schema.history import AuditEntry, history_of
from schema.meeting import Meeting, MeetingKind
from schema.official import Official
from schema.organisation import Organisation, OrganisationKind
from schema.paths import MAX_HOPS, Path, shortest_paths
from schema.relations import Decision, MembershipRole
from schema.search import MAX_QUERY_LENGTH, EntityType, SearchResult, search_entities
from schema.statement import Statement, StatementKind
from store.entities import BY_NODE_TYPE, collection_of
from store.errors import BadInput, NotFound, echo
from store.names import name_key
from store.repository import graph
from store.repository.criteria import Criteria
from store.timeline import certainty_on

OfficialId = id_argument("official", "kim-gunn")
OrganisationId = id_argument("organisation", "nato or nato-nac")
MeetingId = id_argument("meeting", "nac-plus-4-2022-09-27")
ArticleId = id_argument("article", "korea-times-2022-09-28-nato-mission")
DecisionId = id_argument("decision", "nac-2022-09-26-kr-mission")
StatementId = id_argument("statement", "harris-condemns-launch-2022-11-18")
EventId = id_argument("event", "dprk-icbm-launch-2022-11-18")
SearchFirst = Annotated[int, strawberry.argument(description="How many results (1 to 50).")]
FILTERS = strawberry.argument(description="Filters; all given must match.")
ORDER = strawberry.argument(description="The order of the list.")


@strawberry.enum(description="Orderings of a list of countries.")
class CountryOrder(Enum):
    CODE = strawberry.enum_value(
        "code", description="By ISO 3166-1 alpha-2 code, A to Z (the default)."
    )
    NAME = strawberry.enum_value(
        "name",
        description="By English name, A to Z as a reader expects: accents and case do not move a "
        "name (Åland Islands comes with the A's).",
    )


@strawberry.enum(description="Orderings of a list of named things.")
class NameOrder(Enum):
    NAME = strawberry.enum_value(
        "name",
        description="By name, A to Z, accents and case ignored unless names are otherwise equal "
        "(the default).",
    )
    NAME_DESC = strawberry.enum_value("name_desc", description="By name, Z to A.")


@strawberry.enum(description="Orderings of a list of meetings.")
class MeetingOrder(Enum):
    DATE = strawberry.enum_value(
        "date",
        description="Oldest first, by the first day the meeting's date can mean; undated meetings "
        "first (the default).",
    )
    DATE_DESC = strawberry.enum_value(
        "date_desc", description="Newest first; undated meetings last."
    )
    NAME = strawberry.enum_value("name", description="By name, A to Z.")


@strawberry.enum(description="Orderings of a list of articles.")
class ArticleOrder(Enum):
    PUBLISHED = strawberry.enum_value("published", description="Oldest first, by publication day.")
    PUBLISHED_DESC = strawberry.enum_value(
        "published_desc", description="Newest first (the default)."
    )


@strawberry.enum(description="Orderings of a list of dated things (statements, events).")
class DatedOrder(Enum):
    DATE = strawberry.enum_value(
        "date", description="Oldest first; undated ones first (the default)."
    )
    DATE_DESC = strawberry.enum_value("date_desc", description="Newest first; undated ones last.")


# Names sort by their stored collation key (`sort_name`), dates by ISO day; `_id` breaks ties.
SORTS: dict[Enum, list[tuple[str, int]]] = {
    CountryOrder.CODE: [("_id", 1)],
    CountryOrder.NAME: [("sort_name", 1)],
    NameOrder.NAME: [("sort_name", 1)],
    NameOrder.NAME_DESC: [("sort_name", -1)],
    MeetingOrder.DATE: [("sort_date", 1)],
    MeetingOrder.DATE_DESC: [("sort_date", -1)],
    MeetingOrder.NAME: [("sort_name", 1)],
    ArticleOrder.PUBLISHED: [("published.earliest", 1)],
    ArticleOrder.PUBLISHED_DESC: [("published.earliest", -1)],
    DatedOrder.DATE: [("sort_date", 1)],
    DatedOrder.DATE_DESC: [("sort_date", -1)],
}


NAME_PREFIX = (
    "A prefix of any word of any of its names or aliases, accents and case ignored, "
    'e.g. "north atl".'
)


@strawberry.input(description="Filters for `countries`; all given filters must match.")
class CountryWhere:
    codes: list[str] | None = strawberry.field(
        default=None, description="Only these countries: ISO alpha-2 codes (or global ids)."
    )
    name_starts_with: str | None = strawberry.field(default=None, description=NAME_PREFIX)
    member_of: str | None = strawberry.field(
        default=None,
        description="Only countries with a membership of this organisation (its readable id, "
        "nato, or global id) in the role `role`: by default MEMBER, so partners are not members. "
        "An id nothing has is an error.",
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
        default=None, description="With `asOf`: the certainties to count (default [KNOWN])."
    )


@strawberry.input(description="Filters for `officials`; all given filters must match.")
class OfficialWhere:
    country: str | None = strawberry.field(
        default=None,
        description="Only officials of this country: ISO alpha-2 code (KR) or global id.",
    )
    name_starts_with: str | None = strawberry.field(default=None, description=NAME_PREFIX)


@strawberry.input(description="Filters for `organisations`; all given filters must match.")
class OrganisationWhere:
    kind: OrganisationKind | None = strawberry.field(
        default=None, description="Only organisations of this kind."
    )
    country: str | None = strawberry.field(
        default=None,
        description="Only the bodies of this country: ISO alpha-2 code (KR) or global id.",
    )
    parent: str | None = strawberry.field(
        default=None,
        description="Only the parts of this organisation: its readable id (nato) or global id.",
    )
    name_starts_with: str | None = strawberry.field(default=None, description=NAME_PREFIX)


@strawberry.input(description="Filters for `meetings`; all given filters must match.")
class MeetingWhere:
    kind: MeetingKind | None = strawberry.field(
        default=None, description="Only meetings of this kind."
    )
    place: str | None = strawberry.field(
        default=None,
        description="Only meetings held at this place: a city (Brussels), a venue (NATO "
        "headquarters) or a country (Belgium, BE, or any of its names); accents and case ignored.",
    )
    from_date: dt.date | None = strawberry.field(
        default=None,
        description="Only meetings that took place, at least in part, on or after this day.",
    )
    to_date: dt.date | None = strawberry.field(
        default=None,
        description="Only meetings that took place, at least in part, on or before this day.",
    )
    organiser: str | None = strawberry.field(
        default=None,
        description="Only meetings convened by this organisation: its readable id or global id.",
    )
    name_starts_with: str | None = strawberry.field(default=None, description=NAME_PREFIX)


@strawberry.input(description="Filters for `articles`; all given filters must match.")
class ArticleWhere:
    publisher: str | None = strawberry.field(
        default=None,
        description="Only articles of this publisher, as `Article.publisher` writes it (case and "
        "accents aside). A publisher no article has is an error.",
    )
    published_from: dt.date | None = strawberry.field(
        default=None, description="Only articles published on or after this day."
    )
    published_to: dt.date | None = strawberry.field(
        default=None, description="Only articles published on or before this day."
    )


@strawberry.input(description="Filters for `statements`; all given filters must match.")
class StatementWhere:
    kind: StatementKind | None = strawberry.field(
        default=None, description="Only statements of this kind."
    )
    speaker: str | None = strawberry.field(
        default=None,
        description="Only statements made by this official, country or organisation: its "
        "readable id or global id.",
    )
    on_behalf_of: str | None = strawberry.field(
        default=None,
        description="Only statements made on behalf of this country or organisation: its "
        "readable id or global id.",
    )
    about: str | None = strawberry.field(
        default=None,
        description="Only statements about this entity (a country, an official, an event...): "
        "its readable id or global id.",
    )
    from_date: dt.date | None = strawberry.field(
        default=None, description="Only statements made on or after this day."
    )
    to_date: dt.date | None = strawberry.field(
        default=None, description="Only statements made on or before this day."
    )


@strawberry.input(description="Filters for `events`; all given filters must match.")
class EventWhere:
    kind: EventKind | None = strawberry.field(default=None, description="Only events of this kind.")
    actor: str | None = strawberry.field(
        default=None,
        description="Only events this country, official or organisation did: its readable id "
        "or global id.",
    )
    subject: str | None = strawberry.field(
        default=None,
        description="Only events concerning this entity: its readable id or global id.",
    )
    from_date: dt.date | None = strawberry.field(
        default=None, description="Only events that began on or after this day."
    )
    to_date: dt.date | None = strawberry.field(
        default=None, description="Only events that began on or before this day."
    )


ACTORS = ("official", "country", "organisation")
ANY_ENTITY = ("official", "country", "organisation", "meeting", "event")


def _date_range(start: dt.date | None, end: dt.date | None, names: tuple[str, str]) -> None:
    """A range that ends before it starts matches nothing: refused rather than answered empty."""
    if start is not None and end is not None and start > end:
        raise BadInput(f"`{names[0]}` ({start}) is after `{names[1]}` ({end}): nothing can match.")


async def _entity_id(info: GraphQLInfo, value: str, argument: str, kinds: tuple[str, ...]) -> str:
    """The stored id `value` names among `kinds` (a readable id, a country code in any case, or a
    global id); BadInput naming it when nothing has it."""
    refused: list[BadInput] = []
    for kind in kinds:
        try:
            identifier = readable_id(value.strip(), kind, argument)
        except BadInput as error:  # a global id of another kind: try the next
            refused.append(error)
            continue
        identifier = identifier.upper() if kind == "country" else identifier
        if await loaders(info).by_id(collection_of(kind)).load(identifier):
            return identifier
    if len(refused) == len(kinds):
        raise refused[0]
    wanted = " or ".join(kinds)
    raise BadInput(f"`{argument}`: no {wanted} has the id {value!r}.", argument=argument)


async def _publisher(info: GraphQLInfo, publisher: str) -> str:
    """The publisher as stored, for a name written with any case or accents; BadInput naming it
    when no article has it."""
    exact = Criteria().equal("publisher", publisher)
    if await graph.any_matching(info.context.store, "articles", exact):
        return publisher
    key = name_key(publisher)
    for name in await graph.publishers(info.context.store):
        if name_key(name) == key:
            return name
    raise BadInput(
        f"`publisher`: no article has the publisher {publisher!r}.", argument="publisher"
    )


def _checked_key(text: str, argument: str) -> str:
    """The name key of a filter's text, refused when too long or without a letter or digit."""
    if len(text) > MAX_QUERY_LENGTH:
        raise BadInput(f"`{argument}` is limited to {MAX_QUERY_LENGTH} characters.")
    key = name_key(text)
    if not key:
        raise BadInput(f"`{argument}` must contain at least one letter or digit.")
    return key


def _name_prefix(criteria: Criteria, prefix: str | None) -> None:
    if prefix is not None:
        criteria.name_starts_with(_checked_key(prefix, "nameStartsWith"))


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
    """A page of a root list: keyset bounds from the cursors, built by the repository."""
    sort = graph.with_tiebreak(SORTS[order])
    first, last = page_sizes(first, last)
    list_name = node_type.collection

    def position(cursor: str | None, argument: str) -> list[Any] | None:
        if cursor is None:
            return None
        return list(decode_cursor(cursor, argument, list_name, order.name, len(sort)))

    found = await graph.page(
        info.context.store,
        node_type.collection,
        criteria,
        sort,
        first=first,
        last=last,
        after=position(after, "after"),
        before=position(before, "before"),
    )
    for document in found.documents:
        loaders(info).by_id(node_type.collection).prime(document["_id"], document)
    return Connection.of_page(
        [node_type.from_doc(document) for document in found.documents],
        [
            encode_cursor(list_name, order.name, graph.keyset_values(document, sort))
            for document in found.documents
        ],
        total=found.total,
        has_next=found.has_next,
        has_previous=found.has_previous,
    )


async def _lookup(info: GraphQLInfo, node_type: type[StoredNode], value: str) -> Any:
    """The object a readable id or a global id names (NOT_FOUND when nothing has it)."""
    identifier = readable_id(value, node_type.node_kind, "id")
    return (await node_type.resolve_nodes(info=info, node_ids=[identifier], required=True))[0]


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
        raise BadInput(
            f"{echo(value)} is the id of a {global_id.type_name}, which paths do not visit."
        )
    return ("country", value.upper()) if re.fullmatch(r"[A-Za-z]{2}", value) else ("", value)


async def _resolve_endpoint(info: GraphQLInfo, value: str, argument: str) -> tuple[str, str]:
    kind, identifier = _parse_node_ref(value)
    candidates = [kind] if kind else ["official", "organisation", "meeting", "country"]
    for candidate in candidates:
        if await loaders(info).by_id(collection_of(candidate)).load(identifier):
            return candidate, identifier
    raise NotFound(f"`{argument}`: nothing in the graph has the id {echo(value)}.")


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

    @strawberry.field(
        description="The audit trail of any node by its global id, newest first: also of a node "
        "that was since removed or merged away, whose `history` field can no longer be reached."
    )
    async def history(
        self,
        info: GraphQLInfo,
        global_id: Annotated[
            relay.GlobalID, strawberry.argument(name="id", description="A global id.")
        ],
        first: First = None,
        after: After = None,
    ) -> Connection[AuditEntry]:
        if global_id.type_name not in BY_NODE_TYPE:
            raise BadInput(f"{global_id.type_name!r} is not a type of node.")
        return await history_of(info, f"{global_id.type_name}:{global_id.node_id}", first, after)

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
        'acronym, demonym or metonym ("Seoul", "ROK", "the Alliance"), officials by the titles '
        'of their posts ("Secretary-General"), and anything by place ("Brussels": the country '
        "whose capital it is, what is headquartered there, the meetings held there). Ranked: "
        "the best match first and, of equal matches, the entity the graph says most about. "
        "Accents and case are ignored and any word of a name can start the match."
    )
    async def search(
        self,
        info: GraphQLInfo,
        query: Annotated[
            str,
            strawberry.argument(
                description="Words to look for: a name, alias, acronym, demonym, capital, post "
                "title or place."
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
        description="A country by ISO 3166-1 alpha-2 or alpha-3 code (KR or KOR), or global id."
    )
    async def country(
        self,
        info: GraphQLInfo,
        code: Annotated[
            str,
            strawberry.argument(
                description="ISO 3166-1 alpha-2 or alpha-3 code, e.g. KR or KOR, or the "
                "country's global id (`id`)."
            ),
        ],
    ) -> Country | None:
        code = readable_id(code.strip(), "country", "code").upper()
        if len(code) == 2:
            document = await loaders(info).by_id("countries").load(code)
        else:
            matches = await loaders(info).by_field("countries", "alpha3").load(code)
            document = matches[0] if matches else None
        if document is None:
            raise NotFound(f"No country has the ISO 3166-1 code {echo(code)}.")
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
                [readable_id(code.strip(), "country", "codes").upper() for code in where.codes]
                if where.codes is not None
                else None
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
                organisation = await require(info, "organisations", where.member_of, "memberOf")
                wanted = certainties(where.as_of, where.certainty)
                role = (where.role or MembershipRole.MEMBER).value
                memberships = await graph.memberships_of(info.context.store, organisation, [role])
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

    @strawberry.field(description="An official by readable id (kim-gunn) or global id.")
    async def official(self, info: GraphQLInfo, slug: OfficialId) -> Official | None:
        return await _lookup(info, Official, slug)

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

    @strawberry.field(description="An organisation by readable id (nato, nato-nac) or global id.")
    async def organisation(self, info: GraphQLInfo, slug: OrganisationId) -> Organisation | None:
        return await _lookup(info, Organisation, slug)

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
                criteria.equal(
                    "parent_id", await require(info, "organisations", where.parent, "parent")
                )
            _name_prefix(criteria, where.name_starts_with)
        return await _connection(info, Organisation, criteria, order_by, first, after, last, before)

    @strawberry.field(description="A meeting by readable id (nac-plus-4-2022-09-27) or global id.")
    async def meeting(self, info: GraphQLInfo, slug: MeetingId) -> Meeting | None:
        return await _lookup(info, Meeting, slug)

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
                organiser = await require(info, "organisations", where.organiser, "organiser")
                criteria.equal("organiser_id", organiser)
            if where.place is not None:
                key = _checked_key(where.place, "place")
                code = where.place.strip().upper()
                countries = await graph.countries_named(info.context.store, key, code)
                criteria.at_place(key, countries)
            _date_range(where.from_date, where.to_date, ("fromDate", "toDate"))
            criteria.overlapping(
                "date.earliest",
                ["end_date.latest", "date.latest"],
                iso_day(where.from_date),
                iso_day(where.to_date),
            )
            _name_prefix(criteria, where.name_starts_with)
        return await _connection(info, Meeting, criteria, order_by, first, after, last, before)

    @strawberry.field(description="An article by readable id or global id.")
    async def article(self, info: GraphQLInfo, slug: ArticleId) -> Article | None:
        return await _lookup(info, Article, slug)

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

    @strawberry.field(
        description="A decision by readable id (nac-2022-09-26-kr-mission) or global id."
    )
    async def decision(self, info: GraphQLInfo, slug: DecisionId) -> Decision | None:
        return await _lookup(info, Decision, slug)

    @strawberry.field(description="A statement by readable id or global id.")
    async def statement(self, info: GraphQLInfo, slug: StatementId) -> Statement | None:
        return await _lookup(info, Statement, slug)

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
                speaker = await _entity_id(info, where.speaker, "speaker", ACTORS)
                criteria.equal("speakers.id", speaker)
            if where.on_behalf_of is not None:
                parties = ("country", "organisation")
                party = await _entity_id(info, where.on_behalf_of, "onBehalfOf", parties)
                criteria.equal("on_behalf_of.id", party)
            if where.about is not None:
                subject = await _entity_id(info, where.about, "about", ANY_ENTITY)
                criteria.equal("subjects.id", subject)
            _date_range(where.from_date, where.to_date, ("fromDate", "toDate"))
            criteria.between("date.earliest", iso_day(where.from_date), iso_day(where.to_date))
        return await _connection(info, Statement, criteria, order_by, first, after, last, before)

    @strawberry.field(
        description="An event by readable id (dprk-icbm-launch-2022-11-18) or global id."
    )
    async def event(self, info: GraphQLInfo, slug: EventId) -> Event | None:
        return await _lookup(info, Event, slug)

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
                criteria.equal("actors.id", await _entity_id(info, where.actor, "actor", ACTORS))
            if where.subject is not None:
                subject = await _entity_id(info, where.subject, "subject", ANY_ENTITY)
                criteria.equal("subjects.id", subject)
            _date_range(where.from_date, where.to_date, ("fromDate", "toDate"))
            criteria.between("date.earliest", iso_day(where.from_date), iso_day(where.to_date))
        return await _connection(info, Event, criteria, order_by, first, after, last, before)

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
