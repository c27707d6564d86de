"""When a relation is in force: from its start (the earliest day it can mean), until its end."""

from __future__ import annotations

from store.timeline import in_force
from tests.support.factories import day, membership, year


def test_a_relation_holds_from_its_start_day():
    joined = membership("FI", start=day("2023-04-04"))

    assert not in_force(joined, "2023-04-03")
    assert in_force(joined, "2023-04-04")


def test_an_end_date_is_the_first_day_the_relation_no_longer_holds():
    invited = membership("FI", role="invitee", start=day("2022-06-29"), end=day("2023-04-04"))

    assert in_force(invited, "2023-04-03")
    assert not in_force(invited, "2023-04-04")


def test_a_start_known_to_the_year_counts_from_its_first_day():
    assert in_force(membership("EE", start=year("2004")), "2004-01-01")


def test_a_relation_without_dates_always_holds():
    assert in_force(membership("US"), "1900-01-01")
