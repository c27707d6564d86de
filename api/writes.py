"""Writes over the API: the mutations' one way into the loader, with the audit trail, the data
folder and live updates.

Every mutation goes through `seeds.loader` exactly as `diplograph seed` does: a loaded article is
the same bundle the command reads from a folder, a removal is `seeds.loader.remove`, and merges and
updates are corrections (`seeds.corrections`) replayed by every later load. What this module adds:

- one write at a time in this process (an asyncio lock), so that two loads that mention the same
  new person are planned one after the other and make one person; across processes the loader's
  compare-and-set on the data version does the same (the loser plans again);
- the audit entries (who, when, why, each document before and after), written in the same change
  set as the write;
- on the embedded store, the data folder: the write is saved as files before it is made visible,
  and undone if saving fails;
- the readers' lock held during the commit, and the change published to `graphChanged`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from strawberry.relay.utils import from_base64

from api.changes import Change, ChangeHub
from api.consistency import ReadWriteLock
from seeds.corrections import CorrectionInput, correction_from_yaml
from seeds.datadir import DataFolder
from seeds.inputs import ArticleInput
from seeds.loader import LoadReport, article_id_of, load, remove
from seeds.problems import Problem, SeedValidationError
from seeds.references import slug
from seeds.yamlfile import YamlSyntaxError, parse_yaml
from store import Document
from store.connection import Store
from store.entities import BY_NODE_TYPE, COLLECTIONS, NAMED_KINDS, collection_of
from store.errors import BadInput, DiplographError, NotFound
from store.repository import audit
from store.repository.base import find_by_ids
from store.repository.dataset import CollectionChanges, data_version, snapshot

logger = logging.getLogger("diplograph.writes")

# How the API labels the bundle it was sent, where the command names the folder it read.
INPUT_LABEL = "input"


class ExtractorUnavailable(DiplographError):
    """`proposeArticle` needs the extractor (`seeds.extract`), which this build does not have."""

    code = "EXTRACTOR_UNAVAILABLE"


@dataclass(frozen=True)
class Draft:
    """A draft bundle: the three files, as text."""

    text: str
    metadata: str
    facts: str


@dataclass
class WriteOutcome:
    """What a mutation did: the load report, or the problems that stopped it."""

    operation: str
    dry_run: bool
    report: LoadReport | None = None
    problems: list[Problem] = field(default_factory=list)
    write_id: str | None = None
    nodes: list[str] = field(default_factory=list)
    subject: tuple[str, str] | None = None
    """The (kind, id) the mutation was about: the loaded article, the entity kept or updated."""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def version(self) -> int | None:
        return self.report.version if self.report else None


class _Recorder:
    """The loader's recorder for one write: audit entries, and the data folder on commit."""

    def __init__(self, writer: Writer, record: audit.WriteRecord, save: Any) -> None:
        self.writer = writer
        self.record = record
        self.save = save
        self.entries: list[Document] = []

    def audit(self, changes: list[CollectionChanges], version: int) -> list[Document]:
        self.entries = audit.entries(self.record, changes, version)
        return self.entries

    async def written(self) -> None:
        folder = self.writer.folder
        if folder is None:
            return
        if self.save is not None:
            self.save(folder)
        folder.save_audit(self.record.write_id, self.entries)


def bundle_from_input(text: str, metadata: str, facts: str) -> ArticleInput:
    """The in-memory bundle of an API request: what the command reads from a folder's three
    files, labelled `input` (so `input/facts.yaml:12: posts.0.title: ...`)."""
    problems = []
    documents = {}
    for name, content in (("article.yaml", metadata), ("facts.yaml", facts)):
        try:
            documents[name] = parse_yaml(content, Path(INPUT_LABEL, name))
        except YamlSyntaxError as error:
            problems.append(Problem(f"{INPUT_LABEL}/{name}", error.line, "", error.message))
    if problems:
        raise SeedValidationError(problems)
    return ArticleInput(
        label=INPUT_LABEL,
        text=text,
        meta_doc=documents["article.yaml"],
        facts_doc=documents["facts.yaml"],
        meta_yaml=metadata,
        facts_yaml=facts,
    )


def _correction_name(operation: str, kind: str, identifier: str) -> str:
    """A name that sorts corrections in the order they were made, and says what each does."""
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{operation}-{kind}-{re.sub(r'[^a-z0-9-]+', '-', identifier.lower())}"


