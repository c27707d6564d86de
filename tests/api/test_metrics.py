"""/metrics: GraphQL operations by name, errors by code, query cost, HTTP traffic and MongoDB
commands with their latency, in the Prometheus text format."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.metrics import MAX_OPERATION_NAMES, Metrics
from store.repository import graph
from tests.support.app import make_settings, running_app
from tests.support.outage import Outage

KOREA = 'query KoreaName { country(code: "KR") { name } }'
SLOW_SEARCH = 'query SlowSearch { search(query: "nato") { matched } }'


@pytest.fixture
async def fresh() -> AsyncIterator[tuple[Any, httpx.AsyncClient]]:
    """An app of its own, so its counts start at zero."""
    async with running_app(make_settings()) as pair:
        yield pair


async def scrape(client: httpx.AsyncClient) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample /metrics exposes, keyed by (sample name, sorted labels)."""
    response = await client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    }


def labels(**pairs: str) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(pairs.items()))


async def test_metrics_are_served_in_the_prometheus_text_format(client):
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    families = {family.name for family in text_string_to_metric_families(response.text)}
    assert {
        "diplograph_graphql_operations",
        "diplograph_graphql_operation_duration_seconds",
        "diplograph_graphql_errors",
        "diplograph_graphql_query_cost",
        "diplograph_http_requests",
        "diplograph_http_requests_in_progress",
        "diplograph_mongodb_commands",
        "diplograph_mongodb_command_duration_seconds",
        "process_resident_memory_bytes",
    } <= families


async def test_operations_are_counted_and_timed_by_operation_name(fresh):
    _app, client = fresh
    for _ in range(2):
        await client.post("/graphql", json={"query": KOREA})
    await client.post("/graphql", json={"query": "{ __typename }"})

    samples = await scrape(client)
    assert samples[("diplograph_graphql_operations_total", labels(operation="KoreaName"))] == 2
    assert samples[("diplograph_graphql_operations_total", labels(operation="anonymous"))] == 1
    count = ("diplograph_graphql_operation_duration_seconds_count", labels(operation="KoreaName"))
    assert samples[count] == 2


async def test_answers_from_the_response_cache_are_counted_with_their_cost(fresh):
    app, client = fresh
    hits = app.state.response_cache.hits
    first = await client.post("/graphql", json={"query": KOREA})
    await client.post("/graphql", json={"query": KOREA})
    assert app.state.response_cache.hits == hits + 1  # the second answer skipped Strawberry

    samples = await scrape(client)
    assert samples[("diplograph_graphql_operations_total", labels(operation="KoreaName"))] == 2
    requested = first.json()["extensions"]["cost"]["requested"]
    cost = ("diplograph_graphql_query_cost_sum", labels(operation="KoreaName", kind="requested"))
    assert samples[cost] == 2 * requested


async def test_errors_are_counted_by_their_code(outage: Outage):
    client = outage.client
    await client.post("/graphql", json={"query": '{ country(code: "ZZ") { name } }'})
    await client.post("/graphql", json={"query": "{ noSuchField }"})
    await client.post("/graphql", json={"query": "{ country(code: "})
    outage.begin()
    await client.post("/graphql", json={"query": KOREA})
    outage.end()

    samples = await scrape(client)
    for code in (
        "NOT_FOUND",
        "GRAPHQL_VALIDATION_FAILED",
        "GRAPHQL_PARSE_FAILED",
        "DATABASE_UNAVAILABLE",
    ):
        assert samples[("diplograph_graphql_errors_total", labels(code=code))] == 1, code


async def test_an_operation_cut_by_the_request_deadline_is_counted_with_its_code(monkeypatch):
    async def hang(*args, **kwargs):
        await asyncio.Event().wait()  # only the deadline ends this

    monkeypatch.setattr(graph, "search_by_key_prefix", hang)
    async with running_app(make_settings(request_deadline_seconds=0.2)) as (_app, client):
        response = await client.post("/graphql", json={"query": SLOW_SEARCH})
        assert response.json()["errors"][0]["extensions"]["code"] == "DEADLINE_EXCEEDED"
        samples = await scrape(client)

    assert samples[("diplograph_graphql_errors_total", labels(code="DEADLINE_EXCEEDED"))] == 1
    assert samples[("diplograph_graphql_operations_total", labels(operation="SlowSearch"))] == 1


async def test_http_requests_are_counted_by_route_and_status(outage: Outage):
    client = outage.client
    await client.get("/healthz")
    await client.get("/no-such-page")
    outage.begin()
    await client.post("/graphql", json={"query": KOREA})
    outage.end()

    samples = await scrape(client)
    requests = "diplograph_http_requests_total"
    assert samples[(requests, labels(route="/healthz", status="200"))] == 1
    assert samples[(requests, labels(route="other", status="404"))] == 1
    assert samples[(requests, labels(route="/graphql", status="503"))] == 1


async def test_database_commands_are_counted_by_outcome_with_their_latency(outage: Outage):
    # From PyMongo's command monitoring on a server, from the adapter on the embedded store.
    client = outage.client
    outage.begin()
    await client.post("/graphql", json={"query": KOREA})
    outage.end()
    await client.post("/graphql", json={"query": KOREA})

    samples = await scrape(client)
    commands = "diplograph_mongodb_commands_total"
    assert samples[(commands, labels(command="find", collection="countries", outcome="ok"))] >= 1
    assert samples[(commands, labels(command="ping", collection="", outcome="ok"))] >= 1
    # The first read a query makes is the response cache's data version, in `meta`.
    assert samples[(commands, labels(command="find", collection="meta", outcome="failed"))] >= 1
    assert samples[("diplograph_mongodb_command_duration_seconds_count", labels(command="find"))]


async def test_query_cost_from_the_cost_limiter_is_observed(fresh):
    _app, client = fresh
    response = await client.post("/graphql", json={"query": KOREA})
    cost = response.json()["extensions"]["cost"]

    samples = await scrape(client)
    sums = "diplograph_graphql_query_cost_sum"
    assert samples[(sums, labels(operation="KoreaName", kind="requested"))] == cost["requested"]
    assert samples[(sums, labels(operation="KoreaName", kind="actual"))] == cost["actual"]
    count = ("diplograph_graphql_query_cost_count", labels(operation="KoreaName", kind="actual"))
    assert samples[count] == 1


def test_clients_cannot_grow_the_operation_label_set_without_bound():
    metrics = Metrics()
    seen = {metrics.operation_label(f"Operation{n}") for n in range(MAX_OPERATION_NAMES + 50)}
    assert len(seen) == MAX_OPERATION_NAMES + 1
    assert "other" in seen
    assert Metrics().operation_label("not a GraphQL name; DROP") == "other"
    assert Metrics().operation_label(None) == "anonymous"


async def test_metrics_can_be_turned_off():
    async with running_app(make_settings(metrics=False)) as (_app, client):
        assert (await client.get("/metrics")).status_code == 404


async def test_metrics_behind_a_token_need_it():
    async with running_app(make_settings(metrics_token="m3trics")) as (_app, client):
        assert (await client.get("/metrics")).status_code == 401
        wrong = {"authorization": "Bearer nope"}
        assert (await client.get("/metrics", headers=wrong)).status_code == 401
        right = {"authorization": "Bearer m3trics"}
        response = await client.get("/metrics", headers=right)
        assert response.status_code == 200
        assert "diplograph_" in response.text
