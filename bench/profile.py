"""Profile diplograph answering one golden query, in-process, with pyinstrument.

The app runs with its lifespan (embedded store, bundled seed) and is called straight through ASGI
(no socket, no HTTP parser: those cost the same for every target), `--requests` times in a row.
Writes `profile-<query>.txt` and `.html` under `--out`, and prints a JSON summary: where the time
goes by area (the database, graphql-core, Strawberry, diplograph's own code, JSON...) and the
functions with the most self time.

    python -m bench.profile --query 01-nac-plus-4-attendees --requests 600
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from pyinstrument import Profiler

from api.app import create_app
from bench.server import CollectorClock
from bench.targets import golden_queries, request_for, settings_for

# (fragment of a file path, area). Frames of other files (the standard library: copy, re, ...)
# count towards the area of their caller, so the store's copies and matching count as its time.
STORE = "database: embedded store"
AREAS = (
    ("site-packages/mongomock/", STORE),
    ("store/embedded", STORE),
    ("site-packages/sentinels", STORE),
    ("site-packages/bson/", STORE),
    ("site-packages/sortedcontainers/", STORE),
    ("/json/", "JSON encoding and decoding"),
    ("site-packages/orjson", "JSON encoding and decoding"),
    ("site-packages/graphql/", "graphql-core (execution, validation)"),
    ("site-packages/strawberry/", "Strawberry"),
    ("/schema/", "diplograph: schema/ resolvers and types"),
    ("/store/repository/", "diplograph: store/repository"),
    ("/store/", "diplograph: store/ (loaders, handle, errors)"),
    ("/api/", "diplograph: api/ (view, context, errors, middleware)"),
    ("site-packages/starlette/", "Starlette"),
    ("/asyncio/", "asyncio event loop"),
)


def area_of(file_path: str | None) -> str | None:
    path = (file_path or "").replace("\\", "/")
    for fragment, area in AREAS:
        if fragment in path:
            return area
    return None


def call_asgi(app: Any, method: str, path: str, body: bytes):
    """One request through the ASGI interface; returns the response body."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"bench"),
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
        ],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    pending = [{"type": "http.request", "body": body, "more_body": False}]
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        return pending.pop() if pending else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    async def call() -> bytes:
        await app(scope, receive, send)
        return b"".join(chunks)

    return call()


def summarise(profiler: Profiler, requests: int, top: int = 15) -> dict[str, Any]:
    session = profiler.last_session
    assert session is not None
    root = session.root_frame()
    assert root is not None
    total = root.time
    by_area: dict[str, float] = defaultdict(float)
    by_function: dict[tuple[str, str], float] = defaultdict(float)
    inclusive: dict[tuple[str, str], float] = defaultdict(float)

    def visit(frame: Any, inherited: str, caller: tuple[str, str], on_stack: frozenset) -> None:
        # pyinstrument puts a function's own time in synthetic "[self]" children, and C functions
        # (len, isinstance, dict methods...) in "<built-in>" frames: both count for the caller.
        if frame.is_synthetic or frame.file_path == "<built-in>":
            area, key = inherited, caller
        else:
            area = area_of(frame.file_path) or inherited
            key = (frame.function or "?", f"{frame.file_path_short}:{frame.line_no}")
        by_area[area] += frame.time - sum(child.time for child in frame.children)
        by_function[key] += frame.time - sum(child.time for child in frame.children)
        if key not in on_stack and area.startswith("diplograph"):
            inclusive[key] += frame.time
        for child in frame.children:
            visit(child, area, key, on_stack | {key})

    visit(root, "other (interpreter, uncategorised)", ("<root>", ""), frozenset())

    def rows(table: dict[tuple[str, str], float]) -> list[dict[str, Any]]:
        ordered = sorted(table.items(), key=lambda item: -item[1])[:top]
        return [
            {
                "function": function,
                "where": where,
                "seconds": round(seconds, 4),
                "share": round(seconds / total, 4),
                "ms_per_request": round(seconds * 1000 / requests, 4),
            }
            for (function, where), seconds in ordered
        ]

    return {
        "sampled_seconds": round(total, 3),
        "areas": [
            {
                "area": area,
                "seconds": round(seconds, 4),
                "share": round(seconds / total, 4),
                "ms_per_request": round(seconds * 1000 / requests, 4),
            }
            for area, seconds in sorted(by_area.items(), key=lambda item: -item[1])
        ],
        "top_self": rows(by_function),
        "top_inclusive_diplograph": rows(inclusive),
    }


async def _answer(app: Any, request: Any, count: int) -> float:
    started = time.perf_counter()
    for _ in range(count):
        body = await call_asgi(app, request.method, request.path, request.body)
        if b'"errors"' in body:
            raise RuntimeError(f"the query failed: {body[:300]!r}")
    return time.perf_counter() - started


async def profile_query(query_name: str, requests: int, out: Path) -> dict[str, Any]:
    (query,) = [q for q in golden_queries() if q.name == query_name]
    request = request_for("graphql", query)
    # Uncached, with a limitless cost budget, and on the embedded store even when MONGODB_URI is
    # set: the profile is of diplograph's own code, and a server would get no seed data.
    app = create_app(settings_for("graphql").model_copy(update={"mongodb_uri": None}))
    async with app.router.lifespan_context(app):
        await _answer(app, request, 50)  # warm the parser and validation caches
        collector = CollectorClock()
        gc.callbacks.append(collector)
        unprofiled = await _answer(app, request, requests)
        gc.callbacks.remove(collector)
        profiler = Profiler(interval=0.001, async_mode="disabled", use_timing_thread=True)
        profiler.start()
        profiled = await _answer(app, request, requests)
        profiler.stop()
    stem = f"profile-{query.short}"
    (out / f"{stem}.txt").write_text(profiler.output_text(unicode=True, color=False))
    (out / f"{stem}.html").write_text(profiler.output_html())
    return {
        "query": query_name,
        "requests": requests,
        "in_process_ms_per_request": round(unprofiled * 1000 / requests, 4),
        "profiled_ms_per_request": round(profiled * 1000 / requests, 4),
        # Measured without the profiler: the collector's pauses, which a sampling profiler charges
        # to whatever allocation happened to trigger them.
        "gc_ms_per_request": round(sum(collector.seconds) * 1000 / requests, 4),
        "gc_collections": collector.collections,
        "files": [f"{stem}.txt", f"{stem}.html"],
        **summarise(profiler, requests),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", default="01-nac-plus-4-attendees", help="Golden query stem.")
    parser.add_argument("--requests", type=int, default=600, help="Requests profiled (600).")
    parser.add_argument("--out", type=Path, default=Path("bench/results"), help="Output folder.")
    arguments = parser.parse_args()
    arguments.out.mkdir(parents=True, exist_ok=True)
    summary = asyncio.run(profile_query(arguments.query, arguments.requests, arguments.out))
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
