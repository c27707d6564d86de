"""Incremental loads store what the full build stores: after every step of random sequences of
loads, changes and removals of the fixture articles and synthetic ones, the store that rebuilt
only what each step touched equals, byte for byte, the one that rebuilt everything."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus import write_corpus
from seeds.corrections import correction_from_yaml
from seeds.inputs import REFERENCE_DIR
from seeds.loader import LoadReport, collect_articles, load, remove
from seeds.problems import SeedValidationError
from seeds.yamlfile import parse_yaml
from store.connection import Store, create_store
from store.repository.dataset import WriteFailed, data_state
from tests.support.app import ROOT, drop_test_database, make_settings
from tests.support.reads import Read
from tests.support.seeds import (
    SEED_BUNDLE,
    dump,
    fail_writes_to,
    without_meta,
    write_bundle,
)

FIXTURES = ROOT / "tests" / "fixtures" / "articles"
SYNTHETIC = 4
RELATIONS = ("participations", "posts", "memberships", "decisions", "statements")
ENTITIES = ("officials", "organisations", "meetings", "events")


def _trimmed(facts: dict[str, Any]) -> None:
    """The last entry of every relation section left out (facts other articles may state too)."""
    for section in RELATIONS:
        if facts.get(section):
            facts[section] = facts[section][:-1]


def _edited(facts: dict[str, Any]) -> None:
    """Other values: a meeting's kind, a post's status, the last meeting's date left out."""
    meetings, posts = facts.get("meetings") or [], facts.get("posts") or []
    if meetings:
        meetings[0]["kind"] = "other" if meetings[0].get("kind") != "other" else "summit"
        meetings[-1].pop("date", None)
        meetings[-1].pop("end_date", None)
    if posts:
        posts[0]["status"] = "designated" if posts[0].get("status") != "designated" else "held"


def _fewer_entities(facts: dict[str, Any]) -> None:
    """The first entry of every entity section left out (what refers to it may no longer
    resolve, here or in other articles)."""
    for section in ENTITIES:
        if facts.get(section):
            facts[section] = facts[section][1:]


VARIANTS = (None, _trimmed, _edited, _fewer_entities)


@dataclass
class Bundles:
    """Every bundle the steps pick from, and its variants (same article, other facts)."""

    folders: list[list[Path]]
    """folders[bundle][variant]; variant 0 is the bundle as written."""
    ids: list[str]
    synthetic: set[int]


def _variant(folder: Path, change: Any, target: Path) -> Path:
    target.mkdir(parents=True)
    for name in ("article.txt", "article.yaml"):
        (target / name).write_bytes((folder / name).read_bytes())
    facts = parse_yaml((folder / "facts.yaml").read_text(encoding="utf-8"), folder).data
    change(facts)
    (target / "facts.yaml").write_text(
        yaml.safe_dump(facts, sort_keys=False, allow_unicode=True, width=1000), encoding="utf-8"
    )
    return target


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> Bundles:
    root = tmp_path_factory.mktemp("incremental")
    originals = [SEED_BUNDLE, *sorted(path.parent for path in FIXTURES.glob("*/facts.yaml"))]
    synthetic = write_corpus(root / "synthetic", SYNTHETIC)
    folders = []
    for index, folder in enumerate([*originals, *synthetic]):
        variants = [folder]
        for number, change in enumerate(VARIANTS[1:], 1):
            target = root / f"v{number}" / str(index) / folder.name
            variants.append(_variant(folder, change, target))
        folders.append(variants)
    ids = [
        yaml.safe_load((variants[0] / "article.yaml").read_text(encoding="utf-8"))["id"]
        for variants in folders
    ]
    return Bundles(folders, ids, set(range(len(originals), len(folders))))


@dataclass
class Outcome:
    problems: list[str] | None
    report: LoadReport | None


async def _step(store: Store, step: tuple, bundles: Bundles, *, full: bool) -> Outcome:
    kind, picks = step
    try:
        if kind == "remove":
            report = await remove(store, bundles.ids[picks[0][0]], full=full)
        else:
            folders = [bundles.folders[bundle][variant] for bundle, variant in picks]
            report = await load(store, collect_articles(folders), full=full)
    except SeedValidationError as error:
        return Outcome([str(problem) for problem in error.problems], None)
    return Outcome(None, report)


