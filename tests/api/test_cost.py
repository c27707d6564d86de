"""Query cost: the model's prices, the budgets that refill, and how a client hears about both."""

from __future__ import annotations

import asyncio
import re

import pytest
from graphql import parse

from api.cost import INTROSPECTION_COST, Budgets, charge, requested_cost
from api.examples import EXAMPLES_DIR
from api.graphql_schema import build_schema
from store.repository.sizes import Sizes
from tests.support.app import ROOT, make_settings, running_app

SCHEMA = build_schema(make_settings())._schema
GQL = {"accept": "application/graphql-response+json"}


def price(query: str, sizes: Sizes, variables: dict | None = None) -> int | None:
    return requested_cost(SCHEMA, parse(query), None, variables, sizes)


def most_officials(sizes: Sizes) -> int:
    return sizes.group("officials", "country_id")


@pytest.mark.parametrize(
    ("query", "cost"),
    [
        ("{ __typename }", lambda s: 0),
        ('{ country(code: "KR") { name code } }', lambda s: 1),
        ('{ country(code: "KR") { officials { name } } }', lambda s: 1 + most_officials(s)),
        ("{ countries(first: 3) { totalCount nodes { code } } }", lambda s: 1 + 3),
        ("{ countries(last: 3) { edges { cursor node { code } } } }", lambda s: 1 + 3 * 2),
        ("{ countries { pageInfo { hasNextPage } nodes { code } } }", lambda s: 1 + 1 + 50),
        ("{ countries(first: 500) { nodes { code } } }", lambda s: 1 + 100),
        ('{ search(query: "nato") { node { name } } }', lambda s: 10 * 2),
        ('{ search(query: "nato", first: 2) { node { name } } }', lambda s: 2 * 2),
        ('{ nodes(ids: ["a", "b", "c"]) { id } }', lambda s: 3),
        ("{ __schema { types { name fields { name } } } }", lambda s: 1),
        ('{ a: country(code: "KR") { name } b: country(code: "JP") { name } }', lambda s: 2),
        (
            '{ country(code: "KR") { ...C } } fragment C on Country { officials { name } }',
            lambda s: 1 + most_officials(s),
        ),
        (
            '{ meeting(id: "nac-plus-4-2022-09-27") { sources { quote } } }',
            lambda s: 1 + s.array("meetings", "sources"),
        ),
    ],
)
def test_the_model_prices_objects_a_response_can_hold(query, cost, seed_sizes):
    assert price(query, seed_sizes) == cost(seed_sizes)


def test_a_list_without_a_page_size_is_priced_from_the_longest_such_list_in_the_data():
    sizes = Sizes(groups={("officials", "country_id"): 40})
    assert price('{ country(code: "KR") { officials { name } } }', sizes) == 1 + 40


def test_page_sizes_in_variables_are_priced(seed_sizes):
    query = "query ($n: Int) { countries(first: $n) { nodes { code } } }"
    assert price(query, seed_sizes, {"n": 7}) == 1 + 7
    assert price(query, seed_sizes, {}) == 1 + 50


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        # A default value, an integral float, a variable inside a list, a list literal.
        ("query($n: Int = 100) { countries(first: $n) { nodes { code } } }", {}, 1 + 100),
        ("query($n: Int) { countries(first: $n) { nodes { code } } }", {"n": 100.0}, 1 + 100),
        ('query($a: ID!) { nodes(ids: [$a, "b", "c"]) { id } }', {"a": "x"}, 3),
        ('query($ids: [ID!]! = ["a", "b"]) { nodes(ids: $ids) { id } }', {}, 2),
        ('{ nodes(ids: "a") { id } }', {}, 1),
        (
            "query($s: String!) { search(query: $s, first: 3) { node { name } } }",
            {"s": "nato"},
            3 * 2,
        ),
    ],
)
def test_prices_read_arguments_after_variables_are_coerced(query, variables, cost, seed_sizes):
    assert price(query, seed_sizes, variables) == cost


