"""Repository regressions found while hardening."""

from __future__ import annotations

from tests.support.app import graphql


async def test_articles_still_list_after_an_article_was_loaded_by_id(client):
    by_id = '{ meeting(id: "nac-plus-4-2022-09-27") { articles { title } } }'
    assert "errors" not in await graphql(client, by_id)
    body = await graphql(client, "{ articles { totalCount nodes { title } } }")
    assert "errors" not in body
    assert body["data"]["articles"]["totalCount"] == 1
