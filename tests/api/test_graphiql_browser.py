"""GraphiQL in a real browser: the app's own page, offline, in headless Chromium.

A uvicorn server on a free port serves the app on the embedded store with the seed data.
Chromium starts with a fresh profile (a first visit), and every request that is not to that
server is recorded and aborted, so a page that still needed a CDN would fail here.

The tests check that the page is diplograph's: titled "diplograph", one tab on a first visit
with the examples in the sidebar, "+" opening an empty editor, example tabs titled by their
question. They save three screenshots (first visit, after "+", an example run) into
SCREENSHOT_DIR, outside the working tree ($DIPLOGRAPH_SCREENSHOT_DIR, else
<tmp>/diplograph-graphiql), and print their paths. The README's docs/graphiql.png changes only
when asked: `make screenshots` sets DIPLOGRAPH_UPDATE_SCREENSHOT=1.

Run alone: `.venv/bin/pytest tests/api/test_graphiql_browser.py -s` (`-s` shows the measurements
and the screenshots' paths).
"""

from __future__ import annotations

import io
import json
import os
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from PIL import Image, ImageChops
from playwright.sync_api import Page, Request, Route, expect, sync_playwright

import tests.support.chromium
from api.app import create_app
from api.examples import default_query, golden_queries, live_examples
from api.graphiql import MANIFEST_PATH, question_of
from tests.support.app import ROOT, make_settings
from tests.support.chromium import LAUNCH_ARGS, chromium_path

SCREENSHOT = ROOT / "docs" / "graphiql.png"
SCREENSHOT_DIR = Path(
    os.environ.get("DIPLOGRAPH_SCREENSHOT_DIR")
    or Path(tempfile.gettempdir()) / "diplograph-graphiql"
)
UPDATE_DOCS_SCREENSHOT = os.environ.get("DIPLOGRAPH_UPDATE_SCREENSHOT") == "1"
# Tall enough for the screenshot to show both Kim Gunn and the 36 countries' totalCount.
VIEWPORT = {"width": 1440, "height": 1240}
TIMEOUT_MS = 30_000

# Budgets well above what the page needs (measured: 4.25 MB, interactive in under a second),
# so that only a real regression fails: a new asset, or a page that hangs.
MAX_TRANSFER_BYTES = 6_000_000
MAX_INTERACTIVE_MS = 20_000

# The page and its assets are the point, not the database: one pass is enough.
pytestmark = pytest.mark.embedded

# Interactive: the query editor shows the default query, the run button is there, and the
# schema has arrived (GraphiQL's introspection fetch), so that completion and docs work.
# Returns the time since navigation start, checked on every animation frame.
INTERACTIVE_JS = """(defaultQuery) => {
  const editor = document.querySelector(".graphiql-query-editor .CodeMirror");
  const run = document.querySelector(".graphiql-execute-button");
  const schema = performance.getEntriesByType("resource").some(
    (e) => e.initiatorType === "fetch" && new URL(e.name).pathname === "/graphql"
      && e.responseEnd > 0
  );
  return editor && run && schema && editor.CodeMirror.getValue() === defaultQuery
    ? performance.now()
    : false;
}"""

TRANSFER_JS = """() => {
  const entries = [
    ...performance.getEntriesByType("navigation"),
    ...performance.getEntriesByType("resource"),
  ];
  const sum = (key) => entries.reduce((total, e) => total + e[key], 0);
  const nav = performance.getEntriesByType("navigation")[0];
  return {
    requests: entries.length,
    transferBytes: sum("transferSize"),
    bodyBytes: sum("encodedBodySize"),
    decodedBytes: sum("decodedBodySize"),
    domContentLoadedMs: nav.domContentLoadedEventEnd,
  };
}"""


@dataclass
class Browser:
    """A page in a fresh Chromium profile, with what it tried to fetch off the test host."""

    page: Page
    off_host: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_path()


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    """The app on the embedded store with the seed data, served by uvicorn on a free port."""
    app = create_app(make_settings(mongodb_uri=None))
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started, "the test server did not start"
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def browser(chromium: str, server: str) -> Iterator[Browser]:
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            profile,
            executable_path=chromium,
            headless=True,
            args=LAUNCH_ARGS,
            viewport=VIEWPORT,
        )
        context.set_default_timeout(TIMEOUT_MS)
        page = context.pages[0] if context.pages else context.new_page()
        recorded = Browser(page=page)

        def only_the_test_host(route: Route, request: Request) -> None:
            if request.url.startswith(f"{server}/"):
                route.continue_()
            else:
                recorded.off_host.append(request.url)
                route.abort()

        context.route("**/*", only_the_test_host)
        page.on("pageerror", lambda error: recorded.errors.append(str(error)))
        page.on(
            "console",
            lambda message: message.type == "error" and recorded.errors.append(message.text),
        )
        try:
            yield recorded
        finally:
            context.close()


