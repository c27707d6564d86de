"""How long each list without a page size can be, in terms of the data's sizes.

A query's price must be an upper bound on the objects its answer holds (api/cost.py). A connection
says its length (`first`); the other lists are as long as their relation is in the data, so each
one's longest possible length is written here, from what its resolver reads: an official's posts
are the posts holding the official's id, so at most the most posts one official holds
(`Group("posts", "official_id")`), which `store.repository.sizes` keeps current on every write.
`tests/schema/test_bounds.py` checks that every list field has a bound and that no list in the seed
data is longer than its bound.
"""

from __future__ import annotations

from dataclasses import dataclass

from schema.paths import MAX_HOPS
from store.repository.sizes import Sizes

MAX_WRITE_PROBLEMS = 100
"""The most validation problems (and, apart, warnings) a mutation's answer lists: the first ones,
in file order."""


class Bound:
    """The longest a list can be, given the sizes of the data."""

    def of(self, sizes: Sizes) -> int:
        raise NotImplementedError


@dataclass(frozen=True)
class Group(Bound):
    """The documents of `collection` holding one value of `field` (a lookup by that field)."""

    collection: str
    field: str

    def of(self, sizes: Sizes) -> int:
        return sizes.group(self.collection, self.field)


@dataclass(frozen=True)
class Array(Bound):
    """An array stored in a document of `collection`, at the dotted `path`."""

    collection: str
    path: str

    def of(self, sizes: Sizes) -> int:
        return sizes.array(self.collection, self.path)


@dataclass(frozen=True)
class Count(Bound):
    """Every document of `collection`."""

    collection: str

    def of(self, sizes: Sizes) -> int:
        return sizes.count(self.collection)


@dataclass(frozen=True)
class Fixed(Bound):
    value: int

    def of(self, sizes: Sizes) -> int:
        return self.value


@dataclass(frozen=True)
class Sum(Bound):
    parts: tuple[Bound, ...]

    def of(self, sizes: Sizes) -> int:
        return sum(part.of(sizes) for part in self.parts)


@dataclass(frozen=True)
class Product(Bound):
    parts: tuple[Bound, ...]

    def of(self, sizes: Sizes) -> int:
        total = 1
        for part in self.parts:
            total *= part.of(sizes)
        return total


@dataclass(frozen=True)
class Least(Bound):
    """The smallest of several bounds: each holds, so the tightest does."""

    parts: tuple[Bound, ...]

    def of(self, sizes: Sizes) -> int:
        return min(part.of(sizes) for part in self.parts)


@dataclass(frozen=True)
class Most(Bound):
    """The largest of several bounds: for a list filled from one of several places."""

    parts: tuple[Bound, ...]

    def of(self, sizes: Sizes) -> int:
        return max(part.of(sizes) for part in self.parts)


@dataclass(frozen=True)
class ArraysUnder(Bound):
    """The arrays kept in a document's sub-document at `prefix` (its `claims`: one array of
    alternatives per field sources speak to), over `collections`: `longest` bounds one array,
    otherwise the number of distinct fields bounds how many arrays one document holds."""

    collections: tuple[str, ...]
    prefix: str
    suffix: str = ""
    longest: bool = True

    def _paths(self, sizes: Sizes) -> dict[tuple[str, str], int]:
        depth = self.prefix.count(".") + 1 + (self.suffix.count(".") + 1 if self.suffix else 0)
        return {
            (collection, path): length
            for (collection, path), length in sizes.arrays.items()
            if collection in self.collections
            and path.startswith(self.prefix + ".")
            and path.count(".") == depth
            and (not self.suffix or path.endswith("." + self.suffix))
        }

    def of(self, sizes: Sizes) -> int:
        paths = self._paths(sizes)
        if self.longest:
            return max(paths.values(), default=0)
        per_collection: dict[str, int] = {}
        for collection, _path in paths:
            per_collection[collection] = per_collection.get(collection, 0) + 1
        return max(per_collection.values(), default=0)


def _sources(collection: str, path: str = "sources") -> Array:
    return Array(collection, path)


