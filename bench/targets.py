"""What the bench measures: the golden queries, the three targets, and how their answers compare.

(a) `graphql`: diplograph's /graphql. (b) `limit`: the hand-written endpoints of
`bench.limit_app`. (c) `naive`: the tutorial-style schema of `bench.naive_schema`. Every target
must answer every golden query with the same `data`, compared as canonical JSON.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from starlette.applications import Starlette

from api.examples import EXAMPLES_DIR
from api.settings import Settings

QUERIES_DIR = EXAMPLES_DIR
TARGETS = ("graphql", "limit", "naive", "cached")
LABELS = {
    "graphql": "a: diplograph",
    "limit": "b: the limit",
    "naive": "c: naive peer",
    "cached": "a': diplograph, response cache on",
}
# Per-target settings. The cost budget is made limitless everywhere: the bench measures speed, and
# its 32 clients share one IP (one budget). (a) runs without the response cache, (a') with it.
SETTINGS: dict[str, dict[str, Any]] = {
    "graphql": {"response_cache_bytes": 0},
    "cached": {},
    "limit": {},
    "naive": {},
}
# No query is refused for its price either (priced from the data's list sizes, the golden queries
# that read a growing neighbourhood cost more than the default maximum from 10x on), nor for the
# number in flight: the 32 clients are one client to the per-client cap.
UNLIMITED = {
    "rate_limit_budget": 10**12,
    "rate_limit_refill_per_second": 1e12,
    "max_query_cost": 10**12,
    "max_concurrent_requests_per_client": 10**6,
}


@dataclass(frozen=True)
class GoldenQuery:
    name: str  # the file's stem, e.g. 01-nac-plus-4-attendees
    text: str

    @property
    def short(self) -> str:
        return self.name.split("-", 1)[1]


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    body: bytes = b""

    def raw(self, host: str) -> bytes:
        """The request as HTTP/1.1 bytes on a keep-alive connection."""
        lines = [f"{self.method} {self.path} HTTP/1.1", f"Host: {host}"]
        if self.method == "POST":
            lines += ["Content-Type: application/json", f"Content-Length: {len(self.body)}"]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + self.body


# The brief's ten golden questions, the files the limit (`bench.limit_app`) has a hand-written
# endpoint for; the later example files (search and filters) are not part of the comparison.
GOLDEN_COUNT = 10


def golden_queries(directory: Path = QUERIES_DIR) -> list[GoldenQuery]:
    return [
        GoldenQuery(path.stem, path.read_text(encoding="utf-8"))
        for path in sorted(directory.glob("*.graphql"))
        if int(path.stem[:2]) <= GOLDEN_COUNT
    ]


def request_for(target: str, query: GoldenQuery) -> HttpRequest:
    """The request that asks `target` the golden question."""
    if target == "limit":
        from bench.limit_app import path_for

        return HttpRequest("GET", path_for(query.name))
    return HttpRequest("POST", "/graphql", orjson.dumps({"query": query.text}))


def settings_for(target: str) -> Settings:
    return Settings(_env_file=None, log_level="warning", **UNLIMITED, **SETTINGS[target])


def app_factory(target: str) -> Callable[[Settings], Starlette]:
    if target in ("graphql", "cached"):
        from api.app import create_app

        return create_app
    if target == "limit":
        from bench.limit_app import create_limit_app

        return create_limit_app
    if target == "naive":
        from bench.naive_app import create_naive_app

        return create_naive_app
    raise ValueError(f"unknown target {target!r}; expected one of {', '.join(TARGETS)}")


def answer_data(body: bytes) -> Any:
    """The `data` of a response body; an `errors` entry or a missing `data` is a failure."""
    decoded = orjson.loads(body)
    if decoded.get("errors") or "data" not in decoded:
        raise AnswerError(f"not a clean answer: {body[:300]!r}")
    return decoded["data"]


def canonical(data: Any) -> bytes:
    """JSON with sorted keys and no whitespace: equal data, equal bytes."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


class AnswerError(Exception):
    """A target answered a golden query with errors or without data."""
