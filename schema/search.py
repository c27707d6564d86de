"""`search`: find any entity by name, alias, acronym, demonym or metonym, by the title of a post
(officials), or by place (a meeting's venue or city, an organisation's headquarters, a country's
capital); ranked so that what a person most likely means comes first.

A result's score is how well the text matched (exact, then a prefix, then a word inside), times
how telling the field is (the name, then other names, then a post's title, then a place), plus
less than 0.01 for how much the graph says about the entity: of two equally good matches, the
one with more relations comes first ("North Atlantic": NATO before the North Atlantic Council).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum

import strawberry

from schema.common import Entity, GraphQLInfo, Location, load_entities
from schema.relations import PostHeld
from store import Document
from store.entities import collection_of
from store.errors import BadInput
from store.names import name_key, names_of
from store.repository import graph

MAX_QUERY_LENGTH = 200
MAX_RESULTS = 50
CANDIDATES_PER_TYPE = 200

# How telling each field is, times how well the text matched it.
PRIMARY_NAME, OTHER_NAME, POST_TITLE = 1.0, 0.9, 0.8
PLACE_WEIGHTS = {"countries": 0.75, "organisations": 0.7, "meetings": 0.65}
EXACT, PREFIX, WORD = 1.0, 0.8, 0.6
# Below the smallest gap between two scores of different matches, so that prominence only
# orders matches that are otherwise equally good.
PROMINENCE_BONUS = 0.01
PROMINENCE_HALF = 10  # links at which an entity gets half the bonus


@strawberry.enum(description="Kinds of entity `search` can return.")
class EntityType(Enum):
    COUNTRY = strawberry.enum_value("country", description="Countries.")
    OFFICIAL = strawberry.enum_value("official", description="Officials.")
    ORGANISATION = strawberry.enum_value("organisation", description="Organisations.")
    MEETING = strawberry.enum_value("meeting", description="Meetings.")
    EVENT = strawberry.enum_value("event", description="Events that are not meetings.")
    STATEMENT = strawberry.enum_value("statement", description="Statements, by their summary.")


@strawberry.enum(description="Which of an entity's texts a search matched.")
class SearchMatch(Enum):
    NAME = strawberry.enum_value("name", description="Its name.")
    ALIAS = strawberry.enum_value(
        "alias",
        description="Another of its names: an acronym, an alias, a demonym, a metonym, its ISO "
        "or formal name.",
    )
    POST_TITLE = strawberry.enum_value(
        "post_title",
        description="The title of a post the official holds or held (see `post`).",
    )
    PLACE = strawberry.enum_value(
        "place",
        description="Where it is or took place: a meeting's venue or city, an organisation's "
        "headquarters, a country's capital (see `place`).",
    )


@strawberry.type(description="One search match: the entity, and what of it matched.")
class SearchResult:
    score: float = strawberry.field(
        description="How well it matches, highest first: 1.0 for an exact name; lower for "
        "other names, prefixes, words inside names, post titles and places; plus less than "
        "0.01 for how much the graph says about it."
    )
    matched: str = strawberry.field(
        description="The text that matched: a name, an alias, a post's title or a place."
    )
    matched_on: SearchMatch = strawberry.field(description="Which kind of text matched.")
    post: PostHeld | None = strawberry.field(
        description="For a match on a post's title: the post (an official's)."
    )
    place: Location | None = strawberry.field(description="For a match on a place: the place.")
    node_ref: strawberry.Private[dict]

    @strawberry.field(description="The entity found.")
    async def node(self, info: GraphQLInfo) -> Entity | None:
        found = await load_entities(info, [self.node_ref])
        return found[0] if found else None


@dataclass
class Candidate:
    kind: str
    identifier: str
    base: float
    matched: str
    matched_on: SearchMatch
    name: str = ""
    post: Document | None = None
    place: Document | None = None


def quality(text: str, key: str) -> float:
    """How well the name key `key` matches `text`: exactly, as a prefix, or from a word inside."""
    text_key = name_key(text)
    if text_key == key:
        return EXACT
    if text_key.startswith(key):
        return PREFIX
    if f" {key}" in f" {text_key}":
        return WORD
    return 0.0


def score(document: Document, key: str) -> tuple[float, str]:
    """How well `key` matches one of the document's names, and which name matched best."""
    best = (0.0, document.get("name", ""))
    for position, name in enumerate(names_of(document)):
        value = quality(name, key) * (PRIMARY_NAME if position == 0 else OTHER_NAME)
        if value > best[0]:
            best = (value, name)
    return best


