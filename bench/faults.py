"""How long database faults take to reach a client, and how long recovery takes.

Runs `diplograph serve` in its own process with the real PyMongo client and the default timeouts
(DIPLOGRAPH_MONGODB_TIMEOUT_MS=2000 unless set), pointed at a FerretDB 1.24 process (built by
`make ferretdb`, see tests/support/ferretdb.py) which this script starts after the API, pauses
(SIGSTOP), resumes, kills (SIGKILL) and restarts on the same port and data; then times the
embedded store's outage switch in-process. Prints what the client saw and how long it took, for
the operations docs.

    .venv/bin/python -m bench.faults [--json bench/results/tmp/faults.json]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from api.app import create_app
from api.settings import Settings
from tests.support.ferretdb import FerretDBError, FerretDBServer, build, free_port

KOREA = {"query": '{ country(code: "KR") { name } }'}
BURST = 50


def seen(response: httpx.Response) -> str:
    """What the client saw, in one line."""
    if response.headers.get("content-type", "").startswith("application/json"):
        body = response.json()
        if "errors" in body:
            error = body["errors"][0]
            return f"{response.status_code} {error.get('extensions', {}).get('code')}"
        if "reason" in body:
            return f"{response.status_code} {body['status']}"
        return f"{response.status_code} data"
    return str(response.status_code)


async def until(client: httpx.AsyncClient, url: str, status: int, limit: float = 60) -> float:
    """Seconds until `url` answers `status`, polling every 50 ms."""
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        with contextlib.suppress(httpx.TransportError):
            if (await client.get(url)).status_code == status:
                return time.perf_counter() - started
        await asyncio.sleep(0.05)
    raise SystemExit(f"{url} never answered {status}")


class Rows(list):
    """The measurements: what the client saw in each case, and how long it took."""

    def add(self, case: str, client_saw: str, seconds: float) -> None:
        self.append({"case": case, "client_saw": client_saw, "seconds": round(seconds, 3)})

    async def request(self, case: str, client: httpx.AsyncClient, method: str, url: str) -> None:
        started = time.perf_counter()
        response = await client.request(method, url, json=KOREA if method == "POST" else None)
        self.add(case, seen(response), time.perf_counter() - started)


async def real_client_faults(timeout_ms: int) -> Rows:
    rows = Rows()
    scratch = Path(tempfile.mkdtemp(prefix="diplograph-faults-"))
    (scratch / "data").mkdir()
    database = FerretDBServer(build(), scratch / "data", scratch, port=free_port())
    port = free_port()
    env = {
        **os.environ,
        "MONGODB_URI": database.uri,
        "DIPLOGRAPH_MONGODB_DATABASE": "diplograph_faults",
        "DIPLOGRAPH_SEED_ON_STARTUP": "true",
        "DIPLOGRAPH_MONGODB_TIMEOUT_MS": str(timeout_ms),
        "DIPLOGRAPH_HOST": "127.0.0.1",
        "DIPLOGRAPH_PORT": str(port),
        "DIPLOGRAPH_LOG_LEVEL": "warning",
    }
    env.pop("DIPLOGRAPH_MONGODB_URI", None)
    executable = Path(sys.executable).with_name("diplograph")
    server = subprocess.Popen(
        [str(executable), "serve"],
        env=env,
        stdout=(scratch / "server.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=60) as client:
            rows.add(
                "down at start-up: process answers /healthz",
                "200",
                await until(client, "/healthz", 200),
            )
            await rows.request("down at start-up: /readyz", client, "GET", "/readyz")
            await rows.request("down at start-up: GraphQL query", client, "POST", "/graphql")
            database.start()
            rows.add(
                "comes up: until /readyz is 200 (seed loaded), no restart",
                "200",
                await until(client, "/readyz", 200),
            )
            await rows.request("comes up: GraphQL query", client, "POST", "/graphql")

            database.pause()
            await rows.request("paused (SIGSTOP): GraphQL query", client, "POST", "/graphql")
            await rows.request("paused: /readyz", client, "GET", "/readyz")
            await burst(rows, "paused", client)
            database.resume()
            rows.add("resumed: until /readyz is 200", "200", await until(client, "/readyz", 200))
            await rows.request("resumed: GraphQL query", client, "POST", "/graphql")

            database.kill()
            await rows.request("killed (SIGKILL): GraphQL query", client, "POST", "/graphql")
            await rows.request("killed: next GraphQL query", client, "POST", "/graphql")
            await rows.request("killed: /readyz", client, "GET", "/readyz")
            await burst(rows, "killed", client)
            database.start()
            rows.add(
                "restarted on the same port and data: until /readyz is 200",
                "200",
                await until(client, "/readyz", 200),
            )
            await rows.request("restarted: GraphQL query", client, "POST", "/graphql")

            database.pause()
            started = time.perf_counter()
            waiting = asyncio.create_task(client.post("/graphql", json=KOREA))
            await asyncio.sleep(timeout_ms / 4000)  # the query is waiting on the paused server
            database.kill()
            rows.add(
                "killed while a query waits on it: that query",
                seen(await waiting),
                time.perf_counter() - started,
            )
            database.start()
            rows.add("restarted: until /readyz is 200", "200", await until(client, "/readyz", 200))
            await rows.request("restarted: GraphQL query", client, "POST", "/graphql")
    finally:
        server.terminate()
        server.wait(timeout=15)
        database.kill()
    return rows


async def burst(rows: Rows, state: str, client: httpx.AsyncClient) -> None:
    """BURST concurrent queries: what they saw, and how long until the last was answered."""
    started = time.perf_counter()
    answers = await asyncio.gather(*(client.post("/graphql", json=KOREA) for _ in range(BURST)))
    rows.add(
        f"{state}: {BURST} concurrent GraphQL queries, until all answered",
        ", ".join(sorted({seen(response) for response in answers})),
        time.perf_counter() - started,
    )


async def embedded_faults() -> Rows:
    rows = Rows()
    app = create_app(Settings(_env_file=None, mongodb_uri=None, seed_on_startup=True))
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            app.state.store.client.simulate_outage()
            await rows.request("embedded outage: GraphQL query", client, "POST", "/graphql")
            await rows.request("embedded outage: /readyz", client, "GET", "/readyz")
            app.state.store.client.end_outage()
            await rows.request("embedded outage over: GraphQL query", client, "POST", "/graphql")
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--timeout-ms", type=int, default=2000, help="DIPLOGRAPH_MONGODB_TIMEOUT_MS (2000)."
    )
    parser.add_argument("--json", type=Path, help="Also write the rows to this file.")
    args = parser.parse_args(argv)

    try:
        build()
    except FerretDBError as error:
        print(f"bench.faults needs the FerretDB test server: {error}", file=sys.stderr)
        return 2
    rows = asyncio.run(real_client_faults(args.timeout_ms)) + asyncio.run(embedded_faults())
    width = max(len(row["case"]) for row in rows)
    print(f"DIPLOGRAPH_MONGODB_TIMEOUT_MS={args.timeout_ms}")
    for row in rows:
        print(f"{row['case']:<{width}}  {row['client_saw']:<28} {row['seconds']:>6} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
