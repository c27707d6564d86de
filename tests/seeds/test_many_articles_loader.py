"""The loader with many articles: the same thing never created twice, disagreements kept and
warned of, order independence, removal, and migrating bundles of the previous format."""

from __future__ import annotations

from pathlib import Path

import pytest

from seeds.inputs import REFERENCE_DIR, display
from seeds.loader import collect_articles, load, remove
from seeds.migrate import migrate_facts
from seeds.problems import Problem, SeedValidationError
from store.connection import create_store
from store.repository.dataset import WriteFailed
from store.repository.graph import documents_by_ids
from tests.support.app import ROOT, make_settings
from tests.support.seeds import (
    SEED_ARTICLE_ID,
    SEED_BUNDLE,
    copy_bundle,
    dump,
    edit,
    fail_writes_to,
    line_of,
    load_bundles,
    write_bundle,
)

FIXTURES = ROOT / "tests" / "fixtures" / "articles"
RESTATES = FIXTURES / "diplograph-test-wire-2022-07-01-yoon-madrid-wrap"
CONTRADICTS = FIXTURES / "diplograph-test-wire-2022-06-30-yoon-stoltenberg-partnership"
SUCCESSOR = FIXTURES / "diplograph-test-wire-2023-07-12-vilnius-indo-pacific-partners"
CONDEMNATION = FIXTURES / "diplograph-test-wire-2022-11-22-hwasong-17-condemnation"
# The four articles written for these rules (the folder also holds the extractor's fixtures).
MINE = [CONTRADICTS, RESTATES, CONDEMNATION, SUCCESSOR]
OFFICIALS = REFERENCE_DIR / "officials.yaml"

SHORT_META = (
    "id: {id}\ntitle: A short one\nurl: https://example.org/{id}\npublisher: Example Wire\n"
    "published: {{date: 2022-12-01}}\nsha256: {{sha256}}\n"
)


@pytest.fixture
async def seeded(store):
    await load_bundles(store)
    return store


async def problems_of(store, *folders: Path) -> list[Problem]:
    """Load `folders` (with the bundled article), expect SeedValidationError, check that nothing
    changed, and return the problems."""
    before = await dump(store)
    with pytest.raises(SeedValidationError) as raised:
        await load(store, collect_articles(list(folders)))
    assert await dump(store) == before
    return raised.value.problems


def short_bundle(tmp_path: Path, identifier: str, text: str, facts: str) -> Path:
    return write_bundle(tmp_path / identifier, text, SHORT_META.format(id=identifier), facts)


def without_meta(dumped: dict) -> dict:
    return {name: documents for name, documents in dumped.items() if name != "meta"}


# --- no silent duplicates ------------------------------------------------------------------------


async def test_a_post_restated_without_its_id_is_refused_with_the_existing_id(seeded, tmp_path):
    facts = copy_bundle(tmp_path, RESTATES) / "facts.yaml"
    edit(facts, "  - id: jacinda-ardern--prime-minister-nz\n    official: Jacinda Ardern\n",
         "  - official: Jacinda Ardern\n")  # fmt: skip

    (problem,) = await problems_of(seeded, facts.parent)

    assert (Path(problem.file), problem.line, problem.field) == (
        facts,
        line_of(facts, "  - official: Jacinda Ardern", exact=False),
        "posts.4",
    )
    assert problem.message == (
        "this post repeats posts/jacinda-ardern--prime-minister-nz (jacinda-ardern, 'Prime "
        f"Minister', NZ; given at {display(OFFICIALS)}:"
        f"{line_of(OFFICIALS, '- id: jacinda-ardern--prime-minister-nz')}). To add this evidence "
        "to it, give `id: jacinda-ardern--prime-minister-nz`; if it is another term of the same "
        "office, add `distinct_from: [jacinda-ardern--prime-minister-nz]`"
    )


