"""The golden questions of the brief, each asked with its query file from api/examples, exactly as
GraphiQL and curl would send it. The expected answers are written out here from the brief's
researched facts, independently of the seed files."""

from __future__ import annotations

from pathlib import Path

import pytest

from api.examples import EXAMPLES_DIR
from tests.support.app import ROOT, graphql

QUERIES = EXAMPLES_DIR

# NATO's members on 2022-09-27 (the brief's accession list, before Finland and Sweden).
NATO_2022 = {
    *("BE", "CA", "DK", "FR", "IS", "IT", "LU", "NL", "NO", "PT", "GB", "US"),  # 1949
    *("GR", "TR", "DE", "ES", "CZ", "HU", "PL"),  # 1952-1999
    *("BG", "EE", "LV", "LT", "RO", "SK", "SI"),  # 2004
    *("AL", "HR", "ME", "MK"),  # 2009-2020
}
ASIA_PACIFIC_PARTNERS = {"AU", "JP", "NZ", "KR"}


def query_file(name: str) -> str:
    (path,) = QUERIES.glob(f"{name}*.graphql")
    return path.read_text(encoding="utf-8")


async def ask(client, name: str) -> dict:
    body = await graphql(client, query_file(name))
    assert "errors" not in body, body.get("errors")
    return body["data"]


def test_there_is_one_query_file_per_golden_question_then_the_search_examples():
    names = sorted(path.name[:2] for path in QUERIES.glob("*.graphql"))
    assert names == [f"{n:02d}" for n in range(1, 14)]


@pytest.mark.parametrize("path", sorted(QUERIES.glob("*.graphql")), ids=lambda p: p.stem)
async def test_every_query_file_runs_as_is_without_variables(client, path: Path):
    body = await graphql(client, path.read_text(encoding="utf-8"))
    assert "errors" not in body
    assert body["data"] and all(value is not None for value in body["data"].values())


async def test_nac_plus_4_was_attended_by_kim_gunn_and_36_countries_in_their_roles(client):
    meeting = (await ask(client, "01"))["meeting"]
    assert meeting["name"] == "NAC+4 meeting"
    assert meeting["date"] == {"value": "2022-09-27", "raw": "on Tuesday (local time)"}
    assert meeting["location"] == {"city": "Brussels", "country": {"name": "Belgium"}}

    (kim,) = meeting["officials"]["nodes"]
    assert kim["participant"] == {"name": "Kim Gunn"}
    assert kim["onBehalfOf"] == {"name": "South Korea"}
    assert kim["role"] == "REPRESENTATIVE"
    assert "attended the NAC+4 meeting" in kim["sources"][0]["quote"]
    assert kim["sources"][0]["article"]["url"].startswith("https://www.koreatimes.co.kr/")

    countries = meeting["countries"]
    assert countries["totalCount"] == 36
    roles = {node["participant"]["code"]: node["role"] for node in countries["nodes"]}
    expected = {code: "MEMBER" for code in NATO_2022}
    expected |= {code: "PARTNER" for code in ASIA_PACIFIC_PARTNERS}
    expected |= {"FI": "INVITEE", "SE": "INVITEE"}
    assert roles == expected
    groups = {
        node["participant"]["code"]: (node["via"] or {}).get("label") for node in countries["nodes"]
    }
    assert groups["FR"] == "30 NATO members"
    assert groups["KR"] == "the four Asia-Pacific partner countries"
    assert groups["FI"] is None  # named in the text, not part of a group


async def test_yoon_suk_yeol_attended_the_madrid_summit_and_two_meetings_on_its_sidelines(client):
    official = (await ask(client, "02"))["official"]
    meetings = [(m["meeting"]["name"], m["meeting"]["date"]["value"]) for m in official["meetings"]]
    assert meetings == [
        ("2022 NATO Summit", "2022-06-29"),
        ("Four-way summit of NATO's Asia-Pacific partners", "2022-06-29"),
        ("Meeting of Yoon Suk-yeol and Jens Stoltenberg at the 2022 NATO Summit", "2022-06-30"),
    ]
    parents = [m["meeting"]["parent"] for m in official["meetings"]]
    assert parents == [None, {"name": "2022 NATO Summit"}, {"name": "2022 NATO Summit"}]
    assert {m["meeting"]["location"]["city"] for m in official["meetings"]} == {"Madrid"}


