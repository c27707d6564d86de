"""The benchmark, end to end, in one command:

    .venv/bin/python -m bench.run            # about 12 minutes on 2 cores; --help for the knobs

1. It starts one real uvicorn process on loopback per target (a: diplograph, b: the limit, c: the
   naive peer; embedded store, bundled seed), records their RSS, asks every golden query once
   and checks each target's `data` equals diplograph's (canonical JSON), then drives each query
   at each concurrency with the load generator (`bench.load`, its own process), a, b and c back
   to back, reading the store's command count and database time before and after; then records
   the RSS after the load.
2. Scale series: the bundled data and generated corpora at 10x, 100x and 1,000x it
   (`bench.corpus`), each served by new uvicorn processes (diplograph and the limit): RSS after
   loading, the JSON size of the data, start-up and load times, every golden query measured at
   concurrency 1 (with the duration of each store command), answers checked equal again, then
   one more article loaded on top (`--scale-only` runs just this part: `make bench-scale`).
3. Profile: pyinstrument over diplograph answering the NAC+4 query in-process (`bench.profile`).
4. Writes bench/results/: results.json, results.md (the tables), throughput.png, scale.png and the
   profile, and prints the Markdown.

`--backend ferretdb` runs the same over the wire: a FerretDB 1.24 (SQLite) process that the
script builds and starts (`make ferretdb`), the seed (and each scale corpus) loaded into it once
through the seed loader, and every target's server reading it with PyMongo; by default a, b and
a', into bench/results/ferretdb/, without the profile (which is of diplograph's own code).
`python -m bench.backends` then puts both runs side by side.

With two or more CPUs, the server is pinned to CPU 0 and the load generator to CPU 1, so neither
steals the other's core.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import json
import math
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

from bench.corpus import write_corpus
from bench.report import render_markdown, write_plots
from bench.server import ADD_ARTICLE_PATH, CALLS_PATH, DATA_SIZE_PATH, DOCUMENTS_PATH, STATS_PATH
from bench.targets import (
    TARGETS,
    AnswerError,
    GoldenQuery,
    answer_data,
    canonical,
    golden_queries,
    request_for,
)

ROOT = Path(__file__).resolve().parents[1]
RESULTS_DIR = ROOT / "bench" / "results"
HOST = "127.0.0.1"
# What one generated article adds: 3 officials, 1 organisation, 1 meeting, 1 article,
# 1 membership, 2 posts, 4 participations, 1 decision.
DOCUMENTS_PER_ARTICLE = 14
# ISO 3166-1 is a fixed reference list; news grows everything else.
FIXED_COLLECTIONS = ("countries",)
NAC_PLUS_4 = "01-nac-plus-4-attendees"
BACKENDS = ("embedded", "ferretdb")
# The targets measured over the wire by default: diplograph with and without its response cache,
# and the limit (the naive peer's N+1 reads take minutes on a server that scans).
FERRETDB_TARGETS = ["graphql", "limit", "cached"]
LOAD_TIMEOUT_MS = 600_000


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def pin(pid: int, cpu: int) -> None:
    if (os.cpu_count() or 1) >= 2:
        psutil.Process(pid).cpu_affinity([cpu])


class FerretDB(AbstractContextManager):
    """The `ferretdb` backend: one FerretDB process, and a database per data set loaded into it."""

    def __init__(self) -> None:
        from tests.support.ferretdb import build, running_ferretdb

        self._running = running_ferretdb(build())
        self.uri = ""

    def __enter__(self) -> FerretDB:
        self.uri = self._running.__enter__().uri
        return self

    def __exit__(self, *exc: Any) -> None:
        self._running.__exit__(*exc)

    def load(self, corpus: Path | None) -> str:
        """A new database holding the bundled seed (and the corpus), loaded by the seed loader."""
        from bench.server import load_corpus
        from seeds.loader import collect_articles, load
        from store.connection import StoreConfig, create_store

        name = f"bench_{uuid.uuid4().hex[:8]}"

        async def loaded() -> None:
            store = create_store(StoreConfig(self.uri, name, LOAD_TIMEOUT_MS))
            try:
                await store.ensure_indexes()
                if corpus:
                    await load_corpus(store, corpus)
                else:
                    await load(store, collect_articles(None))
            finally:
                await store.close()

        started = time.monotonic()
        asyncio.run(loaded())
        log(f"ferretdb: database {name} loaded in {time.monotonic() - started:.1f} s")
        return name

    def drop(self, name: str) -> None:
        import pymongo

        with pymongo.MongoClient(self.uri, timeoutMS=LOAD_TIMEOUT_MS) as client:
            client.drop_database(name)


class Server(AbstractContextManager):
    """One uvicorn process serving one target through `bench.server:create`: on the embedded
    store (loading `corpus` itself), or on `database` of a FerretDB (already loaded)."""

    def __init__(
        self,
        target: str,
        log_dir: Path,
        corpus: Path | None = None,
        pin_cpu: bool = True,
        database: tuple[str, str] | None = None,
        call_times: bool = False,
    ):
        self.target = target
        self.corpus = corpus
        self.database = database
        self.call_times = call_times
        self.rss_at_start_mb = 0.0
        self.port = free_port()
        self.pin_cpu = pin_cpu
        self.log_path = log_dir / f"server-{target}-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        unset = ("MONGODB_URI", "DIPLOGRAPH_MONGODB_URI", "DIPLOGRAPH_SEED_ON_STARTUP")
        env = {k: v for k, v in os.environ.items() if k not in unset}
        env["BENCH_TARGET"] = self.target
        if self.database:
            env["BENCH_MONGODB_URI"], env["BENCH_MONGODB_DATABASE"] = self.database
        elif self.corpus:
            env["BENCH_CORPUS"] = str(self.corpus)
        if self.call_times:
            env["BENCH_CALL_TIMES"] = "1"
            env["BENCH_DEADLINE_SECONDS"] = "600"
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "bench.server:create",
            "--factory",
            "--host",
            HOST,
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
        if self.pin_cpu:
            pin(self.process.pid, 0)
        deadline = time.monotonic() + 900  # a 1,000x corpus loads for a while
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.target} server exited; see {self.log_path}")
            try:
                self.get(STATS_PATH)
                return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{self.target} server did not start in time; see {self.log_path}")

    def __exit__(self, *exc: object) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def request(self, method: str, path: str, body: bytes = b"") -> tuple[int, bytes]:
        connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
        try:
            headers = {"content-type": "application/json"} if body else {}
            connection.request(method, path, body=body or None, headers=headers)
            response = connection.getresponse()
            return response.status, response.read()
        finally:
            connection.close()

    def get(self, path: str) -> Any:
        _status, body = self.request("GET", path)
        return json.loads(body)

    def post(self, path: str) -> Any:
        status, body = self.request("POST", path, b"{}")
        if status != 200:
            raise RuntimeError(f"POST {path}: HTTP {status} {body[:300]!r}")
        return json.loads(body)

    def stats(self) -> dict[str, Any]:
        return self.get(STATS_PATH)

    def rss_mb(self) -> float:
        assert self.process is not None
        return psutil.Process(self.process.pid).memory_info().rss / 2**20

    def ask(self, query: GoldenQuery) -> dict[str, Any]:
        """One request: the answer's data, its size, and the commands and DB time it cost."""
        request = request_for(self.target, query)
        before = self.stats()
        status, body = self.request(request.method, request.path, request.body)
        after = self.stats()
        if status != 200:
            raise AnswerError(f"{self.target} {query.name}: HTTP {status} {body[:300]!r}")
        return {
            "data": answer_data(body),
            "bytes": len(body),
            "commands": after["commands"] - before["commands"],
            "db_ms": (after["db_seconds"] - before["db_seconds"]) * 1000,
        }

    def cpu_seconds(self) -> float:
        assert self.process is not None
        times = psutil.Process(self.process.pid).cpu_times()
        return times.user + times.system

    def load(
        self,
        query: GoldenQuery,
        concurrency: int,
        duration: float,
        warmup: float,
        min_recorded: int | None = None,
    ) -> dict[str, Any]:
        """Drive `query` at `concurrency` with the load generator; per-request costs included.

        The window grows past `duration` until `min_recorded` responses are in (by default 20
        and two per connection), up to eight times `duration` (at least 10 s).
        """
        spec = {
            "host": HOST,
            "port": self.port,
            "request": request_for(self.target, query).raw(HOST).decode("latin-1"),
            "concurrency": concurrency,
            "duration": duration,
            "warmup": warmup,
            "min_recorded": max(20, 2 * concurrency) if min_recorded is None else min_recorded,
            "max_duration": max(8 * duration, 10.0),
        }
        before = self.stats()
        cpu_before = self.cpu_seconds()
        generator = subprocess.Popen(
            [sys.executable, "-m", "bench.load"],
            cwd=ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        if self.pin_cpu:
            pin(generator.pid, 1)
        out, err = generator.communicate(json.dumps(spec).encode(), timeout=duration + 300)
        if generator.returncode != 0:
            raise RuntimeError(f"load generator failed: {err.decode()[-2000:]}")
        result = json.loads(out)
        cpu_after = self.cpu_seconds()
        after = self.stats()
        completed = max(1, result["completed"])
        # The server's own CPU per request: less sensitive than wall-clock throughput to other
        # processes taking turns on the same core.
        result["cpu_ms_per_request"] = (cpu_after - cpu_before) * 1000 / completed
        result["commands_per_request"] = (after["commands"] - before["commands"]) / completed
        result["db_ms_per_request"] = (
            (after["db_seconds"] - before["db_seconds"]) * 1000 / completed
        )
        gc_seconds = [b - a for a, b in zip(before["gc_seconds"], after["gc_seconds"], strict=True)]
        result["gc_ms_per_request"] = sum(gc_seconds) * 1000 / completed
        result["gc_collections"] = [
            b - a for a, b in zip(before["gc_collections"], after["gc_collections"], strict=True)
        ]
        result["gc_ms_by_generation"] = [seconds * 1000 for seconds in gc_seconds]
        return result


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def measure_targets(
    arguments: argparse.Namespace, queries: list[GoldenQuery], results: dict[str, Any]
) -> None:
    """The main matrix on the bundled data: every query x concurrency x target.

    All targets' servers run at once (an idle one costs nothing) and each cell measures them back
    to back, so a slow spell on the machine hits a, b and c alike instead of skewing their ratios.
    """
    with contextlib.ExitStack() as stack:
        database = None
        if arguments.ferretdb:
            name = arguments.ferretdb.load(None)
            stack.callback(arguments.ferretdb.drop, name)
            database = (arguments.ferretdb.uri, name)
        servers = {
            target: stack.enter_context(
                Server(target, arguments.logs, pin_cpu=arguments.pin, database=database)
            )
            for target in arguments.targets
        }
        rss_start = {target: server.rss_mb() for target, server in servers.items()}
        results["documents"]["1"] = servers["graphql"].get(DOCUMENTS_PATH)
        for query in queries:
            reference = None
            for target, server in servers.items():
                single = server.ask(query)
                data = canonical(single.pop("data"))
                reference = reference or data
                results["equality"].setdefault(query.name, {})[target] = data == reference
                results["single"].setdefault(query.name, {})[target] = single
                if data != reference:
                    log(f"MISMATCH: {target} answers {query.name} differently from diplograph")
        rounds: dict[tuple[str, int, str], list[dict[str, Any]]] = defaultdict(list)
        for round_number in range(1, arguments.rounds + 1):
            for query in queries:
                for concurrency in arguments.concurrency:
                    for target, server in servers.items():
                        measured = server.load(
                            query, concurrency, arguments.duration, arguments.warmup
                        )
                        rounds[(query.name, concurrency, target)].append(measured)
                        log(
                            f"round {round_number} {target:7} {query.name:34} "
                            f"c={concurrency:<3} {measured['rps']:8.1f} rps  "
                            f"p50 {measured['p50_ms']:7.2f} ms  p99 {measured['p99_ms']:7.2f} ms  "
                            f"{measured['commands_per_request']:.1f} cmd/req  "
                            f"CPU {measured['cpu_ms_per_request']:.2f} ms/req"
                        )
                        if measured["errors"]:
                            log(f"  {measured['errors']} errors, first: {measured['first_error']}")
        for (query_name, concurrency, target), measured in rounds.items():
            results["matrix"].append(
                {
                    **median_of(measured),
                    "target": target,
                    "query": query_name,
                    "concurrency": concurrency,
                    "rounds": measured,
                }
            )
        for target, server in servers.items():
            results["rss"][target] = {
                "after_startup_mb": rss_start[target],
                "after_load_mb": server.rss_mb(),
            }
            log(
                f"{target}: RSS {rss_start[target]:.1f} MB after start-up, "
                f"{server.rss_mb():.1f} MB after the load"
            )


MEDIAN_FIELDS = (
    "rps",
    "p50_ms",
    "p90_ms",
    "p99_ms",
    "max_ms",
    "mean_ms",
    "commands_per_request",
    "db_ms_per_request",
    "cpu_ms_per_request",
    "gc_ms_per_request",
)


def median_of(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """Each measure's median over the rounds (robust to one round hit by a busy neighbour)."""
    summary: dict[str, Any] = {
        name: statistics.median(r[name] for r in rounds) for name in MEDIAN_FIELDS
    }
    summary["recorded"] = sum(r["recorded"] for r in rounds)
    summary["errors"] = sum(r["errors"] for r in rounds)
    summary["response_bytes"] = rounds[0]["response_bytes"]
    for name in ("gc_collections", "gc_ms_by_generation"):  # totals per generation
        summary[name] = [sum(r[name][generation] for r in rounds) for generation in range(3)]
    return summary


def corpus_size(factor: int, documents: dict[str, int]) -> int:
    """Generated articles that make the growing collections `factor` times the bundled data."""
    growing = sum(n for name, n in documents.items() if name not in FIXED_COLLECTIONS)
    return math.ceil((factor - 1) * growing / DOCUMENTS_PER_ARTICLE)


def call_summary(seconds: list[float], requests: int) -> dict[str, Any]:
    """The store commands behind one query's measurement: how many, and how long the worst took
    (each holds the store's one worker thread, so this is how long other requests' calls wait)."""
    if not seconds:
        return {"calls": 0}
    ordered = sorted(seconds)
    return {
        "calls": len(ordered),
        "calls_per_request": len(ordered) / max(1, requests),
        "p50_ms": ordered[len(ordered) // 2] * 1000,
        "p99_ms": ordered[min(len(ordered) - 1, math.ceil(0.99 * len(ordered)) - 1)] * 1000,
        "max_ms": ordered[-1] * 1000,
    }


def measure_scale(
    arguments: argparse.Namespace, queries: list[GoldenQuery], results: dict[str, Any]
) -> None:
    """Latency, commands and store time per request as the data grows (concurrency 1), and what
    each size costs to hold, load and start on. Every factor, 1x included, gets new servers."""
    for factor in sorted(arguments.scales):
        with tempfile.TemporaryDirectory(prefix=f"bench-corpus-{factor}x-") as folder:
            corpus = None
            if factor != 1:
                articles = corpus_size(factor, results["documents"]["1"])
                started = time.monotonic()
                write_corpus(Path(folder), articles)
                took = time.monotonic() - started
                log(f"{factor}x: {articles} generated articles in {took:.1f} s")
                corpus = Path(folder)
            reference: dict[str, bytes] = {}
            database = None
            if arguments.ferretdb:
                database = (arguments.ferretdb.uri, arguments.ferretdb.load(corpus))
            for target in arguments.scale_targets:
                started = time.monotonic()
                server = Server(
                    target, arguments.logs, corpus, arguments.pin, database, call_times=True
                )
                with server:
                    loaded = {"start_seconds": time.monotonic() - started}
                    measure_scale_server(arguments, queries, results, server, factor, reference)
                    loaded.update(server_loads(server, factor, results))
                    results["scale_loads"].append(loaded)
            if database:
                arguments.ferretdb.drop(database[1])


def server_loads(server: Server, factor: int, results: dict[str, Any]) -> dict[str, Any]:
    """What holding this corpus costs (RSS, JSON size, load times), then one more article."""
    loaded = {"target": server.target, "factor": factor, **server.stats()["startup"]}
    loaded["documents"] = sum(results["documents"][str(factor)].values())
    loaded["rss_mb"] = server.rss_at_start_mb
    # On a server the data is in the server's process, and one more article would change the
    # database the other targets share: both are the embedded store's figures.
    if server.target == "graphql" and not server.database:
        loaded["json_bytes"] = server.get(DATA_SIZE_PATH)["json_bytes"]
        loaded["add_article"] = server.post(ADD_ARTICLE_PATH)
        log(f"{factor}x: one more article loaded in {loaded['add_article']['seconds']:.2f} s")
    return loaded


def measure_scale_server(
    arguments: argparse.Namespace,
    queries: list[GoldenQuery],
    results: dict[str, Any],
    server: Server,
    factor: int,
    reference: dict[str, bytes],
) -> None:
    """Every golden query at concurrency 1 on one scale's server, answers checked equal."""
    server.rss_at_start_mb = server.rss_mb()
    results["documents"].setdefault(str(factor), server.get(DOCUMENTS_PATH))
    log(f"{factor}x {server.target}: ready, RSS {server.rss_at_start_mb:.0f} MB")
    for query in queries:
        single = server.ask(query)
        data = canonical(single.pop("data"))
        reference.setdefault(query.name, data)
        equal = data == reference[query.name]
        results["equality"].setdefault(f"{query.name}@{factor}x", {})[server.target] = equal
        first_call = server.stats()["calls_recorded"]
        measured = server.load(
            query,
            1,
            arguments.scale_duration,
            arguments.scale_warmup,
            arguments.scale_min_samples,
        )
        calls = server.get(f"{CALLS_PATH}?start={first_call}")
        measured["store_calls"] = call_summary(calls, measured["completed"])
        measured.update(target=server.target, query=query.name, factor=factor, single=single)
        results["scale"].append(measured)
        log(
            f"{factor:>4}x {server.target:7} {query.name:34} "
            f"p50 {measured['p50_ms']:8.2f} ms  "
            f"{measured['commands_per_request']:.1f} cmd/req  "
            f"DB {measured['db_ms_per_request']:.2f} ms/req  "
            f"worst call {measured['store_calls'].get('max_ms', 0):.2f} ms"
        )


def profile(arguments: argparse.Namespace, results: dict[str, Any]) -> None:
    command = [
        sys.executable,
        "-m",
        "bench.profile",
        "--query",
        NAC_PLUS_4,
        "--requests",
        str(arguments.profile_requests),
        "--out",
        str(arguments.out),
    ]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"profile failed: {done.stderr.decode()[-2000:]}")
    results["profile"] = json.loads(done.stdout)


def git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, check=True
        )
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return done.stdout.decode().strip() + ("-dirty" if dirty.stdout.strip() else "")


def parse_arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n\n")[0]
    )
    add = parser.add_argument
    add("--duration", type=float, default=0.8, help="Seconds recorded per measurement (0.8).")
    add("--warmup", type=float, default=0.2, help="Seconds of load before recording (0.2).")
    add("--rounds", type=int, default=3, help="Rounds of the matrix; medians reported (3).")
    add("--concurrency", type=int, nargs="+", default=[1, 32], help="Concurrencies (1 32).")
    add(
        "--backend",
        choices=BACKENDS,
        default="embedded",
        help="Where the data lives: the embedded store, or a FerretDB 1.24 the script starts "
        "(embedded).",
    )
    add(
        "--targets",
        nargs="+",
        choices=TARGETS,
        help=f"Targets (all; {' '.join(FERRETDB_TARGETS)} on ferretdb).",
    )
    add("--queries", default="", help="Only golden queries whose file name contains this.")
    add(
        "--scales",
        type=int,
        nargs="*",
        default=[1, 10, 100, 1000],
        help="Corpus factors (1 10 100 1000; 1,000x is about 90,000 documents).",
    )
    add(
        "--scale-targets",
        nargs="+",
        default=["graphql", "limit"],
        choices=TARGETS,
        help="Targets in the scale series (graphql limit; the naive peer takes minutes at 100x).",
    )
    add("--scale-duration", type=float, default=1.0, help="Seconds per scale measurement (1).")
    add("--scale-warmup", type=float, default=0.2, help="Warm-up per scale measurement (0.2).")
    add(
        "--scale-min-samples",
        type=int,
        default=5,
        help="Responses recorded at least, per scale measurement (5; a 100x path search takes "
        "most of a second).",
    )
    add("--profile-requests", type=int, default=600, help="NAC+4 requests profiled (600).")
    add("--skip-scale", action="store_true", help="No scale series.")
    add(
        "--scale-only",
        action="store_true",
        help="Only the scale series (no matrix, no profile): `make bench-scale`.",
    )
    add("--skip-profile", action="store_true", help="No profile.")
    add("--no-pin", dest="pin", action="store_false", help="Do not pin processes to CPUs.")
    add(
        "--out",
        type=Path,
        help="Where results go (bench/results; bench/results/ferretdb on ferretdb).",
    )
    arguments = parser.parse_args(argv)
    on_server = arguments.backend == "ferretdb"
    if arguments.targets is None:
        arguments.targets = FERRETDB_TARGETS if on_server else list(TARGETS)
    if arguments.out is None:
        arguments.out = RESULTS_DIR / "ferretdb" if on_server else RESULTS_DIR
    if on_server:
        arguments.skip_profile = True  # a profile of diplograph's code, on the embedded store
    if arguments.targets[0] != "graphql":
        parser.error("--targets must start with graphql: the others are checked against it")
    return arguments


