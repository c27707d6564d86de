"""Load seed data into the store: validate everything first, then write only the difference.

The desired state is rebuilt from the reference files, the given article bundles and the bundles
already in the store, so loading is idempotent (a second run changes nothing) and an article that
mentions a known entity merges into it instead of duplicating it.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from seeds.desired import Dataset, build_dataset
from seeds.inputs import (
    REFERENCE_DIR,
    ArticleInput,
    bundled_article_folders,
    display,
    read_article_folder,
)
from seeds.problems import Problem, SeedValidationError
from seeds.yamlfile import YamlSyntaxError, parse_yaml
from store.connection import Store
from store.entities import COLLECTIONS
from store.repository import dataset as repository


class Progress(Protocol):
    """Told each step of a load as it starts; `steps`, once known, is how many the load takes."""

    def __call__(self, message: str, steps: int | None = None) -> None: ...


@dataclass
class LoadReport:
    """What a load changed (or, for a dry run, would change), per collection."""

    changes: list[repository.CollectionChanges]
    dry_run: bool
    validate_seconds: float = 0.0
    write_seconds: float = 0.0
    articles: list[str] = field(default_factory=list)

    def totals(self) -> dict[str, int]:
        return {
            "inserted": sum(len(change.inserted) for change in self.changes),
            "updated": sum(len(change.updated) for change in self.changes),
            "deleted": sum(len(change.deleted) for change in self.changes),
            "unchanged": sum(change.unchanged for change in self.changes),
        }

    @property
    def changed(self) -> bool:
        return any(change.changed for change in self.changes)

    def summary(self) -> str:
        totals = self.totals()
        verb = "would be " if self.dry_run else ""
        return (
            f"{totals['inserted']} {verb}inserted, {totals['updated']} {verb}updated, "
            f"{totals['deleted']} {verb}deleted, {totals['unchanged']} unchanged"
        )


def collect_articles(paths: Sequence[Path] | None) -> list[ArticleInput]:
    """Article bundles from folders (each holding facts.yaml) or parents of such folders.

    No paths means every bundled article. YAML syntax errors become one SeedValidationError.
    """
    folders: list[Path] = []
    problems: list[Problem] = []
    for path in paths or [None]:
        if path is None:
            folders.extend(bundled_article_folders())
        elif (path / "facts.yaml").is_file():
            folders.append(path)
        elif path.is_dir() and any(path.glob("*/facts.yaml")):
            folders.extend(sorted(folder.parent for folder in path.glob("*/facts.yaml")))
        elif not path.exists():
            problems.append(Problem(display(path), None, "", "no such file or folder"))
        else:
            problems.append(
                Problem(
                    display(path),
                    None,
                    "",
                    "not an article bundle: expected a folder with article.txt, article.yaml and "
                    "facts.yaml, or a folder of such folders",
                )
            )
    articles = []
    for folder in folders:
        try:
            articles.append(read_article_folder(folder))
        except YamlSyntaxError as error:
            problems.append(Problem(display(error.path), error.line, "", error.message))
        except FileNotFoundError as error:
            problems.append(
                Problem(display(folder), None, "", f"missing {Path(error.filename).name}")
            )
        except UnicodeDecodeError as error:
            problems.append(
                Problem(display(folder), None, "", f"article.txt is not UTF-8: {error}")
            )
    if problems:
        raise SeedValidationError(problems)
    return articles


def stored_inputs(stored: list[dict], given: list[ArticleInput]) -> list[ArticleInput]:
    """Bundles already in the store that this load does not replace, re-read from their YAML."""
    given_ids = {
        article.meta_doc.data.get("id")
        for article in given
        if isinstance(article.meta_doc.data, dict)
    }
    inputs = []
    for document in stored:
        if document["_id"] in given_ids:
            continue
        label = f"stored article {document['_id']}"
        inputs.append(
            ArticleInput(
                label=label,
                text=document["text"],
                meta_doc=parse_yaml(document["meta_yaml"], Path(label, "article.yaml")),
                facts_doc=parse_yaml(document["facts_yaml"], Path(label, "facts.yaml")),
                meta_yaml=document["meta_yaml"],
                facts_yaml=document["facts_yaml"],
            )
        )
    return inputs


async def plan(
    store: Store,
    articles: list[ArticleInput],
    reference_dir: Path = REFERENCE_DIR,
    progress: Progress | None = None,
) -> tuple[Dataset, list[repository.CollectionChanges]]:
    """Validate the inputs and compute each collection's change set, writing nothing."""
    note: Progress = progress or (lambda _message, _steps=None: None)
    note("reading stored articles")
    inputs = articles + stored_inputs(await repository.stored_articles(store), articles)
    # The steps: these two, reading the reference data and each article, resolving, merging,
    # comparing each collection, writing.
    note(f"validating {len(inputs)} articles", len(inputs) + len(COLLECTIONS) + 6)
    dataset = build_dataset(inputs, reference_dir, progress=note)
    changes = []
    for collection in COLLECTIONS:
        note(f"comparing {collection}")
        current = await repository.snapshot(store, collection)
        changes.append(repository.compare(collection, current, dataset.collections[collection]))
    return dataset, changes


async def load(
    store: Store,
    articles: list[ArticleInput],
    *,
    dry_run: bool = False,
    reference_dir: Path = REFERENCE_DIR,
    progress: Progress | None = None,
) -> LoadReport:
    """Validate, then write the difference (unless `dry_run`). All or nothing."""
    started = time.perf_counter()
    dataset, changes = await plan(store, articles, reference_dir, progress)
    validated = time.perf_counter()
    if not dry_run and any(change.changed for change in changes):
        if progress:
            progress("writing")
        await repository.apply_changes(store, changes)
    return LoadReport(
        changes=changes,
        dry_run=dry_run,
        validate_seconds=validated - started,
        write_seconds=time.perf_counter() - validated,
        articles=sorted(dataset.collections["articles"]),
    )
