"""Live updates: `graphChanged` over graphql-transport-ws with a real WebSocket client, and the
change feed that carries another process's writes (polling the data version)."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
import websockets
from strawberry.relay.utils import to_base64

import api.app
from api.changes import ChangeHub, changes_from_entries, choose_feed
from store.connection import Store, create_store, replicated
from tests.support.app import drop_test_database, running_app
from tests.support.server import running_server
from tests.support.writes import (
    EDITOR,
    LOAD,
    READER_TOKEN,
    bundle_input,
    person_article,
    write,
    writer_settings,
)

SUBPROTOCOL = "graphql-transport-ws"
ANA = to_base64("Official", "ana-testa")
KIM = to_base64("Official", "kim-gunn")
SUBSCRIBE = "subscription($ids: [ID!]) { graphChanged(ids: $ids) { dataVersion operation ids } }"


async def connect(url: str, payload: dict[str, Any] | None = None) -> Any:
    socket = await websockets.connect(url, subprotocols=[SUBPROTOCOL])
    await socket.send(json.dumps({"type": "connection_init", "payload": payload or {}}))
    return socket


async def subscribe(socket: Any, variables: dict[str, Any] | None = None) -> None:
    assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "connection_ack"}
    message = {"query": SUBSCRIBE, "variables": variables or {}}
    await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": message}))


async def next_message(socket: Any) -> dict[str, Any]:
    return json.loads(await asyncio.wait_for(socket.recv(), 10))


def post(server, query: str, variables: dict) -> dict:
    import httpx

    response = httpx.post(
        f"{server.url}/graphql",
        json={"query": query, "variables": variables},
        headers=EDITOR,
        timeout=30,
    )
    return response.json()


async def test_a_subscriber_hears_of_each_committed_write_with_the_nodes_it_touched(tmp_path):
    with running_server(tmp_path / "data", tmp_path) as server:
        ws = server.url.replace("http", "ws") + "/graphql"
        everything = await connect(ws)
        only_kim = await connect(ws)
        await subscribe(everything)
        await subscribe(only_kim, {"ids": [KIM]})
        await asyncio.sleep(0.2)  # the subscriptions are registered once the server reads them

        loaded = await asyncio.to_thread(
            post, server, LOAD, {"input": bundle_input(person_article(tmp_path, 1))}
        )

        event = await next_message(everything)
        assert event["type"] == "next" and event["id"] == "1", event
        change = event["payload"]["data"]["graphChanged"]
        assert change["operation"] == "loadArticle"
        assert change["dataVersion"] == loaded["data"]["loadArticle"]["dataVersion"]
        assert ANA in change["ids"]
        assert set(change["ids"]) == set(loaded["data"]["loadArticle"]["touched"])
        with pytest.raises(TimeoutError):  # the write did not touch Kim Gunn
            await asyncio.wait_for(only_kim.recv(), 0.5)
        update = {"id": "kim-gunn", "aliases": ["Gunn Kim"], "evidence": {"url": "https://e.org"}}
        await asyncio.to_thread(
            post,
            server,
            "mutation($input: UpdateEntityInput!) { updateEntity(input: $input) { ok } }",
            {"input": update},
        )
        kim_event = await next_message(only_kim)
        assert KIM in kim_event["payload"]["data"]["graphChanged"]["ids"]
        await everything.close()
        await only_kim.close()


async def test_a_subscription_with_an_id_that_is_not_one_is_an_error_not_a_stream(tmp_path):
    with running_server(tmp_path / "data", tmp_path) as server:
        socket = await connect(server.url.replace("http", "ws") + "/graphql")
        assert json.loads(await asyncio.wait_for(socket.recv(), 10)) == {"type": "connection_ack"}
        for number, payload in enumerate(('{"$ne": null}', "$where", "\x00", "T2ZmaWNpYWw=")):
            message = {"query": SUBSCRIBE, "variables": {"ids": [payload]}}
            await socket.send(
                json.dumps({"id": str(number), "type": "subscribe", "payload": message})
            )

            answer = await next_message(socket)

            assert answer["type"] == "error", answer
            assert answer["id"] == str(number)
        await socket.close()


async def test_when_reads_need_a_token_a_subscription_needs_one_too(tmp_path):
    with running_server(
        tmp_path / "data", tmp_path, DIPLOGRAPH_READ_REQUIRES_TOKEN="true"
    ) as server:
        url = server.url.replace("http", "ws") + "/graphql"
        anonymous = await connect(url)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(anonymous.recv(), 10)
        assert closed.value.rcvd.code == 4403
        reader = await connect(url, {"Authorization": f"Bearer {READER_TOKEN}"})
        assert json.loads(await asyncio.wait_for(reader.recv(), 10)) == {"type": "connection_ack"}
        await reader.close()


async def test_a_write_through_one_app_reaches_the_subscribers_of_another_by_polling(
    tmp_path, monkeypatch
):
    # Two apps on one store, as two processes on one MongoDB: the second hears of the first's
    # writes only through its change feed, which polls the data version.
    settings = writer_settings()
    shared = create_store(settings.store_config)
    monkeypatch.setattr(api.app, "create_store", lambda _config: shared)
    polling = writer_settings(change_feed="poll", change_poll_seconds=0.05)
    try:
        async with (
            running_app(writer_settings()) as (_first, writer_client),
            running_app(polling) as (second, _reader_client),
        ):
            assert second.state.feed.kind == "poll"
            async with second.state.changes.subscription() as heard:
                body = await write(
                    writer_client, LOAD, {"input": bundle_input(person_article(tmp_path, 2))}
                )
                change = await asyncio.wait_for(heard.get(), 5)
            assert change.version == body["data"]["loadArticle"]["dataVersion"]
            assert "Official:ana-testa" in change.nodes
            assert change.operation == "loadArticle"
    finally:
        drop_test_database(settings.mongodb_uri, settings.mongodb_database)


def test_the_feed_is_chosen_from_what_the_server_can_do():
    embedded = Store(client=None, db=None, embedded=True, timeout_ms=1)
    standalone = Store(client=None, db=None, embedded=False, timeout_ms=1)
    replica_set = Store(client=None, db=None, embedded=False, timeout_ms=1, change_streams=True)

    assert choose_feed("auto", embedded) == "local"
    assert choose_feed("auto", standalone) == "poll"
    assert choose_feed("auto", replica_set) == "stream"
    assert choose_feed("poll", replica_set) == "poll"
    with pytest.raises(Exception, match="needs change streams"):
        choose_feed("stream", standalone)


@pytest.mark.parametrize(
    ("hello", "expected"),
    [
        ({"isWritablePrimary": True, "logicalSessionTimeoutMinutes": 30}, False),  # standalone
        ({"setName": "rs0", "logicalSessionTimeoutMinutes": 30}, True),  # replica set member
        ({"msg": "isdbgrid", "logicalSessionTimeoutMinutes": 30}, True),  # mongos
        ({"setName": "rs0"}, False),  # no sessions, no transactions
        ({"isWritablePrimary": True, "maxWireVersion": 21}, False),  # FerretDB 1.24
    ],
)
def test_transactions_and_change_streams_are_used_on_replica_sets_and_mongos_only(hello, expected):
    assert replicated(hello) is expected


def test_the_hub_tells_each_write_once_even_when_the_feed_sees_it_again():
    hub = ChangeHub()
    entries = [
        {"write": "w1", "version": 7, "operation": "loadArticle", "at": None, "nodes": ["A:x"]},
        {"write": "w1", "version": 7, "operation": "loadArticle", "at": None, "nodes": ["B:y"]},
    ]
    (change,) = changes_from_entries(entries)

    assert change.nodes == ("A:x", "B:y")
    assert hub.publish(change) is True
    assert hub.publish(change) is False
