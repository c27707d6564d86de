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
    description="Anything in the graph with a name: a country, an official, an organisation or a "
    "meeting. Use `... on Country { code }` and the like for type-specific fields."
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
    strawberry.argument(description="Only what was in force on this day (YYYY-MM-DD)."),
]


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
    description="A date as the sources state it: possibly only a month or a year, with the phrase "
    'it was read from ("on Monday") when it came from an article.'
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

    @classmethod
    def from_doc(cls, document: Document | None) -> DateValue | None:
        if not document:
            return None
        return cls(
            value=document["value"],
            precision=DatePrecision(document["precision"]),
            raw=document.get("raw"),
            earliest=dt.date.fromisoformat(document["earliest"]),
            latest=dt.date.fromisoformat(document["latest"]),
            inferred=bool(document.get("inferred", False)),
        )


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
