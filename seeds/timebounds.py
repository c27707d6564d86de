"""Time bounded by evidence: the days a post or a membership is known to hold, and the days it
possibly holds, computed when the data is loaded (docs/data-model.md, "Time bounded by evidence").

Evidence days. An article that states a relation shows it held on the article's publication day,
and on the day of each dated thing the article reports in the same words: a relation whose quote
overlaps the quote of a meeting, a participation, a decision, a statement or an event of the same
article held on that day ("Ambassador Kim Gunn, Seoul's special representative…, attended the
NAC+4 meeting on Tuesday"). A group participant ("the four Asia-Pacific partner nations held a
four-way summit") shows that the memberships of its organisation, with its roles, that the same
article states held on the meeting's day. Only days count: a date known to the month or the year
shows no particular day.

Intervals. Half-open, `{"from", "until"}` (`until` is the first day no longer), None unbounded.
- known from: the last day the start can mean, else the first evidence day; a researched relation
  (reference data) with no start is known from any time. Known until: the first day the end can
  mean, else the day after the last evidence day; a researched relation with no end is known to
  this day.
- possible from: the first day the start can mean, else (in an office one person holds at a
  time) the day the previous holder's term ended, or stopped being known; else any time. Possible
  until: the last day the end can mean, else the day the next holder is known to hold it; else
  any time.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from seeds.inputs import Origin
from store import Document
from store.names import token_key

Span = tuple[int, int]


@dataclass(frozen=True)
class Stated:
    """A post or a membership as one article states it: the offsets of its quotes."""

    collection: str
    identifier: str
    article_id: str
    spans: tuple[Span, ...]


@dataclass(frozen=True)
class Dated:
    """Something an article reports that has a date (the date of `target` once merged)."""

    article_id: str
    spans: tuple[Span, ...]
    target: tuple[str, str]


@dataclass(frozen=True)
class Grouped:
    """A group participant an article gives: its organisation's members, with `roles`, on the
    group's `as_of` day or else its meeting's."""

    article_id: str
    meeting_id: str
    organisation_id: str
    roles: tuple[str, ...]
    as_of: Document | None


@dataclass(frozen=True)
class Office:
    """An office one person holds at a time, as reference data lists it."""

    title_key: str
    country_id: str | None
    organisation_id: str | None
    origin: Origin

    def holds(self, post: Document) -> bool:
        return (
            token_key(post["title"]) == self.title_key
            and post.get("country_id") == self.country_id
            and post.get("organisation_id") == self.organisation_id
        )


def spans_of(sources: list[Document], article_id: str) -> tuple[Span, ...]:
    return tuple(
        (source["start"], source["end"])
        for source in sources
        if source.get("article_id") == article_id and "start" in source
    )


def _overlap(first: tuple[Span, ...], second: tuple[Span, ...]) -> bool:
    return any(a < d and c < b for a, b in first for c, d in second)


def _day(date: Document | None) -> str | None:
    """The day a date means, if it is known to the day."""
    return date["earliest"] if date and date.get("precision") == "day" else None


def _shift(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()


def evidence_days(
    collections: Mapping[str, Mapping[str, Document]],
    stated: list[Stated],
    dated: list[Dated],
    grouped: list[Grouped],
    documents: list[tuple[str, Document]] | None = None,
) -> None:
    """Set `evidence_days` on every post and membership (or on `documents`, as (collection,
    document) pairs, reading the others from `collections`): each day an article shows it held."""
    if documents is None:
        documents = [
            (collection, document)
            for collection in ("posts", "memberships")
            for document in collections[collection].values()
        ]
    by_key = {(collection, document["_id"]): document for collection, document in documents}
    wanted = by_key.keys()
    dated_by_article: dict[str, list[Dated]] = defaultdict(list)
    for item in dated:
        dated_by_article[item.article_id].append(item)
    grouped_by_article: dict[str, list[Grouped]] = defaultdict(list)
    for item in grouped:
        grouped_by_article[item.article_id].append(item)
    found: dict[tuple[str, str], dict[str, Document]] = defaultdict(dict)

    def add(item: Stated, day: str | None, basis: str, about: Document | None) -> None:
        if day is None:
            return
        entry = {"day": day, "article_id": item.article_id, "basis": basis, "about": about}
        key = f"{day} {item.article_id} {basis} {about and about['kind']} {about and about['id']}"
        found[(item.collection, item.identifier)][key] = entry

    for item in stated:
        if (item.collection, item.identifier) not in wanted:
            continue
        article = collections["articles"].get(item.article_id, {})
        add(item, _day(article.get("published")), "published", None)
        for event in dated_by_article[item.article_id]:
            if _overlap(item.spans, event.spans):
                target = collections[event.target[0]].get(event.target[1], {})
                kind = event.target[0].removesuffix("s")
                add(item, _day(target.get("date")), "reported", {"kind": kind, "id": target["_id"]})
        if item.collection != "memberships":
            continue
        membership = by_key[(item.collection, item.identifier)]
        for group in grouped_by_article[item.article_id]:
            if (
                group.organisation_id == membership["organisation_id"]
                and membership["role"] in group.roles
            ):
                meeting = collections["meetings"].get(group.meeting_id, {})
                day = _day(group.as_of or meeting.get("date"))
                add(item, day, "group", {"kind": "meeting", "id": group.meeting_id})
    for collection, document in documents:
        days = found.get((collection, document["_id"]), {})
        document["evidence_days"] = [days[key] for key in sorted(days)]


def researched(document: Document) -> bool:
    """Stated by reference data (a source that is a URL of no article)."""
    return any("url" in source and "article_id" not in source for source in document["sources"])


def intervals(document: Document) -> tuple[Document | None, Document]:
    """(known, possible) from the relation's dates and evidence days, before succession."""
    start, end = document.get("start"), document.get("end")
    points = [entry["day"] for entry in document.get("evidence_days", [])]
    if start:
        points.append(start["latest"])
    if end:
        points.append(_shift(end["earliest"], -1))
    is_researched = researched(document)
    known: Document | None = None
    if points or is_researched:
        known_from = None if is_researched and not start else min(points)
        if end:
            known_until = end["earliest"]
        elif is_researched:
            known_until = None
        else:
            known_until = _shift(max(points), 1)
        if known_from is None or known_until is None or known_from < known_until:
            known = {"from": known_from, "until": known_until}
    possible = {
        "from": start["earliest"] if start else None,
        "until": end["latest"] if end else None,
    }
    if known:
        possible = _widened(possible, known)
    return known, possible


