"""Timeouts: a request past its deadline is cancelled with a clear error, and every database call
made while answering GraphQL carries a server-side time limit (maxTimeMS): on a server, as the
server received it (PyMongo's command monitoring)."""

from __future__ import annotations

import asyncio

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
