"""Nothing lost on restart: the embedded store's writes are saved in the data folder and loaded
again at start-up; any store exports to a data folder that loads back into the same graph."""

from __future__ import annotations

import httpx
import pytest
from strawberry.relay.utils import to_base64
from typer.testing import CliRunner

from api import cli
from api.export import export_store
from seeds.datadir import DataFolder
from seeds.loader import load
from store.connection import create_store
from store.entities import COLLECTIONS
from tests.support.app import graphql, make_settings, running_app
from tests.support.seeds import SEED_ARTICLE_ID, dump, second_article
from tests.support.server import running_server
from tests.support.writes import (
    EDITOR,
    LOAD,
    MERGE,
    REMOVE,
    UPDATE,
    bundle_input,
    person_article,
    write,
    writer_settings,
)

ANA = to_base64("Official", "ana-testa")


def call(server, query: str, variables: dict | None = None, headers: dict | None = None) -> dict:
    response = httpx.post(
        f"{server.url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers=headers or {},
        timeout=30,
    )
    return response.json()


@pytest.mark.embedded  # the embedded store's data folder, through `diplograph serve`
def test_every_write_survives_a_crash_and_a_restart_of_the_server(tmp_path):
    data = tmp_path / "data"
    with running_server(data, tmp_path) as server:
        loaded = call(server, LOAD, {"input": bundle_input(person_article(tmp_path, 1))}, EDITOR)[
            "data"
        ]["loadArticle"]
        assert loaded["ok"], loaded["problems"]
        extra = call(server, LOAD, {"input": bundle_input(second_article(tmp_path))}, EDITOR)
        assert extra["data"]["loadArticle"]["ok"]
        renamed = call(
            server,
            UPDATE,
            {
                "input": {
                    "id": "kim-gunn",
                    "aliases": ["Gunn Kim"],
                    "evidence": {"url": "https://e.org"},
                },
                "message": "alias",
            },
            EDITOR,
        )
        assert renamed["data"]["updateEntity"]["ok"], renamed
        removed = call(server, REMOVE, {"id": "cache-test-article"}, EDITOR)
        assert removed["data"]["removeArticle"]["ok"], removed
        before = call(server, "{ articles { nodes { slug } } }")["data"]
        version = removed["data"]["removeArticle"]["dataVersion"]
        server.kill()  # a crash: nothing runs on the way out

        server.start()

        assert call(server, "{ articles { nodes { slug } } }")["data"] == before
        ana = call(server, '{ official(id: "ana-testa") { name country { code } } }')["data"]
        assert ana == {"official": {"name": "Ana Testa", "country": {"code": "PT"}}}
        kim = call(server, '{ official(id: "kim-gunn") { aliases } }')["data"]["official"]
        assert kim["aliases"] == ["Gunn Kim"]
        gone = call(server, '{ article(id: "cache-test-article") { slug } }')
        assert gone["errors"][0]["extensions"]["code"] == "NOT_FOUND"
        history = call(
            server, f'{{ history(id: "{ANA}") {{ nodes {{ actor operation dataVersion }} }} }}'
        )["data"]["history"]["nodes"]
        # Both loaded articles name her; the removal took one article's quotes away.
        assert [(e["actor"], e["operation"]) for e in reversed(history)][:1] == [
            ("editor", "loadArticle")
        ]
        assert {e["operation"] for e in history} == {"loadArticle", "removeArticle"}
        later = call(server, LOAD, {"input": bundle_input(person_article(tmp_path, 2))}, EDITOR)
        assert later["data"]["loadArticle"]["dataVersion"] > version  # versions keep counting
    assert sorted(path.name for path in (data / "articles").iterdir()) == [
        "person-article-1",
        "person-article-2",
    ]
    assert (data / "removed" / "cache-test-article.yaml").is_file()


