"""Pieces every part of the schema shares: the Entity interface, cursor connections, dates with
their precision, sources, locations, and the helpers that turn stored references into objects."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from typing import Annotated, Any, ClassVar, Generic, Self, TypeVar

import strawberry
from strawberry import relay
from strawberry.types import Info

from schema.context import Context
from schema.cursors import decode_cursor, encode_cursor
from schema.lazy import ArticleType, CountryType
from store import Document
from store.entities import BY_NAME, BY_NODE_TYPE, collection_of
from store.errors import BadInput, NotFound, clip
from store.loaders import Loaders

T = TypeVar("T")
GraphQLInfo = Info[Context, None]

# Page sizes of every connection (`first`/`last`). Part of the API's contract rather than a
# setting, like GitHub's 100: a client written against one deployment works against all of them.
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 100

# The order name in the cursors of in-memory lists, which each have one order.
LIST_ORDER = "default"

# The GraphQL type of each node kind, by the name the entity registry gives it: each type adds
# itself when its module is imported (see `StoredNode`), so this module imports none of them.
NODE_TYPES: dict[str, type[StoredNode]] = {}


def loaders(info: GraphQLInfo) -> Loaders:
    return info.context.loaders


def type_for(kind: str) -> type[StoredNode]:
    """The GraphQL type that shows a stored kind (KeyError for a kind with none)."""
    return NODE_TYPES[BY_NAME[kind].node_type or ""]


def from_documents(kind: str, documents: Iterable[Document]) -> list[Any]:
    """Objects of the type that shows `kind`, one per document."""
    node_type = type_for(kind)
    return [node_type.from_doc(document) for document in documents]


async def load_entity(info: GraphQLInfo, kind: str, identifier: str | None) -> Any:
    """The object a {kind, id} reference points at, through the request's DataLoader."""
    if identifier is None:
        return None
    document = await loaders(info).by_id(collection_of(kind)).load(identifier)
    return type_for(kind).from_doc(document) if document else None


async def load_entities(info: GraphQLInfo, refs: Iterable[Document]) -> list[Any]:
    """Objects for many {kind, id} references, batched per collection, in the given order."""
    refs = list(refs)
    by_kind: dict[str, list[str]] = {}
    for ref in refs:
        by_kind.setdefault(ref["kind"], []).append(ref["id"])
    found: dict[tuple[str, str], Any] = {}
    for kind, identifiers in by_kind.items():
        documents = await loaders(info).by_id(collection_of(kind)).load_many(identifiers)
        for identifier, document in zip(identifiers, documents, strict=True):
            if document:
                found[(kind, identifier)] = type_for(kind).from_doc(document)
    return [found[(ref["kind"], ref["id"])] for ref in refs if (ref["kind"], ref["id"]) in found]


