"""The response cache answers repeated queries without the database work, never stale, within its
memory bound; automatic persisted queries let clients send a hash instead of the document."""

from __future__ import annotations

import asyncio
import hashlib

import orjson

from api.response_cache import ResponseCache, cache_key
from seeds.loader import collect_articles, load
from tests.support.app import graphql, make_settings, running_app
from tests.support.seeds import NAC_OFFICIALS, second_article


async def commands_for(app, client, query: str) -> tuple[dict, int]:
    app.state.store.commands.reset()
    body = await graphql(client, query)
    return body, app.state.store.commands.total


async def test_a_repeated_query_is_answered_from_the_cache_with_one_version_read():
    async with running_app(make_settings()) as (app, client):
        first, first_commands = await commands_for(app, client, NAC_OFFICIALS)
        second, second_commands = await commands_for(app, client, NAC_OFFICIALS)
        assert second["data"] == first["data"]
        assert first_commands > 1
        assert second_commands == 1  # the data version, nothing else
        assert app.state.response_cache.hits == 1


async def test_the_same_query_spaced_differently_shares_an_entry():
    async with running_app(make_settings()) as (app, client):
        await graphql(client, NAC_OFFICIALS)
        _, commands = await commands_for(app, client, " ".join(NAC_OFFICIALS.split()))
        assert commands == 1


async def test_a_write_makes_cached_answers_unreachable_at_once(tmp_path):
    async with running_app(make_settings()) as (app, client):
        before = await graphql(client, NAC_OFFICIALS)
        assert before["data"]["meeting"]["participants"]["totalCount"] == 1
        await load(app.state.store, collect_articles([second_article(tmp_path)]))
        after = await graphql(client, NAC_OFFICIALS)
        names = {
            n["participant"]["name"] for n in after["data"]["meeting"]["participants"]["nodes"]
        }
        assert names == {"Kim Gunn", "Ana Testa"}


async def test_a_write_through_one_replica_is_seen_by_another_sharing_the_database(tmp_path):
    # Two apps, one database: as two API replicas (or workers) in front of one MongoDB. The
    # embedded store lives in one process, so the replicas here are two apps in this process.
    async with (
        running_app(make_settings()) as (first_app, first),
        running_app(make_settings(seed_on_startup=False)) as (second_app, second),
    ):
        own_store, second_app.state.store = second_app.state.store, first_app.state.store
        try:
            for client in (first, second):
                body = await graphql(client, NAC_OFFICIALS)
                assert body["data"]["meeting"]["participants"]["totalCount"] == 1
            await load(first_app.state.store, collect_articles([second_article(tmp_path)]))
            for client in (second, first):
                body = await graphql(client, NAC_OFFICIALS)
                assert body["data"]["meeting"]["participants"]["totalCount"] == 2
        finally:
            second_app.state.store = own_store


async def test_answers_with_errors_are_not_cached():
    async with running_app(make_settings()) as (app, client):
        query = '{ official(id: "nobody") { name } }'
        await graphql(client, query)
        body, commands = await commands_for(app, client, query)
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        assert commands > 1
        assert app.state.response_cache.hits == 0


async def test_a_cached_answer_is_still_charged_to_the_budget():
    # A budget that barely refills: the points regained between the two requests would
    # otherwise depend on how fast the machine and the database answer.
    settings = make_settings(rate_limit_refill_per_second=0.001, min_request_cost=1)
    async with running_app(settings) as (app, client):
        first = await graphql(client, NAC_OFFICIALS)
        second = await graphql(client, NAC_OFFICIALS)
        assert app.state.response_cache.hits == 1
        spent = first["extensions"]["cost"]["remaining"] - second["extensions"]["cost"]["remaining"]
        assert spent == second["extensions"]["cost"]["actual"] > 1


async def test_a_cached_answer_smaller_than_the_minimum_is_charged_the_minimum():
    settings = make_settings(rate_limit_refill_per_second=0.001, min_request_cost=50)
    async with running_app(settings) as (_app, client):
        first = await graphql(client, NAC_OFFICIALS)
        second = await graphql(client, NAC_OFFICIALS)
        spent = first["extensions"]["cost"]["remaining"] - second["extensions"]["cost"]["remaining"]
        assert second["extensions"]["cost"]["actual"] < 50
        assert spent == 50


