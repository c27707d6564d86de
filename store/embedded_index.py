"""In-memory indexes for the embedded store: which documents can match a query, without a scan.

An index names *candidates*, a superset of the documents that match. Those it can vouch for (an
exact lookup of a string or a number, a prefix that is the whole pattern) are *certain*; every
other candidate is checked with mongomock's own matcher. So the answer is always mongomock's
answer; the index only decides how many documents get looked at. A query shape the planner does
not recognise costs a scan, never a wrong answer.

What the planner reads from a query (clauses are ANDed, so each recognised one narrows the set):
- `{path: scalar}`, `{path: {"$eq": scalar}}`, `{path: {"$in": [scalars]}}` on `_id` or an indexed
  path, plain or through arrays (`member.id`, `group_participants.organisation_id`): hash lookups;
- `{path: {"$regex": "^literal"}}`: the range of indexed strings that start with the literal;
- `{path: {"$gte": a, "$lte": b}}` (any of `$gt`, `$gte`, `$lt`, `$lte`, bounds all strings or all
  numbers): the range of indexed values between the bounds;
- `$or` of recognised filters (a union) and `$and` (an intersection).

Scalars are strings, numbers and None (None also finds documents where the path is missing, as in
MongoDB). The values an index holds for a document are exactly the ones mongomock's matcher
compares (`filtering.iter_key_candidates`, one level of arrays flattened), so the two cannot
disagree on which documents could match.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from mongomock.filtering import NOTHING, iter_key_candidates, resolve_sort_key
from sortedcontainers import SortedList

Key = Hashable
Document = dict[str, Any]
RANGE_OPERATORS = frozenset({"$gt", "$gte", "$lt", "$lte"})
# Unescaped characters that end the literal part of a regex; the first three make the character
# before them optional, so that one is not part of the literal either.
_OPTIONALISING = frozenset("*?{")
_SPECIAL = frozenset(".^$+()[]\\|") | _OPTIONALISING


class _Keys(dict):
    """The documents holding one value, as a dict used as a set. A value held by one document
    maps straight to its key instead: most values are, and an empty dict costs 64 bytes."""

    __slots__ = ()


_ABSENT = object()


def _add_posting(postings: dict[Any, Any], value: Any, key: Key) -> bool:
    """Add `key` under `value`; True when the value is new to the index."""
    held = postings.get(value, _ABSENT)
    if held is _ABSENT:
        postings[value] = key
        return True
    if type(held) is _Keys:
        held[key] = None
    elif held != key:
        postings[value] = _Keys({held: None, key: None})
    return False


def _remove_posting(postings: dict[Any, Any], value: Any, key: Key) -> bool:
    """Remove `key` from under `value`; True when no document holds the value any more."""
    held = postings.get(value, _ABSENT)
    if type(held) is _Keys:
        held.pop(key, None)
        if len(held) == 1:
            postings[value] = next(iter(held))
        return False
    if held is not _ABSENT and held == key:
        del postings[value]
        return True
    return False


def _posting_keys(held: Any) -> Iterable[Key]:
    return held if type(held) is _Keys else (held,)


def is_scalar(value: Any) -> bool:
    """A value the hash indexes can look up: a string, a number (not NaN, not a bool) or None."""
    if value is None or isinstance(value, str):
        return True
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value == value


def index_values(path: str, document: Document) -> tuple[set[Any], bool, bool]:
    """(the scalars at `path`, whether an array was crossed, whether an odd value was seen).

    Missing and null both count as None. Odd values are scalars of other types (bools, NaN,
    dates, ObjectIds, ...): a document holding one is a candidate for every plan on this path, so
    that mongomock, not the index, decides how they compare. Sub-documents and nested arrays are
    left out: no scalar equals them, and MongoDB's ranges do not compare across types.
    """
    values: set[Any] = set()
    multikey = odd = False
    for candidate in iter_key_candidates(path, document):
        if isinstance(candidate, list | tuple):
            multikey = True
            items: Iterable[Any] = candidate
        else:
            items = (candidate,)
        for item in items:
            if item is NOTHING or item is None:
                values.add(None)
            elif isinstance(item, str) or _is_number(item):
                values.add(item)
            elif not isinstance(item, dict | list | tuple):
                odd = True
    return values, multikey, odd


def sort_key(path: str, document: Document) -> tuple[int, int, Any] | None:
    """mongomock's sort key for `path` as a plain, totally ordered tuple; None when the value is
    of a type whose order only mongomock's BSON comparison knows (the index then stands aside)."""
    if "." in path:
        outer, comparable = resolve_sort_key(path, document)
        value = comparable.obj
    else:  # what resolve_sort_key finds for a top-level field, without its path walk
        value = document.get(path) if isinstance(document, dict) else None
        outer = 0 if isinstance(value, list | tuple) and not value else 1
        if isinstance(value, list | tuple) and value:
            value = value[0]
    if outer == 0:  # an empty array sorts first
        return (0, 0, 0)
    if value is None:
        return (1, 5, 0)
    if _is_number(value):
        return (1, 10, value)
    if isinstance(value, str):
        return (1, 15, value)
    return None


