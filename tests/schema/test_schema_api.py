"""The schema's conventions: Relay nodes and connections, search, time, filters, descriptions."""

from __future__ import annotations

import base64

import pytest
from graphql import GraphQLEnumType, GraphQLInputObjectType, GraphQLObjectType

from api.cli import SCHEMA_FILE
from api.graphql_schema import build_schema
from tests.support.app import graphql


def test_checked_in_sdl_matches_the_schema():
    assert SCHEMA_FILE.read_text(encoding="utf-8") == str(build_schema()) + "\n", (
        "schema.graphql is stale: run `make schema` (diplograph schema export)"
    )


def test_every_type_field_and_argument_has_a_description():
    missing = []
    for name, graphql_type in build_schema()._schema.type_map.items():
        if name.startswith("__") or name in {"String", "Int", "Float", "Boolean", "ID", "Date"}:
            continue
        if not graphql_type.description:
            missing.append(name)
        if isinstance(graphql_type, GraphQLObjectType | GraphQLInputObjectType):
            for field_name, field in graphql_type.fields.items():
                if not field.description:
                    missing.append(f"{name}.{field_name}")
                for argument_name, argument in getattr(field, "args", {}).items():
                    if not argument.description:
                        missing.append(f"{name}.{field_name}({argument_name})")
        if isinstance(graphql_type, GraphQLEnumType) and not graphql_type.description:
            missing.append(name)
    assert missing == []


async def test_node_finds_an_object_by_its_opaque_global_id(client):
    body = await graphql(client, '{ country(code: "KR") { id } }')
    global_id = body["data"]["country"]["id"]
    assert base64.b64decode(global_id).decode() == "Country:KR"
    node = await graphql(
        client,
        "query($id: ID!) { node(id: $id) { id ... on Country { name } } }",
        {"id": global_id},
    )
    assert node["data"]["node"] == {"id": global_id, "name": "South Korea"}


async def test_nodes_returns_objects_in_order_and_null_for_unknown_ids(client):
    ids = [
        base64.b64encode(b"Official:kim-gunn").decode(),
        base64.b64encode(b"Official:nobody").decode(),
        base64.b64encode(b"Meeting:nac-plus-4-2022-09-27").decode(),
    ]
    body = await graphql(
        client, "query($ids: [ID!]!) { nodes(ids: $ids) { ... on Entity { name } } }", {"ids": ids}
    )
    assert body["data"]["nodes"] == [{"name": "Kim Gunn"}, None, {"name": "NAC+4 meeting"}]


