"""How long the embedded store's work can hold the event loop, now that it runs on its own thread.

A ticker on the event loop sleeps 1 ms at a time and records how late each wake-up is (the loop's
lag); meanwhile the embedded store works: first a pure-Python call that keeps the engine's thread
busy for a second (the worst case: it never releases the interpreter by itself), then real
queries, the seed data's every collection read whole, back to back. Prints the worst and the 99th
percentile lag for each, and the same with the work run inline on the loop, as it was before.

    .venv/bin/python -m bench.loop_lag [--json bench/results/tmp/loop_lag.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from api.app import prepare_store
from api.settings import Settings
from store.connection import create_store
from store.entities import COLLECTIONS


def burn(seconds: float) -> int:
    """Pure-Python work for `seconds`: what a slow engine call looks like to the interpreter."""
    deadline = time.perf_counter() + seconds
    count = 0
    while time.perf_counter() < deadline:
        count += 1
    return count


async def lag_during(work: Callable[[], Awaitable[Any]]) -> dict[str, float]:
    """The loop's lag (ms) while `work` runs: the worst, and the 99th percentile."""
    lags: list[float] = []
    done = asyncio.Event()

    async def ticker() -> None:
        while not done.is_set():
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            lags.append((time.perf_counter() - before - 0.001) * 1000)

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    started = time.perf_counter()
    await work()
    seconds = time.perf_counter() - started
    done.set()
    await task
    ordered = sorted(lags)
    return {
        "work_seconds": round(seconds, 2),
        "worst_ms": round(ordered[-1], 1),
        "p99_ms": round(ordered[int(0.99 * (len(ordered) - 1))], 1),
        "ticks": len(ordered),
    }


async def measure() -> dict[str, Any]:
    settings = Settings(_env_file=None, mongodb_uri=None, seed_on_startup=True)
    store = create_store(settings.store_config)
    await prepare_store(store, settings)
    client = store.client

    async def thread_burn() -> None:
        await client.run(burn, 1.0)

    async def inline_burn() -> None:
        burn(1.0)

    async def thread_reads() -> None:
        for _ in range(20):
            for collection in COLLECTIONS:
                await store[collection].find({}).to_list(None)

    async def inline_reads() -> None:
        for _ in range(20):
            for collection in COLLECTIONS:
                list(store[collection]._collection.find({}))

    results = {
        "one second of engine work, on the store's thread": await lag_during(thread_burn),
        "one second of engine work, inline on the loop (before)": await lag_during(inline_burn),
        "every collection read 20 times, on the store's thread": await lag_during(thread_reads),
        "every collection read 20 times, inline on the loop (before)": await lag_during(
            inline_reads
        ),
        "switch interval (ms)": sys.getswitchinterval() * 1000,
    }
    await store.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    results = asyncio.run(measure())
    text = json.dumps(results, indent=2)
    print(text)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
