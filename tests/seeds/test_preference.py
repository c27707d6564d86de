"""The preference rule and the time bounds, on small hand-made claims (no seed files)."""

from __future__ import annotations

from seeds.inputs import Origin
from seeds.merging import Claim, alternatives
from seeds.timebounds import intervals
from tests.support.factories import day, year


def claim(value, rank: int, article: str | None = None) -> Claim:
    origin = Origin(None, (), f"{article or 'reference'}/facts.yaml", article)
    return Claim(value, origin, rank)


def month(value: str, last: str) -> dict:
    return {
        "value": value, "precision": "month", "raw": None,
        "earliest": f"{value}-01", "latest": f"{value}-{last}",
    }  # fmt: skip


def values(claims: list[Claim], key: str = "start") -> list[str]:
    found = alternatives(claims, key)
    return [a.value["value"] if isinstance(a.value, dict) else a.value for a in found]


def test_reviewed_reference_data_is_preferred_to_more_articles():
    claims = [claim(day("2022-05-10"), 0), claim(day("2022-05-11"), 1, "a"),
              claim(day("2022-05-11"), 2, "b")]  # fmt: skip

    assert values(claims) == ["2022-05-10", "2022-05-11"]


def test_then_the_value_more_inputs_give():
    claims = [claim(year("2005"), 1, "a"), claim(year("2006"), 2, "b"), claim(year("2006"), 3, "c")]

    assert values(claims) == ["2006", "2005"]


def test_then_the_more_precise_value():
    claims = [claim(year("2005"), 1, "a"), claim(day("2006-03-01"), 2, "b")]

    assert values(claims) == ["2006-03-01", "2005"]


def test_then_the_value_stated_first():
    claims = [claim(year("2006"), 1, "a"), claim(year("2005"), 2, "b")]

    assert values(claims) == ["2006", "2005"]


def test_a_coarser_date_supports_the_finer_ones_it_contains():
    may, tenth = month("2022-05", "31"), day("2022-05-10")

    (found,) = alternatives([claim(may, 1, "a"), claim(tenth, 0)], "start")

    assert found.value == tenth
    assert [c.value for c in found.claims] == [tenth, may]


def test_names_written_differently_are_one_value():
    claims = [claim("Secretary General", 0), claim("Secretary-General", 1, "a")]

    (found,) = alternatives(claims, "title")

    assert found.value == "Secretary General"
    assert len(found.claims) == 2


def relation(**fields) -> dict:
    return {"sources": [{"article_id": "a", "quote": "q"}], "evidence_days": [], **fields}


def test_an_article_relation_is_known_only_between_its_evidence_days():
    attested = relation(evidence_days=[{"day": "2022-09-27"}, {"day": "2022-09-28"}])

    known, possible = intervals(attested)

    assert known == {"from": "2022-09-27", "until": "2022-09-29"}
    assert possible == {"from": None, "until": None}


def test_a_researched_relation_without_an_end_is_known_to_this_day():
    researched = {"sources": [{"url": "https://example.org"}], "start": day("2017-10-26")}

    assert intervals(researched) == (
        {"from": "2017-10-26", "until": None},
        {"from": "2017-10-26", "until": None},
    )


def test_a_start_known_to_the_year_is_known_from_its_last_day():
    stated = relation(start=year("2005"), evidence_days=[{"day": "2022-09-28"}])

    known, possible = intervals(stated)

    assert known == {"from": "2005-12-31", "until": "2022-09-29"}
    assert possible == {"from": "2005-01-01", "until": None}


def test_a_relation_without_any_day_of_evidence_is_never_known():
    assert intervals(relation()) == (None, {"from": None, "until": None})


def test_a_city_and_a_venue_in_it_are_one_place_and_the_venue_is_kept():
    city = {"name": None, "city": "Vilnius", "country_id": "LT"}
    venue = {"name": "Litexpo", "city": "Vilnius", "country_id": "LT"}
    elsewhere = {"name": None, "city": "Madrid", "country_id": "ES"}

    found = alternatives([claim(city, 1, "a"), claim(venue, 2, "b"), claim(elsewhere, 3, "c")], "x")

    assert [alternative.value for alternative in found] == [venue, elsewhere]
