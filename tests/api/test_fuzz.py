"""Property-based tests: queries generated from the schema never get a 5xx, never leak an unmasked
error, and always get a well-formed GraphQL response.

Every answer's actual cost is at most its requested cost (the price is an upper bound).
hypothesis-graphql builds the queries from the schema's SDL. Its strings are mixed with the ids,
codes, names and cursors the seed data really has, so generated queries reach past "not found"
into the resolvers that follow relations. The budget comes from the Hypothesis profile
(HYPOTHESIS_PROFILE: `ci` by default, `long` for a local soak; see tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import graphql
import httpx
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from hypothesis_graphql import Mode, from_schema
from strawberry.relay.utils import to_base64

from api.graphql_schema import build_schema
from schema.cursors import encode_cursor
from store.names import sort_key
from tests.support.app import ROOT, make_settings, running_app

SDL = str(build_schema())
MIN_INT, MAX_INT = -(2**31), 2**31 - 1
TYPES = ("Country", "Official", "Organisation", "Meeting", "Article", "Decision")
RESPONSE_KEYS = {"data", "errors", "extensions"}
ERROR_KEYS = {"message", "locations", "path", "extensions"}


def seed_values(keys: set[str], directory: Path = ROOT / "seeds") -> list[str]:
    """Every string under one of `keys` in the seed data files: ids, codes, names, aliases."""
    found: set[str] = set()

    def walk(node: Any, key: str = "") -> None:
        if isinstance(node, dict):
            for child_key, child in node.items():
                walk(child, child_key)
        elif isinstance(node, list):
            for child in node:
                walk(child, key)
        elif isinstance(node, str) and key in keys:
            found.add(node)

    for path in sorted(directory.rglob("*.yaml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted(found)


SLUGS = seed_values({"id"})  # officials, organisations, meetings, articles, decisions...
CODES = seed_values({"code"})  # ISO 3166-1 alpha-2: 249 of them, so they get their own share
NAMES = seed_values({"name", "acronym", "aliases"})
# Every type with every id: the wrong pairs are ordinary "not found" cases.
GLOBAL_IDS = [to_base64(kind, identifier) for kind in TYPES for identifier in SLUGS + CODES]
# Real cursors of several lists and orders (used on the wrong list too), and forgeries: an old
# position cursor, an edited one, one of an unknown version.
CURSORS = [
    *(encode_cursor("countries", "CODE", [code]) for code in ("AL", "KR", "ZW", "ZZ")),
    encode_cursor("countries", "NAME", [sort_key("South Korea"), "KR"]),
    encode_cursor("officials", "NAME", [sort_key("Kim Gunn"), "kim-gunn"]),
    encode_cursor("meetings", "DATE", ["2022-09-27", "nac-plus-4-2022-09-27"]),
    encode_cursor("Meeting.participants", "default", ["2", "FI"]),
    encode_cursor("Organisation.members", "default", ["1949-08-24", "nato--be--member"]),
    to_base64("arrayconnection", 35),
    encode_cursor("countries", "CODE", ["KR"])[:-2] + "AA",
    to_base64("v2:0000:{}", ""),
]


def string_node(values: st.SearchStrategy[str]) -> st.SearchStrategy[graphql.StringValueNode]:
    return values.map(lambda value: graphql.StringValueNode(value=value))


SCALARS = {
    "String": string_node(
        st.sampled_from(SLUGS)
        | st.sampled_from(CODES)
        | st.sampled_from(NAMES)
        | st.sampled_from(CURSORS)
        | st.text()
    ),
    "ID": string_node(st.sampled_from(GLOBAL_IDS) | st.sampled_from(SLUGS + CODES) | st.text()),
    # Mostly page sizes and hop counts a client would send; sometimes anything an Int can hold.
    "Int": (st.integers(-3, 120) | st.integers(MIN_INT, MAX_INT)).map(
        lambda value: graphql.IntValueNode(value=str(value))
    ),
    "Date": string_node(
        st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat)
        | st.sampled_from(["2022-09-27", "2023-04-04", "2024-03-07", "1949-08-24"])
    ),
}


class _ForwardPagingOnly(graphql.Visitor):
    def enter_argument(self, node: graphql.ArgumentNode, *_: Any) -> Any:
        return graphql.Visitor.REMOVE if node.name.value in {"last", "before"} else None


def forward_paging_only(document: graphql.DocumentNode) -> graphql.DocumentNode:
    """The same query without `last`/`before`: generated arguments often ask for both ends of a
    page, which is refused before any resolver runs; half the queries page forward only."""
    return graphql.visit(document, _ForwardPagingOnly())


DOCUMENTS = from_schema(SDL, custom_scalars=SCALARS, print_ast=lambda document: document)
VALID_QUERIES = (DOCUMENTS | DOCUMENTS.map(forward_paging_only)).map(graphql.print_ast)
INVALID_QUERIES = from_schema(SDL, custom_scalars=SCALARS, mode=Mode.NEGATIVE)


@pytest.fixture(scope="module")
async def fuzz_client():
    """The seeded app with a limitless cost budget. Every test shares one client address, so the
    default budget would soon answer most generated queries with RATE_LIMITED and the resolvers
    would go untested; the rate limiter has its own tests."""
    settings = make_settings(
        rate_limit_budget=10**12,
        rate_limit_refill_per_second=1e12,
        max_concurrent_requests_per_client=1000,
    )
    async with running_app(settings) as (_app, client):
        yield client


def assert_graphql_response(response: httpx.Response) -> dict[str, Any]:
    """The checks every response must pass, whatever the query."""
    assert response.status_code < 500, response.text
    assert response.headers["content-type"].startswith("application/"), response.headers
    assert "json" in response.headers["content-type"]
    body = json.loads(response.text)
    assert isinstance(body, dict)
    assert set(body) <= RESPONSE_KEYS and {"data", "errors"} & set(body), body
    assert body.get("data") is None or isinstance(body["data"], dict)
    if "errors" not in body:
        assert isinstance(body["data"], dict)
        return body
    assert isinstance(body["errors"], list) and body["errors"]
    for error in body["errors"]:
        assert set(error) <= ERROR_KEYS and isinstance(error["message"], str), error
        code = error.get("extensions", {}).get("code")
        assert code, f"an error without a code reached the client: {error}"
        assert code != "INTERNAL_SERVER_ERROR", f"an unexpected error (masked): {error}"
        assert "Traceback" not in error["message"]
        for location in error.get("locations", []):
            assert set(location) == {"line", "column"}
        assert all(isinstance(step, str | int) for step in error.get("path", []))
    return body


@given(query=VALID_QUERIES)
async def test_valid_queries_get_well_formed_answers_and_no_server_error(fuzz_client, query):
    """...and no answer holds more objects than the query's price: the price is an upper bound."""
    response = await fuzz_client.post("/graphql", json={"query": query})

    body = assert_graphql_response(response)
    for error in body.get("errors", []):
        assert error["extensions"]["code"] != "GRAPHQL_VALIDATION_FAILED", (query, error)
    cost = body.get("extensions", {}).get("cost")
    if cost is not None:
        assert cost["actual"] <= cost["requested"], (query, cost)


@given(query=INVALID_QUERIES)
async def test_invalid_queries_are_refused_as_client_errors(fuzz_client, query):
    response = await fuzz_client.post("/graphql", json={"query": query})

    body = assert_graphql_response(response)
    assert body.get("data") is None
    assert "errors" in body
