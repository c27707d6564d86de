"""When a relation holds: known from its start (the last day a partial start can mean), until its
end; possibly from the first day its start can mean. Relations stored with evidence intervals are
read from them."""

from __future__ import annotations

from store.timeline import certainty_on, in_force, intervals
from tests.support.factories import day, membership, year


def test_a_relation_holds_from_its_start_day():
    joined = membership("FI", start=day("2023-04-04"))

    assert not in_force(joined, "2023-04-03")
    assert in_force(joined, "2023-04-04")


def test_an_end_date_is_the_first_day_the_relation_no_longer_holds():
    invited = membership("FI", role="invitee", start=day("2022-06-29"), end=day("2023-04-04"))

    assert in_force(invited, "2023-04-03")
    assert not in_force(invited, "2023-04-04")


def test_a_start_known_to_the_year_is_possible_from_its_first_day_and_known_from_its_last():
    joined = membership("EE", start=year("2004"))

    assert certainty_on(joined, "2003-12-31") is None
    assert certainty_on(joined, "2004-01-01") == "possible"
    assert certainty_on(joined, "2004-12-30") == "possible"
    assert certainty_on(joined, "2004-12-31") == "known"
    assert not in_force(joined, "2004-06-01")  # asOf answers what is known


def test_stored_intervals_are_what_the_evidence_shows():
    attested = {
        **membership("KR", role="partner"),
        "known": {"from": "2022-09-28", "until": "2022-09-29"},
        "possible": {"from": None, "until": None},
    }

    assert certainty_on(attested, "2022-09-28") == "known"
    assert certainty_on(attested, "1990-01-01") == "possible"
    assert certainty_on(attested, "2026-01-01") == "possible"


def test_a_relation_never_known_is_at_most_possible():
    unseen = {**membership("KR"), "known": None, "possible": {"from": "2020-01-01", "until": None}}

    assert certainty_on(unseen, "2019-12-31") is None
    assert certainty_on(unseen, "2021-01-01") == "possible"


def test_a_relation_without_dates_always_holds():
    assert in_force(membership("US"), "1900-01-01")


def test_a_relation_with_dates_only_may_hold_until_the_last_day_its_end_can_mean():
    ended = {"start": {"earliest": "2020-01-01", "latest": "2020-01-01"}, "end": year("2022")}

    assert intervals(ended) == (
        {"from": "2020-01-01", "until": "2022-01-01"},
        {"from": "2020-01-01", "until": "2022-12-31"},
    )
    assert certainty_on(ended, "2022-06-01") == "possible"
    assert certainty_on(ended, "2022-12-31") is None
