"""The cost limit at its edges: a query that costs exactly the maximum runs, one point more does
not; a query that returns less than it asked for is refunded the difference, from Strawberry and
from the response cache alike. Each test has an app (and so budgets) of its own."""

from __future__ import annotations

from graphql import parse

from api.cost import MUTATION_COST, actual_cost, requested_cost
from api.graphql_schema import build_schema
from store.repository.sizes import Sizes
from tests.support.app import make_settings, running_app

PAGE = "{ countries(first: 20) { nodes { code } } }"  # 20 objects and the list: 21 points
FEW = '{ countries(first: 50, where: {codes: ["FI", "JP", "KR"]}) { nodes { code } } }'


async def test_a_query_that_costs_exactly_the_maximum_runs():
    async with running_app(make_settings(max_query_cost=21)) as (_app, client):
        response = await client.post("/graphql", json={"query": PAGE})

        body = response.json()
        assert "errors" not in body, body["errors"]
        assert len(body["data"]["countries"]["nodes"]) == 20
        assert body["extensions"]["cost"]["requested"] == 21


async def test_a_query_one_point_over_the_maximum_is_refused():
    async with running_app(make_settings(max_query_cost=20)) as (_app, client):
        response = await client.post("/graphql", json={"query": PAGE})

        (error,) = response.json()["errors"]
        assert error["extensions"] == {"code": "QUERY_TOO_EXPENSIVE", "cost": 21, "maximum": 20}


async def test_what_a_query_did_not_use_is_refunded_and_a_cached_answer_is_charged_the_same():
    settings = make_settings(
        rate_limit_budget=1000, rate_limit_refill_per_second=0.0001, min_request_cost=1
    )
    async with running_app(settings) as (_app, client):
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


# --- the model, unit by unit ----------------------------------------------------------------------

SCHEMA = build_schema(make_settings())._schema
SIZES = Sizes(groups={("officials", "country_id"): 7})


def priced(query: str, operation: str | None = None, variables: dict | None = None) -> int | None:
    return requested_cost(SCHEMA, parse(query), operation, variables, SIZES)


def test_the_operation_named_is_the_one_priced():
    document = "query A { countries(first: 2) { nodes { code } } } query B { __typename }"

    assert priced(document, "A") == 3
    assert priced(document, "B") == 0
    assert priced(document) is None  # which one runs is not known
    assert priced(document, "C") is None


def test_variables_that_do_not_fit_their_types_leave_the_query_unpriced():
    query = "query ($n: Int!) { countries(first: $n) { nodes { code } } }"

    assert priced(query, variables={"n": 4}) == 5
    assert priced(query, variables={"n": "four"}) is None
    assert priced(query, variables={}) is None


def test_page_sizes_are_clamped_to_the_page_range():
    assert priced("{ countries(first: -5) { nodes { code } } }") == 1
    assert priced('{ nodes(ids: ["x"]) { id } }') == 1
    ids = ", ".join(f'"{n}"' for n in range(150))
    assert priced(f"{{ nodes(ids: [{ids}]) {{ id }} }}") == 100


def test_a_mutation_costs_a_fixed_charge_per_root_field_besides_its_answer():
    query = 'mutation { removeArticle(id: "x") { ok } }'

    assert priced(query) == MUTATION_COST + 1
    two = 'mutation { a: removeArticle(id: "x") { ok } b: removeArticle(id: "y") { ok } }'
    assert priced(two) == 2 * (MUTATION_COST + 1)


def test_an_inline_fragment_without_a_type_is_priced_on_the_type_around_it():
    plain = "{ countries(first: 2) { nodes { code } } }"

    assert priced("{ ... { countries(first: 2) { nodes { code } } } }") == priced(plain) > 1


def test_typed_inline_fragments_are_priced_on_their_type():
    query = '{ country(code: "KR") { ... on Country { officials { name } } } }'

    assert priced(query) == 1 + 7


def test_the_actual_cost_counts_the_objects_a_response_holds():
    operation = parse("{ a b __schema { x } t: __type { y } }").definitions[0]

    assert actual_cost({"a": {"b": [{"c": 1}, {"c": 2}]}, "n": None}, None) == 3
    assert actual_cost({"a": [[{"x": 1}], [{"y": 2}, {"z": 3}]]}, None) == 3
    assert actual_cost({"__schema": {"types": [{}, {}]}, "t": {"k": {}}}, operation) == 2
    assert actual_cost({"__schema": None, "a": {}}, operation) == 1
    assert actual_cost(None, None) == 0
    assert actual_cost([{"a": 1}], None) == 0


async def test_a_document_of_two_operations_is_priced_and_refunded_by_the_one_it_runs():
    document = f"query Page {PAGE} query Few {FEW[1:-1].join('{}')}"
    settings = make_settings(
        rate_limit_budget=1000, rate_limit_refill_per_second=0.0001, min_request_cost=1
    )
    async with running_app(settings) as (_app, client):
        few = await client.post("/graphql", json={"query": document, "operationName": "Few"})
        page = await client.post("/graphql", json={"query": document, "operationName": "Page"})

    few_cost, page_cost = few.json()["extensions"]["cost"], page.json()["extensions"]["cost"]
    assert (few_cost["requested"], few_cost["actual"]) == (51, 4)
    assert (page_cost["requested"], page_cost["actual"]) == (21, 21)
    assert page_cost["remaining"] == 1000 - 4 - 21


async def test_a_refused_query_is_charged_the_least_a_request_costs_and_says_what_remains():
    settings = make_settings(max_query_cost=20, rate_limit_refill_per_second=0.0001)
    async with running_app(settings) as (_app, client):
        response = await client.post("/graphql", json={"query": PAGE})

    cost = response.json()["extensions"]["cost"]
    assert (cost["requested"], cost["actual"], cost["maximum"]) == (21, 0, 20)
    assert settings.min_request_cost > 0
    assert cost["remaining"] == settings.rate_limit_budget - settings.min_request_cost
