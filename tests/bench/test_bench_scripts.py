"""The load, fault, benchmark, extraction-scoring and engine-comparison scripts keep working:
each runs here in a tiny configuration.

Their real runs (50 clients for 60 s; the default 2 s timeouts) take minutes and measure time,
so they are run by hand (`make soak`, `python -m bench.faults`) and their numbers go in the docs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from bench.engines import SHAPES
from bench.targets import GOLDEN_COUNT
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
    assert len(summary["per_query"]) == GOLDEN_COUNT
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


@pytest.mark.server  # it starts a FerretDB of its own
def test_the_benchmark_runs_over_the_wire_and_sits_beside_the_embedded_run(tmp_path):
    ferretdb_binary()  # skips, saying why, where FerretDB cannot be built (fails under CI=true)
    out = tmp_path / "ferretdb"

    finished = run_module(
        "bench.run", "--backend", "ferretdb", "--queries", "finland", "--rounds", "1",
        "--concurrency", "1", "--scales", "1", "--duration", "0.2", "--warmup", "0.05",
        "--out", str(out),
    )  # fmt: skip

    assert finished.returncode == 0, finished.stdout + finished.stderr
    results = json.loads((out / "results.json").read_text())
    assert results["meta"]["backend"] == "ferretdb"
    assert {row["target"] for row in results["matrix"]} == {"graphql", "limit", "cached"}
    for row in results["matrix"]:
        assert row["errors"] == 0
        assert row["commands_per_request"] >= 1 or row["target"] == "cached"
        assert row["db_ms_per_request"] > 0
    assert all(all(by.values()) for by in results["equality"].values())
    assert "FerretDB 1.24 (SQLite) over the wire" in (out / "results.md").read_text()

    embedded = ROOT / "bench" / "results" / "results.json"
    side_by_side = run_module("bench.backends", str(embedded), str(out / "results.json"))
    assert side_by_side.returncode == 0, side_by_side.stderr
    assert "| finland-at-nac-plus-4 |" in (out / "backends.md").read_text()


def test_the_attack_bench_sends_what_it_says(seed_sizes):
    """bench.attacks' queries: the issue's is refused by price, the one 'at the maximum' is
    admitted at 1,840 points, and clairvoyance's output is read as the types it names."""
    from graphql import parse

    from api.cost import requested_cost
    from api.graphql_schema import build_schema
    from bench.attacks import at_the_maximum, heavy_body, recovered_types

    schema = build_schema()._schema

    def price(body: dict[str, str]) -> int | None:
        return requested_cost(schema, parse(body["query"]), None, None, seed_sizes)

    assert price(heavy_body(1)) == 2 * 100 * (1 + 1 + 50 * 3) > 2000
    assert price(at_the_maximum(1)) == 20 * (1 + 1 + 30 * 3) <= 2000
    output = {"data": {"__schema": {"types": [{"name": n} for n in ("Query", "String", "Foo")]}}}
    assert recovered_types(output) == ["Foo", "Query"]


def test_extract_eval_scores_the_seed_and_the_fixtures_separately(tmp_path):
    output = tmp_path / "extract.json"

    finished = run_module("bench.extract_eval", "--json", str(output))

    assert finished.returncode == 0, finished.stdout + finished.stderr
    report = json.loads(output.read_text())
    # The fixtures the rules were tuned on and those held out are reported apart.
    # `other`: the two fixtures written for groups as of a date, in neither list.
    assert sorted(report["sets"]) == ["held-out", "other", "seed", "tuned"]
    assert len(report["sets"]["other"]["articles"]) == 2
    fixtures = ROOT / "tests" / "fixtures" / "articles"
    drafted = [
        article
        for label in ("tuned", "held-out", "other")
        for article in report["sets"][label]["articles"]
    ]
    assert len(drafted) == len(list(fixtures.glob("*/facts.yaml")))
    for label in ("seed", "tuned", "held-out"):
        totals = report["sets"][label]["total"]
        assert {"official", "participation", "post", "date", "entities"} <= set(totals)
    # Statements and events are scored where the reviewed files annotate them, not on the seed.
    assert {"statement", "event"} <= set(report["sets"]["held-out"]["total"])
    assert "statement" not in report["sets"]["seed"]["total"]


def test_engine_comparison_times_every_shape_and_finds_the_same_answers(tmp_path):
    """Our engine answers the repository's query shapes over the bundled data as mongomock does
    (the real run, 1x to 1,000x, takes many minutes: `make bench-engines`)."""
    finished = run_module(
        "bench.engines",
        "--scales",
        "1",
        "--engines",
        "mongomock",
        "indexed",
        "--repetitions",
        "2",
        "--no-memory",
        "--out",
        str(tmp_path),
    )

    assert finished.returncode == 0, finished.stdout + finished.stderr
    results = json.loads((tmp_path / "engines.json").read_text())
    scale = results["scales"]["1"]
    assert scale["disagreements"] == {}
    for engine in ("mongomock", "indexed"):
        shapes = scale["engines"][engine]["shapes"]
        assert set(shapes) == {shape.name for shape in SHAPES}
        assert all("median_ms" in measured for measured in shapes.values()), shapes
