"""Keyset pagination through GraphQL: names in collation order, cursors that keep their place when
data changes, backwards paging, and cursors that are checked."""

from __future__ import annotations

import base64

from schema.cursors import encode_cursor
from tests.support.app import graphql, make_settings, running_app
from tests.support.factories import country

PAGE = """query ($first: Int, $after: String, $last: Int, $before: String, $order: CountryOrder!) {
  countries(first: $first, after: $after, last: $last, before: $before, orderBy: $order) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    nodes { code name }
  }
}"""


async def countries(client, **variables) -> dict:
    body = await graphql(client, PAGE, {"order": "NAME", **variables})
    assert "errors" not in body, body["errors"]
    return body["data"]["countries"]


def names(page: dict) -> list[str]:
    return [node["name"] for node in page["nodes"]]


async def test_names_sort_by_collation_so_aland_comes_with_the_as_not_after_zimbabwe(client):
    first = await countries(client, first=4)
    last = await countries(client, last=1)

    assert names(first) == ["Afghanistan", "Åland Islands", "Albania", "Algeria"]
    assert names(last) == ["Zimbabwe"]


async def test_every_country_is_seen_once_paging_backwards_from_the_end(client):
    seen: list[str] = []
    before = None
    while True:
        page = await countries(client, last=40, before=before)
        seen = names(page) + seen
        if not page["pageInfo"]["hasPreviousPage"]:
            break
        before = page["pageInfo"]["startCursor"]
    forwards = await countries(client, first=100)

    assert len(seen) == len(set(seen)) == page["totalCount"] == 249
    assert seen[:100] == names(forwards)


async def test_a_page_between_two_cursors_holds_what_lies_between_them(client):
    ten = await countries(client, first=10)
    cursors = [edge["cursor"] for edge in (await edges(client, 10))]

    between = await countries(client, after=cursors[2], before=cursors[7], first=3)
    last_two = await countries(client, after=cursors[2], before=cursors[7], last=2)

    assert names(between) == names(ten)[3:6]
    assert between["pageInfo"]["hasNextPage"] and between["pageInfo"]["hasPreviousPage"]
    assert names(last_two) == names(ten)[5:7]


async def edges(client, count: int) -> list[dict]:
    body = await graphql(
        client,
        "query ($n: Int) { countries(first: $n, orderBy: NAME) { edges { cursor } } }",
        {"n": count},
    )
    return body["data"]["countries"]["edges"]


async def test_a_cursor_keeps_its_place_when_items_are_added_before_it():
    async with running_app(make_settings()) as (app, client):
        page = await countries(client, first=3)
        after = page["pageInfo"]["endCursor"]  # Albania
        await app.state.store["countries"].insert_many(
            [country("XA", "Aaland test"), country("XB", "Abkhazia test")]
        )

        following = await countries(client, first=2, after=after)

        assert names(following) == ["Algeria", "American Samoa"]
        assert following["totalCount"] == 251


async def test_an_edited_cursor_is_refused_with_what_to_pass_instead(client):
    cursor = (await countries(client, first=1))["pageInfo"]["endCursor"]
    text = base64.urlsafe_b64decode(cursor + "==")
    edited = base64.urlsafe_b64encode(text.replace(b'"AF"', b'"AX"')).decode()

    body = await graphql(client, PAGE, {"order": "NAME", "after": edited})

    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "`after` is not a cursor of this list: it was changed or cut short" in error["message"]
    assert "Pass the `endCursor`" in error["message"]


async def test_a_cursor_of_another_order_is_refused(client):
    by_code = encode_cursor("countries", "CODE", ["KR"])

    body = await graphql(client, PAGE, {"order": "NAME", "after": by_code})

    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "another list (countries by CODE), not countries by NAME" in error["message"]


async def test_a_cursor_of_an_unknown_version_is_refused(client):
    future = base64.urlsafe_b64encode(b'v2:0:{"k":[]}').decode()

    body = await graphql(client, PAGE, {"order": "NAME", "before": future})

    assert "`before` is not a cursor of this list: its version (v2)" in body["errors"][0]["message"]


async def test_relation_lists_take_keyset_cursors_too(client):
    query = """query ($after: String) {
      meeting(id: "nac-plus-4-2022-09-27") {
        participants(first: 5, after: $after) {
          totalCount pageInfo { hasNextPage endCursor } nodes { participant { id } }
        }
      }
    }"""
    seen: list[str] = []
    after = None
    while True:
        body = await graphql(client, query, {"after": after})
        page = body["data"]["meeting"]["participants"]
        seen += [node["participant"]["id"] for node in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]

    assert len(seen) == len(set(seen)) == page["totalCount"] == 37
    foreign = encode_cursor("countries", "CODE", ["KR"])
    body = await graphql(client, query, {"after": foreign})
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