def test_the_issue_s_bypass_is_priced_at_what_it_returns(seed_sizes):
    nato = "T3JnYW5pc2F0aW9uOm5hdG8="
    selection = (
        "nodes(ids: $ids) { ... on Organisation { members { nodes { member { name } "
        "organisation { name } } } } }"
    )
    query = (
        "query($ids: [ID!]! = [" + ", ".join(f'"{nato}"' for _ in range(100)) + "])"
        f" {{ a: {selection} b: {selection} }}"
    )
    # Each alias: 100 organisations, each with a page of 50 members, each with two objects.
    assert price(query, seed_sizes) == 2 * 100 * (1 + 1 + 50 * (1 + 1 + 1))


def test_variables_that_do_not_fit_leave_the_query_unpriced(seed_sizes):
    query = "query($n: Int) { countries(first: $n) { nodes { code } } }"
    assert price(query, seed_sizes, {"n": 1.5}) is None


def documented_costs() -> dict[str, tuple[int, int]]:
    """The golden-query table of docs/security.md: file stem -> (requested, actual)."""
    text = (ROOT / "docs" / "security.md").read_text()
    rows = re.findall(r"^\| \[`(\d\d-[\w-]+)`\][^|]*\|[^|]*\| (\d+) \| (\d+) \|$", text, re.M)
    return {stem: (int(requested), int(actual)) for stem, requested, actual in rows}


def test_the_documented_cost_of_each_golden_query_is_the_computed_one(seed_sizes):
    documented = documented_costs()
    files = sorted(EXAMPLES_DIR.glob("*.graphql"))
    assert sorted(documented) == [path.stem for path in files]
    for path in files:
        assert price(path.read_text(), seed_sizes) == documented[path.stem][0], path.stem


async def test_each_golden_query_costs_what_is_documented_and_no_more_than_requested(client):
    documented = documented_costs()
    for path in sorted(EXAMPLES_DIR.glob("*.graphql")):
        response = await client.post("/graphql", json={"query": path.read_text()})
        cost = response.json()["extensions"]["cost"]
        assert (cost["requested"], cost["actual"]) == documented[path.stem], path.stem
        assert cost["actual"] <= cost["requested"]


async def test_every_response_reports_its_cost_and_the_budget():
    async with running_app(make_settings()) as (_app, client):
        response = await client.post(
            "/graphql", json={"query": "{ countries(first: 2) { nodes { code } } }"}
        )
    cost = response.json()["extensions"]["cost"]
    assert cost["requested"] == 3
    assert cost["actual"] == 3
    assert cost["maximum"] == 2000
    assert cost["capacity"] == 10_000
    assert 0 <= cost["remaining"] <= 10_000
    assert response.headers["ratelimit-policy"] == '"cost";q=10000;w=100'
    assert re.fullmatch(r'"cost";r=\d+;t=\d+', response.headers["ratelimit"])


async def test_a_query_over_the_maximum_cost_is_refused_before_it_runs():
    async with running_app(make_settings(max_query_cost=10)) as (app, client):
        app.state.store.commands.reset()
        response = await client.post(
            "/graphql", json={"query": "{ countries(first: 20) { nodes { code } } }"}, headers=GQL
        )
        assert response.status_code == 400
        body = response.json()
        assert "data" not in body
        (error,) = body["errors"]
        assert error["extensions"] == {"code": "QUERY_TOO_EXPENSIVE", "cost": 21, "maximum": 10}
        assert "may cost 21 points; the maximum is 10" in error["message"]
        assert body["extensions"]["cost"]["requested"] == 21
        # Nothing ran: the only command is the response cache's read of the data version.
        assert dict(app.state.store.commands.counts) == {("find", "meta"): 1}


async def test_a_client_over_its_budget_gets_429_with_a_retry_hint():
    settings = make_settings(rate_limit_budget=100, rate_limit_refill_per_second=0.01)
    query = {"query": "{ countries { nodes { code } } }"}  # 51 points, and 51 objects returned
    async with running_app(settings) as (_app, client):
        first = await client.post("/graphql", json=query)
        assert first.status_code == 200
        assert first.json()["extensions"]["cost"]["remaining"] == 49
        second = await client.post("/graphql", json=query, headers=GQL)
        assert second.status_code == 429
        body = second.json()
        assert "data" not in body
        (error,) = body["errors"]
        assert error["extensions"]["code"] == "RATE_LIMITED"
        # A refusal is charged the minimum too (10 points).
        assert error["extensions"]["remaining"] == 39
        assert int(second.headers["retry-after"]) == error["extensions"]["retryAfter"] >= 1200
        assert second.headers["ratelimit"].startswith('"cost";r=39;')


