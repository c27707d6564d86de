"""The cost limit at its edges: a query that costs exactly the maximum runs, one point more does
not; a query that returns less than it asked for is refunded the difference, from Strawberry and
from the response cache alike. Each test has an app (and so budgets) of its own."""

from __future__ import annotations

from tests.support.app import make_settings, running_app

PAGE = "{ countries(first: 20) { nodes { code } } }"  # 20 objects and the list: 21 points
FEW = '{ countries(first: 50, where: {codes: ["FI", "JP", "KR"]}) { nodes { code } } }'


async def test_a_query_that_costs_exactly_the_maximum_runs():
    async for _app, client in running_app(make_settings(max_query_cost=21)):
        response = await client.post("/graphql", json={"query": PAGE})

        body = response.json()
        assert "errors" not in body, body["errors"]
        assert len(body["data"]["countries"]["nodes"]) == 20
        assert body["extensions"]["cost"]["requested"] == 21


async def test_a_query_one_point_over_the_maximum_is_refused():
    async for _app, client in running_app(make_settings(max_query_cost=20)):
        response = await client.post("/graphql", json={"query": PAGE})

        (error,) = response.json()["errors"]
        assert error["extensions"] == {"code": "QUERY_TOO_EXPENSIVE", "cost": 21, "maximum": 20}


async def test_what_a_query_did_not_use_is_refunded_and_a_cached_answer_is_charged_the_same():
    settings = make_settings(
        rate_limit_budget=1000, rate_limit_refill_per_second=0.0001, min_request_cost=1
    )
    async for _app, client in running_app(settings):
        fresh = (await client.post("/graphql", json={"query": FEW})).json()
        cached = (await client.post("/graphql", json={"query": FEW})).json()

    returned = len(fresh["data"]["countries"]["nodes"])
    cost = fresh["extensions"]["cost"]
    assert (cost["requested"], cost["actual"]) == (51, returned + 1)
    assert returned == 3
    assert cost["remaining"] == 1000 - cost["actual"]
    assert cached["data"] == fresh["data"]
    assert cached["extensions"]["cost"]["actual"] == cost["actual"]
    assert cached["extensions"]["cost"]["remaining"] == 1000 - 2 * cost["actual"]