class StoredNode:
    """Relay node resolution for types stored as one document each (not a GraphQL type itself).

    A subclass is named as the entity registry names the kind's GraphQL type; it learns its kind
    and collection from the registry, and registers itself in `NODE_TYPES`.
    """

    node_kind: ClassVar[str]
    collection: ClassVar[str]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        registered = BY_NODE_TYPE[cls.__name__]
        cls.node_kind = registered.name
        cls.collection = registered.collection
        NODE_TYPES[cls.__name__] = cls

    @classmethod
    def resolve_id(cls, root: Any, *, info: GraphQLInfo) -> str:
        """The node id inside the global id: the stored `_id` (a code or a slug)."""
        return root.document["_id"]

    @classmethod
    def from_doc(cls, document: Document) -> Self:
        raise NotImplementedError

    @classmethod
    async def _follow_redirects(
        cls,
        info: GraphQLInfo,
        identifiers: list[str],
        documents: list[Document | None],
        missing: list[str],
    ) -> list[Document | None]:
        """Ids merged away resolve to the entity that kept their facts (a `redirects` entry)."""
        keys = [f"{cls.node_kind}:{identifier}" for identifier in missing]
        redirects = await loaders(info).by_id("redirects").load_many(keys)
        targets = {
            identifier: redirect["to"]
            for identifier, redirect in zip(missing, redirects, strict=True)
            if redirect
        }
        if not targets:
            return documents
        found = await loaders(info).by_id(cls.collection).load_many(list(targets.values()))
        kept = dict(zip(targets.values(), found, strict=True))
        return [
            document if document else kept.get(targets.get(identifier, ""))
            for identifier, document in zip(identifiers, documents, strict=True)
        ]

    @classmethod
    async def resolve_nodes(
        cls, *, info: GraphQLInfo, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        identifiers = list(node_ids)
        documents = await loaders(info).by_id(cls.collection).load_many(identifiers)
        missing = [i for i, document in zip(identifiers, documents, strict=True) if not document]
        if missing:
            documents = await cls._follow_redirects(info, identifiers, documents, missing)
        if required:
            missing = [
                i for i, document in zip(identifiers, documents, strict=True) if not document
            ]
            if missing:
                shown = ", ".join(clip(identifier) for identifier in missing[:3])
                more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
                raise NotFound(f"No {cls.__name__} with id {shown}{more}.")
        return [cls.from_doc(document) if document else None for document in documents]


@strawberry.interface(
    description="Anything in the graph with a name: a country, an official, an organisation, a "
    "meeting, an event, or a statement (named by its summary). Use `... on Country { code }` and "
    "the like for type-specific fields."
)
class Entity(relay.Node):
    name: str = strawberry.field(description="The name people use for it, in English.")


# --- pagination ---------------------------------------------------------------------------------


def page_sizes(first: int | None, last: int | None) -> tuple[int | None, int | None]:
    """Check `first` and `last`; without either, a page is the first DEFAULT_PAGE_SIZE items."""
    first = _page_size(first, "first")
    last = _page_size(last, "last")
    if first is not None and last is not None:
        raise BadInput("Pass `first` or `last`, not both.")
    if first is None and last is None:
        first = DEFAULT_PAGE_SIZE
    return first, last


def _page_size(value: int | None, argument: str) -> int | None:
    if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
        raise BadInput(
            f"`{argument}` must be between 0 and {MAX_PAGE_SIZE} (the maximum page size); "
            f"got {value}. Page through longer lists with `after`.",
            maximum=MAX_PAGE_SIZE,
        )
    return value


First = Annotated[
    int | None,
    strawberry.argument(
        description=f"Return the first N items (default {DEFAULT_PAGE_SIZE}, "
        f"at most {MAX_PAGE_SIZE})."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(description="Return the items after this cursor (an endCursor)."),
]
Last = Annotated[
    int | None,
    strawberry.argument(description=f"Return the last N items (at most {MAX_PAGE_SIZE})."),
]
Before = Annotated[
    str | None,
    strawberry.argument(description="Return the items before this cursor (a startCursor)."),
]
AsOf = Annotated[
    dt.date | None,
    strawberry.argument(
        description="Only what held on this day (YYYY-MM-DD): by default what the evidence shows "
        "held (KNOWN); `certainty` adds what possibly held."
    ),
]


@strawberry.enum(
    description="How sure the graph is that a time-aware relation held on a day, from its "
    "evidence: researched dates, and the days articles show it (see `known` and `possible`)."
)
class Certainty(Enum):
    KNOWN = strawberry.enum_value(
        "known", description="The evidence shows it held that day (it lies in `known`)."
    )
    POSSIBLE = strawberry.enum_value(
        "possible",
        description="It may have held that day, but no evidence shows it (it lies in `possible`, "
        "not in `known`): before its first attestation, after its last, or between a "
        "predecessor's term and its own.",
    )


CertaintyArg = Annotated[
    list[Certainty] | None,
    strawberry.argument(
        description="With `asOf`: the certainties to return. Default [KNOWN]; [KNOWN, POSSIBLE] "
        "adds what possibly held that day. Each item says which it is in `certainty`."
    ),
]


def certainties(as_of: dt.date | None, certainty: list[Certainty] | None) -> set[str]:
    """The certainty values an `asOf` list returns; BadInput for `certainty` without `asOf`."""
    if certainty is not None and as_of is None:
        raise BadInput("`certainty` qualifies `asOf`: give the day as `asOf` too.")
    if certainty is not None and not certainty:
        raise BadInput("`certainty` needs at least one of KNOWN or POSSIBLE.")
    return {item.value for item in certainty or [Certainty.KNOWN]}


def id_argument(what: str, example: str) -> Any:
    """The `id` argument of a lookup by readable id, described for its field."""
    return Annotated[
        str,
        strawberry.argument(
            name="id",
            description=f"The {what}'s readable id, e.g. {example}, or its global id (`id`).",
        ),
    ]


def _global_id(value: str) -> relay.GlobalID | None:
    """`value` read as the global id of a node type diplograph has, or None."""
    try:
        global_id = relay.GlobalID.from_id(value)
    except Exception:  # not base64 of "Type:id": a readable id
        return None
    return global_id if global_id.type_name in BY_NODE_TYPE else None


def readable_id(value: str, kind: str, argument: str) -> str:
    """The readable id (slug or code) that `value` names: `value` itself, or the id inside a
    global id of that kind. A global id of another kind is refused, saying which to pass."""
    global_id = _global_id(value)
    if global_id is None:
        return value
    if BY_NODE_TYPE[global_id.type_name].name != kind:
        raise BadInput(
            f"`{argument}` takes a {kind}'s readable id or global id; {value!r} is the global id "
            f"of a {global_id.type_name} ({global_id.node_id}). `node(id:)` takes the global id "
            "of any kind of object."
        )
    return global_id.node_id


@strawberry.type(description="An item of a list, with the cursor that points at it.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Pass as `after` or `before` to page from here.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list, in the Relay cursor connection format.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page, with cursors.")
    page_info: relay.PageInfo = strawberry.field(
        description="Cursors and whether more pages exist."
    )
    total_count: int = strawberry.field(description="How many items the whole list has.")

    @strawberry.field(description="The items of this page without cursors, for convenience.")
    def nodes(self) -> list[T]:
        return [edge.node for edge in self.edges]

    @classmethod
    def of_page(
        cls,
        items: Sequence[T],
        cursors: Sequence[str],
        *,
        total: int,
        has_next: bool,
        has_previous: bool,
    ) -> Connection[T]:
        """A connection over one page of `items`, each with its cursor."""
        edges = [
            Edge(node=item, cursor=cursor) for item, cursor in zip(items, cursors, strict=True)
        ]
        return cls(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=has_next,
                has_previous_page=has_previous,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total,
        )

    @classmethod
    def of_list(
        cls,
        items: Sequence[T],
        key: Callable[[T], Sequence[str]],
        list_name: str,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[T]:
        """A connection over a list already in memory (the relations of one object).

        `items` are in the order of `key`, which gives each item a unique position (its sort
        values, its id last); cursors hold that position, as the root lists' cursors do.
        """
        first, last = page_sizes(first, last)
        keys = [tuple(key(item)) for item in items]
        width = len(keys[0]) if keys else 0
        low = tuple(decode_cursor(after, "after", list_name, LIST_ORDER, width)) if after else None
        high = (
            tuple(decode_cursor(before, "before", list_name, LIST_ORDER, width)) if before else None
        )
        between = [
            index
            for index, position in enumerate(keys)
            if (low is None or position > low) and (high is None or position < high)
        ]
        if last is not None:
            window = between[len(between) - last :] if last else []
        else:
            window = between[:first]
        beyond_low = low is not None and any(position <= low for position in keys)
        beyond_high = high is not None and any(position >= high for position in keys)
        more = len(between) > len(window)
        has_next = beyond_high or (last is None and more)
        has_previous = beyond_low or (last is not None and more)
        return cls.of_page(
            [items[index] for index in window],
            [encode_cursor(list_name, LIST_ORDER, keys[index]) for index in window],
            total=len(items),
            has_next=has_next,
            has_previous=has_previous,
        )


# --- dates --------------------------------------------------------------------------------------


@strawberry.enum(description="How precisely a date is known.")
class DatePrecision(Enum):
    DAY = strawberry.enum_value("day", description="A day: YYYY-MM-DD.")
    MONTH = strawberry.enum_value(
        "month",
        description="A month: YYYY-MM; `earliest` and `latest` are its first and last days.",
    )
    YEAR = strawberry.enum_value(
        "year",
        description="A year: YYYY; `earliest` and `latest` are January 1st and December 31st.",
    )


@strawberry.type(
    description="One source's words for a date, and what they mean: an article's phrase (\"on "
    'Thursday") or a researched date.'
)
class DateEvidence:
    raw: str | None = strawberry.field(
        description="The article's words for the date; null for a researched date."
    )
    value: str = strawberry.field(description="What the words mean: YYYY, YYYY-MM or YYYY-MM-DD.")
    precision: DatePrecision = strawberry.field(description="Whether it is a day, month or year.")
    sources: list[Source] = strawberry.field(
        description="The article quotes (or reference URLs) of the fact the date belongs to."
    )


@strawberry.type(description="A date some sources give where the preferred one is disputed.")
class DateAlternative:
    value: str = strawberry.field(description="The date as YYYY, YYYY-MM or YYYY-MM-DD.")
    precision: DatePrecision = strawberry.field(description="Whether it is a day, month or year.")
    earliest: dt.date = strawberry.field(description="The first day the date can mean.")
    latest: dt.date = strawberry.field(description="The last day the date can mean.")
    evidence: list[DateEvidence] = strawberry.field(
        description="Every source that gives this date, with its words."
    )


@strawberry.type(
    description="A date as the sources state it: possibly only a month or a year, with the phrase "
    'it was read from ("on Monday") when it came from an article. Sources that agree (the same '
    'day in other words, "in May" and "May 10") are one date with all their `evidence`; sources '
    "that disagree are kept as `alternatives`, and this is the preferred one (docs/data-model.md)."
)
class DateValue:
    value: str = strawberry.field(description="The date as YYYY, YYYY-MM or YYYY-MM-DD.")
    precision: DatePrecision = strawberry.field(
        description="Whether `value` is a day, month or year."
    )
    raw: str | None = strawberry.field(
        description="The article's own words for the date, when it came from an article."
    )
    earliest: dt.date = strawberry.field(description="The first day the date can mean.")
    latest: dt.date = strawberry.field(description="The last day the date can mean.")
    inferred: bool = strawberry.field(
        description="True when the date is inferred rather than stated (e.g. a publication date "
        "read from a URL)."
    )
    claims: strawberry.Private[list[Document] | None] = None
    owner_sources: strawberry.Private[list[Document] | None] = None
    document: strawberry.Private[Document | None] = None

    @classmethod
    def from_doc(
        cls, document: Document | None, owner: Document | None = None, field: str | None = None
    ) -> DateValue | None:
        """The date `document`; `owner` and `field` name the document and field it is the
        (preferred) value of, whose claims give its evidence and alternatives."""
        if not document:
            return None
        return cls(
            value=document["value"],
            precision=DatePrecision(document["precision"]),
            raw=document.get("raw"),
            earliest=dt.date.fromisoformat(document["earliest"]),
            latest=dt.date.fromisoformat(document["latest"]),
            inferred=bool(document.get("inferred", False)),
            claims=(owner.get("claims") or {}).get(field) if owner and field else None,
            owner_sources=owner.get("sources") if owner else None,
            document=document,
        )

    @strawberry.field(
        description='Every source that gives this date, or a coarser one that contains it ("in '
        'May" supports "2022-05-10"), each with its words: phrases that mean the same day are '
        "all kept."
    )
    def evidence(self) -> list[DateEvidence]:
        if not self.claims:
            if self.owner_sources is None:
                return []
            return [
                DateEvidence(
                    raw=self.raw,
                    value=self.value,
                    precision=self.precision,
                    sources=claim_sources(self.owner_sources, None),
                )
            ]
        return _date_evidence(self.claims[0], self.owner_sources or [], self.document)

    @strawberry.field(description="True when sources give other dates than this one.")
    def disputed(self) -> bool:
        return bool(self.claims and len(self.claims) > 1)

    @strawberry.field(
        description="The other dates sources give, each with its evidence (empty unless "
        "`disputed`). This one is preferred by the rule: reference data, then more sources, then "
        "more precise, then stated first."
    )
    def alternatives(self) -> list[DateAlternative]:
        found = []
        for alternative in (self.claims or [])[1:]:
            value = alternative["value"]
            found.append(
                DateAlternative(
                    value=value["value"],
                    precision=DatePrecision(value["precision"]),
                    earliest=dt.date.fromisoformat(value["earliest"]),
                    latest=dt.date.fromisoformat(value["latest"]),
                    evidence=_date_evidence(alternative, self.owner_sources or []),
                )
            )
        return found


def _date_evidence(
    alternative: Document, owner_sources: list[Document], preferred: Document | None = None
) -> list[DateEvidence]:
    evidence = []
    for claim in alternative["by"]:
        value = claim.get("value") or alternative.get("value") or preferred or {}
        evidence.append(
            DateEvidence(
                raw=value.get("raw"),
                value=value["value"],
                precision=DatePrecision(value["precision"]),
                sources=claim_sources(owner_sources, claim["article_id"]),
            )
        )
    return evidence


def by_date(document: Document) -> tuple[str, str]:
    """Oldest first, undated last, then by id: the order of dated lists."""
    return ((document.get("date") or {}).get("earliest") or "9999", document["_id"])


def iso_day(day: dt.date | None) -> str | None:
    """A day as stored dates compare it (YYYY-MM-DD), or None."""
    return day.isoformat() if day else None


# --- sources ------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?\"”|])\s+|\n+")


@strawberry.type(
    description="Evidence for a fact: an exact quote from an article (with character offsets into "
    "its text), or a reference URL for researched facts the articles do not state."
)
class Source:
    quote: str | None = strawberry.field(description="The article's exact words.")
    start: int | None = strawberry.field(
        description="Offset of the quote's first character in the article text."
    )
    end: int | None = strawberry.field(description="Offset just past the quote's last character.")
    url: str | None = strawberry.field(description="Reference URL, for researched facts.")
    note: str | None = strawberry.field(description="An editor's note on the source.")
    article_id: strawberry.Private[str | None]

    @classmethod
    def from_doc(cls, document: Document) -> Source:
        return cls(
            quote=document.get("quote"),
            start=document.get("start"),
            end=document.get("end"),
            url=document.get("url"),
            note=document.get("note"),
            article_id=document.get("article_id"),
        )

    @strawberry.field(description="The article the quote is from (null for reference sources).")
    async def article(self, info: GraphQLInfo) -> ArticleType | None:
        return await load_entity(info, "article", self.article_id)

    @strawberry.field(description="The whole sentence of the article that contains the quote.")
    async def sentence(self, info: GraphQLInfo) -> str | None:
        if self.article_id is None or self.start is None or self.end is None:
            return None
        document = await loaders(info).by_id("articles").load(self.article_id)
        if not document:
            return None
        return sentence_around(document["text"], self.start, self.end)


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence(s) of `text` that contain the span [start, end)."""
    begin = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        begin = match.end()
    finish = len(text)
    following = _SENTENCE_END.search(text, end)
    if following:
        finish = following.start()
    return text[begin:finish].strip()


def sources(documents: Iterable[Document] | None) -> list[Source]:
    return [Source.from_doc(document) for document in documents or []]


def claim_sources(owner_sources: Iterable[Document], article_id: str | None) -> list[Source]:
    """The sources one input gives a document: an article's (its quotes, and the URLs it cites),
    or, for `None`, reference data's URLs."""
    return [
        Source.from_doc(source)
        for source in owner_sources
        if source.get("article_id") == article_id
    ]


# --- what sources say, and where they disagree -------------------------------------------------


def _as_text(value: Any) -> str:
    """A stored value as a person reads it: a date by its value, a reference by its id, a place
    by its parts."""
    if isinstance(value, dict) and "precision" in value and "value" in value:
        return str(value["value"])
    if isinstance(value, dict) and set(value) == {"kind", "id"}:
        return str(value["id"])
    if isinstance(value, dict):
        return ", ".join(str(part) for part in value.values() if part is not None)
    if isinstance(value, list):
        return ", ".join(_as_text(item) for item in value)
    return str(value)


@strawberry.type(description="A value sources give for a field, with the sources that give it.")
class ClaimedValue:
    value: str = strawberry.field(
        description="The value as text: a date as YYYY[-MM[-DD]], a reference by its id, a name "
        "as written."
    )
    preferred: bool = strawberry.field(description="True for the value the field shows.")
    sources: list[Source] = strawberry.field(description="The sources that give this value.")
    phrases: list[str] = strawberry.field(
        description='For a date: the articles\' words for it ("on Thursday", "June 30").'
    )


@strawberry.type(
    description="A field that sources disagree on: the preferred value (the one the field shows) "
    "and the others, each with its sources. Preferred: reviewed reference data first, then the "
    "value more sources give, then the more precise, then the one stated first."
)
class Dispute:
    field: str = strawberry.field(description="The field, as the seed files name it: `start`.")
    preferred: ClaimedValue = strawberry.field(description="The value the field shows.")
    alternatives: list[ClaimedValue] = strawberry.field(description="The other values given.")


def disputes_of(document: Document) -> list[Dispute]:
    """The disputed fields of a stored document, from its claims."""
    found = []
    owner_sources = document.get("sources") or []
    for field_name, alternatives in (document.get("claims") or {}).items():
        if len(alternatives) < 2:
            continue
        values = []
        for position, alternative in enumerate(alternatives):
            # The preferred alternative's value is the field's own.
            given = alternative["value"] if position else document.get(field_name)
            evidence: list[Source] = []
            phrases: list[str] = []
            for claim in alternative["by"]:
                for source in claim_sources(owner_sources, claim["article_id"]):
                    if source not in evidence:
                        evidence.append(source)
                raw = claim.get("value") or given or {}
                if isinstance(raw, dict) and raw.get("raw") and raw["raw"] not in phrases:
                    phrases.append(raw["raw"])
            values.append(
                ClaimedValue(
                    value=_as_text(given),
                    preferred=position == 0,
                    sources=evidence,
                    phrases=phrases,
                )
            )
        found.append(
            Dispute(
                field=field_name.removesuffix("_id"), preferred=values[0], alternatives=values[1:]
            )
        )
    return found


# --- places -------------------------------------------------------------------------------------


@strawberry.type(description="Where something is or happened.")
class Location:
    name: str | None = strawberry.field(description="A venue or building, e.g. NATO headquarters.")
    city: str | None = strawberry.field(description="The city.")
    country_code: strawberry.Private[str | None]

    @classmethod
    def from_doc(cls, document: Document | None) -> Location | None:
        if not document:
            return None
        return cls(
            name=document.get("name"),
            city=document.get("city"),
            country_code=document.get("country_id"),
        )

    @strawberry.field(description="The country.")
    async def country(self, info: GraphQLInfo) -> CountryType | None:
        return await load_entity(info, "country", self.country_code)
