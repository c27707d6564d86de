"""Offline GraphiQL page: Strawberry's template served with vendored assets.

Strawberry's built-in GraphiQL page loads React and GraphiQL from unpkg.com, which breaks
when the API runs without internet access. The exact same files (same SRI hashes) are
vendored under ``api/static/graphiql`` by ``scripts/fetch_graphiql_assets.py``; this module
rewrites the template to load them from the app, adds diplograph's opening query and example
queries, and makes the page diplograph's: its title, icon and logo, one tab on a first visit, an
empty editor behind "+", and tabs titled by the examples' questions.

Integration (done by the app, not here):

* mount ``StaticFiles(directory=STATIC_DIR)`` at ``static_url`` (e.g. "/graphiql-static");
* override ``render_graphql_ide`` on the Strawberry view to return
  ``HTMLResponse(render_graphiql_page(static_url=..., default_query=..., examples=...))``.
"""

from __future__ import annotations

import functools
import html
import json
import re
import urllib.parse
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from strawberry.http.ides import get_graphql_ide_html

STATIC_DIR: Path = Path(__file__).resolve().parent / "static" / "graphiql"
"""Directory with the vendored GraphiQL assets; mount it at the ``static_url``."""

MANIFEST_PATH: Path = STATIC_DIR / "manifest.json"

_UNPKG_URL_RE = re.compile(r"https://unpkg\.com/[^\"'\s<>]+")
_TAG_RE = re.compile(r"<(?:script|link)\b[^>]*>", re.IGNORECASE | re.DOTALL)
_ATTR_RE = re.compile(r'\b(src|href|integrity)\s*=\s*"([^"]*)"', re.IGNORECASE)

# Where our config script goes: right before the template's main inline script.
_MAIN_SCRIPT_RE = re.compile(r"(<script>)(\s*const EXAMPLE_QUERY\b)")

# (anchor in Strawberry's template, replacement). Each anchor must occur exactly once, so a
# Strawberry upgrade that changes the template fails loudly (and in the tests) instead of
# silently dropping the default query or the examples.
_TEMPLATE_PATCHES: tuple[tuple[str, str], ...] = (
    ("<title>Strawberry GraphiQL</title>", "<title>diplograph</title>"),
    # The favicon: a dove instead of Strawberry's strawberry.
    ("&#x1f353;</text>", "&#x1f54a;</text>"),
    (
        "parameters.q || EXAMPLE_QUERY",
        "parameters.q || DIPLOGRAPH_GRAPHIQL.initialQuery",
    ),
    (
        "plugins: [explorerPlugin],",
        "plugins: DIPLOGRAPH_GRAPHIQL.plugins.concat([explorerPlugin]),\n"
        "          defaultQuery: DIPLOGRAPH_GRAPHIQL.newTabQuery,\n"
        "          defaultTabs: DIPLOGRAPH_GRAPHIQL.defaultTabs(query, variables, headers),",
    ),
    (
        "shouldPersistHeaders: true,\n        });",
        "shouldPersistHeaders: true,\n        }, DIPLOGRAPH_GRAPHIQL.logo());",
    ),
)

