"""A bounded, closed-loop HTTP load generator, run as its own process by `bench.run`.

`concurrency` workers each hold one keep-alive connection and send the same request back to back,
for `warmup` seconds (not recorded), then for at least `duration` seconds (recorded) and until
`min_recorded` responses are recorded, but never past `max_duration` seconds of recording: a slow
target at concurrency 32 needs a longer window to say anything about its p99.

It speaks just enough HTTP/1.1 over asyncio streams (with uvloop) to send a request and read a
Content-Length response: a general client such as httpx costs a few hundred microseconds of client
CPU per request, which would cap the fastest endpoints and flatter the ratios between them.

    echo '{"port": 8123, "request": "GET /healthz HTTP/1.1\\r\\nHost: x\\r\\n\\r\\n",
           "concurrency": 32, "duration": 2, "warmup": 0.5}' | python -m bench.load
"""

from __future__ import annotations

import asyncio
import json
import math
import sys
import time
from dataclasses import dataclass, field


@dataclass
class Tally:
    """What the workers saw: latencies of the recorded requests, and every request's outcome."""

    window_start: float
    window_end: float
    hard_end: float
    min_recorded: int
    stopped_at: float | None = None
    latencies: list[float] = field(default_factory=list)
    sent: int = 0
    completed: int = 0
    errors: int = 0
    response_bytes: int = 0
    first_error: str | None = None


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    length = None
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    if length is None:
        raise ValueError("response without Content-Length")
    return status, await reader.readexactly(length)


async def worker(host: str, port: int, request: bytes, tally: Tally) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while tally.stopped_at is None:
            started = time.perf_counter()
            tally.sent += 1
            writer.write(request)
            try:
                status, body = await read_response(reader)
            except (OSError, ValueError, asyncio.IncompleteReadError) as error:
                tally.errors += 1
                tally.first_error = tally.first_error or repr(error)
                return
            finished = time.perf_counter()
            tally.completed += 1
            if status != 200:
                tally.errors += 1
                tally.first_error = tally.first_error or f"HTTP {status}: {body[:200]!r}"
            if finished >= tally.window_start and tally.stopped_at is None:
                tally.latencies.append(finished - started)
                tally.response_bytes += len(body)
                enough = len(tally.latencies) >= tally.min_recorded
                if (finished >= tally.window_end and enough) or finished >= tally.hard_end:
                    tally.stopped_at = finished
    finally:
        writer.close()


def percentile(ordered: list[float], fraction: float) -> float:
    """Nearest-rank percentile of an ascending list (0 for an empty one)."""
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


async def run(spec: dict) -> dict:
    host = spec.get("host", "127.0.0.1")
    concurrency = int(spec["concurrency"])
    warmup = float(spec.get("warmup", 0.5))
    duration = float(spec["duration"])
    now = time.perf_counter()
    tally = Tally(
        window_start=now + warmup,
        window_end=now + warmup + duration,
        hard_end=now + warmup + max(duration, float(spec.get("max_duration", 4 * duration))),
        min_recorded=int(spec.get("min_recorded", 0)),
    )
    request = spec["request"].encode("latin-1")
    await asyncio.gather(*(worker(host, spec["port"], request, tally) for _ in range(concurrency)))
    window = (tally.stopped_at or time.perf_counter()) - tally.window_start
    ordered = sorted(tally.latencies)
    recorded = len(ordered)
    return {
        "concurrency": concurrency,
        "recorded": recorded,
        "completed": tally.completed,
        "errors": tally.errors,
        "first_error": tally.first_error,
        "seconds": window,
        "rps": recorded / window if window > 0 else 0.0,
        "p50_ms": percentile(ordered, 0.50) * 1000,
        "p90_ms": percentile(ordered, 0.90) * 1000,
        "p99_ms": percentile(ordered, 0.99) * 1000,
        "max_ms": (ordered[-1] if ordered else 0.0) * 1000,
        "mean_ms": (sum(ordered) / recorded if recorded else 0.0) * 1000,
        "response_bytes": tally.response_bytes // recorded if recorded else 0,
    }


def main() -> None:
    spec = json.loads(sys.stdin.read())
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop ships with uvicorn[standard]
        result = asyncio.run(run(spec))
    else:
        result = uvloop.run(run(spec))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
