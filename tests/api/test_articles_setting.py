"""DIPLOGRAPH_ARTICLES: bundles from anywhere, loaded at start-up after the bundled ones."""

from __future__ import annotations

import logging

import pytest

from api.app import create_app
from seeds.problems import SeedValidationError
from tests.support.app import drop_test_database, graphql, make_settings, running_app
from tests.support.seeds import write_bundle

META = (
    "id: elsewhere\ntitle: Elsewhere\nurl: https://example.org/elsewhere\npublisher: Example\n"
    "published: {date: 2022-09-30}\nsha256: {sha256}\n"
)


async def test_a_bundle_named_by_the_setting_is_served(tmp_path):
    bundle = write_bundle(
        tmp_path / "elsewhere",
        "Ambassador Ana Testa met Kim Gunn on Thursday.\n",
        META,
        "officials:\n  - id: ana-testa\n    name: Ana Testa\n    quote: Ambassador Ana Testa\n",
    )

    async with running_app(make_settings(articles=[tmp_path])) as (_app, client):
        body = await graphql(client, '{ official(id: "ana-testa") { name sources { quote } } }')
        assert body["data"]["official"] == {
            "name": "Ana Testa",
            "sources": [{"quote": "Ambassador Ana Testa"}],
        }
    assert bundle.is_dir()


async def test_an_invalid_bundle_in_the_setting_stops_the_start_up(tmp_path, caplog):
    write_bundle(
        tmp_path / "elsewhere",
        "Ambassador Ana Testa spoke.\n",
        META,
        "officials:\n  - id: ana-testa\n    name: Ana Tester\n    quote: Ambassador Ana Testa\n",
    )
    settings = make_settings(articles=[tmp_path])
    app = create_app(settings)

    try:
        with (
            caplog.at_level(logging.ERROR, logger="diplograph"),
            pytest.raises(SeedValidationError),
        ):
            async with app.router.lifespan_context(app):
                pytest.fail("the app started")
    finally:  # the indexes were created before the seed was refused
        drop_test_database(settings.mongodb_uri, settings.mongodb_database)

    assert "the seed data did not load; nothing was written" in caplog.text
    assert "'Ana Tester' is not written in this entry's quote" in caplog.text
