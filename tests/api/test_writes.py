"""The write API: each mutation's happy path and refusals, the merge redirect, the audit trail."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from strawberry.relay.utils import to_base64

from seeds.loader import collect_articles, load
from seeds.problems import SeedValidationError
from tests.support.app import ROOT, drop_test_database, graphql, running_app
from tests.support.seeds import NAC_OFFICIALS, SEED_ARTICLE_ID, SEED_BUNDLE, edit, second_article
from tests.support.writes import (
    EDITOR,
    LOAD,
    MERGE,
    REMOVE,
    UPDATE,
    bundle_input,
    post,
    write,
    writer_settings,
)

NAC = "nac-plus-4-2022-09-27"


@pytest.fixture
async def editor() -> AsyncIterator[httpx.AsyncClient]:
    """An app of its own, seeded, that accepts the editor's writes."""
    async with running_app(writer_settings()) as (_app, client):
        yield client


async def officials_at_nac(client: httpx.AsyncClient) -> list[str]:
    body = await graphql(client, NAC_OFFICIALS)
    nodes = body["data"]["meeting"]["participants"]["nodes"]
    return sorted(node["participant"]["name"] for node in nodes)


# --- loadArticle --------------------------------------------------------------------------------


async def test_a_loaded_article_answers_queries_at_once(editor, tmp_path):
    bundle = second_article(tmp_path)

    body = await write(editor, LOAD, {"input": bundle_input(bundle), "message": "second source"})

    result = body["data"]["loadArticle"]
    assert result["ok"] is True and result["problems"] == []
    assert result["counts"]["inserted"] >= 3  # the article, Ana Testa, her participation
    assert {"collection": "officials", "id": "ana-testa"} in result["inserted"]
    assert to_base64("Official", "ana-testa") in result["touched"]
    assert to_base64("Meeting", NAC) in result["touched"]
    assert result["subject"]["slug"] == "cache-test-article"
    assert await officials_at_nac(editor) == ["Ana Testa", "Kim Gunn"]


async def test_loading_the_same_article_again_changes_nothing_and_records_nothing(editor, tmp_path):
    bundle = bundle_input(second_article(tmp_path))
    first = (await write(editor, LOAD, {"input": bundle}))["data"]["loadArticle"]

    again = (await write(editor, LOAD, {"input": bundle}))["data"]["loadArticle"]

    assert again["ok"] is True
    assert again["counts"]["inserted"] == again["counts"]["updated"] == 0
    assert again["dataVersion"] is None and again["writeId"] is None
    history = await graphql(
        editor, '{ official(id: "ana-testa") { history { totalCount nodes { writeId } } } }'
    )
    entries = history["data"]["official"]["history"]["nodes"]
    assert {entry["writeId"] for entry in entries} == {first["writeId"]}


async def test_a_dry_run_reports_the_changes_and_writes_nothing(editor, tmp_path):
    bundle = bundle_input(second_article(tmp_path))

    body = await write(editor, LOAD, {"input": bundle, "dryRun": True})

    result = body["data"]["loadArticle"]
    assert result["ok"] is True and result["dryRun"] is True
    assert {"collection": "officials", "id": "ana-testa"} in result["inserted"]
    assert result["dataVersion"] is None
    assert await officials_at_nac(editor) == ["Kim Gunn"]


async def test_an_invalid_bundle_gets_the_problems_the_command_prints_and_writes_nothing(
    editor, tmp_path
):
    bundle = second_article(tmp_path)
    edit(bundle / "facts.yaml", "quote: Ambassador Ana Testa\n", "quote: Ambassador Ana Test\n")
    edit(bundle / "facts.yaml", "role: representative", "role: Representative!")
    with pytest.raises(SeedValidationError) as raised:
        await load_into_empty_store(bundle)
    from_command = {(p.line, p.field, p.message) for p in raised.value.problems}

    body = await write(editor, LOAD, {"input": bundle_input(bundle)})

    result = body["data"]["loadArticle"]
    assert result["ok"] is False and result["dataVersion"] is None
    from_api = {(p["line"], p["field"], p["message"]) for p in result["problems"]}
    assert from_api == from_command
    assert {p["file"] for p in result["problems"]} == {"input/facts.yaml"}
    assert result["problems"][0]["text"].startswith("input/facts.yaml:")
    assert await officials_at_nac(editor) == ["Kim Gunn"]


async def load_into_empty_store(bundle: Path) -> None:
    """What `diplograph seed BUNDLE` does, on a throwaway store."""
    from store.connection import create_store

    settings = writer_settings()
    store = create_store(settings.store_config)
    try:
        await load(store, collect_articles([bundle]))
    finally:
        await store.close()
        drop_test_database(settings.mongodb_uri, settings.mongodb_database)


