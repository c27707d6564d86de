"""Search scores, unit by unit (schema/search.py): how a name matches, which of an entity's
texts matched best, places, post titles and the prominence bonus."""

from __future__ import annotations

import pytest

from schema.search import (
    EXACT,
    OTHER_NAME,
    PLACE_WEIGHTS,
    POST_TITLE,
    PREFIX,
    PROMINENCE_BONUS,
    WORD,
    SearchMatch,
    _bonus,
    _entity_candidate,
    _place_of,
    _post_candidates,
    quality,
    score,
)


@pytest.mark.parametrize(
    ("text", "key", "expected"),
    [
        ("Kim Gunn", "kim gunn", EXACT),
        ("KIM  Gunn", "kim gunn", EXACT),
        ("Kim Gunn", "kim", PREFIX),
        ("Kim Gunn", "ki", PREFIX),
        ("Kim Gunn", "gunn", WORD),
        ("Kim Gunn", "gun", WORD),
        ("Kim Gunn", "unn", 0.0),
        ("Kim Gunn", "park", 0.0),
    ],
)
def test_a_text_matches_exactly_as_a_prefix_or_from_a_word_inside(text, key, expected):
    assert quality(text, key) == expected


def test_the_documented_weights():
    assert (EXACT, PREFIX, WORD) == (1.0, 0.8, 0.6)
    assert (OTHER_NAME, POST_TITLE) == (0.9, 0.8)
    assert PLACE_WEIGHTS == {"countries": 0.75, "organisations": 0.7, "meetings": 0.65}


def test_the_best_of_an_entity_s_names_is_scored_the_name_above_an_alias():
    nato = {"name": "North Atlantic Treaty Organization", "acronym": "NATO", "aliases": ["Nato"]}

    assert score(nato, "nato") == (EXACT * OTHER_NAME, "NATO")
    assert score(nato, "north") == (PREFIX, "North Atlantic Treaty Organization")
    assert score({"name": "Nato", "aliases": ["NATO"]}, "nato") == (EXACT, "Nato")
    assert score(nato, "zzz") == (0.0, "North Atlantic Treaty Organization")
    assert score({}, "zzz") == (0.0, "")


def test_a_country_is_at_its_capital_and_others_at_their_location_or_headquarters():
    brussels = {"name": "NATO headquarters", "city": "Brussels", "country_id": "BE"}

    assert _place_of("countries", {"_id": "KR", "capital": "Seoul"}) == {
        "name": None,
        "city": "Seoul",
        "country_id": "KR",
    }
    assert _place_of("countries", {"_id": "XX"}) is None
    assert _place_of("meetings", {"location": brussels}) == brussels
    assert _place_of("events", {"location": brussels}) == brussels
    assert _place_of("organisations", {"headquarters": brussels}) == brussels
    assert _place_of("officials", {"location": brussels}) is None


def test_an_entity_found_by_name_is_a_name_or_alias_candidate():
    meeting = {"_id": "m", "name": "NAC+4 meeting", "aliases": ["NAC+4"], "location": None}

    by_alias = _entity_candidate("meeting", meeting, "nac 4")
    by_name = _entity_candidate("meeting", meeting, "nac 4 meeting")

    assert (by_alias.kind, by_alias.identifier, by_alias.base) == ("meeting", "m", 0.9)
    assert (by_alias.matched, by_alias.matched_on, by_alias.name) == (
        "NAC+4",
        SearchMatch.ALIAS,
        "NAC+4 meeting",
    )
    assert (by_name.matched_on, by_name.base) == (SearchMatch.NAME, 1.0)
    assert _entity_candidate("meeting", meeting, "brussels") is None


def test_a_statement_is_named_by_its_summary():
    statement = {"_id": "s", "summary": "Harris condemns the launch"}

    found = _entity_candidate("statement", statement, "harris")

    assert (found.name, found.matched, found.matched_on) == (
        "Harris condemns the launch",
        "Harris condemns the launch",
        SearchMatch.NAME,
    )


def test_a_place_matches_when_it_is_better_than_any_name_weighted_by_the_kind():
    meeting = {
        "_id": "m",
        "name": "Brussels talks",
        "location": {"name": "NATO headquarters", "city": "Brussels", "country_id": "BE"},
    }
    organisation = {
        "_id": "o",
        "name": "Alliance",
        "headquarters": {"name": None, "city": "Brussels", "country_id": "BE"},
    }
    country = {"_id": "BE", "name": "Belgium", "capital": "Brussels"}

    by_name = _entity_candidate("meeting", meeting, "brussels")  # 0.8 prefix > 0.65 place
    by_venue = _entity_candidate("meeting", meeting, "nato headquarters")
    by_city = _entity_candidate("organisation", organisation, "brussels")
    by_capital = _entity_candidate("country", country, "brussels")

    assert (by_name.matched_on, by_name.base) == (SearchMatch.NAME, PREFIX)
    assert (by_venue.matched_on, by_venue.matched, by_venue.base) == (
        SearchMatch.PLACE,
        "NATO headquarters",
        0.65,
    )
    assert by_venue.place == meeting["location"] and by_venue.name == "Brussels talks"
    assert (by_venue.kind, by_venue.identifier) == ("meeting", "m")
    assert (by_city.matched, by_city.base) == ("Brussels", 0.7)
    assert (by_capital.matched_on, by_capital.base, by_capital.place["country_id"]) == (
        SearchMatch.PLACE,
        0.75,
        "BE",
    )


def test_a_place_that_only_ties_with_the_name_does_not_replace_it():
    organisation = {
        "_id": "o",
        "name": "Brussels",
        "headquarters": {"name": "Brussels", "city": None, "country_id": "BE"},
    }

    found = _entity_candidate("organisation", organisation, "brussels")

    assert (found.matched_on, found.base) == (SearchMatch.NAME, 1.0)


def test_officials_are_found_by_the_titles_of_their_posts():
    posts = [
        {"official_id": "jens", "title": "Secretary General"},
        {"official_id": "mircea", "title": "Deputy Secretary General"},
        {"official_id": "kim", "title": "Ambassador"},
    ]

    found = _post_candidates(posts, "secretary general")

    assert [(c.identifier, c.base, c.matched_on, c.post) for c in found] == [
        ("jens", EXACT * POST_TITLE, SearchMatch.POST_TITLE, posts[0]),
        ("mircea", WORD * POST_TITLE, SearchMatch.POST_TITLE, posts[1]),
    ]
    assert {(c.kind, c.matched) for c in found} == {
        ("official", "Secretary General"),
        ("official", "Deputy Secretary General"),
    }


def test_prominence_adds_less_than_the_bonus_half_of_it_at_ten_links():
    assert _bonus(0) == 0
    assert _bonus(10) == PROMINENCE_BONUS / 2
    assert _bonus(10_000) < PROMINENCE_BONUS
    assert _bonus(1) < _bonus(2)
