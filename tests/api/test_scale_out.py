"""Scale-out: several API processes share one MongoDB, and a write through any process is never
answered stale by another (the response cache keys on the data version stored in MongoDB).

This needs a MongoDB-protocol server, because the embedded store lives inside one process: it runs
in the FerretDB pass of `make test`. The in-process version of the same check (two apps on one
store) is in test_response_cache.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx
import pytest

from tests.support.app import ROOT, drop_test_database, mongodb_uri, throwaway_database
from tests.support.ferretdb import free_port
from tests.support.seeds import NAC_OFFICIALS, second_article

pytestmark = pytest.mark.server


def _officials(port: int) -> int:
    response = httpx.post(f"http://127.0.0.1:{port}/graphql", json={"query": NAC_OFFICIALS})
    return response.json()["data"]["meeting"]["participants"]["totalCount"]


def _wait_until_ready(port: int) -> None:
    deadline = time.monotonic() + 30  # generous: imports and the start-up ping on a busy machine
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                return
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline, f"diplograph serve on port {port} never became ready"
        time.sleep(0.2)


def test_a_write_through_one_process_is_never_answered_stale_by_another(tmp_path):
    uri, database = mongodb_uri(), throwaway_database()
    assert uri is not None
    environment = {**os.environ, "MONGODB_URI": uri, "DIPLOGRAPH_MONGODB_DATABASE": database}
    diplograph = [sys.executable, "-m", "api.cli"]
    ports = [free_port(), free_port()]
    servers: list[subprocess.Popen[bytes]] = []
    try:
        subprocess.run([*diplograph, "seed"], env=environment, cwd=ROOT, check=True)
        servers += [
            subprocess.Popen([*diplograph, "serve", "--port", str(port)], env=environment, cwd=ROOT)
            for port in ports
        ]
        for port in ports:
            _wait_until_ready(port)
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
        drop_test_database(uri, database)
