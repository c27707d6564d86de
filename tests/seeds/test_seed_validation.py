"""Bad seed input: each kind gives a problem naming the file, the line and the field, saying what
was expected, and leaves the store byte-for-byte as it was.

Each test edits a copy of the seed bundle (same article id, so the load would replace the stored
article) and loads it into a store that already holds the seed article.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from seeds.inputs import REFERENCE_DIR, display
from seeds.loader import collect_articles, load
from seeds.problems import Problem, SeedValidationError
from store.repository.graph import documents_by_ids
from tests.support.seeds import (
    SEED_ARTICLE_ID,
    copy_bundle,
    dump,
    edit,
    line_of,
    load_bundles,
    write_bundle,
)


@pytest.fixture
async def stored(store):
    """The store with the seed article loaded."""
    await load_bundles(store)
    return store


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return copy_bundle(tmp_path)


@pytest.fixture
def facts(bundle: Path) -> Path:
    return bundle / "facts.yaml"


async def refused(store, *folders: Path, reference_dir: Path = REFERENCE_DIR) -> list[Problem]:
    """Load `folders`, expect SeedValidationError, check nothing changed, return the problems."""
    before = await dump(store)
    with pytest.raises(SeedValidationError) as raised:
        await load(store, collect_articles(list(folders)), reference_dir=reference_dir)
    assert await dump(store) == before
    return raised.value.problems


def only(problems: list[Problem]) -> Problem:
    assert len(problems) == 1, "\n".join(map(str, problems))
    return problems[0]


async def test_broken_yaml_names_the_line_where_parsing_failed_and_where_it_began(stored, facts):
    edit(facts, "    name: Kim Sung-han\n", "    name: [Kim Sung-han\n")
    opened = line_of(facts, "name: [Kim Sung-han")

    problem = only(await refused(stored, facts.parent))

    assert Path(problem.file) == facts
    assert problem.line == opened + 1
    assert problem.field == ""
    # The parser's own words differ between libyaml and pure-Python PyYAML.
    assert problem.message.startswith("invalid YAML: ")
    assert "expected ',' or ']'" in problem.message
    assert problem.message.endswith(f"(while parsing a flow sequence at line {opened})")


async def test_a_key_given_twice_in_one_entry_is_refused(stored, facts):
    edit(facts, "    honorific: Ambassador\n", "    honorific: Ambassador\n    honorific: Envoy\n")

    problem = only(await refused(stored, facts.parent))

    assert Path(problem.file) == facts
    assert problem.line == line_of(facts, "honorific: Envoy")
    assert problem.message == (
        f"duplicate key 'honorific' (first given at line {line_of(facts, 'honorific: Ambassador')})"
    )


async def test_a_missing_required_field_names_the_entry_and_the_field(stored, facts):
    edit(facts, "    name: Kim Sung-han\n", "")

    problem = only(await refused(stored, facts.parent))

    assert (Path(problem.file), problem.line) == (
        facts,
        line_of(facts, "- id: kim-sung-han", exact=True),
    )
    assert problem.field == "officials.3.name"
    assert problem.message == "`name` is required here"


async def test_a_misspelt_field_suggests_the_field_meant(stored, facts):
    edit(
        facts,
        "    name: Jens Stoltenberg\n    quote:",
        "    name: Jens Stoltenberg\n    qoute:",
    )

    problem = only(await refused(stored, facts.parent))

    assert problem.line == line_of(facts, "qoute:")
    assert problem.field == "officials.1.qoute"
    assert problem.message.startswith(
        "unknown field `qoute`. Did you mean `quote`? Expected one of:"
    )


async def test_a_value_outside_the_allowed_set_lists_the_allowed_values(stored, facts):
    edit(facts, "    role: partner\n    start:", "    role: partnr\n    start:")

    problem = only(await refused(stored, facts.parent))

    assert (problem.line, problem.field) == (line_of(facts, "role: partnr"), "memberships.0.role")
    assert problem.message == (
        "expected one of 'member', 'partner', 'applicant', 'invitee' or 'observer', got 'partnr'"
    )


async def test_a_quote_not_in_the_text_says_where_it_stops_matching(stored, facts):
    edit(facts, "affairs, attended the NAC+4 meeting\n", "affairs, attended the NAC+5 meeting\n")

    problem = only(await refused(stored, facts.parent))

    assert (Path(problem.file), problem.line) == (facts, line_of(facts, "the NAC+5 meeting"))
    assert problem.field == "participations.6.quote"
    matching = (
        "Ambassador Kim Gunn, Seoul's special representative for Korean Peninsula peace and "
        "security affairs, attended the"
    )
    assert problem.message == (
        f"the quote {matching + ' NAC+5 meeting'!r} is not in article.txt "
        f"(the text matches up to {matching!r}, then differs)"
    )


async def test_an_unknown_entity_suggests_the_closest_known_name(stored, facts):
    edit(
        facts,
        "  - meeting: NAC+4 meeting\n    participant: Kim Gunn\n",
        "  - meeting: NAC+4 meeting\n    participant: Kim Gun\n",
    )

    problem = only(await refused(stored, facts.parent))

    assert (problem.line, problem.field) == (
        line_of(facts, "participant: Kim Gun", exact=True),
        "participations.6.participant",
    )
    assert problem.message == (
        "no country or official or organisation is known as 'Kim Gun'. Did you mean 'Kim Gunn'?"
    )


async def test_an_impossible_date_is_refused(stored, facts):
    edit(facts, "date: {phrase: June 30}", "date: 2022-02-30")

    problem = only(await refused(stored, facts.parent))

    assert (problem.line, problem.field) == (line_of(facts, "2022-02-30"), "meetings.0.date")
    assert problem.message == "'2022-02-30' is not a real date (day is out of range for month)"


async def test_a_date_phrase_must_appear_in_the_article(stored, facts):
    edit(facts, "date: {phrase: on Monday}", "date: {phrase: on Friday}")

    problem = only(await refused(stored, facts.parent))

    assert (problem.line, problem.field) == (line_of(facts, "on Friday"), "decisions.0.date")
    assert problem.message == "the phrase 'on Friday' does not appear in the article"


async def test_an_impossible_publication_date_is_refused(stored, bundle):
    meta = bundle / "article.yaml"
    edit(meta, "date: 2022-09-28", "date: 2022-09-31")

    problem = only(await refused(stored, bundle))

    assert (Path(problem.file), problem.field) == (meta, "published.date")
    assert problem.line == line_of(meta, "2022-09-31")
    assert problem.message.startswith("'2022-09-31' is not a real date")


async def test_an_article_disagreeing_with_reference_data_is_kept_and_warned_of(stored, facts):
    edit(
        facts,
        "    title: President\n",
        "    title: President\n    start: 2022-05-11\n",
    )
    reference = REFERENCE_DIR / "officials.yaml"

    report = await load(stored, collect_articles([facts.parent]))

    (warning,) = report.warnings
    assert (Path(warning.file), warning.line) == (facts, line_of(facts, "start: 2022-05-11"))
    assert warning.field == "posts.0.start"
    assert warning.message == (
        "posts/yoon-suk-yeol--president-kr: start is '2022-05-11' here, but "
        f"{display(reference)}:{line_of(reference, 'start: 2022-05-10')} (posts.0.start) gives "
        "'2022-05-10'. Both are kept with their sources; the preferred value is '2022-05-10' "
        "(reference data)"
    )
    post = (await documents_by_ids(stored, "posts", ["yoon-suk-yeol--president-kr"]))[
        "yoon-suk-yeol--president-kr"
    ]
    assert post["start"]["value"] == "2022-05-10"
    preferred, other = post["claims"]["start"]
    assert preferred == {"by": [{"article_id": None}]}  # its value is the field's
    assert (other["value"]["value"], other["by"]) == (
        "2022-05-11",
        [{"article_id": SEED_ARTICLE_ID}],
    )


async def test_the_same_id_declared_twice_with_different_data_is_a_conflict(stored, facts):
    edit(
        facts,
        "organisations:\n",
        "  - id: kim-gunn\n    name: Kim Gunn\n    honorific: Minister\n"
        "    quote: Ambassador Kim Gunn\n\norganisations:\n",
    )

    problem = only(await refused(stored, facts.parent))

    assert (problem.line, problem.field) == (line_of(facts, "Minister"), "officials.6.honorific")
    assert problem.message.startswith(
        f"officials/kim-gunn already has honorific 'Ambassador' (given at {facts}:"
        f"{line_of(facts, 'honorific: Ambassador')}); here it is 'Minister'."
    )


async def test_two_articles_disagreeing_about_an_official_are_both_kept(stored, tmp_path):
    second = write_bundle(
        tmp_path / "second",
        "Foreign Minister Kim Gunn spoke on Thursday.\n",
        "id: second\ntitle: Second\nurl: https://example.org/second\npublisher: Example\n"
        "published: {date: 2022-09-30}\nsha256: {sha256}\n",
        "officials:\n  - id: kim-gunn\n    name: Kim Gunn\n    honorific: Foreign Minister\n"
        "    quote: Foreign Minister Kim Gunn\n",
    )

    report = await load(stored, collect_articles([second]))

    (warning,) = report.warnings
    assert (Path(warning.file), warning.line) == (second / "facts.yaml", 4)
    assert warning.message.startswith(
        "officials/kim-gunn: honorific is 'Foreign Minister' here, but stored article "
        f"{SEED_ARTICLE_ID}/facts.yaml:"
    )
    assert warning.message.endswith("the preferred value is 'Ambassador' (stated first)")
    kim = (await documents_by_ids(stored, "officials", ["kim-gunn"]))["kim-gunn"]
    assert kim["honorific"] == "Ambassador"
    assert kim["claims"]["honorific"] == [
        {"by": [{"article_id": SEED_ARTICLE_ID}]},
        {"value": "Foreign Minister", "by": [{"article_id": "second"}]},
    ]


async def test_a_group_whose_size_disagrees_with_the_membership_history_is_refused(stored, facts):
    edit(facts, "expected_count: 30", "expected_count: 31")

    problem = only(await refused(stored, facts.parent))

    assert problem.line == line_of(facts, "expected_count: 31")
    assert problem.field == "meetings.3.groups.0.expected_count"
    assert problem.message.startswith(
        "the text says 31, but nato had 30 with role member on 2022-09-27: AL, BE, BG,"
    )


async def test_reference_data_that_contradicts_an_article_is_caught(stored, tmp_path):
    reference = tmp_path / "reference"
    shutil.copytree(REFERENCE_DIR, reference)
    edit(
        reference / "memberships.yaml",
        "    start: 2023-04-04\n    members: [FI]",
        "    start: 2022-09-01\n    members: [FI]",
    )

    problems = await refused(stored, reference_dir=reference)

    assert [problem.field for problem in problems] == ["meetings.3.groups.0.expected_count"]
    assert "nato had 31 with role member on 2022-09-27" in problems[0].message


async def test_an_article_text_changed_since_review_is_refused(stored, bundle):
    with (bundle / "article.txt").open("a", encoding="utf-8") as text:
        text.write("An added sentence.\n")
    meta = bundle / "article.yaml"

    problem = only(await refused(stored, bundle))

    assert (Path(problem.file), problem.line) == (meta, line_of(meta, "sha256:"))
    assert problem.field == "sha256"
    assert "not the recorded one: the text changed since its facts were reviewed" in (
        problem.message
    )


async def test_every_problem_is_reported_in_one_run(stored, facts):
    edit(facts, "date: {phrase: June 30}", "date: 2022-02-30")
    edit(facts, "expected_count: 30", "expected_count: 31")
    edit(
        facts,
        "  - meeting: NAC+4 meeting\n    participant: Kim Gunn\n",
        "  - meeting: NAC+4 meeting\n    participant: Kim Gun\n",
    )

    problems = await refused(stored, facts.parent)

    lines = [problem.line for problem in problems]
    assert lines == sorted(lines)  # top to bottom, the order they are fixed in
    assert [problem.field for problem in problems] == [
        "meetings.0.date",
        "meetings.3.groups.0.expected_count",
        "participations.6.participant",
    ]


async def test_a_path_that_is_not_a_bundle_is_refused(stored, tmp_path):
    (tmp_path / "empty").mkdir()

    problems = await refused(stored, tmp_path / "empty", tmp_path / "missing")

    assert [problem.message for problem in problems] == [
        "not an article bundle: expected a folder with article.txt, article.yaml and facts.yaml, "
        "or a folder of such folders",
        "no such file or folder",
    ]


async def test_a_problem_prints_as_file_line_field_message():
    problem = Problem("facts.yaml", 12, "officials.1.name", "`name` is required here")

    assert str(problem) == "facts.yaml:12: officials.1.name: `name` is required here"
    assert str(SeedValidationError([problem])).endswith(f"\n  {problem}")
