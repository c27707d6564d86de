"""A data folder: what was written at run time, as files that a restart (or `diplograph seed`)
loads again.

```
DATA_DIR/
  articles/<article-id>/article.txt, article.yaml, facts.yaml   bundles, as an editor writes them
  corrections/<name>.yaml                                       merges and updates, in name order
  removed/<article-id>.yaml                                     articles removed at run time
  audit/<write-id>.json                                         each write's audit entries
```

The embedded store keeps its data in memory; the API saves every accepted write here too, and
loads the folder at start-up after the bundled seeds. `diplograph export DIR` writes the same
layout from any store, and `diplograph seed DIR` loads it.

Every file is written to a temporary name in the same folder, flushed to disk, then renamed into
place: a crash leaves the old file or the new one, never half of one. A bundle is three files, so
a bundle folder is replaced by two renames (the old one aside, the new one in); a folder left
aside by a crash between them is put back when the folder is next read.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import uuid
from pathlib import Path
from typing import Any

from seeds.corrections import CorrectionInput, correction_from_yaml
from seeds.inputs import ArticleInput, display, read_article_folder
from seeds.problems import Problem, SeedValidationError
from seeds.yamlfile import YamlSyntaxError

ARTICLES = "articles"
CORRECTIONS = "corrections"
REMOVED = "removed"
AUDIT = "audit"
_ASIDE = ".old-"
_STAGING = ".new-"


def is_data_folder(path: Path) -> bool:
    """Whether `path` has the data folder layout (rather than being a bundle or folder of them)."""
    return path.is_dir() and any((path / name).is_dir() for name in (ARTICLES, CORRECTIONS))


def _write_file(path: Path, data: bytes) -> None:
    """Write `path` atomically: a temporary file in the same folder, flushed, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f"{_STAGING}{path.name}.{uuid.uuid4().hex[:8]}")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Flush a folder's entries, so that a rename survives a power cut (POSIX only)."""
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class DataFolder:
    """One data folder (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    # --- reading ----------------------------------------------------------------------------

    def _recover(self) -> None:
        """Put back a bundle folder a crash left aside mid-replacement; drop staging leftovers."""
        folder = self.root / ARTICLES
        if not folder.is_dir():
            return
        for entry in folder.iterdir():
            if entry.name.startswith(_ASIDE):
                original = folder / entry.name.removeprefix(_ASIDE).rsplit(".", 1)[0]
                if original.exists():
                    shutil.rmtree(entry)
                else:
                    os.replace(entry, original)
            elif entry.name.startswith(_STAGING):
                shutil.rmtree(entry, ignore_errors=True)

    def articles(self) -> list[ArticleInput]:
        """Every saved bundle, in id order (problems as one SeedValidationError)."""
        self._recover()
        folder = self.root / ARTICLES
        found: list[ArticleInput] = []
        problems: list[Problem] = []
        for bundle in sorted(folder.iterdir()) if folder.is_dir() else []:
            if bundle.name.startswith(".") or not bundle.is_dir():
                continue
            try:
                found.append(read_article_folder(bundle))
            except YamlSyntaxError as error:
                problems.append(Problem(display(error.path), error.line, "", error.message))
            except (FileNotFoundError, UnicodeDecodeError) as error:
                problems.append(Problem(display(bundle), None, "", f"cannot read: {error}"))
        if problems:
            raise SeedValidationError(problems)
        return found

    def corrections(self) -> list[CorrectionInput]:
        """Every saved correction, in name order."""
        folder = self.root / CORRECTIONS
        found: list[CorrectionInput] = []
        problems: list[Problem] = []
        for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
            if path.name.startswith("."):
                continue
            try:
                found.append(
                    correction_from_yaml(path.stem, path.read_text(encoding="utf-8"), display(path))
                )
            except YamlSyntaxError as error:
                problems.append(Problem(display(path), error.line, "", error.message))
        if problems:
            raise SeedValidationError(problems)
        return found

    def removed(self) -> set[str]:
        """The ids of articles removed at run time: not loaded again from elsewhere."""
        folder = self.root / REMOVED
        if not folder.is_dir():
            return set()
        return {path.stem for path in folder.glob("*.yaml") if not path.name.startswith(".")}

    def audit(self) -> list[dict[str, Any]]:
        """Every saved audit entry, oldest write first."""
        folder = self.root / AUDIT
        entries: list[dict[str, Any]] = []
        for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
            if path.name.startswith("."):
                continue
            for entry in json.loads(path.read_text(encoding="utf-8")):
                entry["at"] = dt.datetime.fromisoformat(entry["at"])
                entries.append(entry)
        return entries

    # --- writing ----------------------------------------------------------------------------

    def save_article(self, article_id: str, text: str, meta_yaml: str, facts_yaml: str) -> None:
        """Save a bundle, replacing any earlier one of the same id, and forget a removal."""
        folder = self.root / ARTICLES
        folder.mkdir(parents=True, exist_ok=True)
        suffix = uuid.uuid4().hex[:8]
        staging = folder / f"{_STAGING}{article_id}.{suffix}"
        staging.mkdir()
        for name, content in (
            ("article.txt", text),
            ("article.yaml", meta_yaml),
            ("facts.yaml", facts_yaml),
        ):
            with (staging / name).open("wb") as handle:
                handle.write(content.encode("utf-8"))
                handle.flush()
                os.fsync(handle.fileno())
        _sync_folder(staging)
        target = folder / article_id
        aside = folder / f"{_ASIDE}{article_id}.{suffix}"
        if target.exists():
            os.replace(target, aside)
        os.replace(staging, target)
        _sync_folder(folder)
        if aside.exists():
            shutil.rmtree(aside)
        tombstone = self.root / REMOVED / f"{article_id}.yaml"
        if tombstone.exists():
            tombstone.unlink()
            _sync_folder(tombstone.parent)

    def remove_article(self, article_id: str, note: str) -> None:
        """Record that an article was removed, and delete its saved bundle if there is one."""
        _write_file(self.root / REMOVED / f"{article_id}.yaml", note.encode("utf-8"))
        target = self.root / ARTICLES / article_id
        if target.exists():
            aside = target.with_name(f"{_ASIDE}{article_id}.{uuid.uuid4().hex[:8]}")
            os.replace(target, aside)
            shutil.rmtree(aside)

    def save_correction(self, name: str, yaml_text: str) -> None:
        _write_file(self.root / CORRECTIONS / f"{name}.yaml", yaml_text.encode("utf-8"))

    def save_audit(self, write_id: str, entries: list[dict[str, Any]]) -> None:
        data = json.dumps(entries, default=_json_default, ensure_ascii=False, indent=1)
        _write_file(self.root / AUDIT / f"{write_id}.json", data.encode("utf-8"))


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"cannot save {type(value).__name__} in the audit trail")
