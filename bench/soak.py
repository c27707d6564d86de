"""Sustained load: the golden queries from many concurrent clients against `diplograph serve`.

Starts `diplograph serve` on a free loopback port (the embedded store unless MONGODB_URI is set),
waits until /readyz answers, checks each golden query once, then runs CLIENTS concurrent clients,
each sending the golden queries in turn, for DURATION seconds. This process is the client; the
server is a separate process whose resident memory (RSS) is sampled with psutil from start to end.
Every request must answer 200 with data and no `errors`; the run fails (exit 1) on any error or
when RSS grows by more than --max-rss-growth-mib. Traffic stays on 127.0.0.1, and the loop is
bounded by both time and --max-requests.

    .venv/bin/python -m bench.soak                   # 50 clients, 60 s (make soak)
    .venv/bin/python -m bench.soak --clients 10 --duration 10 --json bench/results/tmp/soak.json
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from api.examples import golden_queries
from bench.targets import GOLDEN_COUNT

MIB = 1024 * 1024
_OPERATION = re.compile(r"^\s*query\s+(\w+)", re.MULTILINE)


@dataclass
class Golden:
    name: str
    text: str


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)
    requests: int = 0

    def record(self, name: str, seconds: float) -> None:
        self.latencies.setdefault(name, []).append(seconds)
        self.requests += 1


def load_golden() -> list[Golden]:
    queries = []
    # The brief's golden questions (the example files after them are search examples).
    for title, text in golden_queries()[:GOLDEN_COUNT]:
        match = _OPERATION.search(text)
        queries.append(Golden(match.group(1) if match else title, text))
    return queries


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, log_path: Path, response_cache: bool) -> subprocess.Popen[bytes]:
    """`diplograph serve` in its own process, on loopback, logging warnings only (a log line per
    request would measure the log, not the API). Every client here comes from 127.0.0.1 and so
    shares one cost budget: the budget is made limitless unless the environment sets one."""
    executable = Path(sys.executable).with_name("diplograph")
    command = [str(executable)] if executable.exists() else [shutil.which("diplograph") or ""]
    env = {
        "DIPLOGRAPH_RATE_LIMIT_BUDGET": str(10**12),
        "DIPLOGRAPH_RATE_LIMIT_REFILL_PER_SECOND": str(10**12),
        **os.environ,
        "DIPLOGRAPH_HOST": "127.0.0.1",
        "DIPLOGRAPH_PORT": str(port),
        "DIPLOGRAPH_LOG_LEVEL": "warning",
    }
    if not response_cache:
        env["DIPLOGRAPH_RESPONSE_CACHE_BYTES"] = "0"
    log = log_path.open("wb")
    return subprocess.Popen([*command, "serve"], env=env, stdout=log, stderr=subprocess.STDOUT)


async def wait_until_ready(client: httpx.AsyncClient, server: subprocess.Popen[bytes]) -> None:
    for _ in range(240):  # x 0.25 s
        if server.poll() is not None:
            raise SystemExit(f"diplograph serve exited with {server.returncode} before ready")
        with contextlib.suppress(httpx.TransportError):
            if (await client.get("/readyz")).status_code == 200:
                return
        await asyncio.sleep(0.25)
    raise SystemExit("diplograph serve was not ready after 60 s")


def problem(response: httpx.Response) -> str | None:
    """Why a response is not a clean answer, or None."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}: {response.text[:200]}"
    body = response.json()
    if body.get("errors") or not body.get("data"):
        return f"GraphQL errors: {json.dumps(body.get('errors'))[:200]}"
    return None


async def client_loop(
    client: httpx.AsyncClient,
    queries: list[Golden],
    offset: int,
    deadline: float,
    budget: list[int],
    results: Results,
) -> None:
    index = offset
    while time.monotonic() < deadline and budget[0] > 0:
        budget[0] -= 1
        query = queries[index % len(queries)]
        index += 1
        started = time.perf_counter()
        try:
            response = await client.post("/graphql", json={"query": query.text})
            seconds = time.perf_counter() - started
            why = problem(response)
        except httpx.HTTPError as error:
            seconds = time.perf_counter() - started
            why = f"{type(error).__name__}: {error}"
        if why:
            results.errors.append(f"{query.name}: {why}")
        results.record(query.name, seconds)