async def test_natos_asia_pacific_partners_are_australia_japan_new_zealand_and_south_korea(client):
    organisation = (await ask(client, "03"))["organisation"]
    assert organisation["parent"] == {"name": "North Atlantic Treaty Organization"}
    members = organisation["members"]
    assert members["totalCount"] == 4
    assert {node["member"]["code"] for node in members["nodes"]} == ASIA_PACIFIC_PARTNERS
    assert all(node["sources"][0]["quote"] for node in members["nodes"])


async def test_yoon_soon_gu_will_lead_the_mission_and_is_now_ambassador_to_belgium(client):
    mission = (await ask(client, "04"))["organisation"]
    assert mission["accreditedTo"] == {"name": "North Atlantic Treaty Organization"}
    assert mission["hostedBy"] == {"name": "Embassy of the Republic of Korea in Belgium"}
    (lead,) = mission["posts"]
    assert lead["status"] == "DESIGNATED"
    assert lead["official"]["name"] == "Yoon Soon-gu"
    quote = "South Korea's Ambassador to Belgium Yoon Soon-gu will lead Seoul's mission to NATO."
    assert lead["sources"] == [{"quote": quote}]
    (now,) = lead["official"]["posts"]
    assert now["title"] == "Ambassador to Belgium"
    assert now["organisation"] == {"name": "Embassy of the Republic of Korea in Belgium"}
    assert now["attested"] == [{"value": "2022-09-28"}]


async def test_the_south_korean_officials_are_listed_with_their_posts(client):
    country = (await ask(client, "05"))["country"]
    posts = {
        official["name"]: sorted(post["title"] for post in official["posts"])
        for official in country["officials"]
    }
    assert posts == {
        "Yoon Suk-yeol": ["President"],
        "Yoon Soon-gu": ["Ambassador to Belgium", "Head of the Mission to NATO"],
        "Kim Sung-han": ["Director of the National Security Office"],
        "Kim Gunn": ["Special Representative for Korean Peninsula Peace and Security Affairs"],
    }
    (president,) = next(o for o in country["officials"] if o["name"] == "Yoon Suk-yeol")["posts"]
    assert president["start"] == {"value": "2022-05-10"}


async def test_kim_gunn_met_mircea_geoana_at_nato_headquarters(client):
    official = (await ask(client, "06"))["official"]
    (encounter,) = official["peopleMet"]
    assert encounter["official"]["name"] == "Mircea Geoana"
    assert {
        "title": "Deputy Secretary General",
        "organisation": {"name": "North Atlantic Treaty Organization"},
    } in encounter["official"]["posts"]
    meeting = encounter["meeting"]
    assert meeting["location"] == {"name": "NATO headquarters", "city": "Brussels"}
    assert meeting["date"] == {"value": "2022-09-27", "raw": "Tuesday (local time)"}


async def test_finland_was_an_invitee_not_a_member_when_nac_plus_4_met(client):
    data = await ask(client, "07")
    finland = data["country"]
    assert finland["onTheDay"] == [
        {"role": "INVITEE", "start": {"value": "2022-06-29"}, "end": {"value": "2023-04-04"}}
    ]
    history = [
        (m["role"], m["start"]["value"], (m["end"] or {}).get("value")) for m in finland["history"]
    ]
    assert history == [
        ("APPLICANT", "2022-05-18", "2022-06-29"),
        ("INVITEE", "2022-06-29", "2023-04-04"),
        ("MEMBER", "2023-04-04", None),
    ]
    invitees = [node["participant"]["name"] for node in data["meeting"]["participants"]["nodes"]]
    assert invitees == ["Finland", "Sweden"]


async def test_the_north_atlantic_council_decided_on_the_mission_on_monday_2022_09_26(client):
    (decision,) = (await ask(client, "08"))["organisation"]["decisions"]
    assert decision["date"] == {"value": "2022-09-26", "raw": "on Monday", "precision": "DAY"}
    body = decision["decidedBy"]
    assert body["name"] == "North Atlantic Council"
    assert body["acronym"] == "NAC"
    assert body["describedAs"] == [{"text": "the top decision-making body of NATO"}]
    assert body["parent"] == {"name": "North Atlantic Treaty Organization"}
    assert "agreed on Monday" in decision["sources"][0]["quote"]


async def test_every_source_names_its_article_and_the_exact_sentence(client):
    official = (await ask(client, "09"))["official"]
    article_text = (
        ROOT / "seeds/articles/korea-times-2022-09-28-nato-mission/article.txt"
    ).read_text(encoding="utf-8")
    for post in official["posts"]:
        (source,) = post["sources"]
        assert article_text[source["start"] : source["end"]] == source["quote"]
        assert source["sentence"] == (
            "South Korea's Ambassador to Belgium Yoon Soon-gu will lead Seoul's mission to NATO."
        )
        assert source["article"]["publisher"] == "The Korea Times"
        assert source["article"]["published"] == {"value": "2022-09-28", "inferred": True}


