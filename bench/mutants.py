"""Mutation testing of the modules that decide answers and guard the server (`make mutants`).

    .venv/bin/python -m bench.mutants                  # every group; about 25 minutes on 2 cores
    .venv/bin/python -m bench.mutants cursors search   # some groups
    .venv/bin/python -m bench.mutants --commit SHA     # the tree and tests of a commit
    .venv/bin/python -m bench.mutants --report-only    # the report from the last results

Each group's results are kept in bench/results/tmp/mutants/<group>.json as it finishes, so that
groups run apart (or again) make one report.

mutmut (pinned in the dev group) changes one thing at a time in a module (a comparison, a
constant, a dropped argument...) and runs the tests; a mutant no test notices is a bug the suite
would let through. Each group of modules below is mutated in a throwaway copy of the tree (the
working tree is never written), against the tests that are about it: mutmut runs those once,
traced, and then runs for each mutant only those of them that called the function it changed.

The report, bench/results/mutants.md, gives per module the mutants, how many the tests killed,
and every survivor with its diff and its verdict from bench/mutants-survivors.yaml: `equivalent`
(no test could tell, and why) or `later` (a test worth writing, and why it is not yet).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
REPORT = ROOT / "bench" / "results" / "mutants.md"
RESULTS = ROOT / "bench" / "results" / "tmp" / "mutants"
VERDICTS = ROOT / "bench" / "mutants-survivors.yaml"
TARGET = 0.90


@dataclass(frozen=True)
class Group:
    name: str
    what: str
    modules: tuple[str, ...]
    tests: tuple[str, ...]


GROUPS = (
    Group(
        "time",
        "time rules: in force on a day, known and possible intervals from evidence",
        ("store/timeline.py", "seeds/timebounds.py"),
        (
            "tests/store/test_timeline.py",
            "tests/seeds/test_timebounds.py",
            "tests/seeds/test_evidence_checks.py",
            "tests/seeds/test_many_articles_loader.py",
            "tests/schema/test_groups_as_of.py",
            "tests/schema/test_posts_held.py",
        ),
    ),
    Group(
        "groups",
        "group resolution: a meeting's participants as of its date",
        ("schema/meeting.py",),
        (
            "tests/schema/test_groups_as_of.py",
            "tests/schema/test_meeting_fields.py",
            "tests/schema/test_participants_by_kind.py",
            "tests/schema/test_golden_queries.py",
            "tests/schema/test_schema_api.py",
        ),
    ),
    Group(
        "pagination",
        "pagination: cursors, keyset bounds, pages",
        ("schema/cursors.py", "store/repository/criteria.py", "store/repository/graph.py"),
        (
            "tests/schema/test_cursors.py",
            "tests/schema/test_pagination.py",
            "tests/schema/test_every_connection.py",
            "tests/store/test_criteria.py",
            "tests/store/test_graph.py",
            "tests/store/test_repository.py",
            "tests/schema/test_paths.py",
            "tests/schema/test_search_ranking.py",
            "tests/schema/test_many_articles_queries.py",
            "tests/schema/test_golden_queries.py",
            "tests/schema/test_schema_api.py",
        ),
    ),
    Group(
        "cost",
        "cost: pricing from coerced values and data sizes, the budget",
        ("api/cost.py", "schema/bounds.py"),
        ("tests/api/test_cost.py", "tests/api/test_cost_edges.py", "tests/schema/test_bounds.py"),
    ),
    Group(
        "limits",
        "limits: the document guard (depth, aliases, tokens, fields)",
        ("api/limits.py",),
        (
            "tests/api/test_document_shape.py",
            "tests/api/test_limits.py",
            "tests/api/test_document_guard.py",
        ),
    ),
    Group(
        "caches",
        "caches: the response cache, the document cache, APQ",
        ("api/response_cache.py", "api/caches.py", "api/persisted.py"),
        (
            "tests/api/test_cache_units.py",
            "tests/api/test_response_cache.py",
            "tests/api/test_cache_keys.py",
            "tests/api/test_limits.py",
        ),
    ),
    Group(
        "search",
        "search: candidates, scores, ranking",
        ("schema/search.py",),
        (
            "tests/schema/test_search_scores.py",
            "tests/schema/test_search_ranking.py",
            "tests/schema/test_schema_api.py",
            "tests/schema/test_golden_queries.py",
        ),
    ),
    Group(
        "evidence",
        "the loader's evidence checks: names in quotes, duplicates",
        ("seeds/duplicates.py",),
        (
            "tests/seeds/test_duplicates.py",
            "tests/seeds/test_evidence_checks.py",
            "tests/seeds/test_many_articles_loader.py",
            "tests/seeds/test_seed_validation.py",
        ),
    ),
    Group(
        "errors",
        "error masking and the request id; CORS options",
        ("api/graphql_errors.py", "api/middleware.py"),
        (
            "tests/api/test_error_units.py",
            "tests/api/test_error_policy.py",
            "tests/api/test_errors.py",
            "tests/api/test_masking_and_cors.py",
            "tests/api/test_http.py",
            "tests/api/test_limits.py",
        ),
    ),
)


@dataclass
class ModuleResult:
    module: str
    statuses: Counter[str] = field(default_factory=Counter)
    survivors: dict[str, str] = field(default_factory=dict)  # name: diff

    @property
    def total(self) -> int:
        return sum(self.statuses.values())

    @property
    def checked(self) -> int:
        return self.total - self.statuses["not checked"]

    @property
    def killed(self) -> int:
        return self.statuses["killed"] + self.statuses["timeout"]

    @property
    def score(self) -> float:
        return self.killed / self.checked if self.checked else 1.0


def status(exit_code: int | None) -> str:
    if exit_code in (1, 3):
        return "killed"
    if exit_code in (24, -24, 36, 152, 255):
        return "timeout"
    if exit_code == 0:
        return "survived"
    if exit_code in (5, 33):
        return "no tests"
    if exit_code is None:
        return "not checked"
    return "suspicious"


def tree(destination: Path, commit: str | None) -> None:
    """The files of the working tree that git knows or would add, or those of `commit`."""
    if commit:
        archive = subprocess.run(
            ["git", "archive", commit], cwd=ROOT, capture_output=True, check=True
        )
        subprocess.run(["tar", "-x", "-C", str(destination)], input=archive.stdout, check=True)
        return
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    for name in filter(None, listed):
        source = ROOT / name.decode()
        if source.is_file() and not name.startswith(b"frontend/"):
            target = destination / name.decode()
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)


def config(group: Group, workdir: Path) -> str:
    tests = [test for test in group.tests if (workdir / test).exists()]
    values = {
        "source_paths": ["api", "schema", "seeds", "store"],
        "only_mutate": list(group.modules),
        # What the tests read besides the packages and tests/ (which mutmut copies itself).
        "also_copy": ["docs", "schema.graphql", "scripts", "README.md", ".env.example"],
        "pytest_add_cli_args": [
            *("-p", "no:randomly", "-p", "no:cacheprovider"),
            # These read the source files, which mutmut rewrites.
            "--deselect",
            "tests/schema/test_injection.py::test_every_regex_the_code_sends_is_built_by_prefix_pattern",
            "--deselect",
            "tests/schema/test_injection.py::test_only_the_data_layer_writes_mongodb_operators",
        ],
        "pytest_add_cli_args_test_selection": tests,
        "use_git_change_detection": False,
    }
    lines = ["", "[tool.mutmut]"]
    lines += [f"{key} = {json.dumps(value)}" for key, value in values.items()]
    return "\n".join(lines) + "\n"


DIFFS = """
import json, sys
from mutmut.__main__ import find_mutant
from mutmut.mutation.diff_apply import get_diff_for_mutant
names = json.loads(sys.stdin.read())
print(json.dumps({n: get_diff_for_mutant(n, path=find_mutant(n).path) for n in names}))
"""


def collect(group: Group, workdir: Path, environment: dict[str, str]) -> list[ModuleResult]:
    """Each module's statuses and survivors (with their diffs) from mutmut's files in `workdir`."""
    results = []
    for module in group.modules:
        meta = workdir / "mutants" / f"{module}.meta"
        codes = json.loads(meta.read_text())["exit_code_by_key"] if meta.exists() else {}
        result = ModuleResult(module, Counter(status(code) for code in codes.values()))
        surviving = [n for n, code in codes.items() if status(code) in ("survived", "no tests")]
        if surviving:
            shown = subprocess.run(
                [str(ROOT / ".venv" / "bin" / "python"), "-c", DIFFS],
                cwd=workdir,
                input=json.dumps(surviving),
                capture_output=True,
                text=True,
                env=environment,
                check=True,
            )
            result.survivors = json.loads(shown.stdout)
        results.append(result)
    return results


def run_group(
    group: Group, commit: str | None, keep: bool, minutes: float | None = None
) -> tuple[list[ModuleResult], float]:
    workdir = Path(tempfile.mkdtemp(prefix=f"diplograph-mutants-{group.name}-"))
    try:
        tree(workdir, commit)
        with (workdir / "pyproject.toml").open("a", encoding="utf-8") as pyproject:
            pyproject.write(config(group, workdir))
        (workdir / ".venv").symlink_to(ROOT / ".venv")
        environment = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
        started = time.perf_counter()
        log = workdir / "mutmut.log"
        with log.open("wb") as output:
            mutmut = subprocess.Popen(
                [str(ROOT / ".venv" / "bin" / "mutmut"), "run"],
                cwd=workdir,
                env=environment,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            try:
                mutmut.wait(timeout=minutes * 60 if minutes else None)
            except subprocess.TimeoutExpired:
                # Out of time: what was checked so far is kept in mutmut's files.
                os.killpg(mutmut.pid, signal.SIGTERM)
                mutmut.wait()
            else:
                if mutmut.returncode != 0:
                    # Typically a test that fails without any mutant: nothing was checked, and
                    # a score of "0 of 0" must not pass for 100%.
                    tail = log.read_bytes()[-3000:].decode("utf-8", "replace")
                    raise SystemExit(
                        f"{group.name}: mutmut stopped with exit code {mutmut.returncode} "
                        f"before checking the mutants:\n{tail}"
                    )
        seconds = time.perf_counter() - started
        return collect(group, workdir, environment), seconds
    finally:
        if keep:
            print(f"kept {workdir}", file=sys.stderr)
        else:
            shutil.rmtree(workdir, ignore_errors=True)


def save(group: Group, results: list[ModuleResult], seconds: float, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    document = {
        "group": group.name,
        "seconds": seconds,
        "modules": [
            {"module": r.module, "statuses": dict(r.statuses), "survivors": r.survivors}
            for r in results
        ],
    }
    (directory / f"{group.name}.json").write_text(json.dumps(document, indent=1), "utf-8")


def load_saved(directory: Path) -> list[tuple[Group, list[ModuleResult], float]]:
    runs = []
    for group in GROUPS:
        path = directory / f"{group.name}.json"
        if not path.exists():
            continue
        document = json.loads(path.read_text("utf-8"))
        results = [
            ModuleResult(m["module"], Counter(m["statuses"]), m["survivors"])
            for m in document["modules"]
        ]
        runs.append((group, results, document["seconds"]))
    return runs


def changed_lines(diff: str) -> str:
    """The lines a mutant changed, without the diff's headers."""
    lines = diff.splitlines()[2:]
    return "\n".join(line for line in lines if line.startswith(("-", "+")))


