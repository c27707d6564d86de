"""The typed clients of docs/frontend.md: generated, compiled and run against a live server.

`npm ci` installs frontend/'s locked packages, GraphQL Code Generator writes the types for the
example queries from schema.graphql, `tsc` checks and compiles them with the client code, and the
Node client (frontend/src/check.ts) runs against `diplograph serve` on a free port: the NAC+4
query, every country paged through with cursors (plain fetch and Apollo's cache), a CORS
preflight from a dev server's origin, and an automatic-persisted-query round trip.

Without Node and npm the client tests skip saying how to install them; under CI=true they fail.
Run alone: `.venv/bin/pytest tests/test_frontend_client.py -s` (`-s` shows each step's time and
the client's output).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.settings import Settings

ROOT = next(p for p in Path(__file__).resolve().parents if (p / "pyproject.toml").is_file())
FRONTEND = ROOT / "frontend"
DOC = ROOT / "docs" / "frontend.md"
INSTALL_HINT = "install Node.js 20 or later with npm (the `nodejs` package, where it is 20+)"
MIN_NODE_MAJOR = 20
# The dev server origin docs/frontend.md allows (Vite's default); the client sends its preflight.
DEV_ORIGIN = "http://localhost:5173"
STEP_TIMEOUT_SECONDS = 300
# The clients are the point, not the database: `diplograph serve` runs on the embedded store.
pytestmark = pytest.mark.embedded
# An included block: an HTML comment naming the file, then a fenced block with its exact text.
INCLUDE = re.compile(r"<!-- include: (?P<path>\S+) -->\n```[a-z]*\n(?P<text>.*?)```\n", re.DOTALL)


def node_tools() -> tuple[str, str]:
    """Paths of node and npm, or skip (fail when CI=true) saying how to install them."""
    node, npm = shutil.which("node"), shutil.which("npm")
    problem = None
    if not (node and npm):
        problem = "Node.js and npm are not installed"
    else:
        version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout
        major = int(re.match(r"v(\d+)", version).group(1)) if version.startswith("v") else 0
        if major < MIN_NODE_MAJOR:
            problem = f"Node.js {version.strip()} is too old"
    if problem is None:
        return str(node), str(npm)
    message = f"{problem}; {INSTALL_HINT}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}. CI runs the frontend client tests.")
    pytest.skip(message)


def run_step(argv: list[str], timings: dict[str, float], name: str) -> str:
    """Run one build step in frontend/, fail with its output if it fails; record its time."""
    started = time.monotonic()
    done = subprocess.run(
        argv, cwd=FRONTEND, capture_output=True, text=True, timeout=STEP_TIMEOUT_SECONDS
    )
    timings[name] = time.monotonic() - started
    assert done.returncode == 0, f"`{' '.join(argv)}` failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def built_client() -> Iterator[tuple[str, dict[str, float]]]:
    """frontend/ installed from its lockfile, types generated, type-checked and compiled."""
    node, npm = node_tools()
    timings: dict[str, float] = {}
    # --prefer-offline: a warm npm cache installs without asking the registry.
    run_step([npm, "ci", "--prefer-offline", "--no-audit", "--no-fund"], timings, "npm ci")
    run_step([npm, "run", "--silent", "codegen"], timings, "codegen")
    run_step([npm, "run", "--silent", "typecheck"], timings, "tsc --noEmit")
    run_step([npm, "run", "--silent", "build"], timings, "tsc (build)")
    yield node, timings


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`diplograph serve` on the embedded store, allowing the dev origin; its /graphql URL."""
    port = free_port()
    prefix = Settings.model_config.get("env_prefix") or ""
    env = {**os.environ, "MONGODB_URI": ""}  # empty, not unset: a .env file cannot fill it
    env[f"{prefix}CORS_ALLOW_ORIGINS"] = f'["{DEV_ORIGIN}"]'
    command = [str(Path(sys.executable).with_name("diplograph")), "serve", "--host", "127.0.0.1"]
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with log.open("w") as output:
        # A clean working directory, so that no .env file of the developer's applies.
        server = subprocess.Popen(
            [*command, "--port", str(port)],
            cwd=log.parent,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, f"diplograph serve exited:\n{log.read_text()}"
            assert time.monotonic() < deadline, f"not ready in 90 s:\n{log.read_text()}"
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as ready:
                    if ready.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def test_generated_types_compile_and_the_node_client_passes_against_a_live_server(
    built_client: tuple[str, dict[str, float]], live_server: str
) -> None:
    node, timings = built_client
    started = time.monotonic()
    done = subprocess.run(
        [node, "dist/check.js", live_server],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT_SECONDS,
    )
    timings["node client"] = time.monotonic() - started

    print("\n" + done.stdout + done.stderr)
    print(" | ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items()))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "NAC+4 (fetch): 36 countries" in done.stdout
    assert re.search(r"countries \(fetch\): (\d+) of totalCount \1 in \d+ pages", done.stdout)
    assert re.search(r"countries \(Apollo cache\): (\d+) of totalCount \1 merged", done.stdout)
    assert f"CORS: preflight from {DEV_ORIGIN} allowed" in done.stdout
    assert "APQ (Apollo link): GET hash only -> POST hash + query -> GET hash only" in done.stdout
    assert done.stdout.rstrip().endswith("all client checks passed")


def run_schema_linter(node: str, schema: Path) -> subprocess.CompletedProcess[str]:
    """graphql-schema-linter from frontend/'s lockfile, with the rules in its package.json."""
    linter = FRONTEND / "node_modules" / "graphql-schema-linter" / "lib" / "cli.js"
    return subprocess.run(
        [node, str(linter), str(schema)],
        cwd=FRONTEND,
        capture_output=True,
        text=True,
        timeout=STEP_TIMEOUT_SECONDS,
    )


def test_graphql_schema_linter_accepts_schema_graphql_with_the_rules_kept(
    built_client: tuple[str, dict[str, float]],
) -> None:
    node, _timings = built_client
    rules = json.loads((FRONTEND / "package.json").read_text())["graphql-schema-linter"]["rules"]

    done = run_schema_linter(node, ROOT / "schema.graphql")

    print("\n" + done.stdout + done.stderr)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 errors detected" in done.stdout
    assert {"enum-values-have-descriptions", "arguments-have-descriptions"} <= set(rules)
    assert not [rule for rule in rules if rule.endswith("-sorted-alphabetically")]


def test_graphql_schema_linter_refuses_an_enum_value_without_a_description(
    built_client: tuple[str, dict[str, float]], tmp_path: Path
) -> None:
    node, _timings = built_client
    sdl = (ROOT / "schema.graphql").read_text()
    undescribed = sdl.replace(
        '  """Newest first (the default)."""\n  PUBLISHED_DESC', "  PUBLISHED_DESC"
    )
    assert undescribed != sdl
    (tmp_path / "schema.graphql").write_text(undescribed)

    done = run_schema_linter(node, tmp_path / "schema.graphql")

    assert done.returncode == 1
    assert "The enum value `ArticleOrder.PUBLISHED_DESC` is missing a description." in done.stdout


def test_the_quickstart_shows_the_committed_files_verbatim() -> None:
    doc = DOC.read_text()
    included = {match["path"]: match["text"] for match in INCLUDE.finditer(doc)}

    assert {"frontend/codegen.ts", "frontend/src/apollo.ts", "frontend/src/fetch.ts"} <= set(
        included
    )
    for path, text in included.items():
        assert text == (ROOT / path).read_text(), f"docs/frontend.md's copy of {path} is stale"


def test_the_quickstart_points_codegen_at_the_example_queries() -> None:
    codegen = (FRONTEND / "codegen.ts").read_text()
    examples = re.search(r'const examples = "\.\./(?P<glob>[^"]+)";', codegen)

    assert examples, "codegen.ts names the example queries in one `examples` constant"
    assert sorted(ROOT.glob(examples["glob"])), f"{examples['glob']} matches no file"


def without_node(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda _name: None)


def test_missing_node_skips_outside_ci_saying_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    without_node(monkeypatch)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"install Node\.js 20 or later with npm"):
        node_tools()


def test_missing_node_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    without_node(monkeypatch)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"install Node\.js 20 or later with npm"):
        node_tools()