def _widened(possible: Document, known: Document) -> Document:
    """The possible interval, stretched to hold the known one."""
    start, until = possible["from"], possible["until"]
    if start is not None and (known["from"] is None or known["from"] < start):
        start = known["from"]
    if until is not None and (known["until"] is None or known["until"] > until):
        until = known["until"]
    return {"from": start, "until": until}


def apply_bounds(
    collections: dict[str, dict[str, Document]],
    offices: list[Office],
    warn: Callable[[Origin, str], None],
    origin_of: Callable[[str, str], Origin],
) -> None:
    """Set `known` and `possible` on every post and membership, and `succession` on the posts of
    offices one person holds at a time; warn when two holders of such an office overlap."""
    for collection in ("memberships", "posts"):
        for document in collections[collection].values():
            document["known"], document["possible"] = intervals(document)
    for office in offices:
        bound_office(
            office,
            collections["posts"].values(),
            lambda _previous, following, message: warn(origin_of("posts", following), message),
        )


def bound_office(
    office: Office, posts: Iterable[Document], warn: Callable[[str, str, str], None]
) -> list[Document]:
    """Order the holders of `office` among `posts` (their `known` and `possible` already set by
    `intervals`), set their `succession` and bound each by the next; the holders, in order.
    Two holders known at once are told to `warn(previous_id, following_id, message)`."""
    holders = [
        post
        for post in posts
        if post["status"] == "held" and post["known"] is not None and office.holds(post)
    ]
    holders.sort(key=lambda post: (post["known"]["from"] or "", post["_id"]))
    for post in holders:
        post["succession"] = {"previous": None, "next": None}
    for previous, following in itertools.pairwise(holders):
        previous["succession"]["next"] = following["_id"]
        following["succession"]["previous"] = previous["_id"]
        _bound_by_succession(previous, following)
        ended = previous["known"]["until"]
        begun = following["known"]["from"]
        if ended is None or (begun is not None and begun < ended):
            warn(
                previous["_id"],
                following["_id"],
                f"posts/{following['_id']} is known to hold the office from "
                f"{begun or 'any time'}, but posts/{previous['_id']} is known to hold it "
                f"until {ended or 'today'}, and one person holds it at a time "
                f"({office.origin}). Check the dates of both posts",
            )
    return holders


def _bound_by_succession(previous: Document, following: Document) -> None:
    """A successor starts no earlier than the predecessor's term ended (or stopped being known);
    a predecessor possibly holds the office only until the successor is known to."""
    end = previous.get("end")
    bound = end["earliest"] if end else previous["known"]["until"]
    possible = following["possible"]
    later = possible["from"] is None or (bound is not None and possible["from"] < bound)
    if not following.get("start") and bound is not None and later:
        possible["from"] = bound
    begun = following["known"]["from"]
    earlier = previous["possible"]
    if not end and begun is not None and (earlier["until"] is None or earlier["until"] > begun):
        earlier["until"] = begun
    following["possible"] = _widened(following["possible"], following["known"])
    previous["possible"] = _widened(previous["possible"], previous["known"])
