"""The outside security test's attacks, replayed against `diplograph serve`, with what they cost.

Each attack starts its own server process (a free loopback port, the embedded store, the settings
the attack needs) and measures it from outside: response times and codes, the server's resident
memory (psutil), and the event loop's stalls (a second client polls /healthz every 20 ms: a
trivial route's latency is how long the loop could not answer).

- `heavy`: six copies of the issue's `nodes(ids:)` query at once from one client, five rounds,
  while another client (its own bearer token, so its own budget) sends a small query; once with
  the default settings, once with the cost limit, budget and concurrency cap raised so that all
  six run until the request deadline stops them (the deadline's test).
- `memory`: the three ways to fill memory: distinct queries with large answers (the response
  cache), distinct 95 KB documents (the document caches), and a flood of failing documents and
  no-match searches with the default budget (what errors cost). RSS growth is compared with the
  configured cache sizes.
- `slowloris`: 20 connections each sending an unterminated 20 MB header; 50 connections that
  send a header line a second; one request that sends its body a byte a second.
- `clairvoyance`: clairvoyance (its own locked environment in tests/clairvoyance) against
  DIPLOGRAPH_INTROSPECTION=false with a wordlist of every name in the schema plus noise; the
  types it recovers.

    .venv/bin/python -m bench.attacks all --json bench/results/tmp/attacks.json
    .venv/bin/python -m bench.attacks heavy --source DIR   # run another checkout's code

`--source` runs the server from another copy of the code (e.g. `git archive main | tar -x -C DIR`)
with this environment's packages, which is how the figures before a change are taken.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024
OTHER_TOKEN = "bench-other-client"
NATO = "T3JnYW5pc2F0aW9uOm5hdG8="  # the global id Organisation:nato
HEAVY_SELECTION = (
    "nodes(ids: $ids) { ... on Organisation { members { nodes { member { name } "
    "organisation { name } } } } }"
)
IDS_DEFAULT = "[" + ", ".join(f'"{NATO}"' for _ in range(100)) + "]"


def at_the_maximum(tag: int) -> dict[str, str]:
    """A query priced just under the default maximum cost (20 x (1 + 1 + 30 x 3) = 1,840) whose
    answer holds about that many objects; each tag a distinct text."""
    ids = "[" + ", ".join(f'"{NATO}"' for _ in range(20)) + "]"
    return {
        "query": f"{{ a{tag}: nodes(ids: {ids}) {{ ... on Organisation {{ members(first: 30) "
        "{ nodes { member { name } organisation { name } } } } } }"
    }


def heavy_body(tag: int) -> dict[str, str]:
    """The issue's query; each tag a distinct text, so no cache or single flight answers it."""
    return {
        "query": f"query Heavy($ids: [ID!]! = {IDS_DEFAULT}) "
        f"{{ a{tag}: {HEAVY_SELECTION} b{tag}: {HEAVY_SELECTION} }}"
    }


SMALL = {"query": '{ country(code: "KR") { name capital } }'}


# --- the server -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`diplograph serve` in its own process, from `source`, with `settings` as environment."""

    def __init__(self, source: Path, settings: dict[str, str], log: Path) -> None:
        self.source = source
        self.settings = settings
        self.port = free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> Server:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DIPLOGRAPH_")}
        env.pop("MONGODB_URI", None)
        env.update(
            {
                "DIPLOGRAPH_LOG_LEVEL": "warning",
                "DIPLOGRAPH_API_TOKENS": json.dumps([OTHER_TOKEN]),
                "PYTHONPATH": str(self.source),
                **self.settings,
            }
        )
        command = [sys.executable, "-m", "api.cli", "serve", "--port", str(self.port)]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                command, cwd=self.source, env=env, stdout=log, stderr=subprocess.STDOUT
            )
        async with httpx.AsyncClient(base_url=self.url) as client:
            for _ in range(600):
                if self.process.poll() is not None:
                    raise SystemExit(f"the server exited; see {self.log}")
                with contextlib.suppress(httpx.HTTPError):
                    if (await client.get("/readyz")).status_code == 200:
                        return self
                await asyncio.sleep(0.1)
        raise SystemExit(f"the server was not ready after 60 s; see {self.log}")

    async def __aexit__(self, *exc: object) -> None:
        assert self.process is not None
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def rss_mib(self) -> float:
        assert self.process is not None
        return round(psutil.Process(self.process.pid).memory_info().rss / MIB, 1)


