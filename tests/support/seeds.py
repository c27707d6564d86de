"""Seed helpers: full store dumps, editable copies of the seed bundle, a second article that adds
an official to NAC+4, a write that fails part-way."""

from __future__ import annotations

import hashlib
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import bson
from pymongo.errors import AutoReconnect

from seeds.inputs import ARTICLES_DIR
from seeds.loader import LoadReport, collect_articles, load
from store.connection import Store

SEED_ARTICLE_ID = "korea-times-2022-09-28-nato-mission"
SEED_BUNDLE = ARTICLES_DIR / SEED_ARTICLE_ID


async def dump(store: Store) -> dict[str, list[bytes]]:
    """Every document of every collection, BSON-encoded in `_id` order: equal dumps are equal
    stores, byte for byte (field order included)."""
    names = sorted(
        name for name in await store.db.list_collection_names() if not name.startswith("system.")
    )
    dumped = {}
    for name in names:
        documents = await store[name].find({}).sort("_id", 1).to_list(None)
        if documents:
            dumped[name] = [bson.encode(document) for document in documents]
    return dumped


def without_meta(dumped: dict[str, list[bytes]]) -> dict[str, list[bytes]]:
    """A dump without the `meta` collection: the data version is a counter every write attempt
    moves (a rolled-back one too, since readers may have seen it under way), not content."""
    return {name: documents for name, documents in dumped.items() if name != "meta"}


async def load_bundles(store: Store, *folders: Path, dry_run: bool = False) -> LoadReport:
    """Load the given bundle folders (none: every bundled article) into `store`."""
    return await load(store, collect_articles(list(folders) or None), dry_run=dry_run)


def copy_bundle(target: Path, source: Path = SEED_BUNDLE) -> Path:
    """A copy of a bundle folder under `target`, to edit."""
    folder = target / source.name
    shutil.copytree(source, folder)
    return folder


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of `old` in the file at `path`."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path: Path, snippet: str, *, exact: bool = False) -> int:
    """The 1-based line of the one line of `path` that contains `snippet` (or, `exact`, that is
    `snippet` once stripped)."""
    lines = [
        number
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if (line.strip() == snippet if exact else snippet in line)
    ]
    assert len(lines) == 1, f"{snippet!r} is on lines {lines} of {path}"
    return lines[0]


def write_bundle(folder: Path, text: str, meta_yaml: str, facts_yaml: str) -> Path:
    """A bundle folder from its three files; `{sha256}` in `meta_yaml` becomes the text's hash."""
    folder.mkdir(parents=True)
    (folder / "article.txt").write_text(text, encoding="utf-8")
    checksum = hashlib.sha256(text.encode("utf-8")).hexdigest()
    (folder / "article.yaml").write_text(meta_yaml.replace("{sha256}", checksum), encoding="utf-8")
    (folder / "facts.yaml").write_text(facts_yaml, encoding="utf-8")
    return folder


def fail_writes_to(
    monkeypatch: Any, collection_class: type, collection: str
) -> Callable[[], list[str]]:
    """Make the first write (`insert_many` or `bulk_write`) to `collection` apply half of its
    documents, then fail as a lost connection does. Returns a function listing the collections
    written to, in order."""
    calls: list[str] = []
    failed: list[bool] = []

    def failing(method: str) -> Callable[..., Any]:
        original = getattr(collection_class, method)

        async def write(self: Any, requests: Any, *args: Any, **kwargs: Any) -> Any:
            requests = list(requests)
            calls.append(self.name)
            if self.name == collection and not failed:
                failed.append(True)
                if len(requests) > 1:  # MongoDB refuses an empty write
                    await original(self, requests[: len(requests) // 2], *args, **kwargs)
                raise AutoReconnect(f"connection lost while writing {collection}")
            return await original(self, requests, *args, **kwargs)

        return write

    for method in ("insert_many", "bulk_write"):
        monkeypatch.setattr(collection_class, method, failing(method))
    return lambda: list(calls)


# The officials at NAC+4: the second article adds one.
NAC_OFFICIALS = """
{ meeting(id: "nac-plus-4-2022-09-27") {
    participants(kind: OFFICIAL) { totalCount nodes { participant { name } } }
} }
"""


def second_article(tmp_path):
    """A copy of the seed bundle under a new id, adding one official to the NAC+4 meeting."""
    folder = tmp_path / "second"
    shutil.copytree(SEED_BUNDLE, folder)
    text = (folder / "article.txt").read_text(encoding="utf-8")
    text += "\nAmbassador Ana Testa also attended the NAC+4 meeting."
    (folder / "article.txt").write_text(text, encoding="utf-8")
    meta = (folder / "article.yaml").read_text(encoding="utf-8")
    meta = meta.replace("id: korea-times-2022-09-28-nato-mission", "id: cache-test-article")
    meta = meta.replace("113_336900.html", "cache-test.html")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    meta = "\n".join(
        f"sha256: {digest}" if line.startswith("sha256:") else line for line in meta.splitlines()
    )
    (folder / "article.yaml").write_text(meta + "\n", encoding="utf-8")
    (folder / "facts.yaml").write_text(
        "officials:\n"
        "  - id: ana-testa\n"
        "    name: Ana Testa\n"
        "    quote: Ambassador Ana Testa\n"
        "participations:\n"
        "  - meeting: NAC+4 meeting\n"
        "    participant: Ana Testa\n"
        "    role: representative\n"
        "    quote: Ambassador Ana Testa also attended the NAC+4 meeting.\n",
        encoding="utf-8",
    )
    return folder