async def test_a_new_id_with_an_existing_name_is_refused_with_the_existing_id(seeded, tmp_path):
    facts = copy_bundle(tmp_path, RESTATES) / "facts.yaml"
    edit(facts, "  - id: jacinda-ardern\n", "  - id: j-ardern\n")

    problems = await problems_of(seeded, facts.parent)

    duplicate = next(p for p in problems if p.field == "officials.4.name")
    assert duplicate.line == line_of(facts, "  - id: j-ardern") + 1
    assert duplicate.message == (
        "'Jacinda Ardern' is already the name of official `jacinda-ardern` ('Jacinda Ardern', "
        f"given at {display(OFFICIALS)}:{line_of(OFFICIALS, 'name: Jacinda Ardern')}). To add to "
        "that official, give `id: jacinda-ardern`; if this is another official of the same name, "
        "add `distinct_from: [jacinda-ardern]`"
    )


@pytest.mark.parametrize(
    ("written", "existing"),
    [
        ("Suk-yeol Yoon", "yoon-suk-yeol"),  # word order and a hyphen
        ("Kishida Fumio", "fumio-kishida"),  # Japanese order
        ("Mircea GEOANĂ", "mircea-geoana"),  # case and accents
    ],
)
async def test_a_duplicate_name_is_found_whatever_its_spelling(seeded, tmp_path, written, existing):
    bundle = short_bundle(
        tmp_path,
        "spelling",
        f"Yesterday {written} spoke.\n",
        f"officials:\n  - id: someone-new\n    name: {written}\n    quote: {written} spoke\n",
    )

    (problem,) = await problems_of(seeded, bundle)

    assert problem.field == "officials.0.name"
    assert f"is already the name of official `{existing}`" in problem.message


async def test_distinct_from_lets_two_namesakes_coexist(seeded, tmp_path):
    bundle = short_bundle(
        tmp_path,
        "namesake",
        "Kim Gunn, a Seoul chef, opened a restaurant.\n",
        "officials:\n  - id: kim-gunn-chef\n    name: Kim Gunn\n    distinct_from: [kim-gunn]\n"
        "    quote: Kim Gunn, a Seoul chef\n",
    )

    report = await load(seeded, collect_articles([bundle]))

    assert {c.collection: list(c.inserted) for c in report.changes}["officials"] == [
        "kim-gunn-chef"
    ]
    found = await documents_by_ids(seeded, "officials", ["kim-gunn", "kim-gunn-chef"])
    assert {document["name"] for document in found.values()} == {"Kim Gunn"}


async def test_a_name_its_quote_does_not_write_is_refused(seeded, tmp_path):
    facts = copy_bundle(tmp_path) / "facts.yaml"
    edit(facts, "    name: Kim Gunn\n", "    name: Kim Gunnar\n")

    (problem,) = await problems_of(seeded, facts.parent)

    assert (problem.line, problem.field) == (line_of(facts, "name: Kim Gunnar"), "officials.4.name")
    assert problem.message == (
        "'Kim Gunnar' is not written in this entry's quote. Quote the words that name it, or say "
        "where the name comes from with `name_source:` (`editorial` for a name the editors gave "
        "it, or the URL of a page that names it)"
    )


async def test_a_name_source_exempts_a_name_from_the_quote(seeded, tmp_path):
    facts = copy_bundle(tmp_path) / "facts.yaml"
    edit(
        facts,
        "    name: Kim Gunn\n",
        "    name: Kim Gunnar\n    name_source: https://example.org/kim-gunnar\n",
    )

    report = await load(seeded, collect_articles([facts.parent]))

    kim = (await documents_by_ids(seeded, "officials", ["kim-gunn"]))["kim-gunn"]
    assert kim["name"] == "Kim Gunnar"
    assert report.warnings == []