async def test_a_cheap_query_still_runs_when_an_expensive_one_would_not():
    settings = make_settings(rate_limit_budget=70, rate_limit_refill_per_second=0.01)
    async with running_app(settings) as (_app, client):
        await client.post("/graphql", json={"query": "{ countries { nodes { code } } }"})
        cheap = await client.post("/graphql", json={"query": '{ country(code: "KR") { name } }'})
        assert cheap.json()["data"] == {"country": {"name": "South Korea"}}


async def test_a_known_token_has_a_budget_of_its_own_and_an_unknown_one_does_not():
    settings = make_settings(
        rate_limit_budget=60, rate_limit_refill_per_second=0.01, api_tokens=["team-a-token"]
    )
    query = {"query": "{ countries { nodes { code } } }"}
    async with running_app(settings) as (_app, client):
        await client.post("/graphql", json=query)
        assert (await client.post("/graphql", json=query)).status_code == 429
        invented = {"authorization": "Bearer made-up-token"}
        assert (await client.post("/graphql", json=query, headers=invented)).status_code == 429
        known = {"authorization": "Bearer team-a-token"}
        assert (await client.post("/graphql", json=query, headers=known)).status_code == 200


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_budget_refills_at_its_rate_up_to_its_capacity():
    clock = FakeClock()
    budgets = Budgets(capacity=100, refill_per_second=10, clock=clock)
    assert budgets.take("a", 80).remaining == 20
    refused = budgets.take("a", 50)
    assert (refused.allowed, refused.remaining, refused.retry_after) == (False, 20, 3)
    clock.now += 3
    assert budgets.take("a", 50).remaining == 0
    clock.now += 3600
    assert budgets.take("a", 0).remaining == 100


def test_settling_refunds_what_a_query_did_not_use():
    budgets = Budgets(capacity=100, refill_per_second=1, clock=FakeClock())
    budgets.take("a", 60)
    assert budgets.settle("a", taken=60, actual=5) == 95
    assert budgets.settle("a", taken=0, actual=500) == 0


def test_clients_have_separate_budgets_and_forgotten_ones_start_full():
    budgets = Budgets(capacity=10, refill_per_second=1, clock=FakeClock(), max_clients=2)
    budgets.take("a", 10)
    assert budgets.take("b", 10).allowed
    budgets.take("c", 1)  # "a" is now the least recently seen of three: forgotten
    assert budgets.take("a", 10).allowed


def test_the_ratelimit_headers_follow_the_ietf_draft():
    budgets = Budgets(capacity=1000, refill_per_second=50, clock=FakeClock())
    assert budgets.headers(400) == {
        "RateLimit-Policy": '"cost";q=1000;w=20',
        "RateLimit": '"cost";r=400;t=12',
    }


async def test_a_request_that_fails_validation_is_charged_the_minimum():
    settings = make_settings(rate_limit_budget=100, rate_limit_refill_per_second=0.01)
    async with running_app(settings) as (_app, client):
        await client.post("/graphql", json={"query": "{ nope }"})
        await client.post(
            "/graphql", content=b"not json", headers={"content-type": "application/json"}
        )
        response = await client.post(
            "/graphql", json={"query": '{ search(query: "zzzz") { matched } }'}
        )
        # Two refusals at 10 points each, then an empty answer charged the minimum (10).
        assert response.json()["extensions"]["cost"]["remaining"] == 70
        assert response.json()["extensions"]["cost"]["actual"] == 0


async def test_a_client_whose_budget_cannot_pay_the_minimum_is_refused_before_its_body_is_read():
    settings = make_settings(rate_limit_budget=25, rate_limit_refill_per_second=0.01)
    async with running_app(settings) as (_app, client):
        for _ in range(2):
            await client.post("/graphql", json={"query": "{ nope }"})
        response = await client.post("/graphql", content=b"not even json", headers=GQL)
        assert response.status_code == 429
        assert response.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        assert int(response.headers["retry-after"]) >= 1