async def test_yaml_that_does_not_parse_is_a_problem_with_its_line(editor, tmp_path):
    bundle = bundle_input(second_article(tmp_path))
    bundle["facts"] = "officials:\n  - id: [unclosed\n"

    result = (await write(editor, LOAD, {"input": bundle}))["data"]["loadArticle"]

    assert result["ok"] is False
    (problem,) = result["problems"]
    assert problem["file"] == "input/facts.yaml" and problem["line"] == 3
    assert problem["message"].startswith("invalid YAML")


# --- removeArticle ------------------------------------------------------------------------------


async def test_removing_an_article_removes_what_only_it_supports_and_keeps_its_history(
    editor, tmp_path
):
    bundle = bundle_input(second_article(tmp_path))
    await write(editor, LOAD, {"input": bundle})

    body = await write(editor, REMOVE, {"id": "cache-test-article", "message": "duplicate"})

    result = body["data"]["removeArticle"]
    assert result["ok"] is True and result["counts"]["deleted"] >= 3
    assert to_base64("Official", "ana-testa") in result["touched"]
    assert await officials_at_nac(editor) == ["Kim Gunn"]
    gone = await graphql(editor, f'{{ node(id: "{to_base64("Official", "ana-testa")}") {{ id }} }}')
    assert gone["data"]["node"] is None
    history = await graphql(
        editor,
        f'{{ history(id: "{to_base64("Official", "ana-testa")}") '
        "{ nodes { operation change message before after } } }",
    )
    entries = history["data"]["history"]["nodes"]
    removal = [e for e in entries if e["operation"] == "removeArticle"]
    assert [e["change"] for e in removal if e["before"] and e["before"]["_id"] == "ana-testa"] == [
        "DELETED"
    ]
    assert all(e["message"] == "duplicate" for e in removal)
    assert {e["operation"] for e in entries} == {"loadArticle", "removeArticle"}


async def test_removing_an_unknown_article_is_a_problem_and_changes_nothing(editor):
    body = await write(editor, REMOVE, {"id": "no-such-article"})

    result = body["data"]["removeArticle"]
    assert result["ok"] is False and result["dataVersion"] is None
    assert "no stored article has this id" in result["problems"][0]["message"]


async def test_an_article_is_removed_by_its_global_id_too(editor):
    body = await write(editor, REMOVE, {"id": to_base64("Article", SEED_ARTICLE_ID)})

    assert body["data"]["removeArticle"]["ok"] is True
    meeting = await graphql(editor, f'{{ node(id: "{to_base64("Meeting", NAC)}") {{ id }} }}')
    assert meeting["data"]["node"] is None


# --- mergeEntities ------------------------------------------------------------------------------

# A duplicate the loader cannot tell from a new person: "Ambassador Kim" shares no name key with
# "Kim Gunn" ("Gunn Kim" would be refused as his name in another order), and the editor vouched
# for the name (`name_source`).
DUPLICATE_FACTS = """officials:
  - id: gunn-kim
    name: Ambassador Kim
    name_source: editorial
    quote: Ambassador Ana Testa
participations:
  - meeting: NAC+4 meeting
    participant: Ambassador Kim
    role: representative
    quote: Ambassador Ana Testa also attended the NAC+4 meeting.
"""


async def load_duplicate(client: httpx.AsyncClient, tmp_path: Path) -> None:
    """The second article, mistakenly declaring Kim Gunn again as `gunn-kim`."""
    bundle = bundle_input(second_article(tmp_path))
    bundle["facts"] = DUPLICATE_FACTS
    result = (await write(client, LOAD, {"input": bundle}))["data"]["loadArticle"]
    assert result["ok"] is True, result["problems"]


