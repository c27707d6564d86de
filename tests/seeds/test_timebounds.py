"""Time bounded by evidence, rule by rule (seeds/timebounds.py, docs/data-model.md): the days an
article shows a relation held, the known and possible intervals they give, and succession in an
office one person holds at a time. Small documents, no loader."""

from __future__ import annotations

from seeds.inputs import Origin
from seeds.timebounds import (
    Dated,
    Grouped,
    Office,
    Stated,
    apply_bounds,
    evidence_days,
    intervals,
    researched,
    spans_of,
)
from store.names import token_key
from tests.support.factories import day, month, year

ARTICLE = "article-1"
URL = {"url": "https://example.org/reference"}
CITED = {"article_id": ARTICLE, "quote": "q", "start": 10, "end": 20}


def relation(**fields) -> dict:
    return {"sources": [CITED], "start": None, "end": None, **fields}


def collections(**extra) -> dict:
    base = {
        "articles": {ARTICLE: {"_id": ARTICLE, "published": day("2022-09-28")}},
        "posts": {},
        "memberships": {},
        "meetings": {},
        "participations": {},
    }
    for name, documents in extra.items():
        base[name] = documents
    return base


# --- evidence days ------------------------------------------------------------------------------


def test_an_article_shows_a_relation_on_its_publication_day():
    post = relation(_id="p")
    found = collections(posts={"p": post})

    evidence_days(found, [Stated("posts", "p", ARTICLE, ((10, 20),))], [], [])

    assert post["evidence_days"] == [
        {"day": "2022-09-28", "article_id": ARTICLE, "basis": "published", "about": None}
    ]


def test_a_publication_known_only_to_the_month_shows_no_day():
    post = relation(_id="p")
    found = collections(posts={"p": post})
    found["articles"][ARTICLE]["published"] = month("2022-09")

    evidence_days(found, [Stated("posts", "p", ARTICLE, ((10, 20),))], [], [])

    assert post["evidence_days"] == []


def test_a_relation_stated_in_the_words_of_a_dated_meeting_held_that_day():
    post = relation(_id="p")
    meeting = {"_id": "m", "date": day("2022-09-27")}
    found = collections(posts={"p": post}, meetings={"m": meeting})
    stated = [Stated("posts", "p", ARTICLE, ((10, 20),))]

    overlapping = Dated(ARTICLE, ((15, 40),), ("meetings", "m"))
    touching = Dated(ARTICLE, ((20, 40),), ("meetings", "m"))  # ends where the post's starts
    evidence_days(found, stated, [touching], [])
    untouched = [entry["day"] for entry in post["evidence_days"]]
    evidence_days(found, stated, [overlapping], [])

    assert untouched == ["2022-09-28"]
    assert post["evidence_days"][0] == {
        "day": "2022-09-27",
        "article_id": ARTICLE,
        "basis": "reported",
        "about": {"kind": "meeting", "id": "m"},
    }
    assert [entry["day"] for entry in post["evidence_days"]] == ["2022-09-27", "2022-09-28"]


def test_a_dated_thing_of_another_article_shows_nothing():
    post = relation(_id="p")
    meeting = {"_id": "m", "date": day("2022-09-27")}
    found = collections(posts={"p": post}, meetings={"m": meeting})

    evidence_days(
        found,
        [Stated("posts", "p", ARTICLE, ((10, 20),))],
        [Dated("article-2", ((10, 20),), ("meetings", "m"))],
        [],
    )

    assert [entry["day"] for entry in post["evidence_days"]] == ["2022-09-28"]


