"""Time-aware relations: on which days a membership or a post is known to hold, and on which it
only possibly holds.

The seed loader stores two intervals on every membership and post, from its evidence (see
`seeds.timebounds` and docs/data-model.md): `known`, the days the sources show it held, and
`possible`, the wider span it may have held without contradicting them. Both are half-open,
`{"from": first day, "until": first day no longer}`, with None for an unbounded side; `known` is
None when no day is known. A relation stored without them (a document written by hand, as tests
do) is read from its dates alone: known from the last day its start can mean to the first day its
end can mean, possible from the first day of its start to the last day of its end, so that "since
2005" is possible from 2005-01-01 and known from 2005-12-31.
"""

from __future__ import annotations

from typing import Any, Literal

Certainty = Literal["known", "possible"]
Interval = dict[str, str | None]


def _derived(relation: dict[str, Any]) -> tuple[Interval | None, Interval]:
    start, end = relation.get("start"), relation.get("end")
    known = {
        "from": start["latest"] if start else None,
        "until": end["earliest"] if end else None,
    }
    possible = {
        "from": start["earliest"] if start else None,
        "until": end["latest"] if end else None,
    }
    return known, possible


def intervals(relation: dict[str, Any]) -> tuple[Interval | None, Interval]:
    """(known, possible): the stored intervals, or those its dates alone give."""
    if "possible" in relation:
        return relation.get("known"), relation["possible"]
    return _derived(relation)


def contains(interval: Interval | None, day: str) -> bool:
    """Whether `day` (YYYY-MM-DD) is inside the half-open `interval`."""
    if interval is None:
        return False
    start, until = interval.get("from"), interval.get("until")
    return (start is None or start <= day) and (until is None or day < until)


def certainty_on(relation: dict[str, Any], day: str) -> Certainty | None:
    """ "known" when the evidence shows `relation` held on `day`, "possible" when it may have, None
    when it did not (or the evidence rules it out)."""
    known, possible = intervals(relation)
    if contains(known, day):
        return "known"
    if contains(possible, day):
        return "possible"
    return None


def in_force(relation: dict[str, Any], as_of: str) -> bool:
    """Whether `relation` is known to hold on `as_of` (YYYY-MM-DD): what `asOf` answers."""
    return certainty_on(relation, as_of) == "known"
