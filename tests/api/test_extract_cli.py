"""`diplograph extract`: a bundle draft written from a text file, which `diplograph seed`
refuses until the draft line is gone, and `--evaluate`, which scores drafts."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from api.cli import app
from tests.support.app import ROOT

WIRE = ROOT / "tests" / "fixtures" / "articles" / "diplograph-test-wire-2022-09-27-kim-gunn-nac"
# The graph is the bundled data alone: no database, whatever the suite runs on.
NO_DATABASE = {"MONGODB_URI": "", "COLUMNS": "200"}


def _extract(tmp_path: Path) -> Path:
    out = tmp_path / "wire-2022-09-27"
    result = CliRunner().invoke(
        app,
        [
            "extract",
            str(WIRE / "article.txt"),
            "--published",
            "2022-09-27",
            "--url",
            "https://example.org/wire",
            "--out",
            str(out),
        ],
        env=NO_DATABASE,
    )
    assert result.exit_code == 0, result.output
    return out


def test_extract_writes_the_text_byte_for_byte_beside_a_draft(tmp_path):
    out = _extract(tmp_path)

    assert (out / "article.txt").read_bytes() == (WIRE / "article.txt").read_bytes()
    meta = (out / "article.yaml").read_text(encoding="utf-8")
    assert "id: article-2022-09-27" not in meta and "published: {date: 2022-09-27}" in meta
    facts = (out / "facts.yaml").read_text(encoding="utf-8")
    assert "\ndraft: " in facts
    assert "  - id: kim-gunn\n" in facts  # the seed article's Kim Gunn, linked by id


def test_seed_refuses_the_draft_until_its_draft_line_is_deleted(tmp_path):
    out = _extract(tmp_path)

    refused = CliRunner().invoke(app, ["seed", "--dry-run", str(out)], env=NO_DATABASE)
    facts = out / "facts.yaml"
    facts.write_text(
        "".join(
            line
            for line in facts.read_text(encoding="utf-8").splitlines(keepends=True)
            if not line.startswith("draft:")
        ),
        encoding="utf-8",
    )
    accepted = CliRunner().invoke(
        app, ["seed", "--dry-run", str(ROOT / "seeds" / "articles"), str(out)], env=NO_DATABASE
    )

    assert refused.exit_code == 1
    assert "facts.yaml:7: draft: this facts file is an unreviewed draft" in refused.output
    assert accepted.exit_code == 0, accepted.output


def test_extract_says_what_it_needs_without_an_article_or_a_date():
    result = CliRunner().invoke(app, ["extract"], env=NO_DATABASE)

    assert result.exit_code == 2
    assert "--published" in result.output


def test_evaluate_scores_reviewed_bundles_given_on_the_command_line():
    result = CliRunner().invoke(app, ["extract", "--evaluate", str(WIRE)], env=NO_DATABASE)

    assert result.exit_code == 0, result.output
    assert "== given articles (1)" in result.output
    assert "participation" in result.output and WIRE.name in result.output