async def test_a_merge_moves_relations_and_sources_and_the_old_id_resolves_to_the_kept(
    editor, tmp_path
):
    await load_duplicate(editor, tmp_path)
    evidence = {"url": "https://example.org/kim-gunn", "note": "same person"}

    body = await write(
        editor,
        MERGE,
        {"keep": "kim-gunn", "drop": "gunn-kim", "evidence": evidence, "message": "duplicate"},
    )

    result = body["data"]["mergeEntities"]
    assert result["ok"] is True, result["problems"]
    assert result["subject"]["slug"] == "kim-gunn"
    assert {"Ambassador Kim", "gunn-kim"} <= set(result["subject"]["aliases"])
    old = to_base64("Official", "gunn-kim")
    resolved = await graphql(editor, f'{{ node(id: "{old}") {{ ... on Official {{ slug }} }} }}')
    assert resolved["data"]["node"] == {"slug": "kim-gunn"}
    by_slug = await graphql(editor, '{ official(id: "gunn-kim") { slug } }')
    assert by_slug["data"]["official"] == {"slug": "kim-gunn"}
    assert await officials_at_nac(editor) == ["Kim Gunn"]
    roles = await graphql(
        editor,
        '{ official(id: "kim-gunn") { meetings { role meeting { slug } sources { quote } } '
        "sources { quote } } }",
    )
    official = roles["data"]["official"]
    (at_nac,) = [m for m in official["meetings"] if m["meeting"]["slug"] == NAC]
    assert at_nac["role"] == "REPRESENTATIVE"
    assert "Ambassador Ana Testa also attended the NAC+4 meeting." in {
        source["quote"] for source in at_nac["sources"]
    }
    assert "Ambassador Ana Testa" in {source["quote"] for source in official["sources"]}
    search = await graphql(editor, '{ search(query: "Ambassador Kim") { node { id } } }')
    assert search["data"]["search"][0]["node"]["id"] == to_base64("Official", "kim-gunn")


async def test_a_merge_survives_later_loads(editor, tmp_path):
    await load_duplicate(editor, tmp_path)
    evidence = {"url": "https://example.org/kim-gunn"}
    await write(editor, MERGE, {"keep": "kim-gunn", "drop": "gunn-kim", "evidence": evidence})
    reloaded = bundle_input(second_article(tmp_path / "again"))
    reloaded["facts"] = DUPLICATE_FACTS + "# edited\n"

    result = (await write(editor, LOAD, {"input": reloaded}))["data"]["loadArticle"]

    assert result["ok"] is True, result["problems"]
    gone = await graphql(
        editor, '{ officials(where: {nameStartsWith: "Ambassador"}) { totalCount } }'
    )
    assert gone["data"]["officials"]["totalCount"] == 1  # kim-gunn, by its alias
    old = to_base64("Official", "gunn-kim")
    resolved = await graphql(editor, f'{{ node(id: "{old}") {{ ... on Official {{ slug }} }} }}')
    assert resolved["data"]["node"] == {"slug": "kim-gunn"}


@pytest.mark.parametrize(
    ("keep", "drop", "code", "words"),
    [
        ("kim-gunn", "nato", "BAD_USER_INPUT", "only entities of one kind merge"),
        ("kim-gunn", "kim-gunn", "BAD_USER_INPUT", "the same entity"),
        ("kim-gunn", "no-such-person", "NOT_FOUND", "no entity has the id"),
        ("KR", "KP", "BAD_USER_INPUT", "Countries"),
    ],
)
async def test_a_merge_that_cannot_be_is_refused(editor, keep, drop, code, words):
    body = await write(
        editor, MERGE, {"keep": keep, "drop": drop, "evidence": {"url": "https://example.org"}}
    )

    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == code
    assert words in error["message"]


async def test_a_merge_without_evidence_is_a_problem(editor, tmp_path):
    await load_duplicate(editor, tmp_path)

    body = await write(editor, MERGE, {"keep": "kim-gunn", "drop": "gunn-kim", "evidence": {}})

    result = body["data"]["mergeEntities"]
    assert result["ok"] is False
    assert "give a `source` URL, or an `article` and a `quote`" in result["problems"][0]["message"]
    assert result["problems"][0]["field"] == "merge"


# --- updateEntity -------------------------------------------------------------------------------


async def test_an_update_renames_keeps_the_old_name_as_an_alias_and_cites_its_source(editor):
    changes = {
        "id": NAC,
        "name": "North Atlantic Council plus four",
        "date": "2022-09-27",
        "evidence": {"article": SEED_ARTICLE_ID, "quote": "NAC+4 meeting"},
    }

    body = await write(editor, UPDATE, {"input": changes, "message": "the full name"})

    result = body["data"]["updateEntity"]
    assert result["ok"] is True, result["problems"]
    assert result["subject"]["name"] == "North Atlantic Council plus four"
    assert "NAC+4 meeting" in result["subject"]["aliases"]
    found = await graphql(editor, '{ search(query: "NAC+4") { node { name } } }')
    assert found["data"]["search"][0]["node"]["name"] == "North Atlantic Council plus four"
    history = await graphql(
        editor,
        f'{{ meeting(id: "{NAC}") {{ history(first: 1) {{ nodes {{ actor operation message '
        "change before after } } } }",
    )
    (entry,) = history["data"]["meeting"]["history"]["nodes"]
    assert entry["actor"] == "editor" and entry["operation"] == "updateEntity"
    assert entry["message"] == "the full name" and entry["change"] == "UPDATED"
    assert entry["before"]["name"] == "NAC+4 meeting"
    assert entry["after"]["name"] == "North Atlantic Council plus four"
    assert {"article_id": SEED_ARTICLE_ID, "quote": "NAC+4 meeting"}.items() <= (
        entry["after"]["sources"][-1].items()
    )