def code_of(response: httpx.Response) -> str:
    """What a client saw, in a few characters: the status and the first error code."""
    try:
        body = response.json()
    except ValueError:
        return f"{response.status_code} (not JSON)"
    errors = body.get("errors") if isinstance(body, dict) else None
    code = errors[0].get("extensions", {}).get("code") if errors else "data"
    return f"{response.status_code} {code}"


def summary(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def rank(fraction: float) -> float:
        return ordered[max(0, min(len(ordered) - 1, round(fraction * len(ordered)) - 1))]

    return {
        "n": len(ordered),
        "min": round(ordered[0], 3),
        "p50": round(rank(0.5), 3),
        "p99": round(rank(0.99), 3),
        "max": round(ordered[-1], 3),
    }


class Probe:
    """A second client: /healthz every 20 ms (loop stalls) and, optionally, a small query."""

    def __init__(self, url: str, query: dict[str, Any] | None) -> None:
        self.url = url
        self.query = query
        self.healthz: list[float] = []
        self.queries: list[float] = []
        self.codes: dict[str, int] = {}
        self._stop = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []

    async def _poll(self, path: str, into: list[float], every: float) -> None:
        headers = {"authorization": f"Bearer {OTHER_TOKEN}"}
        async with httpx.AsyncClient(base_url=self.url, headers=headers, timeout=60) as client:
            while not self._stop.is_set():
                started = time.perf_counter()
                if path == "/healthz":
                    await client.get(path)
                else:
                    response = await client.post(path, json=self.query)
                    seen = code_of(response)
                    self.codes[seen] = self.codes.get(seen, 0) + 1
                into.append(time.perf_counter() - started)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), every)

    def __enter__(self) -> Probe:
        self._tasks.append(asyncio.create_task(self._poll("/healthz", self.healthz, 0.02)))
        if self.query is not None:
            self._tasks.append(asyncio.create_task(self._poll("/graphql", self.queries, 0.05)))
        return self

    async def stop(self) -> dict[str, Any]:
        self._stop.set()
        await asyncio.gather(*self._tasks)
        return {
            "healthz_seconds": summary(self.healthz),
            "other_client_query_seconds": summary(self.queries),
            "other_client_codes": self.codes,
        }

    def __exit__(self, *exc: object) -> None:
        self._stop.set()


async def timed_post(client: httpx.AsyncClient, body: dict[str, Any]) -> tuple[float, str]:
    started = time.perf_counter()
    response = await client.post("/graphql", json=body)
    return time.perf_counter() - started, code_of(response)


# --- heavy queries --------------------------------------------------------------------------


async def heavy_run(
    source: Path,
    workdir: Path,
    settings: dict[str, str],
    body: Callable[[int], dict[str, str]] = heavy_body,
) -> dict[str, Any]:
    async with Server(source, settings, workdir / "heavy.log") as server:
        rss_start = server.rss_mib()
        peak = rss_start
        durations: list[float] = []
        codes: dict[str, int] = {}
        with Probe(server.url, SMALL) as probe:
            await asyncio.sleep(0.5)
            async with httpx.AsyncClient(
                base_url=server.url, timeout=120, limits=httpx.Limits(max_connections=6)
            ) as client:
                for round_ in range(5):
                    results = await asyncio.gather(
                        *(timed_post(client, body(6 * round_ + i)) for i in range(6))
                    )
                    for seconds, seen in results:
                        durations.append(seconds)
                        codes[seen] = codes.get(seen, 0) + 1
                    peak = max(peak, server.rss_mib())
            await asyncio.sleep(0.5)
            probed = await probe.stop()
        await asyncio.sleep(2)
        return {
            "settings": settings,
            "heavy_seconds": summary(durations),
            "heavy_codes": codes,
            **probed,
            "rss_mib": {"start": rss_start, "peak": peak, "after": server.rss_mib()},
        }


