"""Merging: the partial documents several inputs give for one id, folded into one document that
keeps, for every value, the sources that give it.

Each input (a reference file, or an article's facts) *claims* values for a document's fields.
List fields in `union_fields` are united. A field that names what the document is (a post's
official and title, a membership's member, organisation and role) must be the same in every input:
a different value there is a problem, since the input means another document. Every other field
keeps all the values its inputs give, grouped into alternatives that agree (dates by value, so
"June 30" and "on Thursday" are one day, and "in May" supports "2022-05-10"; names by their name
key, so "Secretary-General" is "Secretary General"), ranked by `PREFERENCE`:

1. an alternative that reviewed reference data gives;
2. then the one more inputs give;
3. then the more precise (a day before a month before a year);
4. then the one stated first (reference files, then articles by publication date).

The document holds the preferred value, and `claims` holds, for each field an article speaks to,
every alternative with the inputs that give it and their sources. Different values from one file,
or from two reference files, are a problem (reviewed data must agree with itself); from different
inputs otherwise, a warning that names both places.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from seeds.inputs import Origin
from store import Document
from store.names import token_key

# List fields that merge by union when several inputs describe the same document.
UNION_FIELDS = frozenset(
    {"aliases", "demonyms", "metonyms", "sources", "attested", "described_as", "group_participants"}
)
UNION_BY_COLLECTION: dict[str, frozenset[str]] = {
    "decisions": frozenset({"subjects"}),
    "events": frozenset({"actors", "subjects"}),
    "statements": frozenset({"speakers", "on_behalf_of", "subjects"}),
}
# Fields that say which document it is: another value means another document, not a disagreement.
IDENTITY_FIELDS: dict[str, frozenset[str]] = {
    "memberships": frozenset({"member", "organisation_id", "role"}),
    "posts": frozenset({"official_id", "title"}),
    "participations": frozenset({"meeting_id", "participant"}),
}
# Fields compared as names: the same name key is the same value, however it is spelt.
NAME_FIELDS = frozenset({"name", "title"})

PREFERENCE = (
    "reviewed reference data first, then the value more inputs give, then the more precise, "
    "then the one stated first"
)
_PRECISION_RANK = {"day": 0, "month": 1, "year": 2}

Contributions = list[tuple[Document, Origin]]
Report = Callable[[Origin, str], None]


def union_fields(collection: str) -> frozenset[str]:
    return UNION_FIELDS | UNION_BY_COLLECTION.get(collection, frozenset())


def _marker(item: Any) -> Any:
    """A hashable identity for a value or a list item (a source, an alias), for unions without
    duplicates: the value itself when it is hashable, its JSON otherwise."""
    if item is None or isinstance(item, str | int | float | bool):
        return (type(item).__name__, item)
    return json.dumps(item, sort_keys=True, default=str)


def is_date(value: Any) -> bool:
    return isinstance(value, dict) and "precision" in value and "earliest" in value


def shown(value: Any) -> str:
    """A value in a message: a date by its words or value, a reference by its id."""
    if is_date(value):
        return repr(value["raw"] or value["value"])
    if isinstance(value, dict) and set(value) == {"kind", "id"}:
        return repr(value["id"])
    return repr(value)


def _shown_value(value: Any) -> str:
    """A date by its value, and its words when it has some; anything else as `shown`."""
    if is_date(value):
        return repr(value["value"]) + (f" ({value['raw']!r})" if value.get("raw") else "")
    return shown(value)


def _contains(outer: Document, inner: Document) -> bool:
    return outer["earliest"] <= inner["earliest"] and inner["latest"] <= outer["latest"]


def is_place(value: Any) -> bool:
    return isinstance(value, dict) and set(value) == {"name", "city", "country_id"}


def _within(outer: Document, inner: Document) -> bool:
    """A place given less precisely (a city) that a more precise one (a venue in it) fits."""
    return all(outer[part] is None or outer[part] == inner[part] for part in outer)


def _precise(value: Any) -> int:
    """How much of a place is given (more is more precise)."""
    return sum(part is not None for part in value.values()) if is_place(value) else 0


def agree(first: Any, second: Any, key: str) -> bool:
    """Whether two values of field `key` say the same thing: dates when one lies within the other,
    places when one is the other given more precisely (a city, and a venue in it), names when
    their keys match whatever the spelling and word order, others when equal."""
    if is_date(first) and is_date(second):
        return _contains(first, second) or _contains(second, first)
    if is_place(first) and is_place(second):
        return _within(first, second) or _within(second, first)
    if key in NAME_FIELDS and isinstance(first, str) and isinstance(second, str):
        return token_key(first) == token_key(second)
    return first == second


@dataclass
class Claim:
    """One input's value for one field, where it was written, and the input's place in the order."""

    value: Any
    origin: Origin
    rank: int

    @property
    def article_id(self) -> str | None:
        return self.origin.article


@dataclass
class Alternative:
    """Values that agree, with the claims that give them; `value` is the most precise."""

    value: Any
    claims: list[Claim] = field(default_factory=list)

    def inputs(self) -> set[str]:
        return {claim.origin.label for claim in self.claims}

    def reference(self) -> bool:
        return any(claim.article_id is None for claim in self.claims)

    def first(self) -> Claim:
        return min(self.claims, key=lambda claim: claim.rank)

    def sort_key(self) -> tuple[int, int, int, int]:
        precision = (
            _PRECISION_RANK.get(self.value.get("precision"), 0) if is_date(self.value) else 0
        )
        return (0 if self.reference() else 1, -len(self.inputs()), precision, self.first().rank)


def alternatives(claims: list[Claim], key: str) -> list[Alternative]:
    """The claims grouped into values that agree, preferred first (see PREFERENCE)."""
    found: list[Alternative] = []
    if claims and all(is_date(claim.value) for claim in claims):
        # Most precise first, so that a coarser date supports the finer ones it contains.
        ordered = sorted(claims, key=lambda c: (_PRECISION_RANK[c.value["precision"]], c.rank))
        for claim in ordered:
            containing = [alt for alt in found if _contains(claim.value, alt.value)]
            if containing:
                for alternative in containing:
                    alternative.claims.append(claim)
            else:
                found.append(Alternative(claim.value, [claim]))
        for alternative in found:
            # The day's words: those of the first input that gives exactly this value.
            exact = [
                c for c in alternative.claims if c.value["value"] == alternative.value["value"]
            ]
            alternative.value = min(exact, key=lambda c: c.rank).value
    else:
        for claim in sorted(claims, key=lambda c: c.rank):
            match = next((alt for alt in found if agree(alt.value, claim.value, key)), None)
            if match is None:
                found.append(Alternative(claim.value, [claim]))
            else:
                match.claims.append(claim)
                if _precise(claim.value) > _precise(match.value):
                    match.value = claim.value  # the venue, not just the city
    if len(found) > 1:
        found.sort(key=Alternative.sort_key)
    return found


def _reason(preferred: Alternative, other: Alternative) -> str:
    mine, theirs = preferred.sort_key(), other.sort_key()
    if mine[0] != theirs[0]:
        return "reference data"
    if mine[1] != theirs[1]:
        return f"more sources: {-mine[1]} against {-theirs[1]}"
    if mine[2] != theirs[2]:
        return "more precise"
    return "stated first"


def _claims_document(found: list[Alternative]) -> list[Document]:
    """The stored form of a field's alternatives: preferred first, each with the inputs that give
    it, by article id (None for reference data; the claim's sources are the document's sources
    from that article, or its reference URLs), and the claim's own value when it differs (a
    coarser date, the same day in other words, a name spelt otherwise). The preferred one has no
    `value`: it is the field's."""
    stored = []
    for position, alternative in enumerate(found):
        by = []
        for claim in sorted(alternative.claims, key=lambda c: c.rank):
            item: Document = {"article_id": claim.article_id}
            if claim.value != alternative.value:
                item["value"] = claim.value
            if item not in by:
                by.append(item)
        stored.append({"by": by} if position == 0 else {"value": alternative.value, "by": by})
    return stored