async def test_kim_gunn_and_jens_stoltenberg_are_three_hops_apart_through_nato(client):
    paths = (await ask(client, "10"))["connections"]
    assert paths, "expected at least one path"
    assert {path["length"] for path in paths} == {3}
    chains = [
        [hop["from"]["name"] for hop in path["hops"]] + [path["hops"][-1]["to"]["name"]]
        for path in paths
    ]
    assert [
        "Kim Gunn",
        "South Korea",
        "North Atlantic Treaty Organization",
        "Jens Stoltenberg",
    ] in chains
    for path in paths:
        for hop in path["hops"]:
            assert hop["sources"], f"hop without sources: {hop}"


# --- finding things: search by title and by place, meetings filtered by place and dates ---------


async def test_a_post_title_finds_the_secretary_general_then_his_deputy_each_with_the_post(client):
    results = (await ask(client, "11"))["search"]

    found = [(r["node"]["name"], r["matchedOn"], r["post"]["title"]) for r in results]
    assert found == [
        ("Jens Stoltenberg", "POST_TITLE", "Secretary General"),
        ("Mircea Geoana", "POST_TITLE", "Deputy Secretary General"),
    ]
    assert {r["post"]["organisation"]["name"] for r in results} == {
        "North Atlantic Treaty Organization"
    }
    assert results[0]["score"] > results[1]["score"]


async def test_a_place_finds_the_country_then_what_is_based_there_then_the_meetings_held_there(
    client,
):
    results = (await ask(client, "12"))["search"]

    found = [(r["node"]["__typename"], r["node"]["name"]) for r in results]
    assert found == [
        ("Country", "Belgium"),
        ("Organisation", "North Atlantic Treaty Organization"),
        ("Organisation", "Embassy of the Republic of Korea in Belgium"),
        ("Meeting", "NAC+4 meeting"),
        ("Meeting", "Meeting of Kim Gunn and Mircea Geoana at NATO headquarters"),
    ]
    assert {(r["matchedOn"], r["matched"]) for r in results} == {("PLACE", "Brussels")}
    nato = results[1]["place"]
    assert nato == {"name": "NATO headquarters", "city": "Brussels", "country": {"name": "Belgium"}}
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == len(scores)


async def test_north_atlantic_finds_nato_before_the_council_inside_it(client):
    body = await graphql(client, '{ search(query: "North Atlantic") { score node { name } } }')

    results = body["data"]["search"]
    assert [r["node"]["name"] for r in results] == [
        "North Atlantic Treaty Organization",
        "North Atlantic Council",
    ]
    assert results[0]["score"] > results[1]["score"]


async def test_meetings_in_brussels_in_september_2022_are_the_two_of_the_27th(client):
    meetings = (await ask(client, "13"))["meetings"]

    assert meetings["totalCount"] == 2
    assert [(m["name"], m["date"]["value"]) for m in meetings["nodes"]] == [
        ("Meeting of Kim Gunn and Mircea Geoana at NATO headquarters", "2022-09-27"),
        ("NAC+4 meeting", "2022-09-27"),
    ]
    assert {m["location"]["city"] for m in meetings["nodes"]} == {"Brussels"}


@pytest.mark.parametrize("place", ["Spain", "ES", "ESP", "Kingdom of Spain", "madrid", "IFEMA"])
async def test_a_place_is_a_city_a_venue_or_a_country_by_any_of_its_names(client, place):
    query = "query ($p: String) { meetings(where: {place: $p}) { nodes { slug } } }"
    body = await graphql(client, query, {"p": place})

    slugs = {node["slug"] for node in body["data"]["meetings"]["nodes"]}
    madrid = {
        "nato-summit-2022",
        "asia-pacific-partners-summit-2022-06-29",
        "yoon-stoltenberg-2022-06-30",
    }
    assert slugs == ({"nato-summit-2022"} if place == "IFEMA" else madrid)


async def test_a_date_range_keeps_the_meetings_that_overlap_it(client):
    query = """{ meetings(where: {fromDate: "2022-06-30", toDate: "2022-06-30"}) {
        nodes { slug } } }"""
    body = await graphql(client, query)

    # The summit ran from the 29th to the 30th; the bilateral was on the 30th.
    slugs = [node["slug"] for node in body["data"]["meetings"]["nodes"]]
    assert slugs == ["nato-summit-2022", "yoon-stoltenberg-2022-06-30"]