def render(
    runs: list[tuple[Group, list[ModuleResult], float]], verdicts: list[dict], command: str
) -> str:
    out = [
        "# Mutation testing",
        "",
        f"Written by `{command}` (mutmut {mutmut_version()}); each group in a copy of the "
        "tree, against its own tests. Score = killed (a timeout counts as killed) / checked; "
        f"target {TARGET:.0%} per module. A group given a time limit (`--minutes`) checks the "
        "mutants mutmut reaches in that time, in its own order.",
        "",
        "| group | module | mutants | checked | killed | survived | no tests | score | run time |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    total = Counter()
    for group, results, seconds in runs:
        for index, result in enumerate(results):
            time_cell = f"{seconds / 60:.1f} min" if index == 0 else ""
            out.append(
                f"| {group.name if index == 0 else ''} | `{result.module}` | {result.total} | "
                f"{result.checked} | {result.killed} | {result.statuses['survived']} | "
                f"{result.statuses['no tests']} | {result.score:.1%} | {time_cell} |"
            )
            total.update(
                {"mutants": result.total, "checked": result.checked, "killed": result.killed}
            )
    minutes = sum(seconds for _g, _r, seconds in runs) / 60
    score = total["killed"] / total["checked"] if total["checked"] else 1.0
    out += [
        f"| **all** | | {total['mutants']} | {total['checked']} | {total['killed']} | | | "
        f"**{score:.1%}** | {minutes:.1f} min |",
        "",
        "## Surviving mutants",
        "",
        "Each with its verdict (bench/mutants-survivors.yaml): **equivalent** when no test could "
        "tell it from the code, **later** when a test could but is not written yet. Unclassified "
        "ones are new: look at them.",
        "",
    ]
    for group, results, _seconds in runs:
        for result in results:
            if not result.survivors:
                continue
            out += [f"### `{result.module}` ({group.what})", ""]
            for name, diff in sorted(result.survivors.items(), key=lambda item: _number(item[0])):
                verdict = verdict_for(name, diff, verdicts)
                label = (
                    f"**{verdict['verdict']}**: {verdict['why']}" if verdict else "**unclassified**"
                )
                out += [f"- `{name}`: {label}", "", "  ```diff"]
                out += [f"  {line}" for line in changed_lines(diff).splitlines()]
                out += ["  ```", ""]
    return "\n".join(out) + "\n"


def verdict_for(name: str, diff: str, verdicts: list[dict]) -> dict | None:
    """The first verdict whose name patterns match the mutant and whose `diff` pattern (if any)
    is found in its changed lines."""
    changed = changed_lines(diff)
    for entry in verdicts:
        if any(fnmatch.fnmatchcase(name, pattern) for pattern in entry["names"]) and (
            "diff" not in entry or re.search(entry["diff"], changed)
        ):
            return entry
    return None


def _number(name: str) -> tuple[str, int]:
    prefix, _, number = name.rpartition("_")
    return prefix, int(number) if number.isdigit() else 0


def mutmut_version() -> str:
    from importlib.metadata import version

    return version("mutmut")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("groups", nargs="*", help="only these groups (default: all)")
    parser.add_argument("--commit", help="mutate this commit's tree, with its tests")
    parser.add_argument("--report", type=Path, default=REPORT, help="where to write the report")
    parser.add_argument("--keep", action="store_true", help="keep the copies (to debug)")
    parser.add_argument(
        "--results", type=Path, default=RESULTS, help="where each group's results are kept"
    )
    parser.add_argument(
        "--report-only", action="store_true", help="write the report from the kept results"
    )
    parser.add_argument(
        "--minutes", type=float, help="stop each group after this long (a partial check)"
    )
    arguments = parser.parse_args()
    unknown = set(arguments.groups) - {group.name for group in GROUPS}
    if unknown:
        parser.error(f"no such group: {', '.join(sorted(unknown))}")
    chosen = [group for group in GROUPS if not arguments.groups or group.name in arguments.groups]
    verdicts = yaml.safe_load(VERDICTS.read_text(encoding="utf-8")) if VERDICTS.exists() else []
    for group in [] if arguments.report_only else chosen:
        results, seconds = run_group(group, arguments.commit, arguments.keep, arguments.minutes)
        save(group, results, seconds, arguments.results)
        for result in results:
            print(
                f"{group.name}: {result.module}: {result.killed}/{result.total} killed "
                f"({result.score:.1%}), {len(result.survivors)} surviving, {seconds:.0f} s"
            )
    runs = load_saved(arguments.results)
    command = (
        "make mutants"
        if not arguments.commit
        else f"python -m bench.mutants --commit {arguments.commit}"
    )
    arguments.report.parent.mkdir(parents=True, exist_ok=True)
    arguments.report.write_text(render(runs, verdicts or [], command), encoding="utf-8")
    print(f"wrote {arguments.report}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
