"""The vendored GraphiQL assets and the offline GraphiQL page (no network needed).

GraphiQL must work without internet access: every file Strawberry's template loads from
unpkg.com is vendored byte-for-byte (same SRI hash) and the rendered page must not point
off-host. The last test loads the page in headless Chromium (see tests/support/chromium.py).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest
import strawberry
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from strawberry.asgi import GraphQL
from strawberry.http.ides import get_graphql_ide_html

import api.graphiql
from api.examples import DEFAULT_QUERY_FILE, EXAMPLES_DIR, LIVE_DIR
from api.graphiql import STATIC_DIR, question_of, render_graphiql_page
from tests.support.app import make_settings, running_app
from tests.support.chromium import LAUNCH_ARGS, chromium_path

REPO_ROOT = Path(__file__).resolve().parents[2]
STATIC_URL = "/graphiql-static"
MANIFEST = json.loads((STATIC_DIR / "manifest.json").read_text(encoding="utf-8"))

# The favicon is an inline data: SVG whose markup carries the SVG namespace URI; it is an
# identifier, never fetched.
HARMLESS_URLS = {"http://www.w3.org/2000/svg"}

TRICKY = (
    "# </script><script>alert('pwned')</script> <!-- <script> </SCRIPT >\n"
    "# backtick ` ${injected} \\ \" ' & \u2028 \u2029 é 🍓\n"
    'query Tricky {\n  hello(name: "</script>")\n}\n'
)
DEFAULT_QUERY = "# diplograph\nquery Default {\n  hello\n}\n"
EXAMPLES = [
    ("Say hello", 'query SayHello {\n  hello(name: "diplograph")\n}\n'),
    ("Tricky </script> <b>title</b>", TRICKY),
]


def sri_sha384(data: bytes) -> str:
    return "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def template_integrities() -> dict[str, str]:
    """unpkg URL -> integrity, parsed from the installed Strawberry template."""
    template = get_graphql_ide_html("graphiql")
    found: dict[str, str] = {}
    for tag in re.findall(r"<(?:script|link)\b[^>]*>", template):
        attrs = dict(re.findall(r'\b(src|href|integrity)="([^"]*)"', tag))
        url = attrs.get("src") or attrs.get("href") or ""
        if url.startswith("https://unpkg.com/"):
            found[url] = attrs["integrity"]
    assert template.count("https://unpkg.com/") == len(found)
    return found


class PageParser(HTMLParser):
    """Collects external references and inline script bodies of a page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[tuple[str, str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        for name in ("src", "href"):
            if attributes.get(name) is not None:
                self.refs.append((tag, str(attributes[name]), attributes))
        if tag == "script" and attributes.get("src") is None:
            self._in_inline_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_inline_script = False

    def handle_data(self, data: str) -> None:
        if self._in_inline_script:
            self.scripts[-1] += data


def parse(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


def config_from_page(page: str) -> dict[str, object]:
    """Decode the JSON that render_graphiql_page embedded in the page's config script."""
    scripts = [s for s in parse(page).scripts if "DIPLOGRAPH_GRAPHIQL = " in s]
    assert len(scripts) == 1
    match = re.search(r"\}\)\((\{.*\})\);\s*$", scripts[0], re.DOTALL)
    assert match, "config JSON not found at the end of the config script"
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def page() -> str:
    return render_graphiql_page(
        static_url=STATIC_URL, default_query=DEFAULT_QUERY, examples=EXAMPLES
    )


# --------------------------------------------------------------------------- assets


def test_manifest_covers_exactly_the_template_assets() -> None:
    expected = template_integrities()
    listed = {entry["url"]: entry["integrity"] for entry in MANIFEST["files"]}
    assert listed == expected


@pytest.mark.parametrize("entry", MANIFEST["files"], ids=lambda e: e["path"])
def test_vendored_file_matches_template_integrity(entry: dict[str, str]) -> None:
    path = STATIC_DIR / entry["path"]
    assert path.is_file(), f"missing vendored file {path}"
    assert sri_sha384(path.read_bytes()) == template_integrities()[entry["url"]]


def test_every_package_ships_license_files() -> None:
    packages = {(e["package"], e["version"]) for e in MANIFEST["files"]}
    licensed = {(e["package"], e["version"]) for e in MANIFEST["licenses"]}
    assert packages == licensed
    for entry in MANIFEST["licenses"]:
        path = STATIC_DIR / entry["path"]
        assert path.is_file()
        assert sri_sha384(path.read_bytes()) == entry["integrity"]


def test_fetch_script_check_mode_passes_offline() -> None:
    script = REPO_ROOT / "scripts" / "fetch_graphiql_assets.py"
    result = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_fetch_script_check_mode_detects_tampering(tmp_path: Path) -> None:
    copy = tmp_path / "graphiql"
    shutil.copytree(STATIC_DIR, copy)
    victim = copy / MANIFEST["files"][0]["path"]
    victim.write_bytes(victim.read_bytes() + b"\n")
    script = REPO_ROOT / "scripts" / "fetch_graphiql_assets.py"
    result = subprocess.run(
        [sys.executable, str(script), "--check", "--dest", str(copy)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "hash mismatch" in result.stderr


def test_vendored_files_are_not_git_ignored() -> None:
    if shutil.which("git") is None or not (REPO_ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    paths = ["manifest.json"] + [e["path"] for e in MANIFEST["files"] + MANIFEST["licenses"]]
    rel = [str((STATIC_DIR / p).relative_to(REPO_ROOT)) for p in paths]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *rel], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.stdout.strip() == "", f"git would ignore: {result.stdout}"


# --------------------------------------------------------------------------- the page


def test_page_loads_nothing_off_host(page: str) -> None:
    assert "unpkg.com" not in page
    parsed = parse(page)
    integrities = {e["path"]: e["integrity"] for e in MANIFEST["files"]}
    local = 0
    for tag, url, attrs in parsed.refs:
        if url.startswith("data:"):
            continue
        assert url.startswith(f"{STATIC_URL}/"), f"<{tag}> points off-host: {url}"
        path = url.removeprefix(f"{STATIC_URL}/")
        assert (STATIC_DIR / path).is_file()
        assert attrs.get("integrity") == integrities[path]  # SRI kept and still valid
        local += 1
    assert local == len(MANIFEST["files"])
    urls = set(re.findall(r"https?://[^\s\"'<>%]+", page))
    assert urls <= HARMLESS_URLS


def test_static_url_is_normalised_and_escaped() -> None:
    page = render_graphiql_page(static_url="/static/gq/", default_query="{ a }", examples=[])
    assert 'src="/static/gq/react@18.2.0/' in page
    assert "/static/gq//" not in page
    odd = render_graphiql_page(static_url='/x"y<z', default_query="{ a }", examples=[])
    assert 'src="/x&quot;y&lt;z/react@18.2.0/' in odd


def test_default_query_and_examples_are_wired_into_graphiql(page: str) -> None:
    config = config_from_page(page)
    assert config["initialQuery"] == DEFAULT_QUERY
    assert [(e["title"], e["query"]) for e in config["examples"]] == EXAMPLES
    assert [e["operationName"] for e in config["examples"]] == ["SayHello", "Tricky"]
    main = next(s for s in parse(page).scripts if "React.createElement(GraphiQL" in s)
    assert "parameters.q || DIPLOGRAPH_GRAPHIQL.initialQuery" in main
    assert "defaultQuery: DIPLOGRAPH_GRAPHIQL.newTabQuery" in main
    assert "defaultTabs: DIPLOGRAPH_GRAPHIQL.defaultTabs(query, variables, headers)" in main
    assert "plugins: DIPLOGRAPH_GRAPHIQL.plugins.concat([explorerPlugin])" in main
    assert "}, DIPLOGRAPH_GRAPHIQL.logo());" in main
    # Template behaviour kept: same-URL fetcher, subscriptions URL, headers editor.
    assert 'const fetchURL = window.location.href.split("?")[0];' in main
    assert "subscriptionUrl," in main
    assert "isHeadersEditorEnabled: true" in main


def test_queries_cannot_break_out_of_the_script(page: str) -> None:
    template_scripts = len(re.findall(r"<script\b", get_graphql_ide_html("graphiql")))
    # Exactly one extra <script> (the config) and no other markup from the queries.
    assert len(re.findall(r"<script\b", page, re.IGNORECASE)) == template_scripts + 1
    config_script = next(s for s in parse(page).scripts if "DIPLOGRAPH_GRAPHIQL = " in s)
    for forbidden in ("</script", "</SCRIPT", "<!--", "<script", "\u2028", "\u2029"):
        assert forbidden not in config_script
    assert "<b>title</b>" not in page
    assert "\\u003c/script\\u003e" in config_script


def test_empty_examples() -> None:
    page = render_graphiql_page(static_url=STATIC_URL, default_query="{ a }", examples=[])
    assert config_from_page(page) == {"initialQuery": "{ a }", "examples": []}


def test_the_page_is_titled_diplograph_not_strawberry() -> None:
    page = render_graphiql_page(static_url=STATIC_URL, default_query="{ a }", examples=[])
    assert "<title>diplograph</title>" in page
    assert "Strawberry GraphiQL" not in page


@pytest.mark.parametrize(
    ("title", "question"),
    [
        ("Golden question 1: Who attended the NAC+4 meeting?", "Who attended the NAC+4 meeting?"),
        ("Search by place: What is in Brussels?", "What is in Brussels?"),
        ("Who is a Secretary-General?", "Who is a Secretary-General?"),
        ("Which meetings? A list: by date", "Which meetings? A list: by date"),
    ],
)
def test_an_example_is_shown_by_its_question(title: str, question: str) -> None:
    assert question_of(title) == question


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("react@18.2.0", "react@18.3.1", "not vendored"),
        ("sha384-tMH8h3BGESG", "sha384-XXXXXXXXXXX", "integrity"),
        ("plugins: [explorerPlugin],", "plugins: [],", "template changed"),
    ],
)
def test_template_drift_fails_loudly(
    monkeypatch: pytest.MonkeyPatch, old: str, new: str, message: str
) -> None:
    """A Strawberry upgrade that changes the template must not silently go back online."""
    drifted = get_graphql_ide_html("graphiql").replace(old, new)
    monkeypatch.setattr(api.graphiql, "get_graphql_ide_html", lambda *_args: drifted)
    api.graphiql._patched_template.cache_clear()
    try:
        with pytest.raises(RuntimeError, match=message):
            render_graphiql_page(static_url=STATIC_URL, default_query="{ a }", examples=[])
    finally:
        api.graphiql._patched_template.cache_clear()


# --------------------------------------------------------------------------- the app's page


async def test_app_offers_the_golden_query_files_themselves(client) -> None:
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    config = config_from_page(response.text)
    files = sorted(EXAMPLES_DIR.glob("*.graphql")) + sorted(LIVE_DIR.glob("*.graphql"))
    assert len(files) >= 11
    assert config["initialQuery"] == (EXAMPLES_DIR / DEFAULT_QUERY_FILE).read_text("utf-8")
    assert [e["query"] for e in config["examples"]] == [f.read_text("utf-8") for f in files]
    assert config["examples"][0]["title"] == "Golden question 1: Who attended the NAC+4 meeting?"


async def test_with_graphiql_off_neither_the_page_nor_its_assets_are_served() -> None:
    async with running_app(make_settings(graphiql=False, seed_on_startup=False)) as (_app, client):
        page = await client.get("/graphql", headers={"accept": "text/html"})
        asset = await client.get(f"{STATIC_URL}/manifest.json")
        assert "DIPLOGRAPH_GRAPHIQL" not in page.text
        assert asset.status_code == 404


# --------------------------------------------------------------------------- browser


@strawberry.type
class _Query:
    @strawberry.field
    def hello(self, name: str = "world") -> str:
        return f"Hello {name}"


class _IDEView(GraphQL):
    async def render_graphql_ide(self, request: Request) -> HTMLResponse:
        return HTMLResponse(
            render_graphiql_page(
                static_url=STATIC_URL, default_query=DEFAULT_QUERY, examples=EXAMPLES
            )
        )


@pytest.fixture
def live_server() -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
    app = Starlette(
        routes=[
            Mount(STATIC_URL, StaticFiles(directory=STATIC_DIR)),
            Route("/graphql", _IDEView(strawberry.Schema(query=_Query))),
        ]
    )
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def test_page_and_assets_are_served_over_http(live_server: str) -> None:
    request = urllib.request.Request(f"{live_server}/graphql", headers={"Accept": "text/html"})
    with urllib.request.urlopen(request, timeout=10) as response:
        served = response.read().decode("utf-8")
    assert "DIPLOGRAPH_GRAPHIQL" in served
    for tag, url, _attrs in parse(served).refs:
        if url.startswith("data:"):
            continue
        with urllib.request.urlopen(f"{live_server}{url}", timeout=10) as response:
            assert response.status == 200, (tag, url)
            body = response.read()
        assert body == (STATIC_DIR / url.removeprefix(f"{STATIC_URL}/")).read_bytes()


@pytest.mark.browser
def test_graphiql_renders_in_headless_chromium(live_server: str) -> None:
    browser = chromium_path()
    with tempfile.TemporaryDirectory() as profile:
        result = subprocess.run(
            [
                browser,
                "--headless",
                *LAUNCH_ARGS,
                f"--user-data-dir={profile}",
                "--virtual-time-budget=10000",
                "--dump-dom",
                f"{live_server}/graphql",
            ],
            capture_output=True,
            text=True,
            timeout=120,
        )
    dom = result.stdout
    assert "graphiql-query-editor" in dom, result.stderr[-2000:]
    assert 'class="CodeMirror' in dom
    # One tab (GraphiQL draws no tab bar for a single tab), the examples open in the sidebar.
    assert 'class="graphiql-tab-button' not in dom
    assert 'aria-label="Hide Examples"' in dom
    assert dom.count('class="diplograph-examples"') == 1