async def test_an_update_survives_a_reload_of_the_article(editor):
    await write(
        editor,
        UPDATE,
        {
            "input": {
                "id": "kim-gunn",
                "aliases": ["Gunn Kim"],
                "evidence": {"url": "https://e.org"},
            }
        },
    )
    seed = bundle_input(SEED_BUNDLE)
    seed["facts"] += "\n# reviewed again\n"

    await write(editor, LOAD, {"input": seed})

    official = await graphql(editor, '{ official(id: "kim-gunn") { aliases } }')
    assert official["data"]["official"]["aliases"] == ["Gunn Kim"]


@pytest.mark.parametrize(
    ("changes", "words"),
    [
        ({"id": "kim-gunn", "date": "2022-09-27"}, "an official has no `date`"),
        ({"id": NAC, "date": "2022-13-01"}, "not a real date"),
        ({"id": NAC, "date": "2022-09-27", "endDate": "2022-09-01"}, "before the start"),
        ({"id": "kim-gunn"}, "changes `name`, `aliases` or a date"),
    ],
)
async def test_an_update_that_cannot_be_is_a_problem_and_changes_nothing(editor, changes, words):
    body = await write(
        editor, UPDATE, {"input": {**changes, "evidence": {"url": "https://example.org"}}}
    )

    result = body["data"]["updateEntity"]
    assert result["ok"] is False and result["dataVersion"] is None
    assert any(words in problem["message"] for problem in result["problems"]), result["problems"]


async def test_an_update_quoting_text_that_is_not_in_the_article_is_a_problem(editor):
    changes = {"id": NAC, "name": "x", "evidence": {"article": SEED_ARTICLE_ID, "quote": "nope"}}

    result = (await write(editor, UPDATE, {"input": changes}))["data"]["updateEntity"]

    assert result["ok"] is False
    assert "is not in the text of article" in result["problems"][0]["message"]
    assert result["problems"][0]["field"] == "update.quote"


async def test_an_unknown_entity_cannot_be_updated(editor):
    changes = {"id": "no-such-person", "name": "x", "evidence": {"url": "https://example.org"}}

    body = await write(editor, UPDATE, {"input": changes})

    assert body["errors"][0]["extensions"]["code"] == "NOT_FOUND"


# --- the audit trail ----------------------------------------------------------------------------


async def test_every_write_is_recorded_with_who_when_why_and_the_documents(editor, tmp_path):
    bundle = bundle_input(second_article(tmp_path))
    written = (await write(editor, LOAD, {"input": bundle, "message": "from the wire"}))["data"]

    body = await graphql(
        editor,
        '{ official(id: "ana-testa") { history { totalCount nodes { writeId dataVersion at '
        "actor operation message collection documentId change before after nodes } } } }",
    )

    history = body["data"]["official"]["history"]
    kinds = {(entry["collection"], entry["change"]) for entry in history["nodes"]}
    assert ("officials", "INSERTED") in kinds and ("participations", "INSERTED") in kinds
    for entry in history["nodes"]:
        assert entry["writeId"] == written["loadArticle"]["writeId"]
        assert entry["dataVersion"] == written["loadArticle"]["dataVersion"]
        assert entry["actor"] == "editor" and entry["message"] == "from the wire"
        assert entry["before"] is None and entry["after"]["_id"] == entry["documentId"]
        assert to_base64("Official", "ana-testa") in entry["nodes"]
        assert entry["at"].endswith("+00:00")
    assert EDITOR["authorization"].split()[1] not in str(body)


async def test_a_query_cannot_write(editor):
    response = await post(editor, '{ official(id: "kim-gunn") { name } }', headers=EDITOR)
    assert response.json()["data"]["official"]["name"] == "Kim Gunn"


async def test_a_loaded_article_that_disagrees_with_a_stored_one_is_written_with_a_warning(editor):
    fixtures = ROOT / "tests" / "fixtures" / "articles"
    contradicts = fixtures / "diplograph-test-wire-2022-06-30-yoon-stoltenberg-partnership"
    query = LOAD.replace("counts {", "warnings { file field message } counts {")

    body = await write(editor, query, {"input": bundle_input(contradicts)})

    result = body["data"]["loadArticle"]
    assert result["ok"] is True, result["problems"]
    (warning,) = result["warnings"]
    assert warning["field"] == "memberships.0.start"
    assert (
        "memberships/nato--kr--partner: start is '2005' ('Since 2005') here" in warning["message"]
    )
