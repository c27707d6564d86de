"""No test writes into the working tree: the suite fails when `git status` differs after the run
from what it was before (a screenshot, a generated file, a report left behind). Outside a git
checkout (a source archive, mutmut's copy of the tree) there is nothing to compare."""

from __future__ import annotations

import subprocess

import pytest

from tests.support.app import ROOT

_KEY = pytest.StashKey[frozenset[str] | None]()


def tree_status() -> frozenset[str] | None:
    """`git status --porcelain` lines of the checkout (untracked files included), or None when
    the tests do not run in a git checkout."""
    try:
        found = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=all"],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    top = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--show-toplevel"],
        capture_output=True,
        text=True,
        check=False,
    )
    if found.returncode != 0 or top.stdout.strip() != str(ROOT):
        return None
    return frozenset(line for line in found.stdout.splitlines() if line)


def pytest_sessionstart(session: pytest.Session) -> None:
    session.stash[_KEY] = tree_status()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    before = session.stash.get(_KEY, None)
    after = tree_status() if before is not None else None
    if before is None or after is None or after == before:
        return
    changed = sorted(after - before) + [f"(no longer) {line}" for line in sorted(before - after)]
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    message = (
        "the tests changed the working tree (git status differs from before the run); a test "
        "must write to a temporary folder instead:\n  " + "\n  ".join(changed)
    )
    if reporter is not None:
        reporter.write_sep("=", "working tree changed", red=True)
        reporter.write_line(message)
    if session.exitstatus == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED
