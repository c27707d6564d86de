"""The load and fault scripts keep working: each runs here in a tiny configuration.

Their real runs (50 clients for 60 s; the default 2 s timeouts) take minutes and measure time,
so they are run by hand (`make soak`, `python -m bench.faults`) and their numbers go in the docs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.support.app import ROOT
from tests.support.backend import ferretdb_binary


def run_module(module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run a bench script; one that starts `diplograph serve` on its own gets the embedded store
    unless it sets MONGODB_URI itself."""
    env = {**os.environ, "MONGODB_URI": ""}  # empty, not unset: a .env file cannot fill it
    return subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.embedded  # it starts its own server on the embedded store: one pass is enough
def test_soak_script_serves_golden_queries_without_errors(tmp_path):
    output = tmp_path / "soak.json"

    finished = run_module(
        "bench.soak", "--clients", "2", "--duration", "1", "--warmup", "0.2", "--json", str(output)
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    summary = json.loads(output.read_text())
    assert summary["errors"] == 0
    assert summary["requests"] > 0
    assert len(summary["per_query"]) == 10
    assert summary["server_operations_counted"] >= summary["requests"]


@pytest.mark.server  # it inflicts its faults on a FerretDB process of its own
def test_fault_script_reports_every_case(tmp_path):
    ferretdb_binary()  # skips, saying why, where FerretDB cannot be built (fails under CI=true)
    output = tmp_path / "faults.json"

    finished = run_module("bench.faults", "--timeout-ms", "300", "--json", str(output))

    assert finished.returncode == 0, finished.stdout + finished.stderr
    rows = {row["case"]: row["client_saw"] for row in json.loads(output.read_text())}
    assert rows["down at start-up: GraphQL query"] == "503 DATABASE_UNAVAILABLE"
    assert rows["comes up: GraphQL query"] == "200 data"
    assert rows["paused (SIGSTOP): GraphQL query"] == "503 DATABASE_UNAVAILABLE"
    assert rows["resumed: GraphQL query"] == "200 data"
    assert rows["killed while a query waits on it: that query"] == "503 DATABASE_UNAVAILABLE"
    assert rows["restarted: GraphQL query"] == "200 data"
    assert rows["embedded outage over: GraphQL query"] == "200 data"