def test_a_group_shows_the_memberships_the_same_article_states_of_its_organisation_and_roles():
    def membership(identifier: str, organisation: str, role: str) -> dict:
        return relation(_id=identifier, organisation_id=organisation, role=role)

    members = {
        "in": membership("in", "nato", "member"),
        "other-role": membership("other-role", "nato", "partner"),
        "other-org": membership("other-org", "eu", "member"),
    }
    meeting = {"_id": "m", "date": day("2022-06-29")}
    found = collections(memberships=members, meetings={"m": meeting})
    stated = [Stated("memberships", key, ARTICLE, ((100, 120),)) for key in members]
    groups = [Grouped(ARTICLE, "m", "nato", ("member",), None)]

    evidence_days(found, stated, [], groups)

    assert [e["basis"] for e in members["in"]["evidence_days"]] == ["group", "published"]
    assert members["in"]["evidence_days"][0]["day"] == "2022-06-29"
    assert members["in"]["evidence_days"][0]["about"] == {"kind": "meeting", "id": "m"}
    assert [e["basis"] for e in members["other-role"]["evidence_days"]] == ["published"]
    assert [e["basis"] for e in members["other-org"]["evidence_days"]] == ["published"]


def test_a_group_with_its_own_as_of_shows_that_day_inside_the_memberships_dates_only():
    joined = relation(_id="joined", organisation_id="nato", role="member", start=day("2023-04-04"))
    left = relation(_id="left", organisation_id="nato", role="member", end=day("2023-04-03"))
    meeting = {"_id": "m", "date": day("2023-04-04")}
    found = collections(memberships={"joined": joined, "left": left}, meetings={"m": meeting})
    stated = [Stated("memberships", key, ARTICLE, ((1, 2),)) for key in ("joined", "left")]

    evidence_days(
        found, stated, [], [Grouped(ARTICLE, "m", "nato", ("member",), day("2023-04-03"))]
    )

    assert [e["basis"] for e in joined["evidence_days"]] == ["published"]  # 04-03 < its start
    assert [e["basis"] for e in left["evidence_days"]] == ["published"]  # 04-03 is its end day


def test_spans_are_those_of_the_article_s_quotes():
    sources = [CITED, {"article_id": "article-2", "start": 1, "end": 2}, URL]

    assert spans_of(sources, ARTICLE) == ((10, 20),)


# --- intervals ----------------------------------------------------------------------------------


def test_a_relation_with_a_start_known_to_the_year_is_known_from_its_last_day():
    known, possible = intervals(relation(start=year("2005"), evidence_days=[]))

    assert known == {"from": "2005-12-31", "until": "2006-01-01"}
    assert possible == {"from": "2005-01-01", "until": None}


def test_an_undated_stated_relation_is_known_on_its_evidence_days_only():
    days = [{"day": "2022-09-27"}, {"day": "2022-09-28"}]

    known, possible = intervals(relation(evidence_days=days))

    assert known == {"from": "2022-09-27", "until": "2022-09-29"}
    assert possible == {"from": None, "until": None}


def test_an_end_is_the_first_day_the_relation_no_longer_holds():
    known, possible = intervals(
        relation(start=day("2020-01-01"), end=month("2022-03"), evidence_days=[])
    )

    assert known == {"from": "2020-01-01", "until": "2022-03-01"}
    assert possible == {"from": "2020-01-01", "until": "2022-03-31"}


def test_a_researched_relation_without_dates_is_known_at_any_time():
    known, possible = intervals({"sources": [URL], "start": None, "end": None})

    assert known == {"from": None, "until": None}
    assert possible == {"from": None, "until": None}


def test_a_researched_relation_with_a_start_is_known_from_it_to_this_day():
    known, _ = intervals({"sources": [URL], "start": day("2023-04-04"), "end": None})

    assert known == {"from": "2023-04-04", "until": None}


def test_a_relation_with_no_evidence_and_no_dates_is_not_known():
    known, possible = intervals(relation(evidence_days=[]))

    assert known is None
    assert possible == {"from": None, "until": None}


def test_evidence_outside_the_dates_widens_the_possible_interval():
    days = [{"day": "2019-06-01"}]

    known, possible = intervals(
        relation(start=month("2020-03"), end=day("2021-01-01"), evidence_days=days)
    )

    assert known == {"from": "2019-06-01", "until": "2021-01-01"}
    assert possible == {"from": "2019-06-01", "until": "2021-01-01"}


