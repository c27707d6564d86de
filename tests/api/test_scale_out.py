"""Scale-out: several API processes share one MongoDB, and a write through any process is never
answered stale by another (the response cache keys on the data version stored in MongoDB).

This needs a MongoDB server, because the embedded store lives inside one process; the in-process
version of the same check (two apps on one store) is in test_response_cache.py.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid

import httpx
import pytest

from tests.support.app import MONGODB_URI, ROOT
from tests.support.seeds import NAC_OFFICIALS, second_article

pytestmark = pytest.mark.skipif(
    MONGODB_URI is None,
    reason="needs MONGODB_URI: two server processes can only share a real MongoDB "
    "(the embedded store lives inside one process)",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _officials(port: int) -> int:
    response = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": NAC_OFFICIALS})
    return response.json()["data"]["meeting"]["participants"]["totalCount"]


def test_a_write_through_one_process_is_never_answered_stale_by_another(tmp_path):
    environment = {
        **os.environ,
        "MONGODB_URI": MONGODB_URI or "",
        "DIPLOGRAPH_MONGODB_DATABASE": f"diplograph_test_{uuid.uuid4().hex[:10]}",
    }
    diplograph = [sys.executable, "-m", "api.cli"]
    subprocess.run([*diplograph, "seed"], env=environment, cwd=ROOT, check=True)
    ports = [_free_port(), _free_port()]
    servers = [
        subprocess.Popen([*diplograph, "serve", "--port", str(port)], env=environment, cwd=ROOT)
        for port in ports
    ]
    try:
        for port in ports:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.2)
        assert [_officials(port) for port in ports] == [1, 1]  # now cached in both processes
        subprocess.run(
            [*diplograph, "seed", str(second_article(tmp_path))],
            env=environment,
            cwd=ROOT,
            check=True,
        )
        assert [_officials(port) for port in ports] == [2, 2]
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
        import pymongo

        pymongo.MongoClient(MONGODB_URI).drop_database(environment["DIPLOGRAPH_MONGODB_DATABASE"])