async def heavy(source: Path, workdir: Path) -> dict[str, Any]:
    all_run = {
        "DIPLOGRAPH_RATE_LIMIT_BUDGET": "1000000000",
        "DIPLOGRAPH_MAX_CONCURRENT_REQUESTS_PER_CLIENT": "8",
    }
    return {
        "the issue's query, default settings": await heavy_run(source, workdir, {}),
        "queries at the cost maximum (1,840 points), budget and in-flight cap raised": (
            await heavy_run(source, workdir, all_run, at_the_maximum)
        ),
        "the same, deadline 0.5 s": await heavy_run(
            source,
            workdir,
            {**all_run, "DIPLOGRAPH_REQUEST_DEADLINE_SECONDS": "0.5"},
            at_the_maximum,
        ),
        "the issue's query, cost maximum raised to 10^8": await heavy_run(
            source, workdir, {**all_run, "DIPLOGRAPH_MAX_QUERY_COST": "100000000"}
        ),
    }


# --- memory ---------------------------------------------------------------------------------


async def flood(
    server: Server, bodies: Callable[[int], dict[str, Any]], count: int, concurrency: int = 8
) -> dict[str, int]:
    """Send `count` requests (body i from `bodies(i)`) over `concurrency` connections."""
    codes: dict[str, int] = {}
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(count):
        queue.put_nowait(index)

    async def worker(client: httpx.AsyncClient) -> None:
        while not queue.empty():
            response = await client.post("/graphql", json=bodies(queue.get_nowait()))
            seen = code_of(response)
            codes[seen] = codes.get(seen, 0) + 1

    async with httpx.AsyncClient(base_url=server.url, timeout=120) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return codes


def large_answer(tag: int) -> str:
    """A query with an answer of about 20 KB; each tag makes a distinct cache key."""
    return (
        f"query Large {{ c{tag}: countries(first: 100) {{ nodes {{ code name alpha3 numeric "
        "isoName officialName aliases demonyms metonyms capital sources { quote start end } } } }"
    )


PADDING = "#" + "x" * 95_000 + "\n"


async def memory_attack(
    source: Path,
    workdir: Path,
    name: str,
    settings: dict[str, str],
    bodies: Callable[[int], dict[str, Any]],
    count: int,
) -> dict[str, Any]:
    async with Server(source, settings, workdir / f"memory-{name}.log") as server:
        # Warm up with the same kind of request, so that one-off start-up allocations and the
        # first request's imports are not counted as the attack's.
        await flood(server, lambda i: bodies(10**9 + i), 20, concurrency=4)
        await asyncio.sleep(1)
        before = server.rss_mib()
        started = time.perf_counter()
        codes = await flood(server, bodies, count)
        seconds = time.perf_counter() - started
        await asyncio.sleep(2)
        after = server.rss_mib()
        return {
            "requests": count,
            "seconds": round(seconds, 1),
            "codes": codes,
            "rss_mib": {"before": before, "after": after, "growth": round(after - before, 1)},
        }


async def memory(source: Path, workdir: Path) -> dict[str, Any]:
    unlimited = {
        "DIPLOGRAPH_RATE_LIMIT_BUDGET": "1000000000",
        "DIPLOGRAPH_RATE_LIMIT_REFILL_PER_SECOND": "1000000000",
        "DIPLOGRAPH_MAX_CONCURRENT_REQUESTS_PER_CLIENT": "16",
    }
    results = {
        "configured_mib": {"response_cache": 32.0, "document_caches": "default of the build"},
        "response cache: 3,000 distinct queries with ~20 KB answers": await memory_attack(
            source,
            workdir,
            "response-cache",
            unlimited,
            lambda i: {"query": large_answer(i)},
            3000,
        ),
        "document caches: 1,200 distinct 95 KB documents": await memory_attack(
            source,
            workdir,
            "documents",
            unlimited,
            lambda i: {"query": f"{PADDING}query Q{i} {{ __typename }}"},
            1200,
        ),
        "errors and empty answers, default budget: 2,000 failing or no-match requests": (
            await memory_attack(
                source,
                workdir,
                "errors",
                {},
                lambda i: (
                    {"query": f'{{ search(query: "zzzq{i}") {{ matched }} }}'}
                    if i % 2
                    else {"query": f"{PADDING}{{ countries {{ nodes {{ nope{i} }} }} }}"}
                ),
                2000,
            )
        ),
    }
    return results


