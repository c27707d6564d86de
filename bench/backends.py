"""The benchmark on both backends, side by side: the embedded store and FerretDB over the wire.

    .venv/bin/python -m bench.backends [EMBEDDED_RESULTS_JSON FERRETDB_RESULTS_JSON]

Reads the two runs of `bench.run` (`make bench` makes both; by default bench/results/results.json
and bench/results/ferretdb/results.json) and writes backends.md beside the second:
throughput, commands and database time per request for a (diplograph), b (the limit) and a'
(diplograph with its response cache) on each backend, then the scale series on each.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from bench.report import short

RESULTS = Path(__file__).resolve().parent / "results"
EMBEDDED = RESULTS / "results.json"
FERRETDB = RESULTS / "ferretdb" / "results.json"
TARGETS = (("graphql", "a"), ("limit", "b"), ("cached", "a'"))


def _f(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _pair(embedded: dict | None, ferretdb: dict | None, field: str, digits: int = 1) -> str:
    return " / ".join(_f((run or {}).get(field), digits) for run in (embedded, ferretdb))


def _cells(results: dict[str, Any]) -> dict[tuple[str, int, str], dict[str, Any]]:
    return {(m["query"], m["concurrency"], m["target"]): m for m in results["matrix"]}


def matrix_table(embedded: dict[str, Any], ferretdb: dict[str, Any], concurrency: int) -> list:
    cells = {"embedded": _cells(embedded), "ferretdb": _cells(ferretdb)}
    queries = sorted({m["query"] for m in ferretdb["matrix"] if m["concurrency"] == concurrency})
    header = "| query | " + " | ".join(f"{label} req/s" for _, label in TARGETS)
    header += " | a/b | a'/b | commands/req a | commands/req b | DB ms/req a | DB ms/req b "
    header += "| p50 ms a |"
    lines = [
        "Each cell: embedded / FerretDB.",
        "",
        header,
        "|---|" + "--:|" * (len(TARGETS) + 7),
    ]
    for query in queries:
        row = {
            (backend, target): cells[backend].get((query, concurrency, target))
            for backend in cells
            for target, _ in TARGETS
        }

        def ratio(backend: str, top: str, row: dict = row) -> float | None:
            over, under = row[(backend, top)], row[(backend, "limit")]
            return over["rps"] / under["rps"] if over and under and under["rps"] else None

        values = [
            _pair(row[("embedded", target)], row[("ferretdb", target)], "rps")
            for target, _ in TARGETS
        ]
        values.append(" / ".join(_f(ratio(b, "graphql"), 2) for b in cells))
        values.append(" / ".join(_f(ratio(b, "cached"), 2) for b in cells))
        for field, digits in (("commands_per_request", 1), ("db_ms_per_request", 2)):
            for target in ("graphql", "limit"):
                values.append(
                    _pair(row[("embedded", target)], row[("ferretdb", target)], field, digits)
                )
        a = (row[("embedded", "graphql")], row[("ferretdb", "graphql")])
        values.append(_pair(*a, "p50_ms", 2))
        lines.append(f"| {short(query)} | " + " | ".join(values) + " |")
    return lines


def scale_table(embedded: dict[str, Any], ferretdb: dict[str, Any]) -> list[str]:
    rows = {
        (backend, r["query"], r["factor"], r["target"]): r
        for backend, results in (("embedded", embedded), ("ferretdb", ferretdb))
        for r in results["scale"]
    }
    factors = sorted({r["factor"] for r in ferretdb["scale"]})
    queries = sorted({r["query"] for r in ferretdb["scale"]})
    lines = [
        "Each cell: embedded / FerretDB; concurrency 1.",
        "",
        "| query | data | a p50 ms | b p50 ms | a commands/req | a DB ms/req |",
        "|---|--:|--:|--:|--:|--:|",
    ]
    for query in queries:
        for factor in factors:
            a = [rows.get((b, query, factor, "graphql")) for b in ("embedded", "ferretdb")]
            b = [rows.get((b_, query, factor, "limit")) for b_ in ("embedded", "ferretdb")]
            cells = (
                _pair(*a, "p50_ms", 2),
                _pair(*b, "p50_ms", 2),
                _pair(*a, "commands_per_request", 1),
                _pair(*a, "db_ms_per_request", 2),
            )
            lines.append(f"| {short(query)} | {factor}x | " + " | ".join(cells) + " |")
    return lines


def render(embedded: dict[str, Any], ferretdb: dict[str, Any]) -> str:
    lines = [
        "# diplograph benchmark: the embedded store and FerretDB over the wire",
        "",
        f"Embedded: run {embedded['meta']['started']} at `{embedded['meta']['commit']}`. "
        f"FerretDB 1.24 (SQLite), on the same machine over loopback: run "
        f"{ferretdb['meta']['started']} at `{ferretdb['meta']['commit']}`. Load averages before "
        f"the runs: {embedded['meta']['load_average_before'][0]:.2f} and "
        f"{ferretdb['meta']['load_average_before'][0]:.2f}.",
        "",
        "DB ms/req is, on the embedded store, the time spent inside mongomock; on FerretDB, the "
        "round trips of the commands as PyMongo's command monitoring reports them (sent to "
        "answered; commands that overlap each count, so it can exceed the latency). FerretDB's "
        "SQLite backend uses no index except for `_id` equality: every other filter scans the "
        "collection, so its scale series measures scans, not what MongoDB does with the same "
        "indexes.",
    ]
    concurrencies = sorted({m["concurrency"] for m in ferretdb["matrix"]})
    for concurrency in concurrencies:
        lines += ["", f"## Concurrency {concurrency}", ""]
        lines += matrix_table(embedded, ferretdb, concurrency)
    if ferretdb["scale"]:
        lines += ["", "## Scale series", "", *scale_table(embedded, ferretdb)]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    paths = [Path(p) for p in (argv if argv is not None else sys.argv[1:])] or [EMBEDDED, FERRETDB]
    embedded, ferretdb = (json.loads(path.read_text()) for path in paths)
    markdown = render(embedded, ferretdb)
    out = paths[1].parent / "backends.md"
    out.write_text(markdown)
    print(markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