class SortOrder:
    """Every document of a collection grouped by its sort key on one path, groups in order."""

    def __init__(self) -> None:
        self.groups: dict[tuple[int, int, Any], Any] = {}
        self.order = SortedList()
        self.unsortable: dict[Key, None] = {}

    def add(self, path: str, key: Key, document: Document) -> None:
        native = sort_key(path, document)
        if native is None:
            self.unsortable[key] = None
        elif _add_posting(self.groups, native, key):
            self.order.add(native)

    def remove(self, path: str, key: Key, document: Document) -> None:
        native = sort_key(path, document)
        if native is None:
            self.unsortable.pop(key, None)
        elif _remove_posting(self.groups, native, key):
            self.order.remove(native)

    def groups_in_order(self, descending: bool) -> Iterator[Iterable[Key]]:
        natives = reversed(self.order) if descending else iter(self.order)
        for native in natives:
            yield _posting_keys(self.groups[native])


class PathIndex:
    """The index of one field path: value → documents, plus (built on first use, then kept up to
    date) the distinct strings and numbers in order, for prefixes and ranges, and a sort order."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.postings: dict[Any, Any] = {}
        self.multikey: dict[Key, None] = {}
        self.odd: dict[Key, None] = {}
        self._strings: SortedList | None = None
        self._numbers: SortedList | None = None
        self._sort: SortOrder | None = None

    def add(self, key: Key, document: Document) -> None:
        values, multikey, odd = index_values(self.path, document)
        for value in values:
            if _add_posting(self.postings, value, key):
                self._ordered_for(value, lambda ordered, v=value: ordered.add(v))
        if multikey:
            self.multikey[key] = None
        if odd:
            self.odd[key] = None
        if self._sort is not None:
            self._sort.add(self.path, key, document)

    def remove(self, key: Key, document: Document) -> None:
        values, _multikey, _odd = index_values(self.path, document)
        for value in values:
            if _remove_posting(self.postings, value, key):
                self._ordered_for(value, lambda ordered, v=value: ordered.remove(v))
        self.multikey.pop(key, None)
        self.odd.pop(key, None)
        if self._sort is not None:
            self._sort.remove(self.path, key, document)

    def _ordered_for(self, value: Any, change: Callable[[SortedList], None]) -> None:
        if isinstance(value, str):
            if self._strings is not None:
                change(self._strings)
        elif value is not None and self._numbers is not None:
            change(self._numbers)

    def lookup(self, values: Iterable[Any], exact: bool) -> Candidates:
        """Documents holding any of `values` (scalars): certain when `exact`; and, maybe, those
        with odd values."""
        found: set[Key] = set()
        for value in values:
            held = self.postings.get(value, _ABSENT)
            if held is not _ABSENT:
                found.update(_posting_keys(held))
        if not exact:
            return Candidates.unsure(found | self.odd.keys())
        return Candidates(found, self.odd.keys() - found)

    def strings(self) -> SortedList:
        if self._strings is None:
            self._strings = SortedList(v for v in self.postings if isinstance(v, str))
        return self._strings

    def numbers(self) -> SortedList:
        if self._numbers is None:
            self._numbers = SortedList(v for v in self.postings if _is_number(v))
        return self._numbers

    def with_prefix(self, prefix: str, whole: bool) -> Candidates:
        """Documents holding a string that starts with `prefix` (certain when the prefix is the
        `whole` pattern) and, maybe, those with odd values."""
        found: set[Key] = set()
        strings = self.strings()
        for value in strings.islice(strings.bisect_left(prefix)):
            if not value.startswith(prefix):
                break
            found.update(_posting_keys(self.postings[value]))
        if not whole:
            return Candidates.unsure(found | self.odd.keys())
        return Candidates(found, self.odd.keys() - found)

    def in_range(self, bounds: Mapping[str, Any]) -> set[Key] | None:
        """Documents holding a value within `bounds` (`$gt`/`$gte`/`$lt`/`$lte`), or None when the
        bounds are not all strings or all numbers."""
        if all(isinstance(bound, str) for bound in bounds.values()):
            ordered = self.strings()
        elif all(_is_number(bound) for bound in bounds.values()):
            ordered = self.numbers()
        else:
            return None
        lower = upper = None
        inclusive = [True, True]
        for operator, bound in bounds.items():
            if operator in ("$gt", "$gte"):
                if lower is None or bound > lower or (bound == lower and operator == "$gt"):
                    lower, inclusive[0] = bound, operator == "$gte"
            elif upper is None or bound < upper or (bound == upper and operator == "$lt"):
                upper, inclusive[1] = bound, operator == "$lte"
        found: set[Key] = set(self.odd)
        if lower is not None and upper is not None:
            # In an array each bound may be met by a different element (as in MongoDB), so a
            # document holding an array is a candidate whatever its values.
            found.update(self.multikey)
        for value in ordered.irange(lower, upper, (inclusive[0], inclusive[1])):
            found.update(_posting_keys(self.postings[value]))
        return found

    def sort_order(self, documents: Iterable[tuple[Key, Document]]) -> SortOrder:
        """The collection in this path's sort order (built from `documents` on first use)."""
        if self._sort is None:
            order = SortOrder()
            for key, document in documents:
                order.add(self.path, key, document)
            self._sort = order
        return self._sort


