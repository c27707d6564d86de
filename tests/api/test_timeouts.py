"""Timeouts: a request past its deadline is cancelled with a clear error, and every database call
made while answering GraphQL carries a server-side time limit (maxTimeMS): on a server, as the
server received it (PyMongo's command monitoring)."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

import pytest

from api.examples import golden_queries
from store.repository import graph
from tests.support.app import graphql, make_settings, running_app


async def test_a_request_past_its_deadline_is_cancelled_and_answered(monkeypatch):
    cancelled = asyncio.Event()

    async def hang(*args, **kwargs):
        try:
            await asyncio.Event().wait()  # never set: only the deadline ends this
        except asyncio.CancelledError:
            cancelled.set()
            raise

    monkeypatch.setattr(graph, "search_by_key_prefix", hang)
    async with running_app(make_settings(request_deadline_seconds=0.2)) as (_app, client):
        response = await client.post(
            "/graphql",
            json={"query": '{ search(query: "nato") { matched } }'},
            headers={"accept": "application/graphql-response+json", "x-request-id": "slow-1"},
        )
        assert response.status_code == 200
        body = response.json()
        assert body["data"] is None
        (error,) = body["errors"]
        assert error["extensions"] == {
            "code": "DEADLINE_EXCEEDED",
            "deadline": 0.2,
            "requestId": "slow-1",
        }
        assert "deadline of 0.2 s" in error["message"]
        assert cancelled.is_set()
        monkeypatch.undo()
        assert (await client.get("/readyz")).status_code == 200
        assert (await graphql(client, "{ __typename }"))["data"] == {"__typename": "Query"}


async def test_every_database_call_made_for_graphql_carries_a_time_limit(client, database_reads):
    queries = [text for _title, text in golden_queries()]
    queries += [
        '{ search(query: "kim") { node { name } } }',
        '{ countries(where: {nameStartsWith: "kor", memberOf: "nato"}) { totalCount } }',
        '{ officials(where: {country: "KR"}, last: 2) { nodes { name } } }',
        "{ organisations(where: {kind: ALLIANCE}) { nodes { name children { name } } } }",
        '{ meetings(where: {fromDate: "2022-01-01"}) { nodes { name articles { title } } } }',
        "{ articles { nodes { title supports { decisions { summary } } } } }",
        '{ country(code: "KOR") { decisions { summary } bodies { name } meetings { role } } }',
    ]
    for query in queries:
        body = await graphql(client, query)
        assert "errors" not in body, (query, body)
    assert len(database_reads) > 20
    unbounded = [read for read in database_reads if not read.max_time_ms]
    assert unbounded == []


HEAVY = contextvars.ContextVar("heavy", default=False)
NESTED = (
    "{ countries(first: 60) { nodes { officials { name } "
    "memberships { organisation { name } } } } }"
)


def slow_engine(monkeypatch, seconds: float) -> threading.Event:
    """Make each call into the embedded engine made for a request marked HEAVY take `seconds`
    more on the engine's thread; the returned event is set while such a call runs."""
    from store.embedded import EmbeddedClient

    busy = threading.Event()
    original = EmbeddedClient.run

    async def run(self, function, *args, **kwargs):
        if not HEAVY.get():
            return await original(self, function, *args, **kwargs)

        def slow(*a, **k):
            busy.set()
            time.sleep(seconds)  # the engine at work: blocks its thread, not the event loop
            busy.clear()
            return function(*a, **k)

        return await original(self, slow, *args, **kwargs)

    monkeypatch.setattr(EmbeddedClient, "run", run)
    return busy


async def heavy_request(client, query: str):
    HEAVY.set(True)  # this task's context, and so the app's for this request, is marked
    return await client.post("/graphql", json={"query": query})


@pytest.mark.embedded  # slows the embedded store's engine
async def test_the_deadline_answers_while_the_engine_is_still_busy(monkeypatch):
    settings = make_settings(request_deadline_seconds=0.3, response_cache_bytes=0)
    async with running_app(settings) as (_app, client):
        busy = slow_engine(monkeypatch, 1.5)
        heavy = asyncio.create_task(heavy_request(client, NESTED))
        while not busy.is_set():
            await asyncio.sleep(0.01)
        health = await client.get("/healthz")
        health_while_busy = busy.is_set()
        answer = await heavy
        answered_while_busy = busy.is_set()
        while busy.is_set():  # let the engine finish before the app closes
            await asyncio.sleep(0.05)
        monkeypatch.undo()
    assert answer.json()["errors"][0]["extensions"]["code"] == "DEADLINE_EXCEEDED"
    assert answered_while_busy  # the answer did not wait for the engine
    assert health.status_code == 200 and health_while_busy


@pytest.mark.embedded  # slows the embedded store's engine
async def test_another_client_is_answered_while_a_heavy_query_keeps_the_engine_busy(monkeypatch):
    settings = make_settings(request_deadline_seconds=30, response_cache_bytes=0)
    async with running_app(settings) as (_app, client):
        busy = slow_engine(monkeypatch, 0.3)
        heavy = asyncio.create_task(heavy_request(client, NESTED))
        while not busy.is_set():
            await asyncio.sleep(0.01)
        other = await client.post(
            "/graphql",
            json={"query": '{ country(code: "KR") { name } }'},
            headers={"authorization": "Bearer unknown"},
        )
        heavy_still_running = not heavy.done()
        answer = await heavy
        monkeypatch.undo()
    assert other.json()["data"] == {"country": {"name": "South Korea"}}
    assert heavy_still_running  # the engine's calls for both were taken in turn
    assert "errors" not in answer.json()
