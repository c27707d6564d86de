"""Score the extractor's drafts against reviewed facts files (`make extract-eval`).

The seed article is drafted against the reference data alone (it is the first article: nothing
it states is known yet); the fixture articles under tests/fixtures/articles/ against the
reference data and the bundled seed article, which is what `diplograph extract` sees by
default. The two are reported separately. Each table gives precision, recall and F1 per entity
kind and per relation kind; `--details` lists every miss and every false proposal.

    .venv/bin/python -m bench.extract_eval [--details] [--json PATH] [--repeat N]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from seeds.extract.evaluate import evaluation_sets, run_evaluation

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "articles"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list every miss and false proposal")
    parser.add_argument("--json", type=Path, help="also write the scores as JSON here")
    parser.add_argument(
        "--repeat", type=int, default=1, help="draft each article N times; report the median"
    )
    arguments = parser.parse_args()
    report = run_evaluation(evaluation_sets(FIXTURES), arguments.details, repeat=arguments.repeat)
    if arguments.json:
        arguments.json.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
