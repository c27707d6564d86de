"""What reading requests with api/protocol.py's limits costs, on httptools and on h11.

Starts the app under uvicorn three times: with `--http httptools` (uvicorn's default), with
`api.protocol:GuardedHttpToolsProtocol` (what `diplograph serve` uses) and with
`api.protocol:GuardedH11Protocol` (h11 with the same limits), and loads each with
bench/load.py's closed-loop client: /healthz (the HTTP layer alone) and a golden query answered
from the response cache (the cheapest GraphQL request there is). Prints requests a second and
latencies for each, and the ratio.

    .venv/bin/python -m bench.protocols [--duration 5] [--json bench/results/tmp/protocols.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from bench.attacks import free_port

ROOT = Path(__file__).resolve().parents[1]
PROTOCOLS = {
    "httptools": "httptools",
    "httptools + limits": "api.protocol:GuardedHttpToolsProtocol",
    "h11 + limits": "api.protocol:GuardedH11Protocol",
}
GOLDEN = '{ official(id: \\"kim-gunn\\") { name posts { title } } }'


def request(path: str, body: bytes | None = None) -> str:
    if body is None:
        return f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n"
    return (
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Accept: application/json\r\nContent-Length: {len(body)}\r\n\r\n{body.decode()}"
    )


def measure(protocol: str, duration: float, concurrency: int) -> dict[str, Any]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIPLOGRAPH_")}
    env.pop("MONGODB_URI", None)
    env.update(
        {
            "DIPLOGRAPH_LOG_LEVEL": "warning",
            "DIPLOGRAPH_RATE_LIMIT_BUDGET": "1000000000",
            "DIPLOGRAPH_RATE_LIMIT_REFILL_PER_SECOND": "1000000000",
            "DIPLOGRAPH_MAX_CONCURRENT_REQUESTS_PER_CLIENT": "1000",
        }
    )
    command = [
        sys.executable, "-m", "uvicorn", "api.app:create_app", "--factory",
        "--port", str(port), "--http", protocol, "--log-level", "warning",
    ]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    try:
        for _ in range(600):
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        body = ('{"query": "' + GOLDEN + '"}').encode()
        results = {}
        for name, raw in (
            ("healthz", request("/healthz")),
            ("cached query", request("/graphql", body)),
        ):
            spec = {
                "port": port,
                "request": raw,
                "concurrency": concurrency,
                "duration": duration,
                "warmup": 1.0,
            }
            finished = subprocess.run(
                [sys.executable, "-m", "bench.load"],
                input=json.dumps(spec),
                capture_output=True,
                text=True,
                cwd=ROOT,
                check=True,
            )
            outcome = json.loads(finished.stdout)
            results[name] = {
                "rps": round(outcome["rps"]),
                "p50_ms": round(outcome["p50_ms"], 2),
                "p99_ms": round(outcome["p99_ms"], 2),
                "errors": outcome["errors"],
            }
        return results
    finally:
        server.terminate()
        server.wait(timeout=15)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = {name: measure(p, args.duration, args.concurrency) for name, p in PROTOCOLS.items()}
    base = results["httptools"]
    for guarded in ("httptools + limits", "h11 + limits"):
        results[f"{guarded} / httptools (rps)"] = {
            name: round(results[guarded][name]["rps"] / base[name]["rps"], 2) for name in base
        }
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