async def test_a_name_another_input_gives_need_not_be_quoted_again(seeded, tmp_path):
    bundle = short_bundle(
        tmp_path,
        "nato-again",
        "NATO met on Friday.\n",
        "organisations:\n  - id: nato\n    name: North Atlantic Treaty Organization\n"
        "    quote: NATO met\n",
    )

    report = await load(seeded, collect_articles([bundle]))

    assert report.warnings == []
    assert "nato" in {c.collection: list(c.updated) for c in report.changes}["organisations"]


# --- many articles together ----------------------------------------------------------------------


async def test_the_fixtures_load_beside_the_seed_with_one_warning_naming_both_places(store):
    report = await load(store, collect_articles([SEED_BUNDLE, *MINE]))

    (warning,) = report.warnings
    seed_facts = SEED_BUNDLE / "facts.yaml"
    assert (warning.file, warning.line, warning.field) == (
        display(seed_facts),
        line_of(seed_facts, "start: {phrase: Since 2005}"),
        "memberships.0.start",
    )
    contradicts = CONTRADICTS / "facts.yaml"
    assert warning.message == (
        "memberships/nato--kr--partner: start is '2005' ('Since 2005') here, but "
        f"{display(contradicts)}:{line_of(contradicts, 'start: {phrase: since 2006}')} "
        "(memberships.0.start) gives '2006' ('since 2006'). Both are kept with their sources; "
        "the preferred value is '2006' ('since 2006') (stated first)"
    )


async def test_every_fixture_article_loads_as_one_graph_with_one_disagreement(store):
    report = await load(store, collect_articles([SEED_BUNDLE, FIXTURES]))

    assert len(report.articles) == 10
    assert [warning.field for warning in report.warnings] == ["memberships.0.start"]
    # Shared ids link the fixtures: one Vilnius summit, one European Union, one Erdoğan.
    for collection, identifier in (
        ("meetings", "nato-summit-2023"),
        ("organisations", "european-union"),
        ("officials", "recep-tayyip-erdogan"),
    ):
        (document,) = await store[collection].find({"_id": identifier}).to_list(None)
        assert len({s["article_id"] for s in document["sources"] if "article_id" in s}) >= 2


async def test_loading_articles_one_by_one_in_any_order_stores_the_same(store):
    other = create_store(make_settings().store_config)
    try:
        await load(other, collect_articles([SEED_BUNDLE, *MINE]))
        all_at_once = without_meta(await dump(other))
    finally:
        if not other.embedded:
            await other.drop_database()
        await other.close()

    await load_bundles(store)
    for folder in (SUCCESSOR, CONDEMNATION, RESTATES, CONTRADICTS):
        await load(store, collect_articles([folder]))

    assert without_meta(await dump(store)) == all_at_once


# --- removal -------------------------------------------------------------------------------------


async def test_removing_an_article_leaves_the_store_as_if_it_had_never_been_loaded(store):
    await load_bundles(store)
    seed_only = without_meta(await dump(store))
    await load(store, collect_articles([SUCCESSOR]))

    report = await remove(store, SUCCESSOR.name)

    deleted = {change.collection: change.deleted for change in report.changes if change.deleted}
    assert "chris-hipkins--prime-minister" in deleted["posts"]
    assert "dprk-missile-launch-2023-07-12" in deleted["events"]
    assert deleted["articles"] == [SUCCESSOR.name]
    updated = {change.collection: list(change.updated) for change in report.changes}
    # Facts others state too lose only this article's sources and evidence days.
    assert "fumio-kishida--prime-minister-jp" in updated["posts"]
    assert "nato--fi--member" in updated["memberships"]
    assert report.removed == [SUCCESSOR.name]
    assert without_meta(await dump(store)) == seed_only


async def test_a_removal_dry_run_writes_nothing(store):
    await load(store, collect_articles([SEED_BUNDLE, SUCCESSOR]))
    before = await dump(store)

    report = await remove(store, SUCCESSOR.name, dry_run=True)

    assert report.totals()["deleted"] > 0
    assert await dump(store) == before


