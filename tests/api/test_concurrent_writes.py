"""Concurrency: simultaneous loads that mention the same new person make one person, and a read
during writes never sees an article without the facts it brought. Many tasks against one app,
and two server processes against one real server (the FerretDB pass of `make test`)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from pymongo.asynchronous.collection import AsyncCollection

from api.consistency import ReadWriteLock
from store.connection import StoreConfig, create_store
from store.embedded import EmbeddedCollection
from store.repository.dataset import WriteConflict, begin_write, data_state, release
from tests.support.app import (
    ROOT,
    drop_test_database,
    graphql,
    mongodb_uri,
    running_app,
    throwaway_database,
)
from tests.support.server import free_port
from tests.support.writes import (
    EDITOR,
    LOAD,
    bundle_input,
    person_article,
    token_entries,
    write,
    writer_settings,
)

SIMULTANEOUS_LOADS = 20
READERS = 3
ANA = '{ official(id: "ana-testa") { name sources { article { slug } } } }'
# Every article, with what it supports: a person article brings Ana Testa's post, which is
# written after the article; seeing the article without it would be seeing half of its write.
ARTICLES = "{ articles(first: 100) { nodes { slug supports { posts { title } } } } }"


@pytest.fixture
def writes_take_time(monkeypatch):
    """Every write yields to the loop for a while first, on either backend: readers get to run
    between the collections of one write, however fast the database answers."""
    for collection_class in (EmbeddedCollection, AsyncCollection):
        for method in ("insert_many", "bulk_write"):
            original = getattr(collection_class, method)

            async def slow(self, *args, _original=original, **kwargs):
                await asyncio.sleep(0.05)
                return await _original(self, *args, **kwargs)

            monkeypatch.setattr(collection_class, method, slow)


async def read_until(client: httpx.AsyncClient, done: asyncio.Event, half_seen: list[str]) -> int:
    """Read every article with its posts until `done`, noting each seen without its post."""
    reads = 0
    while not done.is_set():
        body = await graphql(client, ARTICLES)
        for article in body["data"]["articles"]["nodes"]:
            posts = article["supports"]["posts"]
            if article["slug"].startswith("person-") and not posts:
                half_seen.append(article["slug"])
        reads += 1
        await asyncio.sleep(0.003)
    return reads


async def loads_beside_readers(tmp_path, loads: int) -> dict:
    """`loads` simultaneous loads of person articles, with READERS tasks reading all along."""
    # Budgets and the per-client cap on requests in flight out of the way (every task is the same
    # client), so that the writes really overlap and the readers query as fast as they can; no
    # response cache, so that every read runs (a cached answer is from before the write began).
    settings = writer_settings(
        rate_limit_budget=10**9,
        rate_limit_refill_per_second=10**9,
        response_cache_bytes=0,
        max_concurrent_requests_per_client=loads + READERS,
    )
    async with running_app(settings) as (app, client):
        bundles = [bundle_input(person_article(tmp_path, n)) for n in range(loads)]
        half_seen: list[str] = []
        done = asyncio.Event()

        readers = [asyncio.create_task(read_until(client, done, half_seen)) for _ in range(READERS)]
        results = await asyncio.gather(
            *(write(client, LOAD, {"input": bundle}) for bundle in bundles)
        )
        done.set()
        reads = await asyncio.gather(*readers)
        people = await app.state.store["officials"].count_documents({"name": "Ana Testa"})
        cited = await graphql(client, ANA)
    return {
        "outcomes": [result["data"]["loadArticle"] for result in results],
        "half_seen": half_seen,
        "reads": sum(reads),
        "people": people,
        "cited": {s["article"]["slug"] for s in cited["data"]["official"]["sources"]},
    }


async def test_simultaneous_loads_that_mention_one_new_person_make_one_person(
    tmp_path, writes_take_time
):
    found = await loads_beside_readers(tmp_path, SIMULTANEOUS_LOADS)

    assert all(outcome["ok"] for outcome in found["outcomes"]), found["outcomes"]
    versions = {outcome["dataVersion"] for outcome in found["outcomes"]}
    assert len(versions) == SIMULTANEOUS_LOADS  # one committed write each, in turn
    assert found["people"] == 1
    assert found["cited"] == {f"person-article-{n}" for n in range(SIMULTANEOUS_LOADS)}
    assert found["half_seen"] == []
    assert found["reads"] >= READERS  # the readers did read while the writes went on


async def test_without_the_readers_lock_a_read_would_see_half_a_write(
    tmp_path, writes_take_time, monkeypatch
):
    # The check above can fail: with the lock gone, readers do see an article without its post.
    @contextlib.asynccontextmanager
    async def no_lock(self):
        yield

    monkeypatch.setattr(ReadWriteLock, "reading", no_lock)

    found = await loads_beside_readers(tmp_path, 3)

    assert found["half_seen"]


async def test_a_writer_that_planned_against_an_old_version_cannot_claim_the_store(store):
    state = await data_state(store)
    first = await begin_write(store, state.version)

    with pytest.raises(WriteConflict):
        await begin_write(store, state.version)  # the claim is held
    await release(store, first)
    with pytest.raises(WriteConflict):
        await begin_write(store, state.version)  # the version moved on
    second = await begin_write(store, (await data_state(store)).version)
    assert second != first


def _serve(uri: str, database: str, port: int, log) -> subprocess.Popen[bytes]:
    import json

    environment = {
        **os.environ,
        "MONGODB_URI": uri,
        "DIPLOGRAPH_MONGODB_DATABASE": database,
        "DIPLOGRAPH_TOKENS": json.dumps([entry.model_dump() for entry in token_entries()]),
        "DIPLOGRAPH_LOG_LEVEL": "warning",
        "DIPLOGRAPH_SEED_ON_STARTUP": "false",
        "DIPLOGRAPH_MONGODB_TIMEOUT_MS": "10000",
        # One test client sends every load at once: the per-client cap must not refuse them.
        "DIPLOGRAPH_MAX_CONCURRENT_REQUESTS_PER_CLIENT": str(SIMULTANEOUS_LOADS),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=environment,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )


@pytest.mark.server  # two processes can only share a server's database
def test_two_processes_loading_at_once_on_one_server_make_one_person(tmp_path):
    bundles = [bundle_input(person_article(tmp_path, n)) for n in range(SIMULTANEOUS_LOADS)]
    uri, database = mongodb_uri(), throwaway_database()
    assert uri is not None
    try:
        seed = subprocess.run(
            [sys.executable, "-m", "api.cli", "seed"],
            env={**os.environ, "MONGODB_URI": uri, "DIPLOGRAPH_MONGODB_DATABASE": database},
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        assert seed.returncode == 0, seed.stderr
        ports = [free_port(), free_port()]
        logs = [(tmp_path / f"serve-{port}.log").open("wb") for port in ports]
        processes = [
            _serve(uri, database, port, log) for port, log in zip(ports, logs, strict=True)
        ]
        try:
            for port in ports:
                _wait_ready(port, processes)

            def load(number: int) -> dict:
                port = ports[number % 2]  # alternate between the two processes
                response = httpx.post(
                    f"http://127.0.0.1:{port}/graphql",
                    json={"query": LOAD, "variables": {"input": bundles[number]}},
                    headers=EDITOR,
                    timeout=120,
                )
                return response.json()

            with ThreadPoolExecutor(max_workers=SIMULTANEOUS_LOADS) as pool:
                results = list(pool.map(load, range(SIMULTANEOUS_LOADS)))

            assert all(result.get("data") for result in results), "\n".join(
                r["errors"][0]["message"][:900] for r in results if not r.get("data")
            )
            outcomes = [result["data"]["loadArticle"] for result in results]
            assert all(outcome["ok"] for outcome in outcomes), outcomes
            assert len({outcome["dataVersion"] for outcome in outcomes}) == SIMULTANEOUS_LOADS
            for port in ports:  # both processes answer the same, fresh
                body = httpx.post(
                    f"http://127.0.0.1:{port}/graphql", json={"query": ANA}, timeout=30
                ).json()
                cited = {s["article"]["slug"] for s in body["data"]["official"]["sources"]}
                assert cited == {f"person-article-{n}" for n in range(SIMULTANEOUS_LOADS)}
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=20)
            for log in logs:
                log.close()
        asyncio.run(_count_people(uri, database))
    finally:
        drop_test_database(uri, database)


async def _count_people(uri: str, database: str) -> None:
    store = create_store(StoreConfig(uri, database, 5000))
    try:
        assert await store["officials"].count_documents({"name": "Ana Testa"}) == 1
    finally:
        await store.close()


def _wait_ready(port: int, processes: list[subprocess.Popen[bytes]]) -> None:
    import time

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            raise RuntimeError("a server exited before it was ready")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the server on port {port} did not get ready")
