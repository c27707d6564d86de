"""Group participants resolved as of the right day, on data that can tell right from wrong.

The seed cannot: no meeting of it predates an accession, and Finland and Sweden are named there
individually, so a group resolved on the wrong day hides behind de-duplication. These fixtures
can (tests/fixtures/articles, from their reviewed checklists):

- `…-2019-12-04-london-leaders-meeting`: "NATO's 29 allies" on 2019-12-04 are 29, without North
  Macedonia (a member from 2020-03-27), which attends as an invitee through its own participation.
- `…-2023-04-04-finland-joins`: a meeting on the day Finland joined ("31 allies", with Finland),
  and a group with its own `as_of`, listed first: "All 30 allies of the time", as of 2023-04-03,
  without Finland.

Plus one meeting written straight into the store: known only to the month (March 2020, the month
North Macedonia joined on the 27th), so its group is resolved on the first day the month can mean.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from tests.support.app import ROOT, graphql, make_settings, running_app
from tests.support.factories import group, meeting, month

ARTICLES = ROOT / "tests" / "fixtures" / "articles"
LONDON = ARTICLES / "diplograph-test-wire-2019-12-04-london-leaders-meeting"
FINLAND_JOINS = ARTICLES / "diplograph-test-wire-2023-04-04-finland-joins"
# NATO's members on 2019-12-04 (seeds/reference/memberships.yaml): the 30 of 2022 less MK.
ALLIES_2019 = {
    *("AL", "BE", "BG", "CA", "CZ", "DE", "DK", "EE", "ES", "FR", "GB", "GR", "HR", "HU", "IS"),
    *("IT", "LT", "LU", "LV", "ME", "NL", "NO", "PL", "PT", "RO", "SI", "SK", "TR", "US"),
}
ALLIES_2022 = ALLIES_2019 | {"MK"}
MARCH_2020 = "nato-meeting-2020-03"

PARTICIPANTS = """query ($id: String!) {
  meeting(id: $id) {
    groups { label asOf { value } }
    participants(first: 100) {
      totalCount
      nodes { role via { label } participant { __typename ... on Country { code } } }
    }
  }
}"""

COUNTRY_MEETINGS = """query ($code: String!) {
  country(code: $code) { meetings { role via { label } meeting { slug } } }
}"""


@pytest.fixture(scope="module")
async def groups_app() -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    async with running_app(make_settings(articles=[LONDON, FINLAND_JOINS])) as (app, client):
        await app.state.store["meetings"].insert_one(
            meeting(
                MARCH_2020,
                "A NATO meeting known to the month",
                date=month("2020-03"),
                groups=[group("the allies")],
            )
        )
        yield app, client


@pytest.fixture
async def groups(groups_app: tuple[Starlette, httpx.AsyncClient]) -> httpx.AsyncClient:
    return groups_app[1]


async def participants(client: httpx.AsyncClient, slug: str) -> dict:
    body = await graphql(client, PARTICIPANTS, {"id": slug})
    assert "errors" not in body, body["errors"]
    return body["data"]["meeting"]


def countries_via(meeting_data: dict) -> dict[str | None, set[str]]:
    """The countries among the participants, by the label of the group they came through (None
    for those named individually)."""
    found: dict[str | None, set[str]] = {}
    for node in meeting_data["participants"]["nodes"]:
        if node["participant"]["__typename"] == "Country":
            label = node["via"]["label"] if node["via"] else None
            found.setdefault(label, set()).add(node["participant"]["code"])
    return found


def roles_of(meeting_data: dict) -> dict[str, str]:
    return {
        node["participant"]["code"]: node["role"]
        for node in meeting_data["participants"]["nodes"]
        if node["participant"]["__typename"] == "Country"
    }


async def meetings_of(client: httpx.AsyncClient, code: str) -> dict[str, dict]:
    body = await graphql(client, COUNTRY_MEETINGS, {"code": code})
    assert "errors" not in body, body["errors"]
    return {m["meeting"]["slug"]: m for m in body["data"]["country"]["meetings"]}


# --- a meeting before an accession --------------------------------------------------------------


async def test_a_meeting_before_an_accession_lists_the_29_allies_of_its_day(groups):
    london = await participants(groups, "nato-leaders-meeting-2019")

    via = countries_via(london)

    assert via["NATO's 29 allies"] == ALLIES_2019
    assert "MK" not in via["NATO's 29 allies"]


async def test_the_country_not_yet_a_member_attends_as_an_invitee_in_its_own_name(groups):
    london = await participants(groups, "nato-leaders-meeting-2019")

    assert countries_via(london)[None] == {"MK"}
    assert roles_of(london)["MK"] == "INVITEE"
    assert Counter(roles_of(london).values()) == {"MEMBER": 29, "INVITEE": 1}


async def test_a_later_member_did_not_attend_an_earlier_meeting_through_the_group(groups):
    finland = await meetings_of(groups, "FI")
    macedonia = await meetings_of(groups, "MK")

    assert "nato-leaders-meeting-2019" not in finland
    assert macedonia["nato-leaders-meeting-2019"] == {
        "role": "INVITEE",
        "via": None,
        "meeting": {"slug": "nato-leaders-meeting-2019"},
    }


# --- a meeting on the day of an accession, and a group with its own as_of ------------------------


async def test_on_the_day_of_its_accession_the_new_member_is_one_of_the_31_allies(groups):
    ministers = await participants(groups, "nato-foreign-ministers-2023-04")

    via = countries_via(ministers)

    assert via["31 allies"] == {"FI"}  # the other 30 came through the group listed first
    assert roles_of(ministers)["FI"] == "MEMBER"
    assert roles_of(ministers)["SE"] == "INVITEE"  # a member only from 2024-03-07


async def test_a_group_with_its_own_as_of_is_resolved_on_that_day_not_the_meetings(groups):
    ministers = await participants(groups, "nato-foreign-ministers-2023-04")

    via = countries_via(ministers)

    assert via["All 30 allies of the time"] == ALLIES_2022
    assert [(g["label"], g["asOf"]["value"]) for g in ministers["groups"]] == [
        ("All 30 allies of the time", "2023-04-03"),
        ("31 allies", "2023-04-04"),
    ]


async def test_overlapping_groups_list_each_country_once(groups):
    ministers = await participants(groups, "nato-foreign-ministers-2023-04")

    codes = [
        node["participant"]["code"]
        for node in ministers["participants"]["nodes"]
        if node["participant"]["__typename"] == "Country"
    ]

    assert len(codes) == len(set(codes)) == 32  # 30 + Finland + Sweden, the invitee
    assert ministers["participants"]["totalCount"] == 32


async def test_a_country_reaches_a_meeting_through_the_group_that_held_it_that_day(groups):
    finland = await meetings_of(groups, "FI")
    france = await meetings_of(groups, "FR")

    assert finland["nato-foreign-ministers-2023-04"]["via"] == {"label": "31 allies"}
    assert finland["nato-foreign-ministers-2023-04"]["role"] == "MEMBER"
    assert france["nato-foreign-ministers-2023-04"]["via"] == {"label": "All 30 allies of the time"}


# --- a meeting known only to the month ----------------------------------------------------------


async def test_a_group_of_a_meeting_known_to_the_month_is_resolved_on_its_first_day(groups):
    march = await participants(groups, MARCH_2020)

    assert countries_via(march)["the allies"] == ALLIES_2019  # MK joined on 2020-03-27
    assert march["groups"] == [{"label": "the allies", "asOf": {"value": "2020-03"}}]


async def test_a_country_does_not_reach_a_meeting_of_the_month_it_joined_through_the_group(
    groups,
):
    macedonia = await meetings_of(groups, "MK")
    france = await meetings_of(groups, "FR")

    assert MARCH_2020 not in macedonia
    assert france[MARCH_2020]["via"] == {"label": "the allies"}


# --- the time rule on the day of an accession ---------------------------------------------------


async def test_on_the_day_of_its_accession_a_country_is_a_member_and_no_longer_an_invitee(groups):
    body = await graphql(
        groups,
        """{ country(code: "FI") {
          before: memberships(asOf: "2023-04-03", organisation: "nato",
                              certainty: [KNOWN, POSSIBLE]) { role certainty }
          on: memberships(asOf: "2023-04-04", organisation: "nato",
                          certainty: [KNOWN, POSSIBLE]) { role certainty }
        } }""",
    )

    finland = body["data"]["country"]
    # The article that reports the accession also gives "All 30 allies of the time", as of the
    # day before: that group shows nothing about Finland's membership.
    assert finland["before"] == [{"role": "INVITEE", "certainty": "KNOWN"}]
    assert finland["on"] == [{"role": "MEMBER", "certainty": "KNOWN"}]


# --- the rest of a meeting ----------------------------------------------------------------------


async def test_participants_filter_by_kind_and_role_officials_first_then_by_id(groups):
    body = await graphql(
        groups,
        """{ meeting(id: "nato-leaders-meeting-2019") {
          all: participants(first: 3) { nodes { role participant { id } } }
          officials: participants(kind: OFFICIAL) { nodes { role participant { id } } }
          invitees: participants(kind: COUNTRY, role: INVITEE) { totalCount }
          hosts: participants(role: HOST) { nodes { participant { id } } }
          organisations: participants(kind: ORGANISATION) { totalCount }
        } }""",
    )

    london = body["data"]["meeting"]
    ids = [node["participant"]["id"] for node in london["all"]["nodes"]]
    assert [node["role"] for node in london["all"]["nodes"]] == ["HOST", "REPRESENTATIVE", "MEMBER"]
    assert len(ids) == 3
    assert [node["role"] for node in london["officials"]["nodes"]] == ["HOST", "REPRESENTATIVE"]
    assert london["invitees"] == {"totalCount": 1}
    assert len(london["hosts"]["nodes"]) == 1
    assert london["organisations"] == {"totalCount": 0}


async def test_a_group_says_what_it_is_and_where_it_comes_from(groups):
    body = await graphql(
        groups,
        """{ meeting(id: "nato-foreign-ministers-2023-04") {
          organiser { slug }
          groups {
            label roles attendedAs asOf { value } expectedCount
            sources { quote } organisation { slug }
          }
          sideMeetings { slug }
          articles { slug }
        } }""",
    )

    ministers = body["data"]["meeting"]
    assert ministers["organiser"] == {"slug": "nato"}
    assert ministers["groups"][0] == {
        "label": "All 30 allies of the time",
        "roles": ["MEMBER"],
        "attendedAs": "MEMBER",
        "asOf": {"value": "2023-04-03"},
        "expectedCount": 30,
        "sources": [{"quote": "All 30 allies of the time have ratified Finland's protocol"}],
        "organisation": {"slug": "nato"},
    }
    assert ministers["sideMeetings"] == [{"slug": "finland-accession-ceremony-2023-04-04"}]
    assert ministers["articles"] == [{"slug": "diplograph-test-wire-2023-04-04-finland-joins"}]


async def test_an_official_s_meetings_are_in_date_order_a_summit_before_its_side_meetings(groups):
    body = await graphql(
        groups,
        """{ official(id: "boris-johnson") { meetings { role meeting { slug parent { slug } } } }
           meeting(id: "finland-accession-ceremony-2023-04-04") {
             parent { slug } participants(kind: OFFICIAL) { totalCount }
           } }""",
    )

    meetings = body["data"]["official"]["meetings"]
    assert [(m["meeting"]["slug"], m["role"]) for m in meetings] == [
        ("johnson-talks-2019-12-03", "HOST"),
        ("nato-leaders-meeting-2019", "HOST"),
    ]
    assert meetings[0]["meeting"]["parent"] == {"slug": "nato-leaders-meeting-2019"}
    ceremony = body["data"]["meeting"]
    assert ceremony["parent"] == {"slug": "nato-foreign-ministers-2023-04"}
    assert ceremony["participants"]["totalCount"] == 4