async def test_a_removal_failing_part_way_is_rolled_back(store, monkeypatch):
    await load(store, collect_articles([SEED_BUNDLE, SUCCESSOR]))
    before = await dump(store)
    fail_writes_to(monkeypatch, type(store["posts"]), "posts")

    with pytest.raises(WriteFailed):
        await remove(store, SUCCESSOR.name)

    assert without_meta(await dump(store)) == without_meta(before)


async def test_removing_an_article_that_is_not_stored_is_refused(seeded):
    with pytest.raises(SeedValidationError) as raised:
        await load(seeded, [], exclude=frozenset({"no-such-article"}))

    (problem,) = raised.value.problems
    assert problem.message == (
        f"no stored article has the id 'no-such-article' (stored articles: {SEED_ARTICLE_ID})"
    )


# --- offices held by one person at a time --------------------------------------------------------


async def test_two_holders_known_at_once_in_a_sole_office_are_warned_of(seeded, tmp_path):
    bundle = short_bundle(
        tmp_path,
        "early-hipkins",
        "New Zealand Prime Minister Chris Hipkins arrived.\n",
        "officials:\n  - id: chris-hipkins\n    name: Chris Hipkins\n"
        "    quote: New Zealand Prime Minister Chris Hipkins\n"
        "posts:\n  - official: Chris Hipkins\n    title: Prime Minister\n    country: NZ\n"
        "    quote: New Zealand Prime Minister Chris Hipkins\n",
    )

    report = await load(seeded, collect_articles([bundle]))

    (warning,) = report.warnings
    assert warning.field == "posts.0"
    assert warning.message.startswith(
        "posts/chris-hipkins--prime-minister is known to hold the office from 2022-12-01, but "
        "posts/jacinda-ardern--prime-minister-nz is known to hold it until 2023-01-25, and one "
        "person holds it at a time ("
    )


# --- migration -----------------------------------------------------------------------------------


def _old_format(text: str) -> str:
    return "".join(
        line for line in text.splitlines(keepends=True) if "name_source: editorial" not in line
    )


def test_migration_marks_editorial_names_and_keeps_every_other_byte():
    current = (SEED_BUNDLE / "facts.yaml").read_text(encoding="utf-8")

    migration = migrate_facts(_old_format(current), Path("facts.yaml"))

    assert migration.text == current
    assert [change.split(": ", 1)[1] for change in migration.changes] == [
        "organisations.1: name_source: editorial (kr-mission-nato)",
        "meetings.0: name_source: editorial (yoon-stoltenberg-2022-06-30)",
        "meetings.1: name_source: editorial (asia-pacific-partners-summit-2022-06-29)",
        "meetings.2: name_source: editorial (kim-gunn-geoana-2022-09-27)",
    ]
    assert not migrate_facts(current, Path("facts.yaml")).changed


async def test_an_article_stored_in_the_previous_format_is_migrated_when_next_loaded(seeded):
    (stored,) = await seeded["articles"].find({"_id": SEED_ARTICLE_ID}).to_list(None)
    old = _old_format(stored["facts_yaml"])
    # The version that stored it kept neither the format its facts were validated against nor a
    # basis (seeds.incremental), so the next load builds in full and migrates it.
    await seeded["articles"].update_one(
        {"_id": SEED_ARTICLE_ID}, {"$set": {"facts_yaml": old}, "$unset": {"format": ""}}
    )
    await seeded["meta"].update_one({"_id": "dataset"}, {"$unset": {"basis": ""}})

    report = await load(seeded, [])

    assert {
        change.collection: list(change.updated) for change in report.changes if change.changed
    } == {"articles": [SEED_ARTICLE_ID]}
    (migrated,) = await seeded["articles"].find({"_id": SEED_ARTICLE_ID}).to_list(None)
    assert migrated["facts_yaml"] == stored["facts_yaml"]
