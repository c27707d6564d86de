"""Every field of every stored meeting, as the API answers it, against the stored document: a
field read from the wrong key, or dropped, shows as a difference here."""

from __future__ import annotations

import base64
from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from tests.support.app import ROOT, graphql, make_settings, running_app

ARTICLES = sorted((ROOT / "tests" / "fixtures" / "articles").iterdir())


@pytest.fixture(scope="module")
async def every() -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    """The seed and every fixture article: side meetings, groups, on whose behalf. The response
    cache is off: several tests ask the same query of the same meeting, and each must run the
    code it checks, not read an answer an earlier test left (mutation testing maps each test to
    the code it ran)."""
    settings = make_settings(
        articles=ARTICLES,
        rate_limit_budget=10**9,
        rate_limit_refill_per_second=10**6,
        response_cache_bytes=0,
    )
    async with running_app(settings) as running:
        yield running


FIELDS = """
query($id: String!) {
  meeting(id: $id) {
    slug name aliases kind
    date { earliest latest precision }
    endDate { earliest latest precision }
    location { name city country { code } }
    sources { quote start end url }
    participants(first: 100) { nodes { role sources { quote } onBehalfOf { __typename id } } }
  }
}
"""


def date_of(value: dict | None) -> dict | None:
    if not value:
        return None
    return {key: value[key] for key in ("earliest", "latest", "precision")}


async def test_every_stored_meeting_is_answered_field_for_field(every):
    app, client = every
    documents = await app.state.store["meetings"].find({}).to_list(None)
    with_each = {"aliases": 0, "kind": 0, "end_date": 0, "location": 0}

    for document in documents:
        body = await graphql(client, FIELDS, {"id": document["_id"]})
        assert "errors" not in body, body["errors"]
        meeting = body["data"]["meeting"]

        assert meeting["slug"] == document["_id"]
        assert meeting["aliases"] == document.get("aliases", [])
        assert meeting["kind"] == (document["kind"].upper() if document.get("kind") else None)
        answered = {"date": meeting["date"], "end_date": meeting["endDate"]}
        for key, value in answered.items():
            stored = date_of(document.get(key))
            if stored:
                stored["precision"] = stored["precision"].upper()
            assert value == stored, (document["_id"], key)
        location = document.get("location")
        assert meeting["location"] == (
            location
            and {
                "name": location.get("name"),
                "city": location.get("city"),
                "country": location.get("country_id") and {"code": location["country_id"]},
            }
        )
        assert [(s["quote"], s["start"], s["end"], s["url"]) for s in meeting["sources"]] == [
            (s.get("quote"), s.get("start"), s.get("end"), s.get("url"))
            for s in document.get("sources", [])
        ]
        for key in with_each:
            with_each[key] += bool(document.get(key))

    # The seed and fixtures give each field somewhere, so none of the checks above is vacuous.
    assert all(with_each.values()), with_each


PARTICIPANTS = """
query($id: String!) {
  meeting(id: $id) {
    participants(first: 100) {
      nodes {
        role via { label } viaMembership { role } meeting { slug }
        participant { ... on Node { id } } onBehalfOf { ... on Node { id } } sources { quote }
      }
    }
  }
}
"""


def global_id(ref: dict) -> str:
    return base64.b64encode(f"{ref['kind'].capitalize()}:{ref['id']}".encode()).decode()


async def test_every_named_participation_keeps_its_role_sources_and_on_whose_behalf(every):
    app, client = every
    documents = await app.state.store["participations"].find({}).to_list(None)
    on_behalf = 0

    for document in documents:
        body = await graphql(client, PARTICIPANTS, {"id": document["meeting_id"]})
        assert "errors" not in body, body["errors"]
        nodes = body["data"]["meeting"]["participants"]["nodes"]
        (node,) = [
            n
            for n in nodes
            if n["via"] is None and n["participant"]["id"] == global_id(document["participant"])
        ]

        assert node["role"] == document["role"].upper()
        assert node["meeting"] == {"slug": document["meeting_id"]}
        assert [s["quote"] for s in node["sources"]] == [
            s.get("quote") for s in document.get("sources", [])
        ]
        behalf = document.get("on_behalf_of")
        assert node["onBehalfOf"] == (behalf and {"id": global_id(behalf)})
        on_behalf += bool(behalf)

    assert on_behalf > 0


async def test_a_group_member_attends_with_the_group_s_sources_and_membership(every):
    app, client = every
    meetings = app.state.store["meetings"].find({"group_participants.0": {"$exists": True}})
    checked = 0

    for document in await meetings.to_list(None):
        body = await graphql(client, PARTICIPANTS, {"id": document["_id"]})
        quotes = {
            group["label"]: [s.get("quote") for s in group.get("sources", [])]
            for group in document["group_participants"]
        }
        for node in body["data"]["meeting"]["participants"]["nodes"]:
            if node["via"] is None:
                continue
            assert [s["quote"] for s in node["sources"]] == quotes[node["via"]["label"]]
            assert node["meeting"] == {"slug": document["_id"]}
            assert node["viaMembership"] is not None and node["onBehalfOf"] is None
            checked += 1

    assert checked > 30


async def test_a_country_s_meetings_come_by_date_and_a_summit_before_its_side_meetings(every):
    app, client = every
    stored = {m["_id"]: m for m in await app.state.store["meetings"].find({}).to_list(None)}

    body = await graphql(client, '{ country(code: "KR") { meetings { meeting { slug } } } }')
    slugs = [p["meeting"]["slug"] for p in body["data"]["country"]["meetings"]]

    def position(slug: str) -> tuple[str, bool, str]:
        meeting = stored[slug]
        return (meeting["date"]["earliest"], meeting.get("parent_id") is not None, slug)

    assert len(slugs) > 3
    assert slugs == sorted(slugs, key=position)
    parents = [s for s in slugs if stored[s].get("parent_id") in slugs]
    assert parents, "no side meeting listed with its summit: the order of the two is untested"
    for side in parents:
        summit = stored[side]["parent_id"]
        assert stored[side]["date"]["earliest"] == stored[summit]["date"]["earliest"]
        assert slugs.index(summit) < slugs.index(side)


CLAIMED = """
query($id: String!) {
  meeting(id: $id) { date { disputed evidence { value } alternatives { value } } }
}
"""


async def test_a_meeting_s_date_shows_the_claims_stored_on_the_meeting(every):
    """The evidence of a meeting's date, and whether it is disputed, come from the claims stored
    under `date` on the meeting's own document."""
    app, client = every
    meetings = app.state.store["meetings"].find({"claims.date.0": {"$exists": True}})
    checked = 0

    for document in await meetings.to_list(None):
        body = await graphql(client, CLAIMED, {"id": document["_id"]})
        assert "errors" not in body, body["errors"]
        shown = body["data"]["meeting"]["date"]
        claims = document["claims"]["date"]
        assert len(shown["evidence"]) == len(claims[0]["by"]) > 0, document["_id"]
        assert shown["disputed"] == (len(claims) > 1)
        assert [a["value"] for a in shown["alternatives"]] == [
            c["value"]["value"] for c in claims[1:]
        ]
        checked += 1

    assert checked > 10