@asynccontextmanager
async def _two_stores() -> AsyncIterator[tuple[Store, Store]]:
    """Two stores holding the seed article (one for incremental loads, one rebuilt in full), in
    throwaway databases dropped at the end on a server."""
    made: list[tuple[Store, str | None, str]] = []
    try:
        for _ in range(2):
            settings = make_settings()
            store = create_store(settings.store_config)
            made.append((store, settings.mongodb_uri, settings.mongodb_database))
            await store.ensure_indexes()
            await load(store, collect_articles([SEED_BUNDLE]))
        yield made[0][0], made[1][0]
    finally:
        for store, uri, name in made:
            await store.close()
            drop_test_database(uri, name)


PICK = st.tuples(st.integers(0, 9 + SYNTHETIC), st.integers(0, len(VARIANTS) - 1))
STEP = st.one_of(
    st.tuples(st.just("load"), st.lists(PICK, min_size=1, max_size=2, unique_by=lambda p: p[0])),
    st.tuples(st.just("remove"), st.tuples(PICK)),
)


@settings(max_examples=25)
@given(steps=st.lists(STEP, min_size=1, max_size=6))
async def test_incremental_loads_store_what_the_full_build_stores(bundles, steps):
    async with _two_stores() as (incremental, rebuilt):
        for step in steps:
            mine = await _step(incremental, step, bundles, full=False)
            reference = await _step(rebuilt, step, bundles, full=True)

            assert mine.problems == reference.problems, step
            assert without_meta(await dump(incremental)) == without_meta(await dump(rebuilt)), step
            if reference.report is not None:
                assert mine.report.totals() == reference.report.totals(), step
                assert mine.report.articles == reference.report.articles, step
                # Warnings of what it rebuilt: some of the full build's, never others.
                assert {str(w) for w in mine.report.warnings} <= {
                    str(w) for w in reference.report.warnings
                }, step
                if all(bundle in bundles.synthetic for bundle, _variant in step[1]):
                    assert mine.report.rebuilt is None, (step, mine.report.rebuilt)


# --- what an incremental load reads, and when the full build takes over ----------------------


@pytest.fixture
async def seeded_store(store):
    await load(store, collect_articles([SEED_BUNDLE]))
    return store


@pytest.fixture
async def many(store, tmp_path):
    """A store holding the seed article and 20 synthetic ones, and a 21st bundle to add."""
    corpus = write_corpus(tmp_path / "corpus", 21)
    await load(store, collect_articles([SEED_BUNDLE, *corpus[:-1]]))
    return store, corpus[-1]


def _whole(read: Read) -> bool:
    """Whether a read asks for every document of its collection (a find without a filter, or an
    aggregation without a `$match` that filters)."""
    if read.command == "aggregate":
        return not any(stage.get("$match") for stage in read.query or [])
    return read.command in ("find", "count_documents") and not read.query


async def test_adding_an_article_reads_only_what_it_touches(many, database_reads):
    store, bundle = many
    database_reads.clear()

    report = await load(store, collect_articles([bundle]))

    assert report.rebuilt is None
    assert report.totals()["inserted"] == 14
    # Whether a correction is stored reads one document (a find with limit 1); listing the
    # stored articles' ids for the report is the one read of a whole collection.
    whole = [(read.command, read.collection) for read in database_reads if _whole(read)]
    assert whole == [("find", "corrections"), ("find", "articles")]
    assert "countries" not in {read.collection for read in database_reads}


async def test_a_full_load_reads_every_collection(many, database_reads):
    store, bundle = many
    database_reads.clear()

    report = await load(store, collect_articles([bundle]), full=True)

    assert report.rebuilt == "asked for"
    whole = {read.collection for read in database_reads if _whole(read)}
    assert {"countries", "officials", "participations", "articles"} <= whole