def test_only_a_source_without_an_article_is_research():
    assert researched({"sources": [URL]})
    assert not researched({"sources": [CITED]})
    assert not researched({"sources": [{"url": "https://x.example", "article_id": ARTICLE}]})


# --- succession ---------------------------------------------------------------------------------

OFFICE = Office(token_key("Prime Minister"), "NZ", None, Origin(None, (), "offices.yaml"))


def post(identifier: str, *, start=None, end=None, days=(), status="held", **fields) -> dict:
    return {
        "_id": identifier,
        "title": "Prime Minister",
        "country_id": "NZ",
        "organisation_id": None,
        "status": status,
        "sources": [CITED],
        "start": start,
        "end": end,
        "evidence_days": [{"day": d} for d in days],
        **fields,
    }


def bounded(*posts: dict) -> tuple[dict, list[str]]:
    found = {"posts": {p["_id"]: p for p in posts}, "memberships": {}}
    warnings: list[str] = []
    apply_bounds(found, [OFFICE], lambda _origin, text: warnings.append(text), lambda *a: None)
    return found["posts"], warnings


def test_a_successor_without_a_start_possibly_holds_the_office_from_the_predecessor_s_end():
    posts, warnings = bounded(
        post("ardern", start=day("2017-10-26"), end=day("2023-01-25")),
        post("hipkins", days=["2023-07-12"]),
    )

    assert posts["hipkins"]["possible"] == {"from": "2023-01-25", "until": None}
    assert posts["hipkins"]["known"] == {"from": "2023-07-12", "until": "2023-07-13"}
    assert posts["ardern"]["succession"] == {"previous": None, "next": "hipkins"}
    assert posts["hipkins"]["succession"] == {"previous": "ardern", "next": None}
    assert warnings == []


def test_a_predecessor_without_an_end_possibly_holds_it_until_the_successor_is_known_to():
    posts, _ = bounded(
        post("first", days=["2020-01-10"]),
        post("second", days=["2021-05-01"]),
    )

    assert posts["first"]["possible"] == {"from": None, "until": "2021-05-01"}
    assert posts["second"]["possible"] == {"from": "2020-01-11", "until": None}


def test_two_holders_known_at_once_are_warned_of():
    posts, warnings = bounded(
        post("first", start=day("2020-01-01"), sources=[URL]),  # researched: known to this day
        post("second", start=day("2021-01-01")),
    )

    (warning,) = warnings
    assert "posts/second is known to hold the office from 2021-01-01" in warning
    assert "posts/first is known to hold it until today" in warning
    assert posts["first"]["succession"]["next"] == "second"


def test_designated_posts_and_other_offices_take_no_part_in_a_succession():
    posts, warnings = bounded(
        post("held", start=day("2020-01-01"), end=day("2021-01-01")),
        post("designated", status="designated", days=["2020-06-01"]),
        post("elsewhere", country_id="AU", days=["2020-06-01"]),
        post("minister", title="Minister", days=["2020-06-01"]),
    )

    assert warnings == []
    assert posts["held"]["succession"] == {"previous": None, "next": None}
    for other in ("designated", "elsewhere", "minister"):
        assert "succession" not in posts[other]
        assert posts[other]["possible"] == {"from": None, "until": None}
        assert posts[other]["known"] == {"from": "2020-06-01", "until": "2020-06-02"}


def test_a_group_on_the_first_day_of_a_membership_shows_it_held_that_day():
    joined = relation(_id="joined", organisation_id="nato", role="member", start=day("2023-04-04"))
    meeting = {"_id": "m", "date": day("2023-04-04")}
    found = collections(memberships={"joined": joined}, meetings={"m": meeting})

    evidence_days(
        found,
        [Stated("memberships", "joined", ARTICLE, ((1, 2),))],
        [],
        [Grouped(ARTICLE, "m", "nato", ("member",), None)],
    )

    assert [(e["day"], e["basis"]) for e in joined["evidence_days"]] == [
        ("2022-09-28", "published"),
        ("2023-04-04", "group"),
    ]