def _place_of(collection: str, document: Document) -> Document | None:
    """The place a document is at, as a stored location: `{name, city, country_id}`."""
    if collection == "countries":
        capital = document.get("capital")
        return {"name": None, "city": capital, "country_id": document["_id"]} if capital else None
    places = {"meetings": "location", "events": "location", "organisations": "headquarters"}
    return document.get(places.get(collection, ""))


def _entity_candidate(kind: str, document: Document, key: str) -> Candidate | None:
    """The best match of `key` on an entity: one of its names, or its place."""
    collection = collection_of(kind)
    value, matched = score(document, key)
    name = document.get("name") or document.get("summary") or ""  # a statement's is its summary
    best = Candidate(
        kind,
        document["_id"],
        value,
        matched,
        SearchMatch.NAME if matched == name else SearchMatch.ALIAS,
        name,
    )
    place = _place_of(collection, document)
    for text in (place.get("name"), place.get("city")) if place else ():
        if text:
            value = quality(text, key) * PLACE_WEIGHTS.get(collection, 0.6)
            if value > best.base:
                best = Candidate(
                    kind, document["_id"], value, text, SearchMatch.PLACE, best.name, place=place
                )
    return best if best.base > 0 else None


def _post_candidates(posts: Iterable[Document], key: str) -> list[Candidate]:
    """Officials whose posts' titles match, each with the post that matched best."""
    candidates = []
    for post in posts:
        value = quality(post["title"], key) * POST_TITLE
        if value > 0:
            candidates.append(
                Candidate(
                    "official",
                    post["official_id"],
                    value,
                    post["title"],
                    SearchMatch.POST_TITLE,
                    post=post,
                )
            )
    return candidates


def _bonus(links: int) -> float:
    return PROMINENCE_BONUS * links / (links + PROMINENCE_HALF)


async def search_entities(
    info: GraphQLInfo, query: str, types: list[EntityType] | None, first: int
) -> list[SearchResult]:
    if len(query) > MAX_QUERY_LENGTH:
        raise BadInput(f"`query` is limited to {MAX_QUERY_LENGTH} characters.")
    if not 1 <= first <= MAX_RESULTS:
        raise BadInput(f"`first` must be between 1 and {MAX_RESULTS}; got {first}.")
    key = name_key(query)
    if not key:
        raise BadInput("`query` must contain at least one letter or digit.")
    store = info.context.store
    kinds = [t.value for t in types] if types else [t.value for t in EntityType]
    found = await graph.search_by_key_prefix(
        store, [collection_of(kind) for kind in kinds], key, CANDIDATES_PER_TYPE
    )
    candidates = [
        candidate
        for kind in kinds
        for document in found[collection_of(kind)]
        if (candidate := _entity_candidate(kind, document, key))
    ]
    if "official" in kinds:
        posts = await graph.posts_titled(store, key, CANDIDATES_PER_TYPE)
        candidates += _post_candidates(posts, key)
    best: dict[tuple[str, str], Candidate] = {}
    for candidate in candidates:
        ref = (candidate.kind, candidate.identifier)
        if ref not in best or candidate.base > best[ref].base:
            best[ref] = candidate
    links = await graph.link_counts(store, [identifier for _kind, identifier in best])
    ranked = sorted(
        best.values(),
        key=lambda c: (
            -(c.base + _bonus(links[c.identifier])),
            len(c.name) or len(c.matched),
            c.identifier,
        ),
    )
    return [
        SearchResult(
            score=round(c.base + _bonus(links[c.identifier]), 4),
            matched=c.matched,
            matched_on=c.matched_on,
            post=PostHeld.from_doc(c.post) if c.post else None,
            place=Location.from_doc(c.place),
            node_ref={"kind": c.kind, "id": c.identifier},
        )
        for c in ranked[:first]
    ]
