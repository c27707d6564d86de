"""Dates as news states them: partial (2005, 2022-06, 2022-09-26) and often relative ("on Monday").

A resolved date keeps its precision and the raw phrase it came from. Relative phrases are read with
dateparser against an anchor, the article's publication date.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

from dateparser.date import DateDataParser

from seeds.models import DateInput, DatePhrase

Precision = Literal["day", "month", "year"]

_ISO = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
# Words around a date phrase that carry no date: "on Monday", "Since 2005", "(local time)".
_NOISE = re.compile(r"\((?:local time|KST|GMT|UTC)\)|^\s*(?:on|since|from|in|by|until)\s+", re.I)
_PERIODS: dict[str, Precision] = {"day": "day", "month": "month", "year": "year"}
_WEEKDAYS = {name.lower(): index for index, name in enumerate(calendar.day_name)}


class DateError(ValueError):
    """A date or phrase that cannot be read; the message says what was expected."""


@dataclass(frozen=True)
class PartialDate:
    """A date with its precision: `value` is YYYY, YYYY-MM or YYYY-MM-DD."""

    value: str
    precision: Precision
    raw: str | None = None

    @property
    def earliest(self) -> str:
        """The first day the date can mean, as YYYY-MM-DD (used for ordering and as-of checks)."""
        parts = self.value.split("-")
        return "-".join([*parts, *["01"] * (3 - len(parts))])

    @property
    def latest(self) -> str:
        """The last day the date can mean, as YYYY-MM-DD."""
        parts = [int(part) for part in self.value.split("-")]
        if len(parts) == 1:
            return f"{parts[0]:04d}-12-31"
        if len(parts) == 2:
            last_day = calendar.monthrange(parts[0], parts[1])[1]
            return f"{parts[0]:04d}-{parts[1]:02d}-{last_day:02d}"
        return self.value

    def to_document(self) -> dict[str, str | None]:
        return {
            "value": self.value,
            "precision": self.precision,
            "raw": self.raw,
            "earliest": self.earliest,
            "latest": self.latest,
        }


def parse_iso(text: str) -> PartialDate:
    """Read YYYY, YYYY-MM or YYYY-MM-DD, checking that the date exists."""
    match = _ISO.match(text.strip())
    if not match:
        raise DateError(f"expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
    year, month, day = match.groups()
    if int(year) < 1:
        raise DateError(f"{text!r} is not a real date (there is no year 0)")
    try:
        if day:
            dt.date(int(year), int(month), int(day))
            return PartialDate(text.strip(), "day")
        if month:
            dt.date(int(year), int(month), 1)
            return PartialDate(text.strip(), "month")
    except ValueError as error:
        raise DateError(f"{text!r} is not a real date ({error})") from None
    return PartialDate(year, "year")


def resolve_phrase(phrase: str, anchor: dt.date, *, future: bool = False) -> PartialDate:
    """Resolve a date phrase from an article ("on Monday", "June 30", "Since 2005") against the
    article's publication date. Weekdays and month-days mean the latest such day on or before the
    anchor (news reports what has happened), or with `future` the first on or after it: the
    phrase alone cannot tell "met on Wednesday" from "will travel on Wednesday".
    """
    cleaned = _NOISE.sub(" ", _NOISE.sub(" ", phrase)).strip(" .,")
    if not cleaned:
        raise DateError(f"the phrase {phrase!r} holds no date")
    if _ISO.match(cleaned):
        iso = parse_iso(cleaned)
        return PartialDate(iso.value, iso.precision, phrase)
    weekday = _WEEKDAYS.get(cleaned.lower())
    if weekday is not None:
        # dateparser reads today's weekday name as a week ago; in news it means today.
        days = (weekday - anchor.weekday()) % 7 if future else -((anchor.weekday() - weekday) % 7)
        return PartialDate((anchor + dt.timedelta(days=days)).isoformat(), "day", phrase)
    settings = {
        "RELATIVE_BASE": dt.datetime.combine(anchor, dt.time()),
        "PREFER_DATES_FROM": "future" if future else "past",
    }
    data = DateDataParser(languages=["en"], settings=settings).get_date_data(cleaned)
    if data.date_obj is None:
        raise DateError(f"could not read a date in the phrase {phrase!r}")
    if data.period not in _PERIODS:
        # "last week" is no day, month or year; storing a day would claim a precision it lacks.
        raise DateError(
            f"the phrase {phrase!r} names a {data.period}; dates are a day, a month or a year, "
            "so quote a phrase that names one, or give the date as YYYY-MM-DD"
        )
    date = data.date_obj.date()
    precision = _PERIODS[data.period]
    value = {
        "day": date.isoformat(),
        "month": f"{date.year:04d}-{date.month:02d}",
        "year": f"{date.year:04d}",
    }[precision]
    return PartialDate(value, precision, phrase)


def date_document(
    value: DateInput, article_text: str | None, published: dt.date | None
) -> dict[str, str | None]:
    """A date of a seed entry as stored: YYYY[-MM[-DD]], or a phrase of the entry's article read
    against its publication day. DateError says what is wrong."""
    if isinstance(value, DatePhrase):
        if article_text is None or published is None:
            raise DateError("date phrases need an article; use YYYY[-MM[-DD]] here")
        if value.phrase not in article_text:
            raise DateError(f"the phrase {value.phrase!r} does not appear in the article")
        return resolve_phrase(value.phrase, published, future=value.future).to_document()
    return parse_iso(value).to_document()


def order_problem(start: dict | None, end: dict | None) -> str | None:
    """What is wrong with an end before its start (an end date is the first day a relation no
    longer holds, so it may be the start day itself), or None."""
    if start and end and end["latest"] < start["earliest"]:
        return f"{end['value']} is before the start, {start['value']}"
    return None
