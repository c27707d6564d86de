"""Posts as of a day: a designated post is not held, an ended post is held until the day before its
end, wherever posts are listed (an official's, an organisation's, a country's, a statement's
speakers').

The seed's designated post: Yoon Soon-gu will lead South Korea's mission to NATO, known (as
designated) on 2022-09-28. Written into the store beside the Finland fixture: a designated post
whose dates cover a statement's day, and a post that ended.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from starlette.applications import Starlette

from tests.support.app import ROOT, graphql, make_settings, running_app
from tests.support.factories import day, post

FINLAND_JOINS = (
    ROOT / "tests" / "fixtures" / "articles" / "diplograph-test-wire-2023-04-04-finland-joins"
)


@pytest.fixture(scope="module")
async def posts_app() -> AsyncIterator[tuple[Starlette, httpx.AsyncClient]]:
    async with running_app(make_settings(articles=[FINLAND_JOINS])) as (app, client):
        await app.state.store["posts"].insert_many(
            [
                post(
                    "jens-stoltenberg",
                    "Chair of the test board",
                    organisation_id="nato",
                    status="designated",
                    start=day("2023-01-01"),
                ),
                post(
                    "pekka-haavisto",
                    "Minister for Development",
                    country_id="FI",
                    start=day("2007-04-19"),
                    end=day("2007-04-20"),
                ),
            ]
        )
        yield app, client


@pytest.fixture
async def posts_client(posts_app: tuple[Starlette, httpx.AsyncClient]) -> httpx.AsyncClient:
    return posts_app[1]


async def data(client: httpx.AsyncClient, query: str) -> dict:
    body = await graphql(client, query)
    assert "errors" not in body, body["errors"]
    return body["data"]


async def test_a_designated_post_is_listed_but_not_held_by_the_official(client):
    found = await data(
        client,
        """{ official(id: "yoon-soon-gu") {
          all: posts { title status }
          held: posts(asOf: "2022-09-28") { title status }
        } }""",
    )

    titles = {(p["title"], p["status"]) for p in found["official"]["all"]}
    assert ("Head of the Mission to NATO", "DESIGNATED") in titles
    assert [p["status"] for p in found["official"]["held"]] == ["HELD"]
    assert found["official"]["held"][0]["title"] == "Ambassador to Belgium"


async def test_a_designated_post_is_not_held_at_the_organisation_or_for_the_country(client):
    found = await data(
        client,
        """{ organisation(id: "kr-mission-nato") {
             all: posts { official { slug } status }
             held: posts(asOf: "2022-09-28") { official { slug } }
           }
           country(code: "KR") { posts(asOf: "2022-09-28") { status official { slug } } } }""",
    )

    assert found["organisation"]["all"] == [
        {"official": {"slug": "yoon-soon-gu"}, "status": "DESIGNATED"}
    ]
    assert found["organisation"]["held"] == []
    assert {p["status"] for p in found["country"]["posts"]} == {"HELD"}


async def test_a_statement_names_the_posts_its_speaker_held_not_one_designated(posts_client):
    found = await data(
        posts_client,
        """{ statement(id: "stoltenberg-welcomes-finland-2023-04-04") {
          speakerPosts { title status }
        } }""",
    )

    assert found["statement"]["speakerPosts"] == [{"title": "Secretary General", "status": "HELD"}]


async def test_an_ended_post_is_held_until_the_day_before_its_end(posts_client):
    found = await data(
        posts_client,
        """{ official(id: "pekka-haavisto") {
          last: posts(asOf: "2007-04-19") { title }
          after: posts(asOf: "2007-04-20") { title }
        } }""",
    )

    assert found["official"]["last"] == [{"title": "Minister for Development"}]
    assert found["official"]["after"] == []