def test_a_quote_that_begins_where_a_dated_meeting_s_words_end_is_not_about_it():
    held = relation(_id="held")
    meeting = {"_id": "m", "date": day("2022-06-29")}
    found = collections(posts={"held": held}, meetings={"m": meeting})

    evidence_days(
        found,
        [Stated("posts", "held", ARTICLE, ((20, 30),))],
        [Dated(ARTICLE, ((10, 20),), ("meetings", "m"))],
        [],
    )

    assert [e["basis"] for e in held["evidence_days"]] == ["published"]


def test_an_end_alone_shows_the_relation_held_on_its_last_day():
    known, possible = intervals(relation(end=day("2022-03-01"), evidence_days=[]))

    assert known == {"from": "2022-02-28", "until": "2022-03-01"}
    assert possible == {"from": None, "until": "2022-03-01"}


def test_a_researched_relation_with_only_an_end_is_known_until_it():
    known, _ = intervals({"sources": [URL], "start": None, "end": day("2019-01-01")})

    assert known == {"from": None, "until": "2019-01-01"}


def test_a_successor_starting_on_the_predecessor_s_end_day_is_no_overlap():
    posts, warnings = bounded(
        post("ardern", start=day("2017-10-26"), end=day("2023-01-25")),
        post("hipkins", start=day("2023-01-25")),
    )

    assert warnings == []
    assert posts["hipkins"]["possible"] == {"from": "2023-01-25", "until": None}


def test_a_successor_s_own_start_stands_even_before_the_predecessor_s_end():
    posts, warnings = bounded(
        post("first", start=day("2020-01-01"), end=day("2021-06-01")),
        post("second", start=month("2021-03")),
    )

    assert posts["second"]["possible"] == {"from": "2021-03-01", "until": None}
    assert len(warnings) == 1  # known at once from 03-01 to 06-01


def test_evidence_across_a_handover_widens_both_possible_intervals_to_what_is_known():
    posts, warnings = bounded(
        post("first", days=["2021-05-01"]),
        post("second", days=["2021-05-01", "2021-06-01"]),
    )

    # The successor's known start caps the predecessor's possible end, but never below the
    # predecessor's own known day; the same the other way round.
    assert posts["first"]["possible"] == {"from": None, "until": "2021-05-02"}
    assert posts["second"]["possible"] == {"from": "2021-05-01", "until": None}
    assert len(warnings) == 1


def test_a_predecessor_whose_end_is_known_to_the_year_keeps_its_possible_end():
    posts, _ = bounded(
        post("first", start=day("2020-01-01"), end=year("2023")),
        post("second", days=["2023-07-12"]),
    )

    assert posts["first"]["possible"] == {"from": "2020-01-01", "until": "2023-12-31"}
    assert posts["second"]["possible"] == {"from": "2023-01-01", "until": None}


def test_a_holder_known_at_any_time_comes_first_in_the_succession():
    posts, warnings = bounded(
        post("later", start=day("2021-01-01")),
        post("always", sources=[URL]),  # researched, no dates: known from any time
    )

    assert posts["always"]["succession"] == {"previous": None, "next": "later"}
    assert len(warnings) == 1


def test_two_holders_known_at_any_time_are_warned_of_in_words():
    _, warnings = bounded(post("a", sources=[URL]), post("b", sources=[URL]))

    (warning,) = warnings
    assert "posts/b is known to hold the office from any time" in warning
    assert "until today" in warning


def test_the_office_of_one_organisation_takes_no_post_of_another():
    secretary = Office(token_key("Secretary General"), None, "nato", Origin(None, (), "o.yaml"))
    found = {
        "posts": {
            "nato": post(
                "nato",
                days=["2022-01-01"],
                title="Secretary General",
                country_id=None,
                organisation_id="nato",
            ),
            "un": post(
                "un",
                days=["2022-01-01"],
                title="Secretary General",
                country_id=None,
                organisation_id="un",
            ),
        },
        "memberships": {},
    }

    apply_bounds(found, [secretary], lambda *_: None, lambda *_: None)

    assert found["posts"]["nato"]["succession"] == {"previous": None, "next": None}
    assert "succession" not in found["posts"]["un"]