async def test_a_store_built_from_other_reference_data_is_rebuilt_in_full(store, tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference)
    corpus = write_corpus(tmp_path / "corpus", 2)
    await load(store, collect_articles([SEED_BUNDLE]), reference_dir=reference)
    with (reference / "offices.yaml").open("a", encoding="utf-8") as file:
        file.write("# reviewed again\n")

    first = await load(store, collect_articles([corpus[0]]), reference_dir=reference)
    second = await load(store, collect_articles([corpus[1]]), reference_dir=reference)

    assert first.rebuilt == "the reference data or the loader changed since the last full build"
    assert second.rebuilt is None


async def test_a_write_that_fails_leaves_the_next_load_to_the_full_build(many, monkeypatch):
    store, bundle = many
    before = await dump(store)
    restore = monkeypatch.context()
    with restore as patch:
        fail_writes_to(patch, type(store["posts"]), "posts")
        with pytest.raises(WriteFailed):
            await load(store, collect_articles([bundle]))
    assert without_meta(await dump(store)) == without_meta(before)
    assert (await data_state(store)).basis is None

    report = await load(store, collect_articles([bundle]))

    assert report.rebuilt is not None and report.rebuilt.startswith("the store does not hold")
    assert (await data_state(store)).basis is not None


async def test_corrections_are_replayed_by_the_full_build(seeded_store, tmp_path):
    correction = correction_from_yaml(
        "2024-01-01-nac-plus-4-name",
        "update:\n  kind: meeting\n  id: nac-plus-4-2022-09-27\n  name: NAC+4 of 27 September\n"
        "  source: https://www.nato.int/\n",
    )
    (bundle,) = write_corpus(tmp_path / "corpus", 1)

    corrected = await load(seeded_store, [], corrections=[correction])
    after = await load(seeded_store, collect_articles([bundle]))

    assert corrected.rebuilt == "corrections are given"
    assert after.rebuilt == "corrections are stored"


async def test_a_namesake_is_left_to_the_full_build_which_accepts_it(seeded_store, tmp_path):
    bundle = write_bundle(
        tmp_path / "namesake",
        "Another Kim Gunn, a footballer, scored twice.\n",
        "id: namesake\ntitle: A namesake\nurl: https://example.org/namesake\n"
        "publisher: Example Wire\npublished: {date: 2023-03-01}\nsha256: {sha256}\n",
        "officials:\n  - id: kim-gunn-footballer\n    name: Kim Gunn\n"
        "    distinct_from: [kim-gunn]\n    quote: Another Kim Gunn, a footballer\n",
    )

    report = await load(seeded_store, collect_articles([bundle]))

    assert report.rebuilt is not None and report.rebuilt.startswith("a new name is")
    assert report.totals()["inserted"] == 2


async def test_removing_what_another_article_refers_to_is_refused_as_the_full_build_does(
    seeded_store, tmp_path
):
    first = write_bundle(
        tmp_path / "first",
        "Ambassador Ana Testa arrived.\n",
        "id: first\ntitle: First\nurl: https://example.org/first\npublisher: Example Wire\n"
        "published: {date: 2023-03-01}\nsha256: {sha256}\n",
        "officials:\n  - id: ana-testa\n    name: Ana Testa\n    quote: Ambassador Ana Testa\n",
    )
    second = write_bundle(
        tmp_path / "second",
        "Ana Testa attended the NAC+4 meeting.\n",
        "id: second\ntitle: Second\nurl: https://example.org/second\npublisher: Example Wire\n"
        "published: {date: 2023-03-02}\nsha256: {sha256}\n",
        "participations:\n  - meeting: NAC+4 meeting\n    participant: Ana Testa\n"
        "    quote: Ana Testa attended the NAC+4 meeting.\n",
    )
    await load(seeded_store, collect_articles([first]))
    await load(seeded_store, collect_articles([second]))
    before = await dump(seeded_store)

    with pytest.raises(SeedValidationError) as raised:
        await remove(seeded_store, "first")
    with pytest.raises(SeedValidationError) as in_full:
        await remove(seeded_store, "first", full=True)

    assert raised.value.problems == in_full.value.problems
    assert "Ana Testa" in raised.value.problems[0].message
    assert await dump(seeded_store) == before


