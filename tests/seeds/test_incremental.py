"""Incremental loads store what the full build stores: after every step of random sequences of
loads, changes and removals of the fixture articles and synthetic ones, the store that rebuilt
only what each step touched equals, byte for byte, the one that rebuilt everything."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.corpus import write_corpus
from seeds.loader import LoadReport, collect_articles, load, remove
from seeds.problems import SeedValidationError
from seeds.yamlfile import parse_yaml
from store.connection import Store, create_store
from tests.support.app import ROOT, make_settings
from tests.support.seeds import SEED_BUNDLE, dump, without_meta

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


async def _stores() -> AsyncIterator[Store]:
    store = create_store(make_settings().store_config)
    await store.ensure_indexes()
    await load(store, collect_articles([SEED_BUNDLE]))
    return store


PICK = st.tuples(st.integers(0, 9 + SYNTHETIC), st.integers(0, len(VARIANTS) - 1))
STEP = st.one_of(
    st.tuples(st.just("load"), st.lists(PICK, min_size=1, max_size=2, unique_by=lambda p: p[0])),
    st.tuples(st.just("remove"), st.tuples(PICK)),
)


@settings(max_examples=25)
@given(steps=st.lists(STEP, min_size=1, max_size=6))
async def test_incremental_loads_store_what_the_full_build_stores(bundles, steps):
    incremental, rebuilt = await _stores(), await _stores()
    try:
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
    finally:
        await incremental.close()
        await rebuilt.close()