# Every collection whose documents carry `sources` (and so may carry `claims`).
_SOURCED = (
    "countries",
    "organisations",
    "officials",
    "meetings",
    "events",
    "statements",
    "memberships",
    "posts",
    "participations",
    "decisions",
)
# The longest `sources` of any document: the sources one input gives a document are among them.
_ANY_SOURCES = Most(
    (
        *(_sources(collection) for collection in _SOURCED),
        _sources("meetings", "group_participants.sources"),
    )
)
# One document's disputed fields: at most the fields any document of its kind has claims on.
_DISPUTES = ArraysUnder(_SOURCED, "claims", longest=False)
# The values sources give one field, and the inputs that give one value.
_ALTERNATIVES = ArraysUnder(_SOURCED, "claims")
_CLAIMANTS = Most((Fixed(1), ArraysUnder(_SOURCED, "claims", suffix="by")))
_STATEMENTS_INVOLVING = Least(
    (
        Count("statements"),
        Sum(
            (
                Group("statements", "speakers.id"),
                Group("statements", "on_behalf_of.id"),
                Group("statements", "subjects.id"),
            )
        ),
    )
)
_EVENTS_INVOLVING = Least(
    (Count("events"), Sum((Group("events", "actors.id"), Group("events", "subjects.id"))))
)


# Meetings a member attended through a group ("30 NATO members"): one per meeting of each
# organisation it belongs to that had that organisation as a group participant.
_VIA_GROUPS = Least(
    (
        Count("meetings"),
        Product(
            (
                Group("memberships", "member.id"),
                Group("meetings", "group_participants.organisation_id"),
            )
        ),
    )
)
# Every relation a path's hop can stand for keeps its evidence in one of these.
_RELATION_SOURCES = Most(
    (
        _sources("memberships"),
        _sources("posts"),
        _sources("participations"),
        _sources("meetings", "group_participants.sources"),
        _sources("organisations"),
        _sources("meetings"),
    )
)