def open_graphiql(browser: Browser, server: str) -> float:
    """Load GraphiQL; return the milliseconds from navigation start until it is interactive."""
    browser.page.goto(f"{server}/graphql")
    ready = browser.page.wait_for_function(INTERACTIVE_JS, arg=default_query(), polling="raf")
    return float(ready.json_value())


def editor_text(page: Page, pane: str) -> str:
    """The whole text of a GraphiQL CodeMirror pane (the DOM only holds its visible lines)."""
    return page.evaluate(f"document.querySelector('{pane} .CodeMirror').CodeMirror.getValue()")


def run_and_read_result(page: Page) -> dict[str, Any]:
    page.locator(".graphiql-execute-button").click()
    page.wait_for_function(
        """() => {
          const result = document.querySelector(".graphiql-response .CodeMirror");
          return result && result.CodeMirror.getValue().trim().startsWith("{");
        }"""
    )
    return json.loads(editor_text(page, ".graphiql-response"))


def save_unless_same_picture(png: bytes, path: Path) -> None:
    """Write the screenshot unless the one in the repo shows the same thing.

    Chromium's anti-aliasing of a shadow varies by a few levels from run to run; rewriting
    the file for that would leave `make test` with a modified PNG to commit or revert.
    """
    if path.exists():
        old = Image.open(path).convert("RGB")
        new = Image.open(io.BytesIO(png)).convert("RGB")
        if old.size == new.size:
            visible = ImageChops.difference(old, new).point(lambda level: level > 32 and 255)
            if visible.getbbox() is None:
                return
    path.write_bytes(png)


