"""Many articles, one truth: the seed and the four fixture articles written for these questions
(tests/fixtures/articles, `diplograph-test-wire-2022-…` and `…-2023-07-12-…`), loaded together
through DIPLOGRAPH_ARTICLES, asked the questions of tests/fixtures/queries.

The expected answers come from the fixtures' reviewed checklists and the researched facts of the
reference data, written out here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette

from tests.support.app import ROOT, graphql, make_settings, running_app

FIXTURES = ROOT / "tests" / "fixtures"
QUERIES = FIXTURES / "queries"
SEED = "korea-times-2022-09-28-nato-mission"
CONTRADICTS = "diplograph-test-wire-2022-06-30-yoon-stoltenberg-partnership"
RESTATES = "diplograph-test-wire-2022-07-01-yoon-madrid-wrap"
CONDEMNATION = "diplograph-test-wire-2022-11-22-hwasong-17-condemnation"
SUCCESSOR = "diplograph-test-wire-2023-07-12-vilnius-indo-pacific-partners"
BUNDLES = [
    FIXTURES / "articles" / name for name in (CONTRADICTS, RESTATES, CONDEMNATION, SUCCESSOR)
]


@pytest.fixture(scope="module")
async def fixtures_app() -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    async with running_app(make_settings(articles=BUNDLES)) as pair:
        yield pair


@pytest.fixture
async def many(fixtures_app: tuple[Starlette, httpx.AsyncClient]) -> httpx.AsyncClient:
    return fixtures_app[1]


async def ask(client: httpx.AsyncClient, name: str) -> dict:
    body = await graphql(client, (QUERIES / f"{name}.graphql").read_text(encoding="utf-8"))
    assert "errors" not in body, body.get("errors")
    return body["data"]


async def refused(client: httpx.AsyncClient, query: str) -> str:
    """The message of a request refused as BAD_USER_INPUT."""
    body = await graphql(client, query)
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    return error["message"]


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.graphql")), ids=lambda p: p.stem)
async def test_every_fixture_query_runs_as_is(many, path: Path):
    body = await graphql(many, path.read_text(encoding="utf-8"))

    assert "errors" not in body, body.get("errors")
    assert all(value is not None for value in body["data"].values())


async def test_all_five_articles_are_loaded_from_the_articles_setting(many):
    body = await graphql(many, "{ articles(first: 10) { nodes { slug } } }")

    slugs = {node["slug"] for node in body["data"]["articles"]["nodes"]}
    assert slugs == {SEED, CONTRADICTS, RESTATES, CONDEMNATION, SUCCESSOR}


# --- time bounded by evidence ---------------------------------------------------------------------


async def test_the_successor_is_absent_before_the_succession_and_present_after(many):
    country = (await ask(many, "nz-prime-minister-on-two-dates"))["country"]

    assert [post["official"]["name"] for post in country["madrid"]] == ["Jacinda Ardern"]
    (hipkins,) = country["vilnius"]
    assert hipkins["official"] == {"name": "Chris Hipkins"}
    assert hipkins["certainty"] == "KNOWN"
    # Known only from the article's day; possibly from the day Ardern's term ended.
    assert hipkins["known"] == {"from": "2023-07-12", "until": "2023-07-13"}
    assert hipkins["possible"] == {"from": "2023-01-25", "until": None}
    assert hipkins["predecessor"] == {
        "official": {"name": "Jacinda Ardern"},
        "end": {"value": "2023-01-25"},
    }
    assert country["inBetween"] == [
        {"certainty": "POSSIBLE", "official": {"name": "Chris Hipkins"}}
    ]


async def test_posts_known_only_from_an_article_do_not_hold_for_all_time(many):
    body = await graphql(
        many,
        """{ country(code: "KR") {
          old: posts(asOf: "1990-01-01") { slug }
          later: posts(asOf: "2026-01-01") { slug }
          maybe: posts(asOf: "1990-01-01", certainty: [POSSIBLE]) { slug certainty }
          meeting: posts(asOf: "2022-09-27") { slug certainty evidenceDays { day basis } }
        } }""",
    )

    country = body["data"]["country"]
    assert country["old"] == country["later"] == []
    assert {post["slug"] for post in country["maybe"]} == {
        "kim-gunn--special-representative-peninsula",
        "kim-sung-han--director-nso",
        "yoon-soon-gu--ambassador-belgium",
        "han-duck-soo--prime-minister",
    }
    assert {post["certainty"] for post in country["maybe"]} == {"POSSIBLE"}
    # Kim Gunn is known on the NAC+4 day: the article's words for his post report that meeting.
    held = {post["slug"]: post for post in country["meeting"]}
    assert set(held) == {
        "yoon-suk-yeol--president-kr",
        "kim-gunn--special-representative-peninsula",
    }
    assert {"day": "2022-09-27", "basis": "REPORTED"} in held[
        "kim-gunn--special-representative-peninsula"
    ]["evidenceDays"]


async def test_a_group_of_the_article_attests_its_memberships_on_the_meeting_day(many):
    body = await graphql(
        many,
        """{ organisation(id: "nato-asia-pacific-partners") {
          summit: members(asOf: "2022-06-29") { totalCount }
          before: members(asOf: "2022-06-28") { totalCount }
        } }""",
    )

    assert body["data"]["organisation"] == {
        "summit": {
            "totalCount": 4
        },  # "the four Asia-Pacific partner nations held a four-way summit"
        "before": {"totalCount": 0},
    }


async def test_nato_is_founded_before_its_members_join_and_says_why(many):
    body = await graphql(
        many,
        """{ organisation(id: "nato") {
          founded { value }
          sources { note }
          members(asOf: "1949-05-01") { totalCount }
          founders: members(asOf: "1949-08-24") { totalCount }
        } }""",
    )

    nato = body["data"]["organisation"]
    assert nato["founded"] == {"value": "1949-04-04"}
    assert nato["members"] == {"totalCount": 0}
    assert nato["founders"] == {"totalCount": 12}
    assert "entered into force on 1949-08-24" in nato["sources"][0]["note"]


# --- dates by value, disagreement kept ------------------------------------------------------------


async def test_the_same_day_in_other_words_is_one_date_with_every_phrase_kept(many):
    data = await ask(many, "yoon-stoltenberg-meeting-date")

    date = data["meeting"]["date"]
    assert (date["value"], date["disputed"]) == ("2022-06-30", False)
    assert [
        (e["raw"], e["value"], e["sources"][0]["article"]["slug"]) for e in date["evidence"]
    ] == [
        ("on Thursday", "2022-06-30", CONTRADICTS),
        ("on Thursday", "2022-06-30", RESTATES),
        ("June 30", "2022-06-30", SEED),
    ]
    # An article's phrase supports the researched date of the four-way summit.
    four_way = data["fourWay"]["date"]
    assert (four_way["value"], four_way["raw"]) == ("2022-06-29", None)
    assert [(e["raw"], bool(e["sources"][0]["url"])) for e in four_way["evidence"]] == [
        (None, True),
        ("on Wednesday", False),
    ]


async def test_a_month_that_contains_the_researched_day_agrees_with_it(many):
    body = await graphql(
        many,
        """{ official(id: "yoon-suk-yeol") {
              posts { start { value disputed evidence { raw value } } } }
            country(code: "FI") { memberships(organisation: "nato", role: MEMBER) {
              start { value disputed evidence { raw value } } } } }""",
    )

    (president,) = body["data"]["official"]["posts"]
    assert president["start"]["value"] == "2022-05-10"
    assert not president["start"]["disputed"]
    assert {"raw": "in May", "value": "2022-05"} in president["start"]["evidence"]
    (member,) = body["data"]["country"]["memberships"]
    assert (member["start"]["value"], member["start"]["disputed"]) == ("2023-04-04", False)
    assert {"raw": "in April", "value": "2023-04"} in member["start"]["evidence"]


async def test_a_disagreement_returns_the_preferred_value_the_alternative_and_both_sources(many):
    (partnership,) = (await ask(many, "south-korea-nato-partner-since"))["country"]["memberships"]

    start = partnership["start"]
    # Both from one article each, to the year: the one stated first (2022-06-30) is preferred.
    assert (start["value"], start["raw"], start["disputed"]) == ("2006", "since 2006", True)
    assert {source["article"]["slug"] for e in start["evidence"] for source in e["sources"]} == {
        CONTRADICTS
    }
    assert "South Korea, a NATO partner since 2006" in [
        source["quote"] for e in start["evidence"] for source in e["sources"]
    ]
    (alternative,) = start["alternatives"]
    assert alternative["value"] == "2005"
    (evidence,) = alternative["evidence"]
    assert evidence["raw"] == "Since 2005"
    assert {source["article"]["slug"] for source in evidence["sources"]} == {SEED}
    assert partnership["disputes"] == [
        {
            "field": "start",
            "preferred": {"value": "2006", "phrases": ["since 2006"]},
            "alternatives": [{"value": "2005", "phrases": ["Since 2005"]}],
        }
    ]


async def test_restated_facts_are_not_duplicated(many):
    body = await graphql(
        many,
        """{ officials(where: {nameStartsWith: "Yoon Suk"}) { totalCount }
            official(id: "jens-stoltenberg") { posts { slug title sources { article { slug } } } }
            meetings(where: {nameStartsWith: "Four-way"}) { totalCount } }""",
    )

    data = body["data"]
    assert data["officials"]["totalCount"] == 1
    (post,) = data["official"]["posts"]
    assert (post["slug"], post["title"]) == (
        "jens-stoltenberg--secretary-general-nato",
        "Secretary General",
    )
    assert {s["article"]["slug"] for s in post["sources"] if s["article"]} == {
        SEED,
        CONTRADICTS,
        RESTATES,
        SUCCESSOR,
    }
    assert data["meetings"]["totalCount"] == 1


# --- statements and events --------------------------------------------------------------------


async def test_who_condemned_what(many):
    statements = (await ask(many, "who-condemned-what"))["statements"]

    condemned = {
        node["summary"]: ({s["name"] for s in node["speakers"]}, {a["name"] for a in node["about"]})
        for node in statements["nodes"]
    }
    assert statements["totalCount"] == 7
    assert condemned["Kamala Harris strongly condemns North Korea's actions"] == (
        {"Kamala Harris"},
        {"North Korea", "North Korea's launch of its largest intercontinental ballistic missile"},
    )
    assert condemned[
        "The leaders of NATO's Asia-Pacific partners condemn Russia's aggression against Ukraine"
    ] == (
        {"Yoon Suk-yeol", "Fumio Kishida", "Anthony Albanese", "Jacinda Ardern"},
        {"Russia", "Ukraine"},
    )
    assert all(node["sources"][0]["quote"] for node in statements["nodes"])


async def test_statements_and_events_can_be_queried_from_both_ends(many):
    data = await ask(many, "statements-and-events-from-both-ends")

    launch = data["event"]
    assert (launch["kind"], launch["date"]) == (
        "LAUNCH",
        {"value": "2022-11-18", "raw": "on Friday"},
    )
    assert launch["location"] == {
        "name": "Sunan area",
        "city": "Pyongyang",
        "country": {"name": "North Korea"},
    }
    assert {actor["name"] for actor in launch["actors"]} == {"North Korea", "Kim Jong Un"}
    assert "guterres-condemns-launch-2022-11-18" in {s["slug"] for s in launch["statements"]}
    # China is named only as what statements are about, and through its envoy: not lost.
    china = data["china"]
    assert [s["slug"] for s in china["about"]] == ["us-accuses-china-russia-2022-11-21"]
    assert {s["slug"] for s in china["spoke"]} == {
        "china-ease-tensions-2022-11-21",
        "china-russia-resist-pressure-2022-11-21",
    }
    assert [e["slug"] for e in data["northKorea"]["events"]] == [
        "dprk-icbm-launch-2022-11-18",
        "dprk-missile-launch-2023-07-12",
    ]
    harris = {s["slug"]: s for s in data["harris"]["statements"]}
    condemned = harris["harris-condemns-launch-2022-11-18"]
    assert condemned["meeting"] == {"slug": "harris-emergency-meeting-2022-11-18"}
    assert condemned["speakerPosts"] == [
        {"title": "Vice President", "country": {"name": "United States"}}
    ]


async def test_statements_and_events_are_nodes_found_by_search(many):
    body = await graphql(
        many,
        """{ search(query: "condemn", types: [STATEMENT], first: 20) { node { id __typename } }
            launches: search(query: "North Korea's launch", types: [EVENT]) {
              node { id name } } }""",
    )

    found = body["data"]["search"]
    assert found and {result["node"]["__typename"] for result in found} == {"Statement"}
    node_id = found[0]["node"]["id"]
    again = await graphql(many, f'{{ node(id: "{node_id}") {{ ... on Statement {{ slug }} }} }}')
    assert again["data"]["node"]["slug"]
    assert body["data"]["launches"][0]["node"]["name"].startswith("North Korea's launch")


# --- filters that cannot be misread -------------------------------------------------------------


async def test_member_of_means_members_unless_role_says_otherwise(many):
    body = await graphql(
        many,
        """{ members: countries(where: {memberOf: "nato", asOf: "2021-01-01"}, first: 100) {
              totalCount nodes { code } }
            partners: countries(where: {memberOf: "nato", role: PARTNER}, first: 100) {
              nodes { code } } }""",
    )

    members = {node["code"] for node in body["data"]["members"]["nodes"]}
    assert body["data"]["members"]["totalCount"] == 30
    assert not members & {"AU", "JP", "NZ", "KR"}
    assert {node["code"] for node in body["data"]["partners"]["nodes"]} == {"AU", "JP", "NZ", "KR"}


@pytest.mark.parametrize(
    ("query", "said"),
    [
        ('{ countries(where: {memberOf: "natoo"}) { totalCount } }', "'natoo'"),
        (
            '{ countries(where: {asOf: "2021-01-01"}) { totalCount } }',
            "`asOf` qualifies `memberOf`",
        ),
        ("{ countries(where: {role: PARTNER}) { totalCount } }", "`role` qualifies `memberOf`"),
        (
            '{ countries(where: {memberOf: "nato", certainty: [POSSIBLE]}) { totalCount } }',
            "`certainty` qualifies `asOf`",
        ),
        ('{ countries(where: {codes: ["KR", "XX"]}) { totalCount } }', "'XX'"),
        ('{ officials(where: {country: "XX"}) { totalCount } }', "'XX'"),
        ('{ organisations(where: {country: "XX"}) { totalCount } }', "'XX'"),
        ('{ organisations(where: {parent: "natoo"}) { totalCount } }', "'natoo'"),
        ('{ meetings(where: {organiser: "natoo"}) { totalCount } }', "'natoo'"),
        (
            '{ meetings(where: {fromDate: "2023-01-01", toDate: "2022-01-01"}) { totalCount } }',
            "`fromDate` (2023-01-01) is after `toDate` (2022-01-01)",
        ),
        ('{ articles(where: {publisher: "The Korea Tims"}) { totalCount } }', "'The Korea Tims'"),
        ('{ statements(where: {speaker: "nobody"}) { totalCount } }', "'nobody'"),
        ('{ events(where: {subject: "nowhere"}) { totalCount } }', "'nowhere'"),
        ('{ country(code: "FI") { memberships(organisation: "natoo") { role } } }', "'natoo'"),
        ('{ country(code: "NZ") { posts(certainty: [POSSIBLE]) { slug } } }', "`asOf`"),
    ],
)
async def test_a_filter_that_would_be_misread_is_bad_user_input(many, query, said):
    assert said in await refused(many, query)


async def test_a_publisher_matches_whatever_its_case(many):
    body = await graphql(many, '{ articles(where: {publisher: "the korea times"}) { totalCount } }')

    assert body["data"]["articles"]["totalCount"] == 1