LIST_BOUNDS: dict[tuple[str, str], Bound] = {
    ("ArticleFacts", "officials"): Group("officials", "sources.article_id"),
    ("ArticleFacts", "organisations"): Group("organisations", "sources.article_id"),
    ("ArticleFacts", "meetings"): Group("meetings", "sources.article_id"),
    ("ArticleFacts", "posts"): Group("posts", "sources.article_id"),
    ("ArticleFacts", "memberships"): Group("memberships", "sources.article_id"),
    ("ArticleFacts", "participations"): Group("participations", "sources.article_id"),
    ("ArticleFacts", "decisions"): Group("decisions", "sources.article_id"),
    ("AttestedText", "sources"): _sources("organisations", "described_as.sources"),
    ("Country", "sources"): _sources("countries"),
    ("Country", "memberships"): Group("memberships", "member.id"),
    ("Country", "officials"): Group("officials", "country_id"),
    ("Country", "posts"): Group("posts", "country_id"),
    ("Country", "meetings"): Sum((Group("participations", "participant.id"), _VIA_GROUPS)),
    ("Country", "bodies"): Group("organisations", "country_id"),
    ("Country", "decisions"): Group("decisions", "subjects.id"),
    ("Decision", "sources"): _sources("decisions"),
    ("Decision", "subjects"): Array("decisions", "subjects"),
    ("GroupParticipant", "sources"): _sources("meetings", "group_participants.sources"),
    ("Hop", "sources"): _RELATION_SOURCES,
    ("Meeting", "sources"): _sources("meetings"),
    ("Meeting", "groups"): Array("meetings", "group_participants"),
    ("Meeting", "sideMeetings"): Group("meetings", "parent_id"),
    ("Meeting", "articles"): Least(
        (
            Count("articles"),
            Sum(
                (
                    _sources("meetings"),
                    Product((Group("participations", "meeting_id"), _sources("participations"))),
                    Product(
                        (
                            Array("meetings", "group_participants"),
                            _sources("meetings", "group_participants.sources"),
                        )
                    ),
                )
            ),
        )
    ),
    ("Membership", "sources"): _sources("memberships"),
    ("Official", "sources"): _sources("officials"),
    ("Official", "posts"): Group("posts", "official_id"),
    ("Official", "meetings"): Group("participations", "participant.id"),
    ("Official", "peopleMet"): Product(
        (Group("participations", "participant.id"), Group("participations", "meeting_id"))
    ),
    ("Organisation", "describedAs"): Array("organisations", "described_as"),
    ("Organisation", "sources"): _sources("organisations"),
    ("Organisation", "memberships"): Group("memberships", "member.id"),
    ("Organisation", "children"): Group("organisations", "parent_id"),
    ("Organisation", "posts"): Group("posts", "organisation_id"),
    ("Organisation", "meetings"): Least(
        (
            Count("meetings"),
            Sum(
                (
                    Group("meetings", "organiser_id"),
                    Group("participations", "participant.id"),
                    Group("meetings", "group_participants.organisation_id"),
                )
            ),
        )
    ),
    ("Organisation", "attended"): Sum((Group("participations", "participant.id"), _VIA_GROUPS)),
    ("Organisation", "decisions"): Sum(
        (Group("decisions", "body_id"), Group("decisions", "subjects.id"))
    ),
    ("Participation", "sources"): Most(
        (_sources("participations"), _sources("meetings", "group_participants.sources"))
    ),
    ("Path", "hops"): Fixed(MAX_HOPS),
    ("ArticleFacts", "statements"): Group("statements", "sources.article_id"),
    ("ArticleFacts", "events"): Group("events", "sources.article_id"),
    ("ClaimedValue", "sources"): _ANY_SOURCES,
    ("DateAlternative", "evidence"): _CLAIMANTS,
    ("DateEvidence", "sources"): _ANY_SOURCES,
    ("DateValue", "alternatives"): _ALTERNATIVES,
    ("DateValue", "evidence"): _CLAIMANTS,
    ("Dispute", "alternatives"): _ALTERNATIVES,
    ("Country", "disputes"): _DISPUTES,
    ("Decision", "disputes"): _DISPUTES,
    ("Event", "disputes"): _DISPUTES,
    ("Meeting", "disputes"): _DISPUTES,
    ("Membership", "disputes"): _DISPUTES,
    ("Official", "disputes"): _DISPUTES,
    ("Organisation", "disputes"): _DISPUTES,
    ("Participation", "disputes"): _DISPUTES,
    ("PostHeld", "disputes"): _DISPUTES,
    ("Statement", "disputes"): _DISPUTES,
    ("Country", "statements"): _STATEMENTS_INVOLVING,
    ("Official", "statements"): _STATEMENTS_INVOLVING,
    ("Organisation", "statements"): _STATEMENTS_INVOLVING,
    ("Country", "events"): _EVENTS_INVOLVING,
    ("Official", "events"): _EVENTS_INVOLVING,
    ("Organisation", "events"): _EVENTS_INVOLVING,
    ("Event", "actors"): Array("events", "actors"),
    ("Event", "subjects"): Array("events", "subjects"),
    ("Event", "sources"): _sources("events"),
    ("Event", "statements"): Group("statements", "subjects.id"),
    ("Meeting", "statements"): Group("statements", "meeting_id"),
    ("Membership", "evidenceDays"): Array("memberships", "evidence_days"),
    ("PostHeld", "evidenceDays"): Array("posts", "evidence_days"),
    ("Statement", "about"): Array("statements", "subjects"),
    ("Statement", "onBehalfOf"): Array("statements", "on_behalf_of"),
    ("Statement", "sources"): _sources("statements"),
    ("Statement", "speakers"): Array("statements", "speakers"),
    ("Statement", "speakerPosts"): Product(
        (Array("statements", "speakers"), Group("posts", "official_id"))
    ),
    ("WriteResult", "warnings"): Fixed(MAX_WRITE_PROBLEMS),
    ("WriteResult", "problems"): Fixed(MAX_WRITE_PROBLEMS),
    ("PostHeld", "attested"): Array("posts", "attested"),
    ("PostHeld", "sources"): _sources("posts"),
}
"""(GraphQL type, field) -> the longest the field's list can be."""
