"""Date phrases in an article ("on Tuesday (local time)", "June 30", "in June", "last year"),
resolved against the publication date by the loader's own `resolve_phrase`, so that the draft's
phrase means to the loader exactly what the extractor read."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from seeds.dates import DateError, PartialDate, resolve_phrase
from seeds.extract.lexicon import lexicon

_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_MONTH = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|Jan\.|Feb\.|Aug\.|Sept\.|Sep\.|Oct\.|Nov\.|Dec\.)"
)
_ZONE = r"(?:\s\((?:local time|KST|GMT|UTC)\))?"
# Longest forms first: a phrase is taken where it starts, and the first pattern that matches
# there wins ("on Sunday, January 29" gives "on Sunday" and "January 29").
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("weekday", re.compile(rf"\b(?:[Oo]n\s)?{_WEEKDAY}{_ZONE}")),
    ("month-day", re.compile(rf"\b(?:[Oo]n\s)?{_MONTH}\s\d{{1,2}}(?:,\s\d{{4}})?\b")),
    ("month", re.compile(rf"\b(?:[Ii]n\s|[Ss]ince\s|[Uu]ntil\s)?{_MONTH}(?:\s\d{{4}})?\b(?!\s\d)")),
    ("year", re.compile(r"\b(?:[Ii]n\s|[Ss]ince\s|[Uu]ntil\s)?(?:19|20)\d{2}\b")),
    ("relative", re.compile(r"\b(?:[Ll]ast|[Nn]ext)\s(?:year|month)\b")),
]
# "Later that day", "Earlier that day": the day of the phrase before it, not of the anchor.
_SAME_DAY = re.compile(r"\b(?:[Ll]ater|[Ee]arlier) that day\b")


@dataclass(frozen=True)
class DatePhrase:
    """A date phrase of the text, where it is, and what it resolves to."""

    phrase: str
    start: int
    end: int
    resolved: PartialDate
    future: bool
    kind: str
    same_day_as: DatePhrase | None = None

    @property
    def value(self) -> str:
        return self.resolved.value

    def field(self) -> dict[str, object]:
        """The date as a facts file writes it: the phrase, which the loader resolves again."""
        return {"phrase": self.phrase, "future": True} if self.future else {"phrase": self.phrase}


def looks_ahead(sentence: str) -> bool:
    return any(
        re.search(rf"\b{re.escape(cue)}\b", sentence, re.IGNORECASE)
        for cue in lexicon().future_cues
    )


def unreal(sentence: str) -> bool:
    """A plan, a hope or an expectation ("is expected to join", "the hope that … would
    attend"): case-sensitive, so that the month "May" is not the verb "may"."""
    return any(re.search(rf"\b{re.escape(cue)}\b", sentence) for cue in lexicon().unreal_cues)


def find_dates(text: str, anchor: dt.date, sentences: list[tuple[int, int]]) -> list[DatePhrase]:
    """Every date phrase of the text that the loader can resolve, in text order."""
    found: list[DatePhrase] = []
    taken: list[tuple[int, int]] = []
    for sentence_start, sentence_end in sentences:
        sentence = text[sentence_start:sentence_end]
        future = looks_ahead(sentence)
        for kind, pattern in _PATTERNS:
            for match in pattern.finditer(sentence):
                start, end = sentence_start + match.start(), sentence_start + match.end()
                if any(start < other_end and other_start < end for other_start, other_end in taken):
                    continue
                try:
                    resolved = resolve_phrase(match.group(0), anchor, future=future)
                except DateError:
                    continue
                taken.append((start, end))
                found.append(DatePhrase(match.group(0), start, end, resolved, future, kind))
    found.sort(key=lambda phrase: phrase.start)
    for match in _SAME_DAY.finditer(text):
        before = [
            phrase for phrase in found if phrase.end <= match.start() and phrase.kind == "weekday"
        ]
        if before:
            anchor_phrase = before[-1]
            found.append(
                DatePhrase(
                    anchor_phrase.phrase,
                    match.start(),
                    match.end(),
                    anchor_phrase.resolved,
                    anchor_phrase.future,
                    "same-day",
                    same_day_as=anchor_phrase,
                )
            )
    found.sort(key=lambda phrase: phrase.start)
    return found