class Merger:
    """Folds the contributions to one collection's documents; problems and warnings reported."""

    def __init__(self, problem: Report, warning: Report) -> None:
        self.problem = problem
        self.warning = warning

    def merge(
        self, parts: dict[str, dict[str, Contributions]], ranks: dict[str, int]
    ) -> dict[str, dict[str, Document]]:
        """Every collection's documents by id. `ranks` orders the inputs (by label)."""
        merged: dict[str, dict[str, Document]] = {}
        for collection, by_id in parts.items():
            merged[collection] = {
                identifier: self.merge_one(collection, identifier, contributions, ranks)
                for identifier, contributions in by_id.items()
            }
        return merged

    def merge_one(
        self, collection: str, identifier: str, contributions: Contributions, ranks: dict[str, int]
    ) -> Document:
        name = f"{collection}/{identifier}"
        unions = union_fields(collection)
        identity = IDENTITY_FIELDS.get(collection, frozenset())
        if len(contributions) == 1:
            return self._one_input(collection, *contributions[0], unions | identity)
        keys: dict[str, None] = {}
        for contribution, _origin in contributions:
            keys.update(dict.fromkeys(contribution))
        document: Document = {}
        claims: Document = {}
        for key in keys:
            given = [(c[key], origin) for c, origin in contributions if key in c]
            if key == "_id" or collection == "articles":
                document[key] = given[0][0]
            elif key in unions:
                document[key] = self._union(given)
            elif key in identity:
                document[key] = self._identity(name, key, given)
            else:
                value, stored = self._values(name, key, given, ranks)
                document[key] = value
                if stored:
                    claims[key] = stored
        if claims:
            document["claims"] = claims
        return document

    def _one_input(
        self, collection: str, contribution: Document, origin: Origin, fixed: frozenset[str]
    ) -> Document:
        """A document one input gives: its values as they are, each claimed by that input (most
        documents: nothing to compare, rank or unite)."""
        document = dict(contribution)
        if origin.article is not None and collection != "articles":
            claim = {"by": [{"article_id": origin.article}]}
            claims = {
                key: [claim]
                for key, value in contribution.items()
                if value is not None and key != "_id" and key not in fixed
            }
            if claims:
                document["claims"] = claims
        return document

    def _union(self, given: list[tuple[Any, Origin]]) -> list[Any]:
        if len(given) == 1:
            # One input: its own list, which has no duplicates to drop that matter here.
            return list(given[0][0] or [])
        items: list[Any] = []
        markers: set[Any] = set()
        for value, _origin in given:
            for item in value or []:
                marker = _marker(item)
                if marker not in markers:
                    markers.add(marker)
                    items.append(item)
        return items

    def _identity(self, name: str, key: str, given: list[tuple[Any, Origin]]) -> Any:
        first, first_origin = next(((v, o) for v, o in given if v is not None), (None, None))
        for value, origin in given:
            if value is not None and first_origin is not None and not agree(first, value, key):
                self._conflict(name, key, first, first_origin, value, origin)
        return first

    def _conflict(
        self, name: str, key: str, first: Any, first_origin: Origin, value: Any, origin: Origin
    ) -> None:
        # Documents name references `parent_id`; the files call the field `parent`.
        written = key.removesuffix("_id")
        self.problem(
            origin.at(written),
            f"{name} already has {written} {shown(first)} (given at "
            f"{first_origin.at(written)}); here it is {shown(value)}. Give the same "
            "value, leave it out here, or use another id",
        )

    def _values(
        self,
        name: str,
        key: str,
        given: list[tuple[Any, Origin]],
        ranks: dict[str, int],
    ) -> tuple[Any, list[Document] | None]:
        claims: list[Claim] = []
        seen: set[tuple[str, Any]] = set()
        for value, origin in given:
            if value is None:
                continue
            # One input restating a value (two entries for one document) makes one claim.
            marker = (origin.label, _marker(value)) if len(given) > 1 else None
            if marker not in seen:
                seen.add(marker)
                claims.append(Claim(value, origin, ranks.get(origin.label, len(ranks))))
        if not claims:
            return None, None
        if len(claims) == 1:
            # One input: nothing to compare or rank (most fields of most documents).
            (only,) = claims
            return only.value, [
                {"by": [{"article_id": only.article_id}]}
            ] if only.article_id else None
        # One file, or reviewed reference data, that says two things is a mistake to fix.
        for position, claim in enumerate(claims):
            for earlier in claims[:position]:
                same_file = earlier.origin.label == claim.origin.label
                both_reference = earlier.article_id is None and claim.article_id is None
                if (same_file or both_reference) and not agree(earlier.value, claim.value, key):
                    self._conflict(
                        name, key, earlier.value, earlier.origin, claim.value, claim.origin
                    )
                    return earlier.value, None
        found = alternatives(claims, key)
        preferred = found[0]
        for other in found[1:]:
            self._disagreement(name, key, preferred, other)
        stored = _claims_document(found) if any(c.article_id is not None for c in claims) else None
        return preferred.value, stored

    def _disagreement(
        self, name: str, key: str, preferred: Alternative, other: Alternative
    ) -> None:
        written = key.removesuffix("_id")
        mine, theirs = preferred.first(), other.first()
        later, earlier = (theirs, mine) if theirs.rank >= mine.rank else (mine, theirs)
        later_value = other.value if later is theirs else preferred.value
        earlier_value = preferred.value if later is theirs else other.value
        self.warning(
            later.origin.at(written),
            f"{name}: {written} is {_shown_value(later_value)} here, but "
            f"{earlier.origin.at(written)} ({earlier.origin.at(written).field}) gives "
            f"{_shown_value(earlier_value)}. Both are kept with their sources; the preferred "
            f"value is {_shown_value(preferred.value)} ({_reason(preferred, other)})",
        )
