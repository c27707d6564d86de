"""Name resolution: the entity a reference written in a seed file means, or what it may mean."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable

from store.names import name_key


class NameIndex:
    """Every name, alias and id of every entity, for resolving references written by people."""

    def __init__(self) -> None:
        self._by_key: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self._by_id: dict[str, set[tuple[str, str]]] = defaultdict(set)
        self._display: dict[str, str] = {}

    def add(self, kind: str, entity_id: str, names: Iterable[str | None]) -> None:
        self._by_id[entity_id].add((kind, entity_id))
        # The id last, so that a suggestion shows "Kim Gunn" rather than "kim-gunn".
        for name in sorted(filter(None, names), key=lambda name: name == entity_id):
            key = name_key(name)
            self._by_key[key].add((kind, entity_id))
            self._display.setdefault(key, name)

    def knows(self, kind: str, entity_id: str) -> bool:
        """Whether an entity of `kind` has the id `entity_id`."""
        return (kind, entity_id) in self._by_id.get(entity_id, ())

    def redirect(self, kind: str, drop: str, keep: str) -> None:
        """Make every name and the id of `drop` resolve to `keep` (a merge)."""
        old, new = (kind, drop), (kind, keep)
        for entries in (*self._by_key.values(), *self._by_id.values()):
            if old in entries:
                entries.discard(old)
                entries.add(new)

    def resolve(self, ref: str, kinds: Iterable[str]) -> tuple[str, str]:
        """(kind, id) for `ref`, or ValueError saying what is wrong and what was probably meant."""
        allowed = set(kinds)
        by_id = {match for match in self._by_id.get(ref, ()) if match[0] in allowed}
        if len(by_id) == 1:
            return next(iter(by_id))
        matches = {match for match in self._by_key.get(name_key(ref), ()) if match[0] in allowed}
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


def _similarity(first: str, second: str) -> float:
    return difflib.SequenceMatcher(None, first, second).ratio()


def slug(text: str) -> str:
    """A readable id made of a name: "Ambassador to Belgium" is ambassador-to-belgium."""
    return re.sub(r"[^a-z0-9]+", "-", name_key(text)).strip("-")
