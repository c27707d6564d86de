"""Pieces every part of the schema shares: the Entity interface, cursor connections, dates with
their precision, sources, locations, and the helpers that turn stored references into objects."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Annotated, Any, ClassVar, Generic, Self, TypeVar

import strawberry
from strawberry import relay
from strawberry.relay.utils import from_base64, to_base64
from strawberry.types import Info

from schema.context import Context
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

CURSOR_PREFIX = "arrayconnection"
# No list has more items than this; a cursor past it was not made by this API (and would not fit
# MongoDB's $skip).
MAX_CURSOR_OFFSET = 2**31 - 1

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
    async def resolve_nodes(
        cls, *, info: GraphQLInfo, node_ids: Iterable[str], required: bool = False
    ) -> list[Any]:
        identifiers = list(node_ids)
        documents = await loaders(info).by_id(cls.collection).load_many(identifiers)
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


@dataclass(frozen=True)
class Window:
    """The slice a connection's arguments ask for: `limit` items from `offset`."""

    offset: int
    limit: int
    needs_total: bool = False


def _cursor_offset(cursor: str, argument: str) -> int:
    try:
        prefix, offset = from_base64(cursor)
        # int() reads any Unicode digits ("٣" is 3): a cursor from this API has ASCII ones only.
        if not (offset.isascii() and offset.isdigit()):
            raise ValueError
        if prefix != CURSOR_PREFIX or not 0 <= int(offset) <= MAX_CURSOR_OFFSET:
            raise ValueError
        return int(offset)
    except ValueError:
        raise BadInput(
            f"`{argument}` is not a cursor from this API; pass an `endCursor` or `startCursor` "
            "from an earlier page."
        ) from None


def _page_size(value: int | None, argument: str) -> int | None:
    if value is not None and not 0 <= value <= MAX_PAGE_SIZE:
        raise BadInput(
            f"`{argument}` must be between 0 and {MAX_PAGE_SIZE} (the maximum page size); "
            f"got {value}. Page through longer lists with `after`.",
            maximum=MAX_PAGE_SIZE,
        )
    return value


def window(
    first: int | None, after: str | None, last: int | None, before: str | None, total: int | None
) -> Window:
    """Turn Relay arguments into an offset and a limit (the total is needed only for `last`)."""
    first = _page_size(first, "first")
    last = _page_size(last, "last")
    if first is not None and last is not None:
        raise BadInput("Pass `first` or `last`, not both.")
    start = _cursor_offset(after, "after") + 1 if after else 0
    if last is None:
        return Window(start, DEFAULT_PAGE_SIZE if first is None else first)
    end = _cursor_offset(before, "before") if before else total
    if end is None:
        return Window(0, 0, needs_total=True)
    begin = max(start, end - last)
    return Window(begin, max(0, end - begin))


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
Slug = Annotated[
    str, strawberry.argument(name="id", description="The readable id (slug), e.g. kim-gunn.")
]


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
    def of_page(cls, items: Sequence[T], offset: int, total: int) -> Connection[T]:
        """A connection over `items`, which start at `offset` in a list of `total` items."""
        edges = [
            Edge(node=item, cursor=to_base64(CURSOR_PREFIX, offset + index))
            for index, item in enumerate(items)
        ]
        return cls(
            edges=edges,
            page_info=relay.PageInfo(
                has_next_page=offset + len(items) < total,
                has_previous_page=offset > 0,
                start_cursor=edges[0].cursor if edges else None,
                end_cursor=edges[-1].cursor if edges else None,
            ),
            total_count=total,
        )

    @classmethod
    def of_list(
        cls,
        items: Sequence[T],
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[T]:
        """A connection over a list already in memory (relations of one object)."""
        slice_ = window(first, after, last, before, len(items))
        chosen = items[slice_.offset : slice_.offset + slice_.limit]
        return cls.of_page(chosen, slice_.offset, len(items))


# --- dates --------------------------------------------------------------------------------------


@strawberry.enum(description="How precisely a date is known.")
class DatePrecision(Enum):
    DAY = "day"
    MONTH = "month"
    YEAR = "year"


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
