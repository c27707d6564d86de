"""Planted bugs: each bug of bench/planted-bugs.yaml is written into the code, its tests are
run, and the code is put back. A bug its tests do not catch is a test to write.

    .venv/bin/python -m bench.planted           # every bug; writes bench/results/planted-bugs.md
    .venv/bin/python -m bench.planted cursor     # only the bugs whose id starts so

Each entry names a file, an exact text that occurs once in it and its replacement (the bug), and
the tests that must fail with it. The file is restored from the copy taken before, whatever
happens; the run refuses to start on a file with uncommitted changes, so that what it restores is
what git has.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
BUGS = ROOT / "bench" / "planted-bugs.yaml"
REPORT = ROOT / "bench" / "results" / "planted-bugs.md"


@dataclass(frozen=True)
class Bug:
    id: str
    bug: str
    file: str
    old: str
    new: str
    tests: list[str]


@dataclass(frozen=True)
class Outcome:
    bug: Bug
    caught: bool
    seconds: float
    failed: list[str]


def read_bugs(path: Path = BUGS) -> list[Bug]:
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [Bug(**entry) for entry in entries]


def plant(bug: Bug) -> Outcome:
    """Write the bug, run its tests (without the random order: a bug must fail every time), put
    the file back."""
    path = ROOT / bug.file
    original = path.read_bytes()
    text = original.decode("utf-8")
    if text.count(bug.old) != 1:
        raise SystemExit(f"{bug.id}: {bug.old!r} occurs {text.count(bug.old)} times in {bug.file}")
    started = time.perf_counter()
    try:
        path.write_text(text.replace(bug.old, bug.new), encoding="utf-8")
        run = subprocess.run(
            [
                *(sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p"),
                *("no:cacheprovider", "-o", "addopts=", "--no-header", "-rfE", *bug.tests),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        path.write_bytes(original)
    failed = [
        line.split(" ", 1)[1].split(" - ")[0]
        for line in run.stdout.splitlines()
        if line.startswith(("FAILED tests/", "ERROR tests/"))
    ]
    return Outcome(bug, run.returncode == 1 and bool(failed), time.perf_counter() - started, failed)


def report(outcomes: list[Outcome]) -> str:
    caught = sum(outcome.caught for outcome in outcomes)
    lines = [
        "# Planted bugs",
        "",
        "Written by `.venv/bin/python -m bench.planted` from bench/planted-bugs.yaml: each bug "
        "is planted, its tests run, the code put back.",
        "",
        f"**{caught} of {len(outcomes)} caught.**",
        "",
        "| bug | where | caught by (tests that failed) |",
        "|---|---|---|",
    ]
    for outcome in outcomes:
        shown = [f"`{name.split('::', 1)[1]}`" for name in outcome.failed[:3]]
        if len(outcome.failed) > 3:
            shown.append(f"and {len(outcome.failed) - 3} more")
        failed = "<br>".join(shown) or "**NOT CAUGHT**"
        files = sorted({name.split("::", 1)[0] for name in outcome.failed})
        failed = f"{', '.join(f'`{f}`' for f in files)}:<br>{failed}" if files else failed
        lines.append(f"| {outcome.bug.id}: {outcome.bug.bug} | `{outcome.bug.file}` | {failed} |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("prefix", nargs="?", default="", help="only bugs whose id starts so")
    parser.add_argument("--no-report", action="store_true", help="print, write no report")
    arguments = parser.parse_args()
    bugs = [bug for bug in read_bugs() if bug.id.startswith(arguments.prefix)]
    files = sorted({bug.file for bug in bugs})
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", *files],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if dirty.strip():
        raise SystemExit(f"uncommitted changes in the files bugs are planted in:\n{dirty}")
    outcomes = []
    for bug in bugs:
        outcome = plant(bug)
        outcomes.append(outcome)
        verdict = "caught" if outcome.caught else "NOT CAUGHT"
        print(f"{bug.id}: {verdict} ({outcome.seconds:.1f} s) {' '.join(outcome.failed)}")
    if not arguments.no_report and not arguments.prefix:
        REPORT.parent.mkdir(parents=True, exist_ok=True)
        REPORT.write_text(report(outcomes), encoding="utf-8")
        print(f"wrote {REPORT.relative_to(ROOT)}")
    return 0 if all(outcome.caught for outcome in outcomes) else 1


if __name__ == "__main__":
    raise SystemExit(main())