async def test_connections_page_forward_with_cursors_until_the_end(client):
    seen, after = [], None
    while True:
        body = await graphql(
            client,
            """query($after: String) {
              countries(first: 100, after: $after, where: {nameStartsWith: "s"}) {
                totalCount pageInfo { hasNextPage endCursor } edges { cursor node { code } }
              }
            }""",
            {"after": after},
        )
        page = body["data"]["countries"]
        seen += [edge["node"]["code"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == page["totalCount"] == len(set(seen))
    assert "KR" in seen and "ES" in seen  # South Korea, Spain


async def test_last_and_before_page_backwards(client):
    body = await graphql(
        client, "{ countries(last: 2) { pageInfo { hasPreviousPage hasNextPage } nodes { code } } }"
    )
    page = body["data"]["countries"]
    assert page["nodes"] == [{"code": "ZM"}, {"code": "ZW"}]
    assert page["pageInfo"] == {"hasPreviousPage": True, "hasNextPage": False}


async def test_an_oversize_page_is_refused_with_the_maximum_not_clipped(client):
    body = await graphql(client, "{ countries(first: 500) { totalCount } }")
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["maximum"] == 100
    assert "between 0 and 100" in error["message"]


async def test_a_forged_cursor_is_refused_clearly(client):
    body = await graphql(
        client, '{ countries(first: 1, after: "bm90LWEtY3Vyc29y") { totalCount } }'
    )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "not a cursor" in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("query", "expected_first"),
    [
        ("Seoul", "South Korea"),
        ("ROK", "South Korea"),
        ("the Alliance", "North Atlantic Treaty Organization"),
        ("turkiye", "Türkiye"),
        ("TÜRKIYE", "Türkiye"),
        ("geoană", "Mircea Geoana"),
        ("NAC+4", "NAC+4 meeting"),
        ("gunn", "Kim Gunn"),
        ("South Korean", "South Korea"),
    ],
)
async def test_search_is_accent_case_and_alias_insensitive(client, query, expected_first):
    body = await graphql(
        client,
        "query($q: String!) { search(query: $q, first: 3) { score matched node { name } } }",
        {"q": query},
    )
    results = body["data"]["search"]
    assert results, f"no result for {query!r}"
    assert results[0]["node"]["name"] == expected_first


async def test_search_ranks_an_exact_name_above_a_prefix(client):
    body = await graphql(
        client, '{ search(query: "NATO", types: [ORGANISATION], first: 5) { score node { name } } }'
    )
    results = body["data"]["search"]
    assert results[0]["node"]["name"] == "North Atlantic Treaty Organization"
    assert results[0]["score"] >= results[-1]["score"]


async def test_search_can_be_limited_to_types(client):
    body = await graphql(
        client, '{ search(query: "Kim", types: [OFFICIAL]) { node { __typename name } } }'
    )
    names = {result["node"]["name"] for result in body["data"]["search"]}
    assert names == {"Kim Gunn", "Kim Sung-han"}
    assert {result["node"]["__typename"] for result in body["data"]["search"]} == {"Official"}


async def test_nato_had_30_members_as_of_the_nac_plus_4_date_and_32_today(client):
    body = await graphql(
        client,
        """{ organisation(id: "nato") {
          then: members(role: MEMBER, asOf: "2022-09-27") { totalCount }
          now: members(role: MEMBER, asOf: "2026-11-28") { totalCount }
        } }""",
    )
    assert body["data"]["organisation"] == {"then": {"totalCount": 30}, "now": {"totalCount": 32}}


async def test_posts_as_of_a_date_show_who_held_them(client):
    body = await graphql(
        client,
        '{ organisation(id: "nato") { in2022: posts(asOf: "2022-09-27") { title official { name } }'
        ' in2025: posts(asOf: "2025-01-01") { title } } }',
    )
    organisation = body["data"]["organisation"]
    assert {(p["title"], p["official"]["name"]) for p in organisation["in2022"]} == {
        ("Secretary General", "Jens Stoltenberg"),
        ("Deputy Secretary General", "Mircea Geoana"),
    }
    assert (
        organisation["in2025"] == []
    )  # both had left by then; their successors are not in the data


async def test_a_country_attends_meetings_through_its_group_memberships(client):
    body = await graphql(
        client,
        '{ country(code: "FR") { meetings { role via { label } meeting { slug } } } }',
    )
    assert body["data"]["country"]["meetings"] == [
        {
            "role": "MEMBER",
            "via": {"label": "30 NATO members"},
            "meeting": {"slug": "nac-plus-4-2022-09-27"},
        }
    ]


async def test_countries_filter_by_membership_as_of_a_date(client):
    body = await graphql(
        client,
        """{ countries(where: {memberOf: "nato", role: MEMBER, asOf: "2023-05-01"}, first: 100) {
          totalCount
        } }""",
    )
    assert body["data"]["countries"]["totalCount"] == 31  # Finland joined on 2023-04-04


async def test_a_side_meeting_and_its_summit_point_at_each_other(client):
    body = await graphql(
        client,
        '{ meeting(id: "nato-summit-2022") { sideMeetings { slug } } }',
    )
    slugs = {m["slug"] for m in body["data"]["meeting"]["sideMeetings"]}
    assert slugs == {"asia-pacific-partners-summit-2022-06-29", "yoon-stoltenberg-2022-06-30"}


async def test_an_article_lists_everything_it_supports(client):
    body = await graphql(
        client,
        "{ articles(first: 1) { nodes { slug supports { officials { slug } decisions { slug } "
        "meetings { slug } posts { slug } } } } }",
    )
    assert "errors" not in body, body
    (article,) = body["data"]["articles"]["nodes"]
    supports = article["supports"]
    assert {o["slug"] for o in supports["officials"]} >= {
        "kim-gunn",
        "yoon-soon-gu",
        "mircea-geoana",
    }
    assert supports["decisions"] == [{"slug": "nac-2022-09-26-kr-mission"}]
    assert len(supports["posts"]) == 7


async def test_an_unknown_id_is_a_clear_not_found_error(client):
    body = await graphql(client, '{ official(id: "nobody") { name } }')
    assert body["data"] == {"official": None}
    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "nobody" in body["errors"][0]["message"]


async def test_connections_accept_global_ids_and_refuse_too_many_hops(client):
    kim = base64.b64encode(b"Official:kim-gunn").decode()
    body = await graphql(
        client,
        'query($k: ID!) { connections(from: $k, to: "NATO", maxHops: 9) { length } }',
        {"k": kim},
    )
    assert body["errors"][0]["extensions"]["code"] in {"BAD_USER_INPUT", "NOT_FOUND"}
    body = await graphql(
        client,
        'query($k: ID!) { connections(from: $k, to: "nato", maxHops: 2) { length } }',
        {"k": kim},
    )
    assert [path["length"] for path in body["data"]["connections"]] == [2, 2]
