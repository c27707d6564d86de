"""Writing over the API in tests: tokens, settings that accept writes, bundles as mutation input,
and small articles that mention one new person."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import httpx

from api.auth import token_hash
from api.settings import Settings, TokenEntry
from tests.support.app import make_settings

EDITOR_TOKEN = "dg_test-editor-token-0123456789abcdef"
READER_TOKEN = "dg_test-reader-token-0123456789abcdef"
EDITOR = {"authorization": f"Bearer {EDITOR_TOKEN}"}
READER = {"authorization": f"Bearer {READER_TOKEN}"}


def token_entries() -> list[TokenEntry]:
    return [
        TokenEntry(id="editor", sha256=token_hash(EDITOR_TOKEN), scopes=["write"]),
        TokenEntry(id="reader", sha256=token_hash(READER_TOKEN), scopes=["read"]),
    ]


def writer_settings(**overrides: Any) -> Settings:
    """Settings with an editor (`write`) and a reader (`read`) token, and a data folder of
    their own."""
    return make_settings(tokens=token_entries(), **overrides)


def bundle_input(folder: Path) -> dict[str, str]:
    """A bundle folder as `loadArticle`'s input: the three files' text."""
    return {
        "text": (folder / "article.txt").read_text(encoding="utf-8"),
        "metadata": (folder / "article.yaml").read_text(encoding="utf-8"),
        "facts": (folder / "facts.yaml").read_text(encoding="utf-8"),
    }


async def post(
    client: httpx.AsyncClient,
    query: str,
    variables: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    return await client.post(
        "/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {}
    )


async def write(
    client: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Run a mutation as the editor; the decoded body."""
    return (await post(client, query, variables, EDITOR)).json()


LOAD = """
mutation Load($input: ArticleBundleInput!, $message: String, $dryRun: Boolean! = false) {
  loadArticle(input: $input, message: $message, dryRun: $dryRun) {
    ok dryRun dataVersion writeId touched
    problems { file line field message text }
    counts { inserted updated deleted unchanged }
    inserted { collection id }
    subject { id ... on Article { slug } }
  }
}
"""

REMOVE = """
mutation Remove($id: ID!, $message: String) {
  removeArticle(id: $id, message: $message) {
    ok dataVersion touched problems { message text }
    counts { inserted updated deleted unchanged }
  }
}
"""

MERGE = """
mutation Merge($keep: ID!, $drop: ID!, $evidence: EvidenceInput!, $message: String) {
  mergeEntities(keep: $keep, drop: $drop, evidence: $evidence, message: $message) {
    ok dataVersion touched problems { field message text }
    counts { inserted updated deleted unchanged }
    subject { id ... on Official { slug name aliases } }
  }
}
"""

UPDATE = """
mutation Update($input: UpdateEntityInput!, $message: String) {
  updateEntity(input: $input, message: $message) {
    ok dataVersion touched problems { field message text }
    subject { id ... on Meeting { name aliases date { value } } ... on Official { name aliases } }
  }
}
"""

PERSON_TEXT = (
    "BRUSSELS, {day} October 2022 - Ambassador Ana Testa of Portugal met reporters after talks "
    "number {number} at NATO headquarters."
)


def person_article(folder: Path, number: int) -> Path:
    """A short article, `person-article-<number>`, that declares the official `ana-testa` and
    her post (posts are written after articles: a reader that saw the article without the post
    would have seen half of the write)."""
    text = PERSON_TEXT.format(day=1 + number % 28, number=number)
    bundle = folder / f"person-article-{number}"
    bundle.mkdir(parents=True)
    (bundle / "article.txt").write_text(text, encoding="utf-8")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (bundle / "article.yaml").write_text(
        f"id: person-article-{number}\n"
        f"title: Talks number {number}\n"
        f"url: https://example.org/news/person-article-{number}\n"
        "publisher: Example News\n"
        "published:\n"
        f"  date: 2022-10-{1 + number % 28:02d}\n"
        f"sha256: {digest}\n",
        encoding="utf-8",
    )
    (bundle / "facts.yaml").write_text(
        "officials:\n"
        "  - id: ana-testa\n"
        "    name: Ana Testa\n"
        "    country: Portugal\n"
        "    quote: Ambassador Ana Testa of Portugal\n"
        "posts:\n"
        "  - official: ana-testa\n"
        "    title: Ambassador\n"
        "    country: Portugal\n"
        "    quote: Ambassador Ana Testa of Portugal\n",
        encoding="utf-8",
    )
    return bundle
