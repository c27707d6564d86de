"""Name resolution: the entity a reference written in a seed file means, or what it may mean."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable

from store.names import index_keys, name_key, token_key


class NameIndex:
    """Every name, alias and id of every entity, for resolving references written by people."""

    def __init__(self) -> None:
        self._by_key: dict[str, set[tuple[str, str]]] = defaultdict(set)
        # By the words in any order, for a name written in another order ("Kishida Fumio").
        self._by_words: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self._by_id: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self._display: dict[str, str] = {}
        self._newcomers: dict[tuple[str, str], set[str]] = defaultdict(set)
        # Every name each entity is known by, in the order given (its id among them).
        self._names: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)

    def newcomer(self, kind: str, entity_id: str, declared_in: str) -> None:
        """Mark an entity that shares a name with an earlier one (a namesake declared
        `distinct_from` it), declared in the file `declared_in`: in other files the shared name
        keeps meaning the earlier entity; in that file it is ambiguous (use the ids)."""
        self._newcomers[(kind, entity_id)].add(declared_in)

    def add(self, kind: str, entity_id: str, names: Iterable[str | None]) -> None:
        self._by_id[entity_id].add((kind, entity_id))
        known = self._names[(kind, entity_id)]
        # The id last, so that a suggestion shows "Kim Gunn" rather than "kim-gunn".
        for name in sorted(filter(None, names), key=lambda name: name == entity_id):
            key = name_key(name)
            self._by_key[key].add((kind, entity_id))
            self._by_words[token_key(name)].add((kind, entity_id))
            self._display.setdefault(key, name)
            known[name] = None

    def entities(self) -> list[tuple[str, str]]:
        """Every (kind, id) that has a name here."""
        return list(self._names)

    def names_of(self, kind: str, entity_id: str) -> list[str]:
        """Every name an entity is known by here (its id among them)."""
        return list(self._names.get((kind, entity_id), ()))

    def keys_of(self, kind: str, entity_id: str) -> list[str]:
        """The typed keys of its names (`store.names.index_keys`), sorted: the `name_keys` a
        loaded entity stores, so that a later load can find, through an index, which entities a
        name would resolve to, or be a duplicate of, without rebuilding this index."""
        return sorted({key for name in self.names_of(kind, entity_id) for key in index_keys(name)})

    def knows(self, kind: str, entity_id: str) -> bool:
        """Whether an entity of `kind` has the id `entity_id`."""
        return (kind, entity_id) in self._by_id.get(entity_id, ())

    def redirect(self, kind: str, drop: str, keep: str) -> None:
        """Make every name and the id of `drop` resolve to `keep` (a merge)."""
        old, new = (kind, drop), (kind, keep)
        if old in self._names:
            self._names[new].update(self._names.pop(old))
        for entries in (
            *self._by_key.values(),
            *self._by_words.values(),
            *self._by_id.values(),
        ):
            if old in entries:
                entries.discard(old)
                entries.add(new)

    def resolve(self, ref: str, kinds: Iterable[str], where: str | None = None) -> tuple[str, str]:
        """(kind, id) for `ref`, written in the file `where`, or ValueError saying what is wrong
        and what was probably meant."""
        allowed = set(kinds)
        by_id = {match for match in self.with_id(ref, allowed) if match[0] in allowed}
        if len(by_id) == 1:
            return next(iter(by_id))
        matches = {m for m in self.with_key(name_key(ref), allowed) if m[0] in allowed}
        if not matches:
            matches = {m for m in self.with_words(token_key(ref), allowed) if m[0] in allowed}
        if len(matches) > 1:
            matches = self.earlier(matches, where)
        if len(matches) == 1:
            return next(iter(matches))
        wanted = " or ".join(sorted(allowed))
        if matches:
            options = ", ".join(f"{kind} `{entity_id}`" for kind, entity_id in sorted(matches))
            raise ValueError(f"{ref!r} is ambiguous; it names {options}. Use the id instead.")
        candidates = [
            key
            for key, entries in self._by_key.items()
            if any(kind in allowed for kind, _ in entries)
        ]
        wanted_key = name_key(ref)
        close = difflib.get_close_matches(wanted_key, candidates, n=3, cutoff=0.6)
        # Only the near-best: "Kim Gun" suggests "Kim Gunn", not also "IMN" (the Isle of Man).
        best = max((_similarity(wanted_key, key) for key in close), default=0.0)
        close = [key for key in close if _similarity(wanted_key, key) >= best - 0.1]
        hint = (
            f" Did you mean {', '.join(repr(self._display[key]) for key in close)}?"
            if close
            else ""
        )
        raise ValueError(f"no {wanted} is known as {ref!r}.{hint}")

    # --- lookups, which an index over the store as well (seeds.incremental) extends -----------

    def with_id(self, entity_id: str, kinds: set[str]) -> set[tuple[str, str]]:
        """The entities whose id is `entity_id` (at least those of `kinds`)."""
        return self._by_id.get(entity_id, set())

    def with_key(self, key: str, kinds: set[str]) -> set[tuple[str, str]]:
        """The entities with a name whose `name_key` is `key` (at least those of `kinds`)."""
        return self._by_key.get(key, set())

    def with_words(self, key: str, kinds: set[str]) -> set[tuple[str, str]]:
        """The entities with a name whose `token_key` is `key` (at least those of `kinds`)."""
        return self._by_words.get(key, set())

    def earlier(self, matches: set[tuple[str, str]], where: str | None) -> set[tuple[str, str]]:
        """Of entities sharing a name, those it keeps meaning in the file `where`: all but the
        namesakes declared after the first, outside the file that declares them."""
        earlier = {m for m in matches if m not in self._newcomers or where in self._newcomers[m]}
        return earlier or matches


def _similarity(first: str, second: str) -> float:
    return difflib.SequenceMatcher(None, first, second).ratio()


def slug(text: str) -> str:
    """A readable id made of a name: "Ambassador to Belgium" is ambassador-to-belgium."""
    return re.sub(r"[^a-z0-9]+", "-", name_key(text)).strip("-")
