"""Every connection, in every order, paged in small pages: forwards with `after`, backwards with
`before`, and with `after` and `last` (or `before` and `first`) together, always seeing each item
once, in the order of one big page.

The data: the seed, every fixture article (tests/fixtures/articles), and, written into the store,
five officials with the same name and events that share their days, so that page boundaries fall
between items whose sort values tie and only the id tells them apart.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from starlette.applications import Starlette

from tests.support.app import ROOT, graphql, make_settings, running_app
from tests.support.factories import day, event, official

ARTICLES = sorted((ROOT / "tests" / "fixtures" / "articles").iterdir())
NAMESAKES = [official(f"alex-tie-{n}", "Alex Tie") for n in (3, 1, 5, 2, 4)]
# Events on two days, three a day (the fixtures report only two events), and one undated.
EVENTS = [
    event(f"test-event-{n}", f"Test event {n}", date=day(f"2023-05-0{1 + n % 2}")) for n in range(6)
] + [event("test-event-undated", "Test event without a date")]
SMALL = 3


@dataclass(frozen=True)
class List:
    """A connection: where it is in a query, the orders it takes, and what tells its items apart."""

    name: str
    path: tuple[str, ...]
    field: str  # the connection field with its fixed arguments, without the paging ones
    orders: tuple[str | None, ...]
    key: str  # the selection that identifies a node

    def query(self, order: str | None) -> str:
        arguments = "first: $first, after: $after, last: $last, before: $before"
        if order:
            arguments += f", orderBy: {order}"
        name, _, fixed = self.field.partition("(")
        fixed = fixed.rstrip(")")
        call = f"{name}({fixed + ', ' if fixed else ''}{arguments})"
        selection = (
            f"{call} {{ totalCount pageInfo {{ hasNextPage hasPreviousPage startCursor "
            f"endCursor }} edges {{ cursor node {{ {self.key} }} }} }}"
        )
        for parent in reversed(self.path):
            selection = f"{parent} {{ {selection} }}"
        return f"query ($first: Int, $after: String, $last: Int, $before: String) {{ {selection} }}"


LISTS = [
    List("countries", (), "countries", ("CODE", "NAME"), "id"),
    List("officials", (), "officials", ("NAME", "NAME_DESC"), "id"),
    List("organisations", (), "organisations", ("NAME", "NAME_DESC"), "id"),
    List("meetings", (), "meetings", ("DATE", "DATE_DESC", "NAME"), "id"),
    List("articles", (), "articles", ("PUBLISHED", "PUBLISHED_DESC"), "id"),
    List("statements", (), "statements", ("DATE", "DATE_DESC"), "id"),
    List("events", (), "events", ("DATE", "DATE_DESC"), "id"),
    List(
        "participants",
        ('meeting(id: "nac-plus-4-2022-09-27")',),
        "participants",
        (None,),
        "participant { id }",
    ),
    List("members", ('organisation(id: "nato")',), "members", (None,), "slug"),
]
CASES = [(item, order) for item in LISTS for order in item.orders]
IDS = [f"{item.name}-{order or 'default'}" for item, order in CASES]


@pytest.fixture(scope="module")
async def every_app() -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    settings = make_settings(
        articles=ARTICLES, rate_limit_budget=10**9, rate_limit_refill_per_second=10**6
    )
    async with running_app(settings) as (app, client):
        await app.state.store["officials"].insert_many([dict(d) for d in NAMESAKES])
        await app.state.store["events"].insert_many([dict(d) for d in EVENTS])
        yield app, client


@pytest.fixture
async def every(every_app: tuple[Starlette, httpx.AsyncClient]) -> httpx.AsyncClient:
    return every_app[1]


async def page(client: httpx.AsyncClient, item: List, order: str | None, **variables) -> dict:
    body = await graphql(client, item.query(order), variables)
    assert "errors" not in body, body["errors"]
    found = body["data"]
    for parent in item.path:
        found = found[parent.split("(")[0]]
    return found[item.field.split("(")[0]]


def keys(connection: dict) -> list[str]:
    return [str(edge["node"]) for edge in connection["edges"]]


async def everything(client: httpx.AsyncClient, item: List, order: str | None) -> list[dict]:
    """Every edge, in pages of 100."""
    edges: list[dict] = []
    after = None
    while True:
        found = await page(client, item, order, first=100, after=after)
        edges += found["edges"]
        if not found["pageInfo"]["hasNextPage"]:
            assert len(edges) == found["totalCount"]
            return edges
        after = found["pageInfo"]["endCursor"]


@pytest.mark.parametrize(("item", "order"), CASES, ids=IDS)
async def test_paging_forwards_in_small_pages_sees_every_item_once(every, item, order):
    full = [str(edge["node"]) for edge in await everything(every, item, order)]
    seen: list[str] = []
    requests = 0
    after = None
    while True:
        found = await page(every, item, order, first=SMALL, after=after)
        requests += 1
        seen += keys(found)
        assert found["pageInfo"]["hasPreviousPage"] is (after is not None)
        if not found["pageInfo"]["hasNextPage"]:
            break
        after = found["pageInfo"]["endCursor"]

    assert requests >= 3, f"{item.name} has {len(full)} items: too few for several pages"
    assert seen == full


@pytest.mark.parametrize(("item", "order"), CASES, ids=IDS)
async def test_paging_backwards_in_small_pages_sees_every_item_once(every, item, order):
    full = [str(edge["node"]) for edge in await everything(every, item, order)]
    seen: list[str] = []
    before = None
    while True:
        found = await page(every, item, order, last=SMALL, before=before)
        seen = keys(found) + seen
        assert found["pageInfo"]["hasNextPage"] is (before is not None)
        if not found["pageInfo"]["hasPreviousPage"]:
            break
        before = found["pageInfo"]["startCursor"]

    assert seen == full


@pytest.mark.parametrize(("item", "order"), CASES, ids=IDS)
async def test_after_with_last_keeps_to_the_items_after_the_cursor(every, item, order):
    edges = await everything(every, item, order)
    full = [str(edge["node"]) for edge in edges]
    cursor = edges[-3]["cursor"]  # two items lie after it

    found = await page(every, item, order, after=cursor, last=SMALL + 1)

    assert keys(found) == full[-2:]
    assert found["pageInfo"]["hasPreviousPage"] is True
    assert found["pageInfo"]["hasNextPage"] is False


@pytest.mark.parametrize(("item", "order"), CASES, ids=IDS)
async def test_before_with_first_keeps_to_the_items_before_the_cursor(every, item, order):
    edges = await everything(every, item, order)
    full = [str(edge["node"]) for edge in edges]
    cursor = edges[2]["cursor"]  # two items lie before it

    found = await page(every, item, order, before=cursor, first=SMALL + 1)

    assert keys(found) == full[:2]
    assert found["pageInfo"]["hasNextPage"] is True
    assert found["pageInfo"]["hasPreviousPage"] is False


@pytest.mark.parametrize(("item", "order"), CASES, ids=IDS)
async def test_a_page_after_a_cursor_starts_with_the_next_item_not_its_own(every, item, order):
    edges = await everything(every, item, order)

    found = await page(every, item, order, after=edges[1]["cursor"], first=1)
    back = await page(every, item, order, before=edges[2]["cursor"], last=1)

    assert keys(found) == [str(edges[2]["node"])]
    assert keys(back) == [str(edges[1]["node"])]


async def test_names_that_tie_are_ordered_by_id_across_pages(every):
    query = """query ($after: String, $order: NameOrder!) {
      officials(first: 2, after: $after, orderBy: $order, where: {nameStartsWith: "alex tie"}) {
        pageInfo { hasNextPage endCursor } nodes { slug }
      }
    }"""
    orders = {}
    for order in ("NAME", "NAME_DESC"):
        seen: list[str] = []
        after = None
        while True:
            body = await graphql(every, query, {"after": after, "order": order})
            found = body["data"]["officials"]
            seen += [node["slug"] for node in found["nodes"]]
            if not found["pageInfo"]["hasNextPage"]:
                break
            after = found["pageInfo"]["endCursor"]
        orders[order] = seen

    expected = [f"alex-tie-{n}" for n in range(1, 6)]
    assert orders["NAME"] == expected
    assert sorted(orders["NAME_DESC"]) == expected and len(set(orders["NAME_DESC"])) == 5