# Runs before the template's main script (React, ReactDOM and GraphiQL are loaded by then).
# It defines DIPLOGRAPH_GRAPHIQL: the first visit's single tab (the initial query), an empty
# editor for every new tab ("+"), an "Examples" sidebar plugin that is open on a first visit and
# opens an example in a tab (or switches to the tab holding it), tab titles that are the
# examples' questions rather than their operation names, and the "diplograph" logo. GraphiQL
# restores its tabs and open plugin from localStorage afterwards, so a returning visitor keeps
# their own.
_CONFIG_SCRIPT = """<script>
      const DIPLOGRAPH_GRAPHIQL = (function (config) {
        const h = React.createElement;
        const PLUGIN_TITLE = "Examples";
        let initialTabs = null;

        function defaultTabs(query, variables, headers) {
          // GraphiQL reads defaultTabs only when it mounts; build them once.
          if (initialTabs === null) {
            initialTabs = [{ query: query, variables: variables, headers: headers }];
          }
          return initialTabs;
        }

        // A first visit opens with the examples in the sidebar. GraphiQL keeps the open plugin's
        // title under this key ("" once the visitor closes it), so only an unset key is set.
        try {
          if (window.localStorage.getItem("graphiql:visiblePlugin") === null) {
            window.localStorage.setItem("graphiql:visiblePlugin", PLUGIN_TITLE);
          }
        } catch (error) {
          // No storage (a private window): GraphiQL starts with the sidebar closed.
        }

        // GraphiQL titles a tab with its operation name; show an example's question instead.
        // React keeps the title's text node and rewrites it when the operation name changes,
        // which the observer sees and maps again.
        const questions = new Map();
        for (const example of config.examples) {
          if (example.operationName) {
            questions.set(example.operationName, example.question);
          }
        }
        function titleTabs() {
          for (const button of document.querySelectorAll(".graphiql-tab-button")) {
            const text = button.firstChild;
            if (!text || text.nodeType !== Node.TEXT_NODE) {
              continue;
            }
            const question = questions.get(text.nodeValue);
            if (question !== undefined) {
              text.nodeValue = question;
            }
            if (button.title !== text.nodeValue) {
              button.title = text.nodeValue;
            }
          }
        }
        new MutationObserver(titleTabs).observe(document.body, {
          subtree: true,
          childList: true,
          characterData: true,
        });

        function openExample(editor, example) {
          const index = editor.tabs.findIndex(function (tab) {
            return tab.query === example.query;
          });
          if (index >= 0) {
            editor.changeTab(index);
            return;
          }
          editor.addTab();
          // addTab() opens an empty editor once React has applied the state update; fill it
          // afterwards.
          setTimeout(function () {
            if (editor.queryEditor) {
              editor.queryEditor.setValue(example.query);
            }
          }, 0);
        }

        function ExamplesIcon() {
          return h(
            "svg",
            {
              viewBox: "0 0 24 24",
              fill: "none",
              stroke: "currentColor",
              strokeWidth: 1.5,
              strokeLinecap: "round",
              "aria-hidden": "true",
            },
            h("path", { d: "M8 6h12M8 12h12M8 18h12M4 6h.01M4 12h.01M4 18h.01" }),
          );
        }

        function ExamplesContent() {
          const editor = GraphiQL.React.useEditorContext({ nonNull: true });
          return h(
            "div",
            { className: "diplograph-examples" },
            h("div", { className: "graphiql-doc-explorer-title" }, PLUGIN_TITLE),
            h("p", null, "Click a question to open its query in a tab, then run it."),
            h(
              "ul",
              null,
              config.examples.map(function (example, index) {
                return h(
                  "li",
                  { key: index },
                  h(
                    GraphiQL.React.Button,
                    {
                      type: "button",
                      title: example.title,
                      onClick: function () {
                        openExample(editor, example);
                      },
                    },
                    example.question,
                  ),
                );
              }),
            ),
          );
        }

        function logo() {
          return h(GraphiQL.Logo, null, "diplograph");
        }

        const plugins = config.examples.length
          ? [{ title: PLUGIN_TITLE, icon: ExamplesIcon, content: ExamplesContent }]
          : [];

        return {
          initialQuery: config.initialQuery,
          newTabQuery: "",
          examples: config.examples,
          defaultTabs: defaultTabs,
          plugins: plugins,
          logo: logo,
        };
      })(__CONFIG_JSON__);
    </script>
    <style>
      .diplograph-examples ul {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      .diplograph-examples li {
        margin-bottom: var(--px-8, 8px);
      }
      .diplograph-examples button {
        width: 100%;
        text-align: left;
      }
      button.graphiql-tab-button {
        max-width: 22em;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
    </style>
    """

# An example's title is its file's first comment line, "Label: Question" (the label says which
# golden question or feature it shows); tabs and the sidebar show the question.
_LABEL = re.compile(r"^[^:?]{1,40}:\s+(?=\S)")
# How GraphiQL names a tab: the first operation's name (its fuzzyExtractOperationName).
_OPERATION_NAME = re.compile(r"^(?!#).*(?:query|subscription|mutation)\s+([a-zA-Z0-9_]+)", re.M)


