"""Load seed data into the store: validate everything first, then write only the difference.

The desired state is that of the reference files, the given article bundles and the bundles
already in the store, so loading is idempotent (a second run changes nothing) and an article that
mentions a known entity merges into it instead of duplicating it.

A load rebuilds only what the articles it adds, replaces or removes touch (seeds.incremental)
when the store holds the full build of the same reference data and code; otherwise, or when that
cannot be shown to give the same documents, it rebuilds everything (seeds.desired.build_dataset),
which stays the reference: both write the same documents.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from seeds import incremental
from seeds.corrections import CorrectionInput, correction_from_yaml
from seeds.desired import build_dataset
from seeds.inputs import (
    REFERENCE_DIR,
    ArticleInput,
    article_id_of,
    bundled_article_folders,
    display,
    read_article_folder,
    stored_inputs,
)
from seeds.problems import Problem, SeedValidationError
from seeds.yamlfile import YamlSyntaxError
from store import Document
from store.connection import Store
from store.entities import COLLECTIONS
from store.repository import audit, touched
from store.repository import dataset as repository

# A load that lost the race to another writer (another process) waits a little and plans again,
# for up to this long before it gives up with WriteConflict.
CLAIM_PATIENCE_SECONDS = 30.0


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
    """Every article the store holds after the load (would hold, for a dry run)."""
    version: int | None = None
    """The data version the write committed as (None when nothing was written)."""
    loaded: list[str] = field(default_factory=list)
    """The bundles this load read from folders, as `id (folder)`."""
    removed: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    """Sources that disagree: every value kept, one preferred (seeds.merging). A load that
    rebuilds only what it touches warns of the documents it rebuilds."""
    rebuilt: str | None = None
    """Why the load rebuilt the whole dataset; None when it rebuilt only what it touches."""

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
    seen: set[Path] = set()
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
        # The same folder given twice (a path and its parent) is one bundle.
        if folder.resolve() in seen:
            continue
        seen.add(folder.resolve())
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


def _unknown_removals(
    stored: list[dict], given: list[ArticleInput], removed: frozenset[str]
) -> list[Problem]:
    """A removal must name a stored article that this load does not also give."""
    stored_ids = [document["_id"] for document in stored]
    given_ids = {article_id_of(article) for article in given}
    problems = []
    for identifier in sorted(removed):
        if identifier in given_ids:
            message = f"{identifier!r} is both given as a bundle and removed; do one or the other"
        elif identifier not in stored_ids:
            known = ", ".join(stored_ids) or "none"
            message = f"no stored article has the id {identifier!r} (stored articles: {known})"
        else:
            continue
        problems.append(Problem("--remove", None, "", message))
    return problems


def _stored_corrections(
    stored: list[Document], given: list[CorrectionInput]
) -> list[CorrectionInput]:
    """Corrections already in the store that this load does not replace, re-read from YAML."""
    given_names = {correction.name for correction in given}
    found = []
    for document in stored:
        if document["_id"] not in given_names:
            label = f"stored correction {document['_id']}"
            found.append(correction_from_yaml(document["_id"], document["yaml"], label))
    return found


@dataclass
class Plan:
    """What a load would write, and what the written data will be the full build of."""

    changes: list[repository.CollectionChanges]
    warnings: list[Problem]
    articles: list[str]
    """Every article the store holds after the load."""
    basis: str | None
    """What the data after the write is the full build of (seeds.incremental.basis); None when
    that cannot be said (the next load rebuilds in full)."""
    rebuilt: str | None
    """Why the whole dataset was rebuilt; None when only what the load touches was."""


async def plan(
    store: Store,
    articles: list[ArticleInput],
    reference_dir: Path = REFERENCE_DIR,
    progress: Progress | None = None,
    *,
    corrections: list[CorrectionInput] | None = None,
    exclude: frozenset[str] = frozenset(),
    full: bool = False,
    state: repository.DataState | None = None,
) -> Plan:
    """Validate the inputs and compute each collection's change set, writing nothing.

    The desired state is the reference data, the given articles, the stored articles (less
    those in `exclude`, which are being removed), and the stored and given corrections. Only what
    the load touches is rebuilt, unless `full` or the incremental path cannot vouch for it."""
    note: Progress = progress or (lambda _message, _steps=None: None)
    state = state or await repository.data_state(store)
    reason = "asked for" if full else "corrections are given" if corrections else None
    if reason is None:
        try:
            planned = await incremental.plan(
                store, articles, exclude, reference_dir, state.basis, state.sizes.counts, note
            )
        except incremental.NotIncremental as error:
            reason = str(error)
        else:
            return Plan(planned.changes, planned.warnings, planned.articles, state.basis, None)
    note("reading stored articles")
    stored = await repository.stored_articles(store)
    if problems := _unknown_removals(stored, articles, exclude):
        raise SeedValidationError(problems)
    inputs = articles + stored_inputs(stored, articles, exclude)
    given = list(corrections or [])
    fixes = given + _stored_corrections(await repository.stored_corrections(store), given)
    # The steps: these two, reading the reference data and each article, resolving, merging,
    # comparing each collection, writing.
    note(f"validating {len(inputs)} articles", len(inputs) + len(COLLECTIONS) + 6)
    dataset = build_dataset(inputs, reference_dir, progress=note, corrections=fixes)
    changes = []
    for collection in COLLECTIONS:
        note(f"comparing {collection}")
        current = await repository.snapshot(store, collection)
        changes.append(repository.compare(collection, current, dataset.collections[collection]))
    agrees = incremental.reference_agrees(reference_dir, dataset.reference_refs)
    return Plan(
        changes,
        dataset.warnings,
        sorted(dataset.collections["articles"]),
        incremental.basis(reference_dir) if agrees else None,
        reason,
    )


class Recorder(Protocol):
    """What a write records beside its change sets (the API's audit trail and data folder)."""

    def audit(self, changes: list[repository.CollectionChanges], version: int) -> list[Document]:
        """Audit entries for `changes`, which will commit as data version `version`."""
        ...

    async def written(self) -> None:
        """Called once the store holds the write, before it is made visible; raising undoes it."""
        ...


async def load(
    store: Store,
    articles: list[ArticleInput],
    *,
    dry_run: bool = False,
    reference_dir: Path = REFERENCE_DIR,
    progress: Progress | None = None,
    corrections: list[CorrectionInput] | None = None,
    exclude: frozenset[str] = frozenset(),
    recorder: Recorder | None = None,
    guard: Callable[[], AbstractAsyncContextManager[None]] | None = None,
    full: bool = False,
) -> LoadReport:
    """Validate, then write the difference (unless `dry_run`). All or nothing. `full` rebuilds
    the whole dataset even where rebuilding what the load touches would do.

    `guard` is entered around the write itself, not the planning (the API holds its readers'
    lock there, so that no query sees the write under way).

    The write is planned against the data version it read first and claimed with a
    compare-and-set on it (store.repository.dataset.begin_write), so that two writers (two
    processes) never write plans made from the same state: the one that loses plans again.
    """
    give_up = time.monotonic() + CLAIM_PATIENCE_SECONDS
    attempt = 0
    while True:
        attempt += 1
        started = time.perf_counter()
        state = await repository.data_state(store)
        if state.writing and not dry_run:
            # Another process is writing: planning now would plan against a state about to go.
            await _wait_turn(attempt, give_up)
            continue
        planned = await plan(
            store,
            articles,
            reference_dir,
            progress,
            corrections=corrections,
            exclude=exclude,
            full=full,
            state=state,
        )
        changes = planned.changes
        validated = time.perf_counter()
        report = LoadReport(
            changes=changes,
            dry_run=dry_run,
            validate_seconds=validated - started,
            articles=planned.articles,
            loaded=[f"{article_id_of(article)} ({article.label})" for article in articles],
            removed=sorted(exclude),
            warnings=planned.warnings,
            rebuilt=planned.rebuilt,
        )
        if dry_run:
            return report
        if not any(change.changed for change in changes):
            if planned.basis is not None and planned.basis != state.basis:
                # A full build that changed nothing vouches for the data as it is.
                await repository.record_basis(store, state.version, planned.basis)
            return report
        async with guard() if guard is not None else contextlib.nullcontext():
            try:
                marker = await repository.begin_write(store, state.version)
            except repository.WriteConflict:
                marker = None
            if marker is not None:
                if progress:
                    progress("writing")
                extra: list[repository.CollectionChanges] = []
                if recorder is not None:
                    extra.append(audit.as_changes(recorder.audit(changes, state.version + 1)))
                report.version = await repository.apply_changes(
                    store,
                    [*changes, *extra],
                    marker=marker,
                    before_commit=recorder.written if recorder is not None else None,
                    basis=planned.basis,
                )
                report.write_seconds = time.perf_counter() - validated
                return report
        await _wait_turn(attempt, give_up)


async def _wait_turn(attempt: int, give_up: float) -> None:
    """Back off before planning again (randomly, so that two writers do not keep colliding);
    WriteConflict once the patience is spent."""
    if time.monotonic() > give_up:
        raise repository.WriteConflict(
            f"Other writes kept this one from committing for {CLAIM_PATIENCE_SECONDS:g} s "
            f"({attempt} tries); nothing was written. Try again."
        )
    await asyncio.sleep(random.uniform(0.005, 0.02 * min(attempt, 10)))


async def remove(
    store: Store,
    article_id: str,
    *,
    dry_run: bool = False,
    reference_dir: Path = REFERENCE_DIR,
    recorder: Recorder | None = None,
    guard: Callable[[], AbstractAsyncContextManager[None]] | None = None,
    full: bool = False,
) -> LoadReport:
    """Remove a stored article and every fact only it supports; facts that other sources
    support lose this one's quotes. All or nothing, like a load.

    The desired state is built without the article, so whatever it alone stated is gone from
    it, and writing the difference deletes exactly that."""
    if not await touched.existing(store, "articles", [article_id]):
        known = ", ".join((await touched.article_ids(store))[:5]) or "none"
        raise SeedValidationError(
            [Problem(article_id, None, "", f"no stored article has this id (stored: {known})")]
        )
    return await load(
        store,
        [],
        dry_run=dry_run,
        reference_dir=reference_dir,
        exclude=frozenset({article_id}),
        recorder=recorder,
        guard=guard,
        full=full,
    )
