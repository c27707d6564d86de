"""No silent duplicates: the checks that stop one thing from entering the graph twice.

- A new id whose name, acronym or alias is already another entity's of the same kind (compared by
  `store.names.match_keys`, so hyphens, accents, case and word order do not hide it) is refused,
  unless one of the two lists the other in `distinct_from` (two real namesakes).
- A post that repeats an existing one (the same official and title, and the same organisation or
  country) under another id is refused, unless `distinct_from` says it is another term.
- An article entry's name, acronym and aliases must be written in its quotes, unless
  `name_source` says where they come from: a misspelt name has nothing to check it against.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from seeds.inputs import Origin
from store.names import match_keys, name_key, occurs_in, token_key

Report = Callable[[Origin, str], None]


@dataclass
class _Owner:
    """The first entity to declare a name key, and where."""

    identifier: str
    origin: Origin
    name: str


@dataclass
class DuplicateNames:
    """Entities' names by kind, in the order they are declared (reference data first)."""

    _owners: dict[tuple[str, str], _Owner] = field(default_factory=dict)
    _distinct: dict[str, set[str]] = field(default_factory=dict)
    _declared: list[tuple[str, str, str, Origin]] = field(default_factory=list)
    _by_entity: dict[tuple[str, str], dict[str, set[str]]] | None = None

    def declare(
        self,
        kind: str,
        identifier: str,
        names: Iterable[tuple[str | None, Origin]],
        distinct_from: Iterable[str] = (),
    ) -> None:
        """Record an entity's names, each with the place it is written."""
        self._distinct.setdefault(identifier, set()).update(distinct_from)
        for name, origin in names:
            if name:
                self._declared.append((kind, identifier, name, origin))

    def check(
        self,
        report: Report,
        newcomer: Callable[[str, str, str], None],
        merged: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        """Report every article name that is already another entity's (one problem per pair).

        `merged` holds the (kind, id) of entities a correction merges into another.
        `newcomer(kind, id, file)` is told of each entity that shares a name with an earlier one:
        the shared name keeps meaning the earlier one, except (for a namesake) in the `file` that
        declares it, where it is ambiguous. A duplicate just reported yields it everywhere (file
        ""), so that its one problem is not followed by an ambiguity at every reference.
        """
        reported: set[tuple[str, str]] = set()
        for kind, identifier, name, origin in self._declared:
            for key in sorted(match_keys(name)):
                owner = self._owners.setdefault((kind, key), _Owner(identifier, origin, name))
                if owner.identifier == identifier or origin.article is None:
                    continue
                if (kind, identifier) in merged or (kind, owner.identifier) in merged:
                    continue  # a correction merges them: one entity
                if self._namesakes(identifier, owner.identifier):
                    newcomer(kind, identifier, origin.label)
                    continue
                newcomer(kind, identifier, "")
                pair = (identifier, owner.identifier)
                if pair in reported:
                    continue
                reported.add(pair)
                report(
                    origin,
                    f"{name!r} is already the name of {kind} `{owner.identifier}` ("
                    f"{owner.name!r}, given at {owner.origin}). To add to that {kind}, give "
                    f"`id: {owner.identifier}`; if this is another {kind} of the same name, add "
                    f"`distinct_from: [{owner.identifier}]`",
                )

    def copy(self) -> DuplicateNames:
        """The declarations so far, to go on declaring from (owners are found again by `check`)."""
        return DuplicateNames(
            _distinct={identifier: set(ids) for identifier, ids in self._distinct.items()},
            _declared=list(self._declared),
        )

    def declared(self) -> list[tuple[str, str, str, Origin]]:
        """Every (kind, id, name, origin) declared so far."""
        return list(self._declared)

    def named_elsewhere(self, kind: str, identifier: str, name: str, label: str) -> bool:
        """Whether another input (not the file `label`) gives entity `identifier` this name."""
        if self._by_entity is None:
            self._by_entity = {}
            for declared_kind, declared_id, declared_name, origin in self._declared:
                keys = self._by_entity.setdefault((declared_kind, declared_id), {})
                keys.setdefault(name_key(declared_name), set()).add(origin.label)
        labels = self._by_entity.get((kind, identifier), {}).get(name_key(name), set())
        return bool(labels - {label})

    def _namesakes(self, first: str, second: str) -> bool:
        return second in self._distinct.get(first, set()) or first in self._distinct.get(
            second, set()
        )


@dataclass
class _Post:
    identifier: str
    official_id: str
    title: str
    organisation_id: str | None
    country_id: str | None
    origin: Origin
    distinct_from: frozenset[str]


@dataclass
class DuplicatePosts:
    """Posts by official and title, to refuse a post repeated under another id."""

    _posts: dict[tuple[str, str], list[_Post]] = field(default_factory=dict)

    def copy(self) -> DuplicatePosts:
        """The posts so far, to go on adding to."""
        return DuplicatePosts({key: list(posts) for key, posts in self._posts.items()})

    def add(
        self,
        identifier: str,
        document: dict,
        origin: Origin,
        distinct_from: Iterable[str],
        report: Report,
    ) -> None:
        post = _Post(
            identifier,
            document["official_id"],
            document["title"],
            document.get("organisation_id"),
            document.get("country_id"),
            origin,
            frozenset(distinct_from),
        )
        same_title = self._posts.setdefault((post.official_id, token_key(post.title)), [])
        for other in same_title:
            if other.identifier == identifier or not _same_office(post, other):
                continue
            if identifier in other.distinct_from or other.identifier in post.distinct_from:
                continue
            whose = (
                ", ".join(part for part in (other.organisation_id, other.country_id) if part)
                or "no organisation or country"
            )
            report(
                origin,
                f"this post repeats posts/{other.identifier} ({other.official_id}, "
                f"{other.title!r}, {whose}; given at {other.origin}). To add this evidence to it, "
                f"give `id: {other.identifier}`; if it is another term of the same office, add "
                f"`distinct_from: [{other.identifier}]`",
            )
            return
        if all(other.identifier != identifier for other in same_title):
            same_title.append(post)


def _same_office(first: _Post, second: _Post) -> bool:
    """The same organisation or country, and no other that differs."""
    pairs = [
        (first.organisation_id, second.organisation_id),
        (first.country_id, second.country_id),
    ]
    if any(a is not None and b is not None and a != b for a, b in pairs):
        return False
    shared = any(a is not None and a == b for a, b in pairs)
    neither = all(a is None and b is None for a, b in pairs)
    return shared or neither


def unquoted_names(
    names: Iterable[tuple[str | None, Origin]], quotes: list[str], report: Report
) -> None:
    """Report each name that none of the entry's quotes writes."""
    if not quotes:
        return
    for name, origin in names:
        if name and not any(occurs_in(name, quote) for quote in quotes):
            report(
                origin,
                f"{name!r} is not written in this entry's quote. Quote the words that name it, "
                "or say where the name comes from with `name_source:` (`editorial` for a name "
                "the editors gave it, or the URL of a page that names it)",
            )