@pytest.mark.browser
def test_default_query_runs_offline_and_shows_the_nac_plus_4_answer(
    browser: Browser, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    page = browser.page

    interactive_ms = open_graphiql(browser, server)
    transfer = page.evaluate(TRANSFER_JS)
    expect(page.locator(".graphiql-query-editor .CodeMirror")).to_be_visible()
    assert editor_text(page, ".graphiql-query-editor") == default_query()

    result = run_and_read_result(page)

    meeting = result["data"]["meeting"]
    assert [n["participant"]["name"] for n in meeting["officials"]["nodes"]] == ["Kim Gunn"]
    countries = meeting["countries"]
    assert countries["totalCount"] == 36
    assert len({n["participant"]["code"] for n in countries["nodes"]}) == 36
    expect(page.locator(".graphiql-response")).to_contain_text("Kim Gunn")
    expect(page.locator(".graphiql-response")).to_contain_text('"totalCount": 36')
    assert browser.off_host == []
    assert browser.errors == []

    # A stable picture: no blinking cursor, and CodeMirror's fold markers (drawn after a
    # delay) present in both panes.
    page.mouse.click(VIEWPORT["width"] - 20, VIEWPORT["height"] - 20)
    for pane in (".graphiql-query-editor", ".graphiql-response"):
        expect(page.locator(f"{pane} .CodeMirror-foldgutter-open").first).to_be_attached()
    if UPDATE_DOCS_SCREENSHOT:
        save_unless_same_picture(page.screenshot(animations="disabled"), SCREENSHOT)

    vendored = sum(f["size"] for f in json.loads(MANIFEST_PATH.read_text())["files"])
    assert transfer["decodedBytes"] >= vendored, "some vendored asset was not fetched"
    assert transfer["transferBytes"] < MAX_TRANSFER_BYTES
    assert interactive_ms < MAX_INTERACTIVE_MS
    with capsys.disabled():
        print(
            f"\nGraphiQL: {transfer['transferBytes']:,} bytes transferred in "
            f"{transfer['requests']} requests (cold profile); DOMContentLoaded after "
            f"{transfer['domContentLoadedMs']:.0f} ms, interactive after {interactive_ms:.0f} ms"
        )


def save_screenshot(page: Page, name: str, capsys: pytest.CaptureFixture[str]) -> Path:
    """A screenshot for a person to look at, outside the working tree; its path is printed."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / name
    page.mouse.click(VIEWPORT["width"] - 20, VIEWPORT["height"] - 20)  # no blinking cursor
    path.write_bytes(page.screenshot(animations="disabled"))
    with capsys.disabled():
        print(f"\nscreenshot: {path}")
    return path


def tab_titles(page: Page) -> list[str]:
    return [title.strip() for title in page.locator(".graphiql-tab-button").all_inner_texts()]


def stored_tabs(page: Page) -> list[dict[str, Any]]:
    """The tabs GraphiQL keeps in localStorage (written half a second after a change)."""
    page.wait_for_function("() => localStorage.getItem('graphiql:tabState') !== null")
    return json.loads(page.evaluate("localStorage.getItem('graphiql:tabState')"))["tabs"]


@pytest.mark.browser
def test_a_first_visit_opens_one_tab_with_the_examples_in_the_sidebar(
    browser: Browser, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    page = browser.page
    open_graphiql(browser, server)

    assert page.title() == "diplograph"
    expect(page.locator(".graphiql-logo")).to_have_text("diplograph")
    # GraphiQL draws no tab bar while there is one tab; its stored state says how many there are.
    expect(page.locator(".graphiql-tab")).to_have_count(0)
    assert [tab["query"] for tab in stored_tabs(page)] == [default_query()]
    sidebar = page.locator(".diplograph-examples")
    expect(sidebar).to_be_visible()
    questions = [question_of(title) for title, _query in golden_queries() + live_examples()]
    expect(sidebar.get_by_role("button")).to_have_text(questions)
    assert browser.off_host == []
    assert browser.errors == []
    save_screenshot(page, "1-first-visit.png", capsys)


@pytest.mark.browser
def test_plus_opens_an_empty_editor_next_to_the_first_tab(
    browser: Browser, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    page = browser.page
    open_graphiql(browser, server)

    page.get_by_role("button", name="Add tab").first.click()

    expect(page.locator(".graphiql-tab")).to_have_count(2)
    assert tab_titles(page) == ["Who attended the NAC+4 meeting?", "<untitled>"]
    expect(page.locator(".graphiql-tab-active .graphiql-tab-button")).to_have_text("<untitled>")
    page.wait_for_function(
        "() => document.querySelector('.graphiql-query-editor .CodeMirror')"
        ".CodeMirror.getValue() === ''"
    )
    assert browser.errors == []
    save_screenshot(page, "2-after-plus.png", capsys)


@pytest.mark.browser
def test_an_example_opens_in_a_tab_titled_by_its_question_and_runs(
    browser: Browser, server: str, capsys: pytest.CaptureFixture[str]
) -> None:
    page = browser.page
    title, query = next((t, q) for t, q in golden_queries() if "query NatoAsiaPacificPartners" in q)
    question = question_of(title)
    open_graphiql(browser, server)

    page.locator(".diplograph-examples").get_by_role("button", name=question).click()

    active_tab = page.locator(".graphiql-tab-active .graphiql-tab-button")
    expect(active_tab).to_have_text(question)
    expect(active_tab).to_have_attribute("title", question)
    page.wait_for_function(
        "(query) => document.querySelector('.graphiql-query-editor .CodeMirror')"
        ".CodeMirror.getValue() === query",
        arg=query,
    )
    result = run_and_read_result(page)
    members = result["data"]["organisation"]["members"]["nodes"]
    assert sorted(m["member"]["code"] for m in members) == ["AU", "JP", "KR", "NZ"]
    # Running stores the operation name in the tab, which GraphiQL would show as its title.
    expect(active_tab).to_have_text(question)
    assert tab_titles(page) == ["Who attended the NAC+4 meeting?", question]
    assert browser.off_host == []
    assert browser.errors == []
    save_screenshot(page, "3-example-run.png", capsys)


def without_chromium(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(tests.support.chromium.shutil, "which", lambda _name: None)
    monkeypatch.setattr(tests.support.chromium, "DEBIAN_PATH", tmp_path / "no-chromium")


def test_missing_chromium_skips_outside_ci_saying_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    without_chromium(monkeypatch, tmp_path)
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install -y chromium"):
        chromium_path()


def test_missing_chromium_fails_in_ci(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    without_chromium(monkeypatch, tmp_path)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"apt-get install -y chromium"):
        chromium_path()