async def test_a_client_may_have_only_so_many_requests_in_flight(monkeypatch):
    from store.repository import graph

    release = asyncio.Event()

    async def held(*args, **kwargs):
        await release.wait()
        return []

    settings = make_settings(max_concurrent_requests_per_client=2, response_cache_bytes=0)
    async with running_app(settings) as (_app, client):
        monkeypatch.setattr(graph, "search_by_key_prefix", held)
        query = {"query": '{ search(query: "nato") { matched } }'}
        slow = [asyncio.create_task(client.post("/graphql", json=query)) for _ in range(2)]
        await asyncio.sleep(0.2)
        third = await client.post("/graphql", json=query, headers=GQL)
        other = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"authorization": "Bearer t"}
        )
        release.set()
        answered = await asyncio.gather(*slow)
        monkeypatch.undo()
        after = await client.post("/graphql", json={"query": "{ __typename }"})
    assert third.status_code == 429
    assert third.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    assert "2 requests in flight" in third.json()["errors"][0]["message"]
    assert [r.status_code for r in answered] == [200, 200]
    assert after.status_code == 200
    assert other.status_code == 429  # an unknown token is the same client (its IP)


def test_a_query_over_the_maximum_is_refused_charged_the_minimum_and_reported_in_full():
    budgets = Budgets(capacity=100, refill_per_second=2, clock=FakeClock())

    report, refusal = charge(budgets, "a", requested=60, maximum=50, minimum=10)

    assert report.as_extension() == {
        "requested": 60,
        "actual": 0,
        "maximum": 50,
        "remaining": 90,
        "capacity": 100,
        "refillPerSecond": 2,
        "minimum": 10,
    }
    assert refusal.error.message == (
        "This query may cost 60 points; the maximum is 50. Ask for smaller pages (`first`) or "
        "fewer nested lists."
    )
    assert refusal.error.graphql_extensions() == {
        "code": "QUERY_TOO_EXPENSIVE",
        "cost": 60,
        "maximum": 50,
    }
    assert (refusal.status, refusal.headers) == (None, budgets.headers(90))
    # The minimum came out of this client's budget, not another's.
    assert (budgets.take("a", 0).remaining, budgets.take("b", 0).remaining) == (90, 100)


def test_a_query_over_the_budget_is_refused_with_when_to_retry():
    budgets = Budgets(capacity=100, refill_per_second=2, clock=FakeClock())

    paid, none = charge(budgets, "a", requested=40, maximum=1000, minimum=10)
    report, refusal = charge(budgets, "a", requested=80, maximum=1000, minimum=10)

    assert none is None and (paid.requested, paid.actual, paid.remaining) == (40, 40, 60)
    # Refused: the minimum is still charged (60 - 10 = 50 remain), and 30 points more take 15 s.
    assert (report.requested, report.actual, report.remaining) == (80, 0, 50)
    assert refusal.status == 429
    assert refusal.error.message == (
        "This query costs 80 points and 50 remain in your budget; it refills at 2 points a "
        "second. Retry in 15 s."
    )
    assert refusal.error.graphql_extensions() == {
        "code": "RATE_LIMITED",
        "cost": 80,
        "remaining": 50,
        "retryAfter": 15,
    }
    assert refusal.headers == {**budgets.headers(50), "Retry-After": "15"}


async def test_a_document_of_several_operations_is_priced_and_settled_by_the_one_that_runs():
    # Introspection is charged at its price, not by the objects it returns: settling by the
    # wrong operation of the document would count the schema's objects instead.
    plain = "query Plain { countries(first: 6) { nodes { code } } }"
    schema = "query Schema { __schema { queryType { name } } }"
    settings = make_settings(
        rate_limit_budget=10**6, rate_limit_refill_per_second=10**3, response_cache_bytes=0
    )
    async with running_app(settings) as (_app, client):

        async def cost(query: str, operation: str | None) -> dict:
            body = {"query": query, "operationName": operation}
            return (await client.post("/graphql", json=body)).json()["extensions"]["cost"]

        alone = {name: await cost(q, None) for name, q in (("Plain", plain), ("Schema", schema))}
        for first, second in ((plain, schema), (schema, plain)):
            for name in ("Plain", "Schema"):
                both = await cost(f"{first} {second}", name)
                assert (both["requested"], both["actual"]) == (
                    alone[name]["requested"],
                    alone[name]["actual"],
                ), (first, name)
    assert alone["Schema"]["actual"] == INTROSPECTION_COST


