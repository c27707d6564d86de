"""Dates as articles state them: phrases resolved against the publication date, partial dates."""

from __future__ import annotations

import datetime as dt

import pytest

from seeds.dates import DateError, PartialDate, date_document, parse_iso, resolve_phrase
from seeds.extract.when import find_dates
from seeds.models import DatePhrase

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


# Phrases the fixture articles use, each with its publication date (the anchor), whether the
# sentence looks ahead, and the date it means. The weekday of the anchor itself means the anchor,
# looking back or ahead.
@pytest.mark.parametrize(
    ("phrase", "anchor", "future", "value", "precision"),
    [
        ("on Tuesday", dt.date(2022, 9, 27), False, "2022-09-27", "day"),  # a Tuesday
        ("on Tuesday", dt.date(2022, 9, 27), True, "2022-09-27", "day"),
        ("on Thursday", dt.date(2022, 6, 30), False, "2022-06-30", "day"),  # a Thursday
        ("on Sunday", dt.date(2023, 1, 29), False, "2023-01-29", "day"),  # a Sunday
        ("on Friday", dt.date(2023, 8, 18), False, "2023-08-18", "day"),  # a Friday
        ("on Sunday", dt.date(2022, 9, 27), False, "2022-09-25", "day"),
        ("on Wednesday", dt.date(2022, 9, 27), True, "2022-09-28", "day"),  # scheduled: ahead
        ("on Wednesday", dt.date(2022, 9, 27), False, "2022-09-21", "day"),  # reported: back
        ("On Monday", dt.date(2023, 2, 2), False, "2023-01-30", "day"),
        ("on Tuesday", dt.date(2023, 2, 2), False, "2023-01-31", "day"),
        ("Sept. 27", dt.date(2022, 9, 27), False, "2022-09-27", "day"),
        ("January 29", dt.date(2023, 1, 29), False, "2023-01-29", "day"),
        ("on January 30", dt.date(2023, 1, 29), True, "2023-01-30", "day"),
        ("on January 30", dt.date(2023, 1, 29), False, "2022-01-30", "day"),
        ("in July 2023", dt.date(2023, 1, 29), False, "2023-07", "month"),
        ("in July", dt.date(2023, 2, 2), True, "2023-07", "month"),
        ("in June", dt.date(2023, 2, 2), False, "2022-06", "month"),
        ("in November", dt.date(2023, 2, 2), False, "2022-11", "month"),
        ("in May 2022", dt.date(2023, 7, 11), False, "2022-05", "month"),
        ("last month", dt.date(2023, 7, 11), False, "2023-06", "month"),
        ("last year", dt.date(2023, 8, 18), False, "2022", "year"),
        ("in 1990", dt.date(2023, 7, 11), False, "1990", "year"),
        ("in 2022", dt.date(2023, 1, 29), False, "2022", "year"),
    ],
)
def test_phrases_of_the_fixture_articles_resolve_against_their_publication_dates(
    phrase, anchor, future, value, precision
):
    resolved = resolve_phrase(phrase, anchor, future=future)

    assert (resolved.value, resolved.precision, resolved.raw) == (value, precision, phrase)


def test_a_phrase_marked_future_in_a_facts_file_means_the_day_ahead():
    text = "He is scheduled to travel to Paris on Wednesday."

    ahead = date_document(
        DatePhrase(phrase="on Wednesday", future=True), text, dt.date(2022, 9, 27)
    )
    back = date_document(DatePhrase(phrase="on Wednesday"), text, dt.date(2022, 9, 27))

    assert (ahead["value"], ahead["raw"]) == ("2022-09-28", "on Wednesday")
    assert back["value"] == "2022-09-21"


@pytest.mark.parametrize(
    ("sentence", "anchor", "found"),
    [
        (
            "BRUSSELS, Sept. 27 (Wire) -- He briefed allies in Brussels on Tuesday.",
            dt.date(2022, 9, 27),
            [("Sept. 27", "2022-09-27"), ("on Tuesday", "2022-09-27")],
        ),
        (
            "He is scheduled to travel to Paris on Wednesday to meet him.",
            dt.date(2022, 9, 27),
            [("on Wednesday", "2022-09-28")],
        ),
        (
            "Park held talks with him on Sunday, January 29, in Seoul.",
            dt.date(2023, 1, 29),
            [("on Sunday", "2023-01-29"), ("January 29", "2023-01-29")],
        ),
        (
            "On Monday, the tone sharpened. Later that day, Yoon received him.",
            dt.date(2023, 2, 2),
            [("On Monday", "2023-01-30"), ("On Monday", "2023-01-30")],
        ),
        (
            "The next test comes in July, when leaders meet.",
            dt.date(2023, 2, 2),
            [("in July", "2023-07")],
        ),
    ],
)
def test_the_extractor_finds_date_phrases_and_reads_them_as_the_loader_will(
    sentence, anchor, found
):
    from seeds.extract.mentions import blank_english

    doc = blank_english()(sentence)
    sentences = [(s.start_char, s.end_char) for s in doc.sents]

    phrases = find_dates(sentence, anchor, sentences)

    assert [(phrase.phrase, phrase.value) for phrase in phrases] == found
    for phrase in phrases:
        assert phrase.phrase in sentence
        assert resolve_phrase(phrase.phrase, anchor, future=phrase.future).value == phrase.value