def main(argv: list[str] | None = None) -> int:
    arguments = parse_arguments(argv)
    with FerretDB() if arguments.backend == "ferretdb" else contextlib.nullcontext() as ferretdb:
        arguments.ferretdb = ferretdb
        return run(arguments)


def run(arguments: argparse.Namespace) -> int:
    arguments.out.mkdir(parents=True, exist_ok=True)
    arguments.logs = arguments.out / "logs"
    arguments.logs.mkdir(exist_ok=True)
    started = time.monotonic()
    queries = [q for q in golden_queries() if arguments.queries in q.name]
    results: dict[str, Any] = {
        "meta": {
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "commit": git_commit(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "backend": arguments.backend,
            "cpus": os.cpu_count(),
            "load_average_before": os.getloadavg(),
            "arguments": {
                k: (str(v) if isinstance(v, Path) else v)
                for k, v in vars(arguments).items()
                if k != "ferretdb"
            },
        },
        "documents": {},
        "equality": {},
        "single": {},
        "matrix": [],
        "rss": {},
        "scale": [],
        "scale_loads": [],
        "profile": None,
    }
    if not arguments.scale_only:
        measure_targets(arguments, queries, results)
    if not arguments.skip_scale and arguments.scales:
        measure_scale(arguments, queries, results)
    if not arguments.skip_profile and not arguments.scale_only:
        log("profiling diplograph on the NAC+4 query")
        profile(arguments, results)
    results["meta"]["runtime_seconds"] = round(time.monotonic() - started, 1)
    results["meta"]["load_average_after"] = os.getloadavg()
    (arguments.out / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    write_plots(results, arguments.out)
    markdown = render_markdown(results)
    (arguments.out / "results.md").write_text(markdown)
    print(markdown)
    log(f"done in {results['meta']['runtime_seconds']} s; results in {arguments.out}")
    unequal = [(q, t) for q, by in results["equality"].items() for t, ok in by.items() if not ok]
    if unequal:
        log(f"answers differ from diplograph's: {unequal}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