def _dump(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


class Writer:
    """The API's writes (see the module docstring). One per app, made in its lifespan."""

    def __init__(
        self,
        store: Store,
        hub: ChangeHub,
        readers: ReadWriteLock,
        folder: DataFolder | None,
    ) -> None:
        self.store = store
        self.hub = hub
        self.readers = readers
        self.folder = folder
        self.lock = asyncio.Lock()
        self._known: tuple[int, Any] | None = None

    # --- the mutations ----------------------------------------------------------------------

    async def propose_article(self, text: str, published: dt.date, url: str | None) -> Draft:
        """The extractor's draft bundle for `text`, linked to what the store holds now (its
        articles and corrections, as loaded); nothing is written."""
        try:
            from seeds.extract import Extractor
            from seeds.extract.write import article_yaml, facts_yaml
        except ImportError as error:
            raise ExtractorUnavailable(
                f"The extractor is not part of this build ({error}): write the facts file by "
                "hand (docs/seeding.md) and send it to `loadArticle`."
            ) from None
        knowledge = await self._knowledge()
        identifier = proposed_id(text, published, url)
        # spaCy and the rules are CPU work: off the event loop, so that queries keep flowing.
        draft = await asyncio.to_thread(Extractor(knowledge).draft, text, published)
        metadata = article_yaml(
            identifier, text, published, url or "https://example.invalid/", None, None
        )
        return Draft(text=text, metadata=metadata, facts=facts_yaml(draft, identifier))

    async def _knowledge(self) -> Any:
        """What the graph knows, for the extractor: built from the stored collections once per
        data version."""
        from seeds.extract import Knowledge

        version = await data_version(self.store)
        if self._known is None or self._known[0] != version:
            collections = {name: await snapshot(self.store, name) for name in COLLECTIONS}
            knowledge = await asyncio.to_thread(Knowledge.from_collections, collections)
            self._known = (version, knowledge)
        return self._known[1]

    async def load_article(
        self,
        text: str,
        metadata: str,
        facts: str,
        *,
        actor: str,
        message: str | None,
        dry_run: bool = False,
    ) -> WriteOutcome:
        """Validate a bundle and write what it changes, all or nothing."""
        outcome = WriteOutcome("loadArticle", dry_run)
        try:
            bundle = bundle_from_input(text, metadata, facts)
        except SeedValidationError as error:
            outcome.problems = error.problems
            return outcome
        article_id = article_id_of(bundle)
        if article_id:
            outcome.subject = ("article", article_id)

        def save(folder: DataFolder) -> None:
            if article_id:
                folder.save_article(article_id, text, metadata, facts)

        return await self._run(outcome, actor, message, save, articles=[bundle])

    async def remove_article(
        self, article_id: str, *, actor: str, message: str | None, dry_run: bool = False
    ) -> WriteOutcome:
        """Remove an article and every fact only it supports."""
        outcome = WriteOutcome("removeArticle", dry_run, subject=("article", article_id))
        note = _dump({"removed": article_id, "by": actor, "message": message})
        return await self._run(
            outcome,
            actor,
            message,
            lambda folder: folder.remove_article(article_id, note),
            remove_id=article_id,
        )

    async def merge_entities(
        self,
        keep: str,
        drop: str,
        evidence: dict[str, Any],
        *,
        actor: str,
        message: str | None,
        dry_run: bool = False,
    ) -> WriteOutcome:
        """Fold `drop` into `keep`, recorded as a correction that every later load replays."""
        kept_kind, kept_id = await self.resolve_entity(keep, "keep")
        dropped_kind, dropped_id = await self.resolve_entity(drop, "drop")
        if kept_kind != dropped_kind:
            raise BadInput(
                f"`keep` is a {kept_kind} and `drop` a {dropped_kind}: only entities of one kind "
                "merge."
            )
        if kept_id == dropped_id:
            raise BadInput("`keep` and `drop` are the same entity.")
        if kept_kind == "country":
            raise BadInput("Countries are the ISO 3166-1 list and do not merge; update one.")
        body = {"kind": kept_kind, "keep": kept_id, "drop": dropped_id, **evidence}
        name = _correction_name("merge", kept_kind, dropped_id)
        correction = correction_from_yaml(name, _dump({"merge": body}))
        outcome = WriteOutcome("mergeEntities", dry_run, subject=(kept_kind, kept_id))
        return await self._correct(outcome, correction, actor, message)

    async def update_entity(
        self,
        entity: str,
        changes: dict[str, Any],
        evidence: dict[str, Any],
        *,
        actor: str,
        message: str | None,
        dry_run: bool = False,
    ) -> WriteOutcome:
        """Change an entity's name, aliases or researched dates, with a source."""
        kind, identifier = await self.resolve_entity(entity, "id")
        body = {"kind": kind, "id": identifier, **changes, **evidence}
        name = _correction_name("update", kind, identifier)
        correction = correction_from_yaml(name, _dump({"update": body}))
        outcome = WriteOutcome("updateEntity", dry_run, subject=(kind, identifier))
        return await self._correct(outcome, correction, actor, message)

    # --- the one path -----------------------------------------------------------------------

    async def _correct(
        self, outcome: WriteOutcome, correction: CorrectionInput, actor: str, message: str | None
    ) -> WriteOutcome:
        return await self._run(
            outcome,
            actor,
            message,
            lambda folder: folder.save_correction(correction.name, correction.yaml),
            corrections=[correction],
        )

    async def _run(
        self,
        outcome: WriteOutcome,
        actor: str,
        message: str | None,
        save: Any,
        *,
        articles: list[ArticleInput] | None = None,
        corrections: list[CorrectionInput] | None = None,
        remove_id: str | None = None,
    ) -> WriteOutcome:
        record = audit.WriteRecord.new(actor, outcome.operation, message)
        recorder = _Recorder(self, record, save)
        async with self.lock:
            try:
                if remove_id is not None:
                    report = await remove(
                        self.store,
                        remove_id,
                        dry_run=outcome.dry_run,
                        recorder=recorder,
                        guard=self.readers.writing,
                    )
                else:
                    report = await load(
                        self.store,
                        articles or [],
                        dry_run=outcome.dry_run,
                        corrections=corrections,
                        recorder=recorder,
                        guard=self.readers.writing,
                    )
            except SeedValidationError as error:
                outcome.problems = error.problems
                return outcome
        outcome.report = report
        if report.version is not None:
            outcome.write_id = record.write_id
            nodes = sorted({node for entry in recorder.entries for node in entry["nodes"]})
            outcome.nodes = nodes
            self.hub.publish(
                Change(report.version, record.write_id, outcome.operation, record.at, tuple(nodes))
            )
            logger.info(
                "write committed",
                extra={
                    "operation": outcome.operation,
                    "actor": actor,
                    "write": record.write_id,
                    "version": report.version,
                    "documents": len(recorder.entries),
                },
            )
        return outcome

    # --- ids --------------------------------------------------------------------------------

    async def resolve_entity(self, reference: str, argument: str) -> tuple[str, str]:
        """(kind, id) of an entity given by global id or readable id; NotFound otherwise."""
        kinds: list[str] = list(NAMED_KINDS)
        identifier = reference.strip()
        try:
            type_name, node_id = from_base64(identifier)
        except Exception:
            type_name = node_id = None
        kind = BY_NODE_TYPE.get(type_name or "")
        if kind is not None and node_id:
            if kind.name not in NAMED_KINDS:
                raise BadInput(f"`{argument}` is the id of a {type_name}, not of an entity.")
            kinds, identifier = [kind.name], node_id
        found = []
        for kind_name in kinds:
            candidates = (
                [identifier, identifier.upper()] if kind_name == "country" else [identifier]
            )
            documents = await find_by_ids(self.store, collection_of(kind_name), candidates)
            found += [(kind_name, document_id) for document_id in documents]
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            options = ", ".join(f"{kind} `{identifier}`" for kind, identifier in found)
            raise BadInput(
                f"`{argument}` {reference!r} is ambiguous ({options}): give a global id."
            )
        redirected = await find_by_ids(
            self.store, "redirects", [f"{kind}:{identifier}" for kind in kinds]
        )
        if redirected:
            target = next(iter(redirected.values()))
            raise NotFound(
                f"`{argument}`: {reference!r} was merged into {target['kind']} "
                f"`{target['to']}`; use that id."
            )
        raise NotFound(f"`{argument}`: no entity has the id {reference!r}.")


def proposed_id(text: str, published: dt.date, url: str | None) -> str:
    """An id for a drafted article, by the house rule (a readable slug with its date): the last
    part of its URL's path, else its first words."""
    from urllib.parse import urlparse

    path = urlparse(url).path if url else ""
    stem = path.rstrip("/").rsplit("/", 1)[-1].rsplit(".", 1)[0] if path else ""
    words = slug(stem) if stem and not stem.isdigit() else slug(" ".join(text.split()[:6]))
    words = words[:60].strip("-") or "article"
    return f"{words}-{published.isoformat()}"


def evidence_of(
    source: str | None, article: str | None, quote: str | None, note: str | None
) -> dict[str, Any]:
    """The evidence fields of a correction, as its YAML writes them."""
    fields = {"source": source, "article": article, "quote": quote, "note": note}
    return {key: value for key, value in fields.items() if value is not None}


async def restore_data_folder(store: Store, folder: DataFolder) -> tuple[list[str], int]:
    """Put the saved audit trail back into a fresh embedded store, and move the data version
    past every version it records. The saved articles and corrections are loaded with the seed
    data (`prepare_store`); this is the rest. Returns the restored write ids and entry count."""
    from store.entities import AUDIT
    from store.repository.dataset import raise_version_to

    entries = folder.audit()
    if entries:
        existing = await find_by_ids(store, AUDIT, [entry["_id"] for entry in entries])
        missing = [entry for entry in entries if entry["_id"] not in existing]
        if missing:
            await store[AUDIT].insert_many(missing, ordered=True)
        await raise_version_to(store, max(entry["version"] for entry in entries) + 1)
    return sorted({entry["write"] for entry in entries}), len(entries)
