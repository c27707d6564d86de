"""The bench's peers answer like diplograph, so its equality check is tested without running it.

The limit (hand-written endpoints) and the naive peer (tutorial-style schema) are called
in-process on the session's seeded store, for every golden query; their `data` must equal
diplograph's as canonical JSON, exactly as `python -m bench.run` checks it over HTTP.
"""

from __future__ import annotations

import httpx
import pytest
from graphql import GraphQLEnumType, GraphQLInterfaceType, GraphQLObjectType

from api.graphql_schema import build_schema
from bench.limit_app import create_limit_app
from bench.load import percentile
from bench.naive_app import create_naive_app
from bench.naive_schema import naive_schema
from bench.targets import answer_data, canonical, golden_queries, request_for

QUERIES = golden_queries()


@pytest.fixture(scope="module")
async def peers(app):
    """In-process clients for the limit and the naive peer, on diplograph's seeded store."""
    clients = {}
    for target, factory in (("limit", create_limit_app), ("naive", create_naive_app)):
        peer = factory()
        peer.state.store = app.state.store
        clients[target] = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=peer), base_url="http://bench.test"
        )
    yield clients
    for client in clients.values():
        await client.aclose()


async def ask(client: httpx.AsyncClient, target: str, query) -> bytes:
    request = request_for(target, query)
    response = await client.request(
        request.method,
        request.path,
        content=request.body or None,
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 200, response.text[:300]
    return canonical(answer_data(response.content))


def test_there_are_ten_golden_queries():
    assert len(QUERIES) == 10


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
async def test_the_limit_answers_each_golden_query_like_diplograph(client, peers, query):
    expected = await ask(client, "graphql", query)
    assert await ask(peers["limit"], "limit", query) == expected


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
async def test_the_naive_peer_answers_each_golden_query_like_diplograph(client, peers, query):
    expected = await ask(client, "graphql", query)
    assert await ask(peers["naive"], "naive", query) == expected


def test_the_naive_schema_is_a_subset_of_diplographs_schema():
    real = build_schema()._schema.type_map
    for name, naive_type in naive_schema._schema.type_map.items():
        if name.startswith("__"):
            continue
        assert name in real, f"type {name} is not in diplograph's schema"
        if isinstance(naive_type, GraphQLObjectType | GraphQLInterfaceType):
            for field_name, field in naive_type.fields.items():
                real_field = real[name].fields.get(field_name)
                assert real_field is not None, f"{name}.{field_name} is not in diplograph's"
                assert str(field.type) == str(real_field.type), f"{name}.{field_name}"
                for argument, value in field.args.items():
                    assert str(value.type) == str(real_field.args[argument].type)
        if isinstance(naive_type, GraphQLEnumType):
            assert set(naive_type.values) <= set(real[name].values)


def test_canonical_json_ignores_key_order_but_not_values_or_list_order():
    assert canonical({"a": 1, "b": [1, 2]}) == canonical({"b": [1, 2], "a": 1})
    assert canonical({"a": 1}) != canonical({"a": 2})
    assert canonical({"b": [1, 2]}) != canonical({"b": [2, 1]})


def test_an_answer_with_errors_is_not_an_answer():
    with pytest.raises(Exception, match="not a clean answer"):
        answer_data(b'{"data": null, "errors": [{"message": "boom"}]}')


def test_percentiles_are_nearest_rank():
    latencies = [float(n) for n in range(1, 101)]
    assert percentile(latencies, 0.50) == 50.0
    assert percentile(latencies, 0.99) == 99.0
    assert percentile([], 0.99) == 0.0


async def test_the_profiler_answers_the_nac_plus_4_query_under_its_settings(tmp_path):
    from bench.profile import profile_query

    summary = await profile_query("01-nac-plus-4-attendees", 5, tmp_path)
    assert summary["requests"] == 5