# --- slowloris ------------------------------------------------------------------------------


async def held_open(
    port: int, head: bytes, drip: bytes, every: float, limit: float
) -> tuple[float, str]:
    """Send `head`, then `drip` every `every` seconds until the server answers or closes, or
    `limit` seconds pass: how long the server kept the connection, and what it said."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    started = time.perf_counter()
    answer = "held open"
    try:
        writer.write(head)
        await writer.drain()
        while time.perf_counter() - started < limit:
            try:
                data = await asyncio.wait_for(reader.read(65536), every)
            except TimeoutError:
                writer.write(drip)
                with contextlib.suppress(ConnectionError):
                    await writer.drain()
                continue
            answer = data.split(b"\r\n", 1)[0].decode("latin-1") if data else "closed"
            break
    except ConnectionError:
        answer = "reset"
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()
    return time.perf_counter() - started, answer


async def big_header(port: int, megabytes: int) -> str:
    """An unterminated header of `megabytes` MB; what the server answered."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ")
        chunk = b"a" * MIB
        for _ in range(megabytes):
            writer.write(chunk)
            await writer.drain()
        data = await asyncio.wait_for(reader.read(65536), 5)
        return data.split(b"\r\n", 1)[0].decode("latin-1") if data else "closed"
    except (ConnectionError, TimeoutError) as error:
        return type(error).__name__
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


async def slowloris(source: Path, workdir: Path, limit: float = 40.0) -> dict[str, Any]:
    async with Server(source, {}, workdir / "slowloris.log") as server:
        before = server.rss_mib()
        answers = await asyncio.gather(*(big_header(server.port, 20) for _ in range(20)))
        big_rss = server.rss_mib()
        with Probe(server.url, SMALL) as probe:
            slow_headers = await asyncio.gather(
                *(
                    held_open(
                        server.port,
                        b"POST /graphql HTTP/1.1\r\nHost: x\r\n",
                        b"X-a: b\r\n",
                        1.0,
                        limit,
                    )
                    for _ in range(50)
                )
            )
            body = b'{"query": "{ __typename }"}'
            slow_body = await held_open(
                server.port,
                b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + f"Content-Length: {len(body) + 200}\r\n\r\n".encode()
                + body[:1],
                b" ",
                1.0,
                limit,
            )
            probed = await probe.stop()
        return {
            "20 unterminated 20 MB headers": {
                "answers": sorted(set(answers)),
                "rss_mib": {"before": before, "after": big_rss},
            },
            "50 connections, a header line a second": {
                "held_seconds": summary([seconds for seconds, _ in slow_headers]),
                "answers": sorted({answer for _, answer in slow_headers}),
                "observed_for_at_most_seconds": limit,
            },
            "a body a byte a second": {
                "held_seconds": round(slow_body[0], 1),
                "answer": slow_body[1],
            },
            "another client meanwhile": probed,
        }


# --- clairvoyance ---------------------------------------------------------------------------

CLAIRVOYANCE = ROOT / "tests" / "clairvoyance"
NOISE = ["alpha", "beta", "user", "users", "admin", "login", "password", "token", "item", "post"]


def schema_words() -> list[str]:
    """Every name in schema.graphql (types, fields, arguments, enum values), and some noise."""
    text = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    text = re.sub(r'"""(.|\n)*?"""|"[^"\n]*"', " ", text)
    words = set(re.findall(r"[_A-Za-z][_0-9A-Za-z]*", text))
    return sorted(words | set(NOISE))