def question_of(title: str) -> str:
    """The question of an example's title: "Golden question 1: Who…?" -> "Who…?"."""
    return _LABEL.sub("", title, count=1)


def operation_name(query: str) -> str | None:
    """The name GraphiQL gives the tab that holds `query`."""
    match = _OPERATION_NAME.search(query)
    return match.group(1) if match else None


def render_graphiql_page(
    *, static_url: str, default_query: str, examples: Sequence[tuple[str, str]]
) -> str:
    """Return Strawberry's GraphiQL HTML, wired to local assets and diplograph's queries.

    ``static_url`` is where ``STATIC_DIR`` is mounted (e.g. "/graphiql-static"). Every
    unpkg.com URL becomes ``{static_url}/<package>@<version>/<file>``; the SRI ``integrity``
    attributes are kept because the vendored files are byte-identical. A first visit opens one
    tab holding ``default_query``, with an "Examples" sidebar listing each ``(title, query)``
    example by its question; "+" opens an empty editor.
    """
    page = _patched_template()
    base = static_url.rstrip("/")
    assets = _vendored_assets()

    def to_local(match: re.Match[str]) -> str:
        path, _integrity = assets[match.group(0)]  # _patched_template() checked every URL
        return html.escape(f"{base}/{urllib.parse.quote(path, safe='/@')}", quote=True)

    page = _UNPKG_URL_RE.sub(to_local, page)
    config = {
        "initialQuery": str(default_query),
        "examples": [
            {
                "title": str(title),
                "question": question_of(str(title)),
                "operationName": operation_name(str(query)),
                "query": str(query),
            }
            for title, query in examples
        ],
    }
    return page.replace("__CONFIG_JSON__", _json_for_script(config), 1)


def _json_for_script(value: Any) -> str:
    """JSON that is safe inside an inline ``<script>``.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where ``\\u003c`` etc. decode to
    the same characters; escaping them means ``</script>`` or ``<!--`` in a query cannot
    end or confuse the script element. U+2028/U+2029 are escaped for older JS parsers.
    """
    text = json.dumps(value, ensure_ascii=False)
    for char, escaped in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


@functools.cache
def _vendored_assets() -> dict[str, tuple[str, str]]:
    """Original unpkg URL -> (path relative to STATIC_DIR, integrity), from the manifest."""
    manifest = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
    return {entry["url"]: (entry["path"], entry["integrity"]) for entry in manifest["files"]}


@functools.cache
def _patched_template() -> str:
    """Strawberry's template with our config script and GraphiQL props added.

    Also checks that every unpkg URL in it is vendored with the same integrity, so an
    upgraded Strawberry cannot make the page load something we do not serve.
    """
    template = get_graphql_ide_html("graphiql")
    _check_assets(template)
    for anchor, replacement in _TEMPLATE_PATCHES:
        if template.count(anchor) != 1:
            raise RuntimeError(
                f"Strawberry's GraphiQL template changed: expected {anchor!r} exactly once; "
                "update api/graphiql.py"
            )
        template = template.replace(anchor, replacement)
    template, count = _MAIN_SCRIPT_RE.subn(
        lambda m: _CONFIG_SCRIPT + m.group(1) + m.group(2), template
    )
    if count != 1:
        raise RuntimeError(
            "Strawberry's GraphiQL template changed: main inline script not found; "
            "update api/graphiql.py"
        )
    return template


def _check_assets(template: str) -> None:
    assets = _vendored_assets()
    for url in _UNPKG_URL_RE.findall(template):
        if url not in assets:
            raise RuntimeError(
                f"GraphiQL template loads {url}, which is not vendored; run "
                "`python scripts/fetch_graphiql_assets.py`"
            )
    for tag in _TAG_RE.findall(template):
        attrs = {name.lower(): value for name, value in _ATTR_RE.findall(tag)}
        url = attrs.get("src") or attrs.get("href") or ""
        if url in assets and attrs.get("integrity") != assets[url][1]:
            raise RuntimeError(
                f"GraphiQL template integrity for {url} differs from the vendored file; run "
                "`python scripts/fetch_graphiql_assets.py`"
            )
