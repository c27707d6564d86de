"""Dates as articles state them: phrases resolved against the publication date, partial dates."""

from __future__ import annotations

import datetime as dt

import pytest

from seeds.dates import DateError, PartialDate, parse_iso, resolve_phrase

# The seed article's publication date, a Wednesday.
PUBLISHED = dt.date(2022, 9, 28)


@pytest.mark.parametrize(
    ("phrase", "value", "precision"),
    [
        ("on Monday", "2022-09-26", "day"),
        ("Tuesday (local time)", "2022-09-27", "day"),
        ("on Tuesday (local time)", "2022-09-27", "day"),
        ("June 30", "2022-06-30", "day"),
        ("Since 2005", "2005", "year"),
        ("in June", "2022-06", "month"),
        ("on Monday.", "2022-09-26", "day"),
    ],
)
def test_phrase_resolves_against_the_publication_date(phrase, value, precision):
    resolved = resolve_phrase(phrase, PUBLISHED)

    assert (resolved.value, resolved.precision, resolved.raw) == (value, precision, phrase)


def test_the_anchors_own_weekday_means_the_day_of_publication_not_a_week_before():
    assert resolve_phrase("Wednesday (local time)", PUBLISHED).value == "2022-09-28"


def test_a_month_day_after_the_anchor_means_the_previous_year():
    assert resolve_phrase("December 25", PUBLISHED).value == "2021-12-25"


def test_a_phrase_naming_a_week_is_refused_rather_than_given_a_false_day():
    with pytest.raises(DateError, match="names a week; dates are a day, a month or a year"):
        resolve_phrase("last week", PUBLISHED)


@pytest.mark.parametrize("phrase", ["on", "(local time)", "some day soon"])
def test_a_phrase_without_a_date_is_refused(phrase):
    with pytest.raises(DateError, match=r"holds no date|could not read a date"):
        resolve_phrase(phrase, PUBLISHED)


@pytest.mark.parametrize(
    ("text", "value", "precision"),
    [
        ("2022-09-26", "2022-09-26", "day"),
        ("2024-09", "2024-09", "month"),
        ("2005", "2005", "year"),
    ],
)
def test_iso_dates_keep_their_precision(text, value, precision):
    assert parse_iso(text) == PartialDate(value, precision)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2022-02-30", "'2022-02-30' is not a real date (day is out of range for month)"),
        ("2023-02-29", "'2023-02-29' is not a real date"),
        ("2022-13", "'2022-13' is not a real date (month must be in 1..12)"),
        ("0000", "'0000' is not a real date (there is no year 0)"),
        ("2022-9-1", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '2022-9-1'"),
        ("22", "expected a date as YYYY, YYYY-MM or YYYY-MM-DD, got '22'"),
    ],
)
def test_an_impossible_or_malformed_date_says_what_was_expected(text, message):
    with pytest.raises(DateError) as raised:
        parse_iso(text)

    assert str(raised.value).startswith(message)


def test_a_leap_day_in_a_leap_year_is_a_date():
    assert parse_iso("2024-02-29").value == "2024-02-29"


@pytest.mark.parametrize(
    ("value", "earliest", "latest"),
    [
        ("2005", "2005-01-01", "2005-12-31"),
        ("2024-02", "2024-02-01", "2024-02-29"),
        ("2022-09-26", "2022-09-26", "2022-09-26"),
    ],
)
def test_a_partial_date_spans_from_its_earliest_to_its_latest_day(value, earliest, latest):
    date = parse_iso(value)

    assert (date.earliest, date.latest) == (earliest, latest)
    assert date.to_document() == {
        "value": value,
        "precision": date.precision,
        "raw": None,
        "earliest": earliest,
        "latest": latest,
    }