def clairvoyance_environment() -> Path:
    """The locked clairvoyance environment, synced (tests/clairvoyance has its own uv.lock)."""
    uv = ROOT / ".tools" / "bin" / "uv"
    subprocess.run(
        [str(uv), "sync", "--locked", "--quiet", "--project", str(CLAIRVOYANCE)],
        check=True,
        env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(CLAIRVOYANCE / ".venv")},
    )
    return CLAIRVOYANCE / ".venv" / "bin" / "clairvoyance"


def recovered_types(schema: dict[str, Any]) -> list[str]:
    """The non-builtin types in clairvoyance's output."""
    types = schema.get("data", schema).get("__schema", {}).get("types", [])
    builtin = {"String", "Int", "Float", "Boolean", "ID"}
    return sorted(
        t["name"] for t in types if t["name"] not in builtin and not t["name"].startswith("__")
    )


def run_clairvoyance(
    url: str, words: list[str], workdir: Path, timeout: float
) -> tuple[list[str], float, bool]:
    """Run clairvoyance against `url`: the types it recovered, its seconds, whether it finished."""
    executable = clairvoyance_environment()
    wordlist = workdir / "wordlist.txt"
    wordlist.write_text("\n".join(words) + "\n", encoding="utf-8")
    output = workdir / "clairvoyance.json"
    output.unlink(missing_ok=True)
    started = time.perf_counter()
    finished = True
    try:
        subprocess.run(
            [str(executable), "-w", str(wordlist), "-o", str(output), "-m", "1", url],
            timeout=timeout,
            capture_output=True,
            check=False,
        )
    except subprocess.TimeoutExpired:
        finished = False
    seconds = time.perf_counter() - started
    found = json.loads(output.read_text()) if output.exists() else {}
    return recovered_types(found), seconds, finished


async def guessed(
    source: Path, workdir: Path, settings: dict[str, str], timeout: float
) -> dict[str, Any]:
    async with Server(source, settings, workdir / "clairvoyance.log") as server:
        words = schema_words()
        types, seconds, finished = await asyncio.to_thread(
            run_clairvoyance, server.url + "/graphql", words, workdir, timeout
        )
    return {
        "wordlist_words": len(words),
        "recovered_types": len(types),
        "types": types,
        "seconds": round(seconds, 1),
        "finished": finished,
    }


async def clairvoyance(source: Path, workdir: Path, timeout: float = 300) -> dict[str, Any]:
    hidden = {"DIPLOGRAPH_INTROSPECTION": "false", "DIPLOGRAPH_GRAPHIQL": "false"}
    return {
        "introspection off": await guessed(source, workdir, hidden, timeout),
        # The budget and the in-flight cap also slow clairvoyance down; without them, what is
        # left to stop it is what the messages say.
        "introspection off, budget and in-flight cap raised": await guessed(
            source,
            workdir,
            {
                **hidden,
                "DIPLOGRAPH_RATE_LIMIT_BUDGET": "1000000000",
                "DIPLOGRAPH_MAX_CONCURRENT_REQUESTS_PER_CLIENT": "1000",
            },
            timeout,
        ),
    }


# --- main -----------------------------------------------------------------------------------

ATTACKS: dict[str, Callable[[Path, Path], Awaitable[dict[str, Any]]]] = {
    "heavy": heavy,
    "memory": memory,
    "slowloris": slowloris,
    "clairvoyance": clairvoyance,
}


@contextlib.asynccontextmanager
async def workspace() -> AsyncIterator[Path]:
    with tempfile.TemporaryDirectory(prefix="diplograph-attacks-") as directory:
        yield Path(directory)


async def run(names: list[str], source: Path, keep: Path | None) -> dict[str, Any]:
    results: dict[str, Any] = {}
    async with workspace() as directory:
        workdir = keep or directory
        workdir.mkdir(parents=True, exist_ok=True)
        for name in names:
            started = time.perf_counter()
            results[name] = await ATTACKS[name](source, workdir)
            print(f"{name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("attack", choices=[*ATTACKS, "all"])
    parser.add_argument("--source", type=Path, default=ROOT, help="the code to serve")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs in this folder")
    args = parser.parse_args(argv)
    names = list(ATTACKS) if args.attack == "all" else [args.attack]
    results = asyncio.run(run(names, args.source.resolve(), args.logs))
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