def test_the_cache_stays_within_its_memory_bound():
    cache = ResponseCache(max_bytes=2_000)
    for number in range(100):
        cache.put(cache_key("{ a }", {"n": number}, None, "public", 1), {"n": "x" * 100})
    assert cache.size <= 2_000
    assert cache.get(cache_key("{ a }", {"n": 99}, None, "public", 1)) is not None
    assert cache.get(cache_key("{ a }", {"n": 0}, None, "public", 1)) is None


async def test_the_cache_can_be_turned_off():
    async with running_app(make_settings(response_cache_bytes=0)) as (app, client):
        await graphql(client, NAC_OFFICIALS)
        _, commands = await commands_for(app, client, NAC_OFFICIALS)
        assert commands > 1


# --- automatic persisted queries ------------------------------------------------------------


def persisted(query: str | None, digest: str) -> dict:
    body: dict = {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}
    if query is not None:
        body["query"] = query
    return body


async def test_apq_asks_for_an_unknown_hash_then_runs_it_by_hash_alone():
    digest = hashlib.sha256(NAC_OFFICIALS.encode()).hexdigest()
    async with running_app(make_settings()) as (_app, client):
        unknown = await client.post("/graphql", json=persisted(None, digest))
        assert unknown.status_code == 200
        (error,) = unknown.json()["errors"]
        assert error["message"] == "PersistedQueryNotFound"
        assert error["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

        registered = await client.post("/graphql", json=persisted(NAC_OFFICIALS, digest))
        by_hash = await client.post("/graphql", json=persisted(None, digest))
        assert by_hash.json()["data"] == registered.json()["data"]
        assert by_hash.json()["data"]["meeting"]["participants"]["totalCount"] == 1

        extensions = orjson.dumps(persisted(None, digest)["extensions"]).decode()
        over_get = await client.get("/graphql", params={"extensions": extensions})
        assert over_get.json()["data"] == registered.json()["data"]


async def test_apq_refuses_a_hash_that_does_not_match_the_query():
    async with running_app(make_settings()) as (_app, client):
        response = await client.post("/graphql", json=persisted("{ __typename }", "0" * 64))
        assert response.status_code == 400
        assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"


async def test_apq_turned_off_says_so():
    async with running_app(make_settings(persisted_queries=0)) as (_app, client):
        response = await client.post("/graphql", json=persisted(None, "a" * 64))
        assert response.json()["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_SUPPORTED"


def test_the_cache_holds_encoded_bytes_and_never_more_than_its_bound():
    cache = ResponseCache(max_bytes=50_000)
    for number in range(300):
        cache.put(str(number), {"n": number, "items": [{"name": "x" * 50}] * 10})
    assert cache.size <= 50_000
    assert cache.encoded_bytes() <= cache.size
    entry = cache.get("299")
    assert isinstance(entry.body, bytes)
    assert entry.data == {"n": 299, "items": [{"name": "x" * 50}] * 10}


async def test_identical_concurrent_misses_are_executed_once(monkeypatch):
    from store.repository import graph

    started = 0
    release = asyncio.Event()
    original = graph.documents_by_ids

    async def slow(*args, **kwargs):
        nonlocal started
        started += 1
        await release.wait()
        return await original(*args, **kwargs)

    async with running_app(make_settings()) as (_app, client):
        monkeypatch.setattr(graph, "documents_by_ids", slow)
        query = '{ official(id: "kim-gunn") { name } }'
        requests = [asyncio.create_task(graphql(client, query)) for _ in range(4)]
        while started == 0:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.1)  # time for the other three to arrive and wait
        release.set()
        answers = await asyncio.gather(*requests)
        monkeypatch.undo()
    assert started == 1
    assert all(answer["data"] == {"official": {"name": "Kim Gunn"}} for answer in answers)
    # Each is charged as a cache hit would be.
    assert all("cost" in answer["extensions"] for answer in answers)