async def test_a_few_steps_of_each_kind_are_incremental_and_store_what_the_full_build_stores(
    bundles,
):
    """Named steps, so that the store's own queries are checked on every backend (`pytest
    --ferretdb` runs them over MongoDB's wire protocol): none may fall back to the full build."""
    steps = [
        ("load", [(6, 0), (10, 0)]),  # a fixture that adds to the seed's entities, a synthetic
        ("load", [(9, 0)]),  # a fixture with posts in offices held one at a time
        ("load", [(11, 2)]),  # a synthetic one's changed facts, before the original
        ("load", [(11, 0)]),
        ("load", [(6, 1)]),  # a fixture's changed facts
        ("remove", [(10, 0)]),
        ("remove", [(9, 0)]),
    ]
    async with _two_stores() as (incremental, rebuilt):
        for step in steps:
            mine = await _step(incremental, step, bundles, full=False)
            reference = await _step(rebuilt, step, bundles, full=True)

            assert mine.problems == reference.problems is None, step
            assert mine.report.rebuilt is None, (step, mine.report.rebuilt)
            assert without_meta(await dump(incremental)) == without_meta(await dump(rebuilt))


def _short(folder: Path, identifier: str, day: str, text: str, facts: str) -> Path:
    meta = (
        f"id: {identifier}\ntitle: {identifier}\nurl: https://example.org/{identifier}\n"
        f"publisher: Example Wire\npublished: {{date: {day}}}\nsha256: {{sha256}}\n"
    )
    return write_bundle(folder / identifier, text, meta, facts)


async def test_a_name_that_moves_to_its_namesake_is_left_to_the_full_build(tmp_path):
    """ "Lee Park" means Ana Lima (who had it first) until her article drops the alias; then it
    means the other Lee Park, also in an article that adds to Ana Lima and is rebuilt with hers."""
    first = _short(
        tmp_path, "first", "2023-01-01", "Ana Lima, known as Lee Park, spoke.\n",
        "officials:\n  - id: ana-lima\n    name: Ana Lima\n    aliases: [Lee Park]\n"
        "    quote: Ana Lima, known as Lee Park\n",
    )  # fmt: skip
    dropped = _short(
        tmp_path / "changed", "first", "2023-01-01", "Ana Lima, known as Lee Park, spoke.\n",
        "officials:\n  - id: ana-lima\n    name: Ana Lima\n    quote: Ana Lima, known as\n",
    )  # fmt: skip
    namesake = _short(
        tmp_path, "namesake", "2023-01-02", "Another Lee Park sang.\n",
        "officials:\n  - id: lee-park-singer\n    name: Lee Park\n    distinct_from: [ana-lima]\n"
        "    quote: Another Lee Park\n",
    )  # fmt: skip
    both = _short(
        tmp_path, "both", "2023-01-03", "Ana Lima came. Lee Park attended the NAC+4 meeting.\n",
        "officials:\n  - id: ana-lima\n    name: Ana Lima\n    quote: Ana Lima came.\n"
        "participations:\n  - meeting: NAC+4 meeting\n    participant: Lee Park\n"
        "    quote: Lee Park attended the NAC+4 meeting.\n",
    )  # fmt: skip
    async with _two_stores() as (incremental, rebuilt):
        for store in (incremental, rebuilt):
            for bundle in (first, namesake, both):
                await load(store, collect_articles([bundle]))
        assert await incremental["participations"].count_documents(
            {"_id": "nac-plus-4-2022-09-27--ana-lima"}
        )

        mine = await load(incremental, collect_articles([dropped]))
        await load(rebuilt, collect_articles([dropped]), full=True)

        assert mine.rebuilt is not None
        assert await incremental["participations"].count_documents(
            {"_id": "nac-plus-4-2022-09-27--lee-park-singer"}
        )
        assert without_meta(await dump(incremental)) == without_meta(await dump(rebuilt))