async def test_a_page_size_given_as_a_variable_is_priced_like_a_literal():
    settings = make_settings(rate_limit_budget=10**6, rate_limit_refill_per_second=10**3)
    async with running_app(settings) as (_app, client):
        literal = await client.post(
            "/graphql", json={"query": "{ countries(first: 40) { nodes { code } } }"}
        )
        variable = await client.post(
            "/graphql",
            json={
                "query": "query($n: Int!) { countries(first: $n) { nodes { code } } }",
                "variables": {"n": 40},
            },
        )

    priced = literal.json()["extensions"]["cost"]["requested"]
    assert variable.json()["extensions"]["cost"]["requested"] == priced
    assert priced > settings.min_request_cost


async def test_a_query_the_budget_cannot_pay_for_is_refused_with_429_as_it_is_priced():
    # The response cache off: the second request is priced by the schema's cost limit, not
    # answered (and charged) from the cache.
    settings = make_settings(
        rate_limit_budget=100, rate_limit_refill_per_second=0.01, response_cache_bytes=0
    )
    query = {"query": "{ countries { nodes { code } } }"}  # 51 points
    async with running_app(settings) as (_app, client):
        assert (await client.post("/graphql", json=query)).status_code == 200
        second = await client.post("/graphql", json=query, headers=GQL)

    assert second.status_code == 429
    (error,) = second.json()["errors"]
    assert (error["extensions"]["code"], error["extensions"]["remaining"]) == ("RATE_LIMITED", 39)
    assert int(second.headers["retry-after"]) == error["extensions"]["retryAfter"]
    assert second.headers["ratelimit"].startswith('"cost";r=39;')


async def test_a_query_whose_variables_do_not_fit_is_bad_input_not_a_server_error():
    # Such a query is never priced: the cost limit has nothing to report, and must say nothing.
    query = "query($n: Int!) { countries(first: $n) { totalCount } }"
    async with running_app(make_settings()) as (_app, client):
        response = await client.post("/graphql", json={"query": query, "variables": {"n": "x"}})

    assert response.status_code == 200
    (error,) = response.json()["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT"}
    assert error["message"] == (
        "Variable '$n' has invalid value: Int cannot represent non-integer value: 'x'"
    )


def test_a_remembered_client_keeps_what_it_spent():
    budgets = Budgets(capacity=10, refill_per_second=1, clock=FakeClock(), max_clients=2)
    budgets.take("a", 10)
    budgets.take("b", 1)

    assert not budgets.take("a", 10).allowed
    assert budgets.take("b", 0).remaining == 9


def test_a_short_wait_is_one_second():
    budgets = Budgets(capacity=100, refill_per_second=10, clock=FakeClock())
    budgets.take("a", 100)

    refused = budgets.take("a", 5)  # half a second's refill

    assert (refused.allowed, refused.retry_after) == (False, 1)


def test_fragments_add_to_the_fields_beside_them_at_their_page_size():
    sizes = Sizes()
    countries = "{ countries(first: 3) { nodes { code } } }"
    organisations = "{ organisations(first: 4) { nodes { id } } }"
    both = price(countries, sizes) + price(organisations, sizes)
    # Inside a connection, a fragment's `nodes` are as many as the page asks for.
    paged = "{ countries(first: 7) { nodes { code } } }"

    inline = price(f"{countries[:-1]} ... on Query {organisations} }}", sizes)
    spread = price(f"{countries[:-1]} ...O }} fragment O on Query {organisations}", sizes)
    inline_page = price(
        "{ countries(first: 7) { ... on CountryConnection { nodes { code } } } }", sizes
    )
    spread_page = price(
        "{ countries(first: 7) { ...N } } fragment N on CountryConnection { nodes { code } }", sizes
    )

    assert inline == spread == both
    assert inline_page == spread_page == price(paged, sizes) > price(countries, sizes)
