"""No N+1: the database commands a golden query sends do not grow with the data.

The same golden query files run against the seed data (1x) and against the seed data plus sixty
synthetic articles that each add officials, meetings, memberships and decisions around the golden
entities (more than 10x the graph's documents). Commands are counted by the store's command log
(PyMongo's command monitoring on a real server, the embedded adapter's own count otherwise).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from api.examples import EXAMPLES_DIR
from bench.corpus import write_corpus
from seeds.loader import collect_articles, load
from tests.support.app import ROOT, graphql, make_settings, running_app

QUERIES = sorted(EXAMPLES_DIR.glob("*.graphql"))
SYNTHETIC_ARTICLES = 60
GRAPH_COLLECTIONS = (
    "organisations", "officials", "meetings", "articles",
    "memberships", "posts", "participations", "decisions",
)  # fmt: skip


async def graph_size(app) -> int:
    """Documents in the graph, not counting the 249 ISO countries (reference, not news)."""
    store = app.state.store
    return sum([await store[name].count_documents({}) for name in GRAPH_COLLECTIONS])


async def command_counts(app, client) -> dict[str, int]:
    counts = {}
    for path in QUERIES:
        app.state.store.commands.reset()
        body = await graphql(client, path.read_text(encoding="utf-8"))
        assert "errors" not in body, (path.name, body.get("errors"))
        counts[path.stem] = app.state.store.commands.total
    return counts


async def nac_plus_4_officials(client) -> int:
    body = await graphql(
        client,
        '{ meeting(id: "nac-plus-4-2022-09-27") { participants(kind: OFFICIAL) { totalCount } } }',
    )
    return body["data"]["meeting"]["participants"]["totalCount"]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("corpus")
    write_corpus(target, count=SYNTHETIC_ARTICLES)
    return target


async def test_golden_queries_send_as_many_commands_at_10x_data_as_at_1x(corpus):
    # Count the work, not the cache; and let every query run: at 10x the golden neighbourhoods'
    # lists are long enough that some golden queries may cost more than the default maximum.
    limits = {"max_query_cost": 10**9, "rate_limit_budget": 10**9}
    uncached = make_settings(response_cache_bytes=0, **limits)
    async with running_app(uncached) as (app, client):
        at_1x = await command_counts(app, client)
        officials_1x = await nac_plus_4_officials(client)
        size_1x = await graph_size(app)

    async with running_app(make_settings(response_cache_bytes=0, **limits)) as (
        grown_app,
        grown_client,
    ):
        bundles = collect_articles([ROOT / "seeds" / "articles", corpus])
        report = await load(grown_app.state.store, bundles)
        assert report.totals()["inserted"] > 0
        # The synthetic articles grow the golden neighbourhoods, so the comparison means something.
        assert await graph_size(grown_app) >= 10 * size_1x
        assert await nac_plus_4_officials(grown_client) == officials_1x + SYNTHETIC_ARTICLES
        at_10x = await command_counts(grown_app, grown_client)

    assert all(count > 0 for count in at_1x.values())
    assert at_10x == at_1x
