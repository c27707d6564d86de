"""Score the extractor's drafts against reviewed facts files (`make extract-eval`).

The seed article is drafted against the reference data alone (it is the first article: nothing
it states is known yet); the fixture articles under tests/fixtures/articles/ against the
reference data and the bundled seed article, which is what `diplograph extract` sees by
default. The two are reported separately. Each table gives precision, recall and F1 per entity
kind and per relation kind; `--details` lists every miss and every false proposal.

    .venv/bin/python -m bench.extract_eval [--details] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from seeds.extract.evaluate import (
    ArticleScore,
    entities_total,
    evaluate_folder,
    format_table,
    total,
)
from seeds.extract.extractor import Extractor
from seeds.extract.knowledge import Knowledge
from seeds.extract.write import facts_yaml
from seeds.inputs import bundled_article_folders, read_article_folder

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "articles"


def fixture_folders() -> list[Path]:
    return sorted(path.parent for path in FIXTURES.glob("*/facts.yaml"))


def run(details: bool) -> dict:
    started = time.perf_counter()
    reference_only = Extractor(Knowledge.build([]))
    with_seed = Extractor(Knowledge.build([read_article_folder(f) for f in bundled_article_folders()]))
    build_seconds = time.perf_counter() - started
    report: dict = {"graph_build_seconds": round(build_seconds, 3), "sets": {}}
    for label, extractor, folders in (
        ("seed", reference_only, bundled_article_folders()),
        ("own", with_seed, fixture_folders()),
    ):
        results: list[ArticleScore] = []
        for folder in folders:
            result, draft = evaluate_folder(folder, extractor)
            result.draft_lines = len(facts_yaml(draft, result.article_id).splitlines())
            results.append(result)
        scores = total(results)
        print(format_table(f"\n== {label} articles ({len(results)})", scores))
        for result in results:
            entities = entities_total(result.scores)
            print(
                f"  {result.article_id}: {result.seconds * 1000:.0f} ms, entities "
                f"P {entities.precision:.2f} R {entities.recall:.2f}, participations R "
                f"{result.scores['participation'].recall:.2f}, posts R "
                f"{result.scores['post'].recall:.2f}; ids changed in review "
                f"{len(result.ids_changed)} (of them known ids looked up: {len(result.lookups)}); "
                f"draft {result.draft_lines} lines, reviewed {result.reviewed_lines} lines"
            )
            for kind, draft_id, gold_id in result.ids_changed:
                print(f"      id {kind}: {draft_id} -> {gold_id}")
            if details:
                for kind, score in result.scores.items():
                    for miss in score.misses:
                        print(f"      miss  {kind}: {miss}")
                    for false in score.false:
                        print(f"      false {kind}: {false}")
        report["sets"][label] = {
            "articles": [
                {
                    "id": r.article_id,
                    "seconds": round(r.seconds, 4),
                    "ids_changed": r.ids_changed,
                    "lookups": r.lookups,
                    "scores": {
                        k: {"P": s.precision, "R": s.recall, "F1": s.f1,
                            "misses": s.misses, "false": s.false}
                        for k, s in r.scores.items()
                    },
                }
                for r in results
            ],
            "total": {
                k: {"found": s.found, "proposed": s.proposed, "expected": s.expected,
                    "P": s.precision, "R": s.recall, "F1": s.f1}
                for k, s in scores.items()
            },
        }
    print(f"\ngraph and pipeline build: {build_seconds:.2f} s for two graphs (once per process)")
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list every miss and false proposal")
    parser.add_argument("--json", type=Path, help="also write the scores as JSON here")
    arguments = parser.parse_args()
    report = run(arguments.details)
    if arguments.json:
        arguments.json.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