@pytest.mark.embedded  # the embedded store's data folder, through `diplograph serve`
def test_a_bundled_article_removed_at_run_time_stays_removed_after_a_restart(tmp_path):
    with running_server(tmp_path / "data", tmp_path) as server:
        assert call(server, REMOVE, {"id": SEED_ARTICLE_ID}, EDITOR)["data"]["removeArticle"]["ok"]
        server.stop()

        server.start()

        body = call(server, '{ meeting(id: "nac-plus-4-2022-09-27") { name } }')
        assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_a_store_exported_and_loaded_into_an_empty_store_is_the_same_graph(tmp_path):
    duplicate = bundle_input(second_article(tmp_path))
    duplicate["facts"] = (
        duplicate["facts"]
        .replace(
            "id: ana-testa\n    name: Ana Testa",
            # A name the quote abbreviates otherwise: the editor vouches for it.
            "id: a-testa\n    name: A. Testa\n    name_source: editorial",
        )
        .replace("participant: Ana Testa", "participant: a-testa")
    )
    async with running_app(writer_settings()) as (app, client):
        assert (await write(client, LOAD, {"input": duplicate}))["data"]["loadArticle"]["ok"]
        person = bundle_input(person_article(tmp_path, 3))
        assert (await write(client, LOAD, {"input": person}))["data"]["loadArticle"]["ok"]
        merged = await write(
            client,
            MERGE,
            {"keep": "ana-testa", "drop": "a-testa", "evidence": {"url": "https://e.org"}},
        )
        assert merged["data"]["mergeEntities"]["ok"], merged
        updated = await write(
            client,
            UPDATE,
            {
                "input": {
                    "id": "nato",
                    "founded": "1949-04-04",
                    "evidence": {"url": "https://e.org"},
                }
            },
        )
        assert updated["data"]["updateEntity"]["ok"], updated
        original = await dump(app.state.store)

        counts = await export_store(app.state.store, tmp_path / "export")

        assert counts[:2] == (3, 2)
    folder = DataFolder(tmp_path / "export")
    empty = create_store(make_settings().store_config)
    await empty.ensure_indexes()
    try:
        await load(empty, folder.articles(), corrections=folder.corrections())
        rebuilt = await dump(empty)
    finally:
        if not empty.embedded:
            await empty.drop_database()
        await empty.close()
    assert {name: rebuilt.get(name) for name in COLLECTIONS} == {
        name: original.get(name) for name in COLLECTIONS
    }
    assert rebuilt["redirects"]  # the merge came along


@pytest.mark.embedded  # the command exports the embedded store's data folder
def test_the_export_command_writes_a_data_folder_the_seed_command_loads(tmp_path, monkeypatch):
    monkeypatch.setenv("DIPLOGRAPH_DATA_DIR", str(tmp_path / "data"))
    target = tmp_path / "export"

    exported = CliRunner().invoke(cli.app, ["export", str(target)])

    assert exported.exit_code == 0, exported.output
    assert (target / "articles" / SEED_ARTICLE_ID / "facts.yaml").is_file()
    seeded = CliRunner().invoke(cli.app, ["seed", str(target), "--dry-run"])
    assert seeded.exit_code == 0, seeded.output
    assert "articles" in seeded.output


async def test_the_data_folder_survives_a_crash_between_the_two_renames_of_a_bundle(tmp_path):
    folder = DataFolder(tmp_path)
    folder.save_article("a", "text one", "id: a\n", "{}\n")
    # A crash after the old bundle was moved aside and before the new one took its place:
    (tmp_path / "articles" / "a").rename(tmp_path / "articles" / ".old-a.1234abcd")

    (found,) = folder.articles()

    assert found.text == "text one"
    assert [p.name for p in (tmp_path / "articles").iterdir()] == ["a"]


async def test_graph_reads_see_writes_of_their_own_process_at_once(tmp_path):
    async with running_app(writer_settings()) as (_app, client):
        await write(client, LOAD, {"input": bundle_input(person_article(tmp_path, 4))})
        body = await graphql(client, '{ official(id: "ana-testa") { name } }')
        assert body["data"]["official"]["name"] == "Ana Testa"