class IndexedSource(Protocol):
    """What the planner needs from a collection: its `_id` keys and its path indexes."""

    def has_key(self, value: Any) -> bool: ...

    def index_for(self, path: str) -> PathIndex | None: ...


def literal_prefix(pattern: str) -> tuple[str, bool] | None:
    """(the literal text every match of an anchored `pattern` starts with, whether that literal
    is the whole pattern), or None when the pattern is not anchored at the start (or has
    alternatives, which could escape the anchor).

    `^kim\\ gunn` gives ("kim gunn", True): escaped punctuation is literal, as `re.escape`
    writes it. `^ab*c` gives ("a", False): the text stops at the first construct that is not a
    plain character, and a quantifier that may skip the character before it takes that out too.
    """
    if not pattern.startswith("^") or "|" in pattern:
        return None
    literal: list[str] = []
    index = 1
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            escaped = pattern[index + 1 : index + 2]
            if not escaped or (escaped.isascii() and escaped.isalnum()):
                break  # a class (\\d, \\w), an anchor (\\A, \\b) or a back-reference
            literal.append(escaped)
            index += 2
        elif char in _SPECIAL:
            if char in _OPTIONALISING and literal:
                literal.pop()
            break
        else:
            literal.append(char)
            index += 1
    return "".join(literal), index >= len(pattern)


@dataclass
class Candidates:
    """What the indexes know about a query: documents that match it for certain, and documents
    that may (mongomock's matcher decides those). Exact lookups of strings and numbers, and
    prefixes that are the whole pattern, are certain; ranges, None and odd values are not."""

    certain: set[Key]
    maybe: set[Key]

    @classmethod
    def unsure(cls, keys: set[Key]) -> Candidates:
        return cls(set(), keys)

    def keys(self) -> set[Key]:
        return self.certain | self.maybe

    def __len__(self) -> int:
        return len(self.certain) + len(self.maybe)

    def __and__(self, other: Candidates) -> Candidates:
        certain = self.certain & other.certain
        return Candidates(certain, (self.keys() & other.keys()) - certain)

    def __or__(self, other: Candidates) -> Candidates:
        certain = self.certain | other.certain
        return Candidates(certain, (self.maybe | other.maybe) - certain)


def plan(query: Any, source: IndexedSource) -> Candidates | None:
    """The candidates for `query`, or None when the indexes cannot narrow it (scan everything).

    Clauses are ANDed. A clause the planner cannot read leaves the others to narrow the set, but
    then no candidate is certain: each must be checked against the whole query.
    """
    if not isinstance(query, Mapping):
        return None
    found: Candidates | None = None
    unread = False
    for field, search in query.items():
        if field == "$and":
            part = _all_of(search, source)
        elif field == "$or":
            part = _any_of(search, source)
        elif field.startswith("$"):
            part = None
        else:
            part = _field_plan(field, search, source)
        if part is None:
            unread = unread or field != "$comment"
        else:
            found = part if found is None else found & part
    if found is not None and unread:
        return Candidates.unsure(found.keys())
    return found


def _all_of(filters: Any, source: IndexedSource) -> Candidates | None:
    if not isinstance(filters, list | tuple) or not filters:
        return None
    found: Candidates | None = None
    unread = False
    for item in filters:
        part = plan(item, source)
        if part is None:
            unread = True
        else:
            found = part if found is None else found & part
    if found is not None and unread:
        return Candidates.unsure(found.keys())
    return found


def _any_of(filters: Any, source: IndexedSource) -> Candidates | None:
    if not isinstance(filters, list | tuple) or not filters:
        return None
    union = Candidates(set(), set())
    for item in filters:
        part = plan(item, source)
        if part is None:
            return None
        union = union | part
    return union


def _field_plan(field: str, search: Any, source: IndexedSource) -> Candidates | None:
    if isinstance(search, Mapping):
        operators = set(search)
        if not operators or not all(isinstance(o, str) and o.startswith("$") for o in operators):
            return None  # equality with a sub-document
        if operators == {"$eq"}:
            values: Any = [search["$eq"]]
        elif operators == {"$in"}:
            values = search["$in"]
            if not isinstance(values, list | tuple):
                return None
        elif operators <= {"$regex", "$options"} and "$regex" in operators:
            if search.get("$options", "") != "" or not isinstance(search["$regex"], str):
                return None
            index = source.index_for(field)
            literal = literal_prefix(search["$regex"])
            if index is None or literal is None:
                return None
            return index.with_prefix(*literal)
        elif operators <= RANGE_OPERATORS:
            index = source.index_for(field)
            found = index.in_range(search) if index else None
            return None if found is None else Candidates.unsure(found)
        else:
            return None
    else:
        values = [search]
    if not all(is_scalar(value) for value in values):
        return None
    exact = None not in values
    if field == "_id":
        keys = {value for value in values if source.has_key(value)}
        return Candidates(keys, set()) if exact else Candidates.unsure(keys)
    index = source.index_for(field)
    return index.lookup(values, exact) if index else None
