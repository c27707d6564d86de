"""Search ranking on names written for it: names that tie, names that match only in part, and an
entity whose best name is not its last. Scores are the documented ones (schema/search.py): an exact
name 1.0, another name 0.9 times the match, a prefix 0.8, a word inside 0.6, plus under 0.01 for
prominence (none of these officials has a relation, so none gets any)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from tests.support.app import graphql, make_settings, running_app
from tests.support.factories import official

OFFICIALS = [
    official("quill-tie-2", "Quill Tie"),
    official("quill-tie-1", "Quill Tie"),
    official("quill-tie-3", "Quill Tie"),
    official("robley-smith", "Robley Smith"),
    official("jane-robleyson", "Jane Robleyson"),
    official("robleyville-kay", "Robleyville Kay"),
    # Its name matches exactly; a later alias only by a word inside.
    official("zebedee", "Zebedee", aliases=["Captain Zebedee"]),
]
SEARCH = """query ($q: String!, $first: Int!) {
  search(query: $q, types: [OFFICIAL], first: $first) {
    score matched matchedOn node { ... on Official { slug } }
  }
}"""


@pytest.fixture(scope="module")
async def search_app() -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    async with running_app(make_settings()) as (app, client):
        await app.state.store["officials"].insert_many([dict(d) for d in OFFICIALS])
        yield app, client


@pytest.fixture
async def searching(search_app: tuple[Starlette, httpx.AsyncClient]) -> httpx.AsyncClient:
    return search_app[1]


async def search(client: httpx.AsyncClient, query: str, first: int = 10) -> list[dict]:
    body = await graphql(client, SEARCH, {"q": query, "first": first})
    assert "errors" not in body, body["errors"]
    return body["data"]["search"]


def ranked(results: list[dict]) -> list[tuple[str, float]]:
    return [(result["node"]["slug"], result["score"]) for result in results]


async def test_names_that_tie_are_ranked_by_id_and_cut_at_first(searching):
    results = await search(searching, "quill tie", first=2)

    assert ranked(results) == [("quill-tie-1", 1.0), ("quill-tie-2", 1.0)]


async def test_a_prefix_ranks_above_a_word_inside_a_name(searching):
    results = await search(searching, "robley")

    assert ranked(results) == [
        ("robley-smith", 0.8),  # a prefix, the shorter name first
        ("robleyville-kay", 0.8),
        ("jane-robleyson", 0.6),  # a word inside
    ]


async def test_the_best_matching_name_is_scored_not_the_last(searching):
    (result,) = await search(searching, "zebedee")

    assert result == {
        "score": 1.0,
        "matched": "Zebedee",
        "matchedOn": "NAME",
        "node": {"slug": "zebedee"},
    }


@pytest.mark.parametrize("first", [1, 2, 3])
async def test_search_returns_at_most_first_results(searching, first):
    results = await search(searching, "robley", first=first)

    assert len(results) == first


@pytest.mark.parametrize(
    ("query", "first", "message"),
    [
        ("robley", 0, "`first` must be between 1 and 50; got 0."),
        ("robley", 51, "`first` must be between 1 and 50; got 51."),
        ("r" * 201, 5, "`query` is limited to 200 characters."),
        ("!?", 5, "`query` must contain at least one letter or digit."),
    ],
)
async def test_a_search_outside_its_bounds_is_refused(searching, query, first, message):
    body = await graphql(searching, SEARCH, {"q": query, "first": first})

    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == message


async def test_a_search_at_its_bounds_runs(searching):
    longest = await search(searching, "r" * 200, first=50)
    one = await search(searching, "robley", first=1)

    assert longest == []
    assert ranked(one) == [("robley-smith", 0.8)]


async def test_officials_are_found_by_post_title_only_when_officials_are_asked_for(client):
    query = """query ($types: [EntityType!]) {
      search(query: "deputy secretary general", types: $types, first: 5) {
        matchedOn node { __typename }
      }
    }"""
    officials = await graphql(client, query, {"types": ["OFFICIAL"]})
    organisations = await graphql(client, query, {"types": ["ORGANISATION"]})

    assert officials["data"]["search"][0] == {
        "matchedOn": "POST_TITLE",
        "node": {"__typename": "Official"},
    }
    assert organisations["data"]["search"] == []