async def sample_rss(process: psutil.Process, every: float, samples: list[tuple[float, int]]):
    started = time.monotonic()
    while True:
        samples.append((time.monotonic() - started, process.memory_info().rss))
        await asyncio.sleep(every)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def run(args: argparse.Namespace) -> dict[str, Any]:
    queries = load_golden()
    port = args.port or free_port()
    base_url = f"http://127.0.0.1:{port}"
    workdir = Path(tempfile.mkdtemp(prefix="diplograph-load-"))
    server = start_server(port, workdir / "server.log", args.response_cache)
    timeout = httpx.Timeout(30.0)
    try:
        async with contextlib.AsyncExitStack() as stack:
            client = await stack.enter_async_context(
                httpx.AsyncClient(base_url=base_url, timeout=timeout)
            )
            # One client (and so one keep-alive connection) per simulated user, as 50 browsers
            # would have; one shared pool of 50 connections costs more client CPU per request.
            users = [
                await stack.enter_async_context(
                    httpx.AsyncClient(base_url=base_url, timeout=timeout)
                )
                for _ in range(args.clients)
            ]
            await wait_until_ready(client, server)
            for query in queries:  # every golden query answers cleanly before the clock starts
                response = await client.post("/graphql", json={"query": query.text})
                if why := problem(response):
                    raise SystemExit(f"{query.name} does not answer cleanly: {why}")
            warmup = Results()
            await asyncio.gather(
                *(
                    client_loop(user, queries, n, time.monotonic() + args.warmup, [10**9], warmup)
                    for n, user in enumerate(users)
                )
            )

            process = psutil.Process(server.pid)
            rss: list[tuple[float, int]] = []
            sampler = asyncio.create_task(sample_rss(process, args.rss_every, rss))
            results = Results()
            budget = [args.max_requests]
            cpu_before = sum(process.cpu_times()[:2])
            client_before = sum(psutil.Process().cpu_times()[:2])
            psutil.cpu_percent(None)  # starts the machine-wide measurement
            started = time.monotonic()
            deadline = started + args.duration
            await asyncio.gather(
                *(
                    client_loop(user, queries, n, deadline, budget, results)
                    for n, user in enumerate(users)
                )
            )
            elapsed = time.monotonic() - started
            server_cpu = (sum(process.cpu_times()[:2]) - cpu_before) / elapsed
            client_cpu = (sum(psutil.Process().cpu_times()[:2]) - client_before) / elapsed
            machine_cpu = psutil.cpu_percent(None) * psutil.cpu_count() / 100
            sampler.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await sampler
            rss.append((elapsed, process.memory_info().rss))
            server_metrics = (await client.get("/metrics")).text
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    summary = summarise(args, queries, results, elapsed, rss, server_metrics, workdir)
    summary["server_cpu_percent"] = round(100 * server_cpu)
    summary["client_cpu_percent"] = round(100 * client_cpu)
    # Busy cores not used by this run: other work on the machine, which skews the numbers.
    summary["other_cpu_percent"] = max(0, round(100 * (machine_cpu - server_cpu - client_cpu)))
    summary["cores"] = psutil.cpu_count()
    return summary


