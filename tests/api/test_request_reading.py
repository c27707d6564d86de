"""How `diplograph serve` reads requests: slow clients are cut off, oversized heads refused.

These run against a real `diplograph serve` (uvicorn with api/protocol.py's httptools protocol) on
a free port, with one-second header and body timeouts, and again against uvicorn with the h11
protocol of the same module (the measured alternative, kept equivalent); they speak HTTP over raw
sockets: a slowloris client is one that does not finish its request, which no HTTP client library
will do.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.support.app import ROOT

TIMEOUT = 1.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


SERVE = [sys.executable, "-m", "api.cli", "serve"]
H11 = [
    sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
    "--http", "api.protocol:GuardedH11Protocol", "--h11-max-incomplete-event-size", "16384",
]  # fmt: skip


# The server reads requests the same whatever holds the data: one pass is enough.
pytestmark = pytest.mark.embedded


@pytest.fixture(scope="module", params=[SERVE, H11], ids=["diplograph serve", "h11"])
def server(request: pytest.FixtureRequest) -> Iterator[int]:
    """The server with short read timeouts; yields its port."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIPLOGRAPH_")}
    env["MONGODB_URI"] = ""  # empty, not unset: a .env file cannot fill it
    env.update(
        {
            "DIPLOGRAPH_HEADER_TIMEOUT_SECONDS": str(TIMEOUT),
            "DIPLOGRAPH_BODY_TIMEOUT_SECONDS": str(TIMEOUT),
            "DIPLOGRAPH_LOG_LEVEL": "warning",
            "DIPLOGRAPH_MAX_CONCURRENT_REQUESTS_PER_CLIENT": "50",
        }
    )
    process = subprocess.Popen(
        [*request.param, "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert process.poll() is None, "diplograph serve exited"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                    break
            time.sleep(0.1)
        else:
            pytest.fail("diplograph serve was not ready within 60 s")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=15)


@contextlib.asynccontextmanager
async def connection(port: int) -> AsyncIterator[tuple[asyncio.StreamReader, asyncio.StreamWriter]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        yield reader, writer
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def answer(reader: asyncio.StreamReader, within: float) -> tuple[int, dict | None]:
    """The status and JSON body of what the server sends before it closes the connection."""
    data = await asyncio.wait_for(reader.read(), within)
    head, _, body = data.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, json.loads(body) if body else None


async def drip(writer: asyncio.StreamWriter, piece: bytes, every: float, stop: asyncio.Event):
    """Send `piece` every `every` seconds until `stop` (a slowloris client)."""
    with contextlib.suppress(ConnectionError):
        while not stop.is_set():
            await asyncio.sleep(every)
            writer.write(piece)
            await writer.drain()


def code(body: dict | None) -> str | None:
    return body["errors"][0]["extensions"]["code"] if body else None


async def test_headers_sent_a_line_at_a_time_are_cut_off_with_408(server):
    async with connection(server) as (reader, writer):
        writer.write(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
        stop = asyncio.Event()
        dripping = asyncio.create_task(drip(writer, b"X-Slow: 1\r\n", 0.2, stop))
        status, body = await answer(reader, within=10)
        stop.set()
        await dripping
    assert (status, code(body)) == (408, "REQUEST_TIMEOUT")
    assert "headers did not arrive within 1 s" in body["errors"][0]["message"]


async def test_a_connection_that_sends_nothing_is_closed_after_the_header_timeout(server):
    async with connection(server) as (reader, _writer):
        status, body = await answer(reader, within=10)
    assert (status, code(body)) == (408, "REQUEST_TIMEOUT")


async def test_a_body_sent_a_byte_at_a_time_is_cut_off_with_408(server):
    async with connection(server) as (reader, writer):
        writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 100\r\n\r\n{"
        )
        stop = asyncio.Event()
        dripping = asyncio.create_task(drip(writer, b" ", 0.2, stop))
        status, body = await answer(reader, within=10)
        stop.set()
        await dripping
    assert (status, code(body)) == (408, "REQUEST_TIMEOUT")
    assert "body did not arrive within 1 s" in body["errors"][0]["message"]


async def test_an_unterminated_header_over_16_kb_is_refused_with_431(server):
    async with connection(server) as (reader, writer):
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000)
        await writer.drain()
        status, body = await answer(reader, within=10)
    assert (status, code(body)) == (431, "REQUEST_HEADER_FIELDS_TOO_LARGE")


async def test_a_complete_head_over_16_kb_is_refused_with_431(server):
    async with connection(server) as (reader, writer):
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 17_000 + b"\r\n\r\n")
        status, body = await answer(reader, within=10)
    assert (status, code(body)) == (431, "REQUEST_HEADER_FIELDS_TOO_LARGE")


async def test_more_than_100_header_fields_are_refused_with_431(server):
    headers = b"".join(b"X-H%d: v\r\n" % i for i in range(101))
    async with connection(server) as (reader, writer):
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + headers + b"\r\n")
        status, body = await answer(reader, within=10)
    assert (status, code(body)) == (431, "REQUEST_HEADER_FIELDS_TOO_LARGE")
    assert "header fields; the most is 100" in body["errors"][0]["message"]


async def test_a_kept_alive_connection_may_wait_longer_than_the_header_timeout(server):
    request = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
    async with connection(server) as (reader, writer):
        writer.write(request)
        first = await asyncio.wait_for(reader.readuntil(b"}"), 5)
        await asyncio.sleep(TIMEOUT * 1.5)  # idle between requests: the keep-alive timeout's
        writer.write(request)
        second = await asyncio.wait_for(reader.readuntil(b"}"), 5)
    assert first.startswith(b"HTTP/1.1 200") and second.startswith(b"HTTP/1.1 200")


async def test_other_clients_are_answered_while_slow_clients_hold_connections(server):
    stop = asyncio.Event()
    async with contextlib.AsyncExitStack() as stack:
        drips = []
        for _ in range(20):
            _reader, writer = await stack.enter_async_context(connection(server))
            writer.write(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
            drips.append(asyncio.create_task(drip(writer, b"X-Slow: 1\r\n", 0.1, stop)))
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{server}") as client:
            response = await client.post("/graphql", json={"query": "{ __typename }"})
            still_dripping = not any(task.done() for task in drips)
        stop.set()
        await asyncio.gather(*drips)
    assert response.json()["data"] == {"__typename": "Query"}
    assert still_dripping  # answered while the slow clients were still connected
