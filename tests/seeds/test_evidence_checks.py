"""The loader's evidence checks on the fixture articles written to tell right from wrong: a quote
is the article's words exactly (not in other case, not with other spaces), and a group's count is
checked on the group's own day."""

from __future__ import annotations

from pathlib import Path

import pytest

from seeds.loader import collect_articles, load
from seeds.problems import SeedValidationError
from store.repository.graph import documents_by_ids
from tests.support.app import ROOT
from tests.support.seeds import copy_bundle, dump, edit, line_of, load_bundles

ARTICLES = ROOT / "tests" / "fixtures" / "articles"
LONDON = ARTICLES / "diplograph-test-wire-2019-12-04-london-leaders-meeting"
FINLAND_JOINS = ARTICLES / "diplograph-test-wire-2023-04-04-finland-joins"
ZAEV = "    quote: Prime Minister Zoran Zaev\n"


@pytest.fixture
async def seeded(store):
    await load_bundles(store)
    return store


async def problems_of(store, folder: Path) -> list:
    before = await dump(store)
    with pytest.raises(SeedValidationError) as raised:
        await load(store, collect_articles([folder]))
    assert await dump(store) == before
    return raised.value.problems


async def test_the_fixture_quote_as_written_is_found(seeded, tmp_path):
    folder = copy_bundle(tmp_path, LONDON)

    report = await load(seeded, collect_articles([folder]))

    assert report.warnings == []
    zaev = (await documents_by_ids(seeded, "officials", ["zoran-zaev"]))["zoran-zaev"]
    assert zaev["sources"][0]["quote"] == "Prime Minister Zoran Zaev"


@pytest.mark.parametrize(
    "written",
    [
        "prime minister Zoran Zaev",  # case
        "PRIME MINISTER ZORAN ZAEV",
        '"Prime Minister  Zoran Zaev"',  # two spaces inside
        '"Prime Minister\\nZoran Zaev"',  # a line break for the space
    ],
    ids=["lower", "upper", "double-space", "line-break"],
)
async def test_a_quote_differing_only_in_case_or_whitespace_is_refused(seeded, tmp_path, written):
    folder = copy_bundle(tmp_path, LONDON)
    facts = folder / "facts.yaml"
    edit(facts, ZAEV, f"    quote: {written}\n")

    (problem,) = await problems_of(seeded, folder)

    assert (Path(problem.file), problem.field) == (facts, "officials.0.quote")
    assert problem.line == line_of(facts, f"quote: {written}", exact=False)
    assert "is not in article.txt" in problem.message


async def test_spaces_around_a_quote_are_not_part_of_it(seeded, tmp_path):
    """Every string of a facts file is read without the spaces around it (seeds/models.py), a
    quote too: what is located, and stored with its offsets, is the words themselves."""
    folder = copy_bundle(tmp_path, LONDON)
    edit(folder / "facts.yaml", ZAEV, '    quote: "  Prime Minister Zoran Zaev "\n')

    await load(seeded, collect_articles([folder]))

    zaev = (await documents_by_ids(seeded, "officials", ["zoran-zaev"]))["zoran-zaev"]
    (source,) = zaev["sources"]
    text = (LONDON / "article.txt").read_text(encoding="utf-8")
    assert source["quote"] == "Prime Minister Zoran Zaev"
    assert text[source["start"] : source["end"]] == source["quote"]


async def test_a_group_count_is_checked_on_the_groups_own_day(seeded, tmp_path):
    folder = copy_bundle(tmp_path, FINLAND_JOINS)
    facts = folder / "facts.yaml"
    edit(facts, "        as_of: 2023-04-03\n", "")  # now read on the meeting's day, with Finland

    (problem,) = await problems_of(seeded, folder)

    assert problem.field == "meetings.0.groups.0.expected_count"
    assert problem.message.startswith(
        "the text says 30, but nato had 31 with role member on 2023-04-04"
    )


async def test_a_group_as_of_the_day_before_an_accession_says_nothing_of_the_new_member(
    seeded, tmp_path
):
    folder = copy_bundle(tmp_path, FINLAND_JOINS)

    report = await load(seeded, collect_articles([folder]))

    assert report.warnings == []
    stored = await documents_by_ids(seeded, "memberships", ["nato--fi--member"])
    assert stored["nato--fi--member"]["known"] == {"from": "2023-04-04", "until": None}