def summarise(
    args: argparse.Namespace,
    queries: list[Golden],
    results: Results,
    elapsed: float,
    rss: list[tuple[float, int]],
    server_metrics: str,
    workdir: Path,
) -> dict[str, Any]:
    everything = [seconds for values in results.latencies.values() for seconds in values]
    per_query = {
        query.name: {
            "requests": len(results.latencies.get(query.name, [])),
            "p50_ms": round(1000 * statistics.median(results.latencies[query.name]), 1),
            "p99_ms": round(1000 * percentile(results.latencies[query.name], 0.99), 1),
        }
        for query in queries
        if results.latencies.get(query.name)
    }
    rss_values = [value for _, value in rss]
    served = sum(
        float(line.rsplit(" ", 1)[1])
        for line in server_metrics.splitlines()
        if line.startswith("diplograph_graphql_operations_total{")
    )
    return {
        "clients": args.clients,
        "response_cache": args.response_cache,
        "duration_s": round(elapsed, 1),
        "requests": results.requests,
        "throughput_rps": round(results.requests / elapsed, 1),
        "p50_ms": round(1000 * statistics.median(everything), 1),
        "p90_ms": round(1000 * percentile(everything, 0.90), 1),
        "p99_ms": round(1000 * percentile(everything, 0.99), 1),
        "max_ms": round(1000 * max(everything), 1),
        "errors": len(results.errors),
        "error_samples": results.errors[:5],
        "rss_start_mib": round(rss_values[0] / MIB, 1),
        "rss_end_mib": round(rss_values[-1] / MIB, 1),
        "rss_peak_mib": round(max(rss_values) / MIB, 1),
        "rss_series_mib": [(round(t), round(value / MIB, 1)) for t, value in rss],
        "server_operations_counted": int(served),
        "per_query": per_query,
        "server_log": str(workdir / "server.log"),
    }


def report(summary: dict[str, Any]) -> str:
    lines = [
        f"{summary['clients']} clients for {summary['duration_s']} s "
        f"(response cache {'on' if summary['response_cache'] else 'off'}): "
        f"{summary['requests']} requests, {summary['throughput_rps']} req/s, "
        f"{summary['errors']} errors",
        f"latency: p50 {summary['p50_ms']} ms, p90 {summary['p90_ms']} ms, "
        f"p99 {summary['p99_ms']} ms, max {summary['max_ms']} ms",
        f"server RSS: {summary['rss_start_mib']} MiB at start, {summary['rss_end_mib']} MiB "
        f"at end, {summary['rss_peak_mib']} MiB peak",
        f"CPU (100% = one core of {summary['cores']}): server {summary['server_cpu_percent']}%, "
        f"load client {summary['client_cpu_percent']}%, "
        f"other processes {summary['other_cpu_percent']}%",
        "per query (requests, p50, p99):",
    ]
    for name, numbers in summary["per_query"].items():
        lines.append(
            f"  {name:<28} {numbers['requests']:>7} {numbers['p50_ms']:>8} ms"
            f" {numbers['p99_ms']:>8} ms"
        )
    lines += [f"  error: {sample}" for sample in summary["error_samples"]]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=50, help="Concurrent clients (50).")
    parser.add_argument("--duration", type=float, default=60, help="Seconds of load (60).")
    parser.add_argument("--warmup", type=float, default=5, help="Seconds of warm-up (5).")
    parser.add_argument("--port", type=int, default=0, help="Server port (default: a free one).")
    parser.add_argument("--max-requests", type=int, default=2_000_000, help="Request cap.")
    parser.add_argument("--rss-every", type=float, default=5, help="RSS sampling period (s).")
    parser.add_argument(
        "--max-rss-growth-mib", type=float, default=20, help="Fail above this RSS growth."
    )
    parser.add_argument(
        "--response-cache",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="Keep the server's response cache on (the default), or measure the resolvers.",
    )
    parser.add_argument("--json", type=Path, help="Also write the numbers to this file.")
    args = parser.parse_args(argv)

    summary = asyncio.run(run(args))
    print(report(summary))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    growth = summary["rss_end_mib"] - summary["rss_start_mib"]
    if summary["errors"]:
        print(f"FAIL: {summary['errors']} requests did not answer cleanly", file=sys.stderr)
        return 1
    if growth > args.max_rss_growth_mib:
        print(f"FAIL: server RSS grew by {growth:.1f} MiB", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
