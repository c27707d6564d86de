"""The Mutation type: load, correct and remove articles, through `api.writes.Writer`.

Every mutation needs a token with the `write` scope (`WriteAccess`; the view refuses one without
it with 401/403 before anything runs), takes an optional `message` for the audit trail, and
answers a `WriteResult`: what was inserted, updated and deleted, or the validation problems that
stopped it, with the same message and field path `diplograph seed` prints.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from strawberry import relay

from api.auth import WriteAccess
from api.context import RequestContext
from api.writes import WriteOutcome, Writer, evidence_of
from schema.bounds import MAX_WRITE_PROBLEMS
from schema.common import MAX_PAGE_SIZE, GraphQLInfo, loaders, type_for
from schema.history import global_id
from seeds.problems import Problem
from store.entities import BY_NAME, KINDS, node_key
from store.errors import BadInput

CHANGE_LIST_DEFAULT = 100

Message = Annotated[
    str | None,
    strawberry.argument(description="Why: recorded with the write in the audit trail."),
]
DryRun = Annotated[
    bool,
    strawberry.argument(
        description="Validate and report what would change, writing nothing (no audit entry)."
    ),
]
ChangeFirst = Annotated[
    int,
    strawberry.argument(description=f"At most this many (0 to {MAX_PAGE_SIZE})."),
]


@strawberry.type(
    description="A problem with the input that stopped a write, said as `diplograph seed` says "
    "it: the file (`input/facts.yaml` for a bundle sent over the API), line and field path."
)
class SeedProblem:
    file: str = strawberry.field(description="The file: `input/article.yaml`, `input/facts.yaml`…")
    line: int | None = strawberry.field(description="The line in that file, when known.")
    field: str = strawberry.field(description="The dotted path to the field, e.g. `posts.0.title`.")
    message: str = strawberry.field(description="What is wrong, and what was expected.")
    text: str = strawberry.field(description="The whole problem on one line, as the CLI prints it.")

    @classmethod
    def of(cls, problem: Problem) -> SeedProblem:
        return cls(
            file=problem.file,
            line=problem.line,
            field=problem.field,
            message=problem.message,
            text=str(problem),
        )


@strawberry.type(description="A stored document a write inserted, updated or deleted.")
class ChangedDocument:
    collection: str = strawberry.field(description="Its collection, e.g. officials or posts.")
    document_id: str = strawberry.field(
        name="id", description="Its readable id (`_id`), e.g. kim-gunn."
    )

    @strawberry.field(
        description="The node it is, as it is now (null for relations, which are not nodes, and "
        "for deleted documents)."
    )
    async def node(self, info: GraphQLInfo) -> relay.Node | None:
        kind = next((k for k in KINDS if k.collection == self.collection and k.node_type), None)
        if kind is None:
            return None
        document = await loaders(info).by_id(kind.collection).load(self.document_id)
        return type_for(kind.name).from_doc(document) if document else None


@strawberry.type(description="How many documents a write changed, by kind of change.")
class ChangeCounts:
    inserted: int = strawberry.field(description="Documents inserted.")
    updated: int = strawberry.field(description="Documents replaced by a changed version.")
    deleted: int = strawberry.field(description="Documents deleted.")
    unchanged: int = strawberry.field(description="Documents the write left as they were.")


def _changed(outcome: WriteOutcome, verb: str, first: int) -> list[ChangedDocument]:
    if not 0 <= first <= MAX_PAGE_SIZE:
        raise BadInput(f"`first` must be between 0 and {MAX_PAGE_SIZE}; got {first}.")
    found: list[ChangedDocument] = []
    for change in outcome.report.changes if outcome.report else []:
        ids = change.deleted if verb == "deleted" else list(getattr(change, verb))
        found += [ChangedDocument(collection=change.collection, document_id=i) for i in ids]
    return found[:first]


@strawberry.type(
    description="What a write did, or would do (`dryRun`), or the problems that stopped it. "
    "All or nothing: with problems, nothing was written."
)
class WriteResult:
    outcome: strawberry.Private[WriteOutcome]

    @strawberry.field(description="True when the input was valid (and, unless a dry run, written).")
    def ok(self) -> bool:
        return self.outcome.ok

    @strawberry.field(description="True when nothing was written on purpose (`dryRun`).")
    def dry_run(self) -> bool:
        return self.outcome.dry_run

    @strawberry.field(
        description="Why nothing was written: the problems with the input, in file order (at "
        f"most the first {MAX_WRITE_PROBLEMS})."
    )
    def problems(self) -> list[SeedProblem]:
        problems = self.outcome.problems[:MAX_WRITE_PROBLEMS]
        return [SeedProblem.of(problem) for problem in problems]

    @strawberry.field(
        description="Sources that disagree: each value is kept with its sources and one is "
        "preferred (see `disputes`); the write went ahead. Said as `diplograph seed` says it, "
        f"naming both places (at most the first {MAX_WRITE_PROBLEMS})."
    )
    def warnings(self) -> list[SeedProblem]:
        report = self.outcome.report
        warnings = report.warnings[:MAX_WRITE_PROBLEMS] if report else []
        return [SeedProblem.of(warning) for warning in warnings]

    @strawberry.field(description="How many documents were (or would be) changed.")
    def counts(self) -> ChangeCounts:
        totals = self.outcome.report.totals() if self.outcome.report else {}
        return ChangeCounts(
            inserted=totals.get("inserted", 0),
            updated=totals.get("updated", 0),
            deleted=totals.get("deleted", 0),
            unchanged=totals.get("unchanged", 0),
        )

    @strawberry.field(description="Documents inserted, in collection order.")
    def inserted(self, first: ChangeFirst = CHANGE_LIST_DEFAULT) -> list[ChangedDocument]:
        return _changed(self.outcome, "inserted", first)

    @strawberry.field(description="Documents updated, in collection order.")
    def updated(self, first: ChangeFirst = CHANGE_LIST_DEFAULT) -> list[ChangedDocument]:
        return _changed(self.outcome, "updated", first)

    @strawberry.field(description="Documents deleted, in collection order.")
    def deleted(self, first: ChangeFirst = CHANGE_LIST_DEFAULT) -> list[ChangedDocument]:
        return _changed(self.outcome, "deleted", first)

    @strawberry.field(
        description="Global ids of every node the write touched (the ids `graphChanged` sends)."
    )
    def touched(self) -> list[strawberry.ID]:
        return [strawberry.ID(global_id(node)) for node in self.outcome.nodes]

    @strawberry.field(description="The data version the write committed as (null if none).")
    def data_version(self) -> int | None:
        return self.outcome.version

    @strawberry.field(description="The write's id in the audit trail (null if nothing written).")
    def write_id(self) -> str | None:
        return self.outcome.write_id

    @strawberry.field(
        description="What the write was about, as it is now: the article loaded, the entity "
        "kept or updated (null for a removal, or when it does not exist)."
    )
    async def subject(self, info: GraphQLInfo) -> relay.Node | None:
        if self.outcome.subject is None or self.outcome.operation == "removeArticle":
            return None
        kind, identifier = self.outcome.subject
        if BY_NAME[kind].node_type is None or node_key(kind, identifier) is None:
            return None
        nodes = await type_for(kind).resolve_nodes(info=info, node_ids=[identifier])
        return nodes[0]


@strawberry.input(description="An article bundle: the three files `diplograph seed` reads.")
class ArticleBundleInput:
    text: str = strawberry.field(
        description="The article.txt: the text, exactly as published (quotes are substrings)."
    )
    metadata: str = strawberry.field(
        description="The article.yaml, as YAML text: id, title, url, publisher, published..."
    )
    facts: str = strawberry.field(
        description="The facts.yaml, as YAML text: the reviewed entities and relations, each with "
        "its quote."
    )


@strawberry.input(
    description="Why a correction is right: a reference URL, or a quote from a stored article."
)
class EvidenceInput:
    url: str | None = strawberry.field(default=None, description="A reference URL.")
    article: str | None = strawberry.field(
        default=None, description="The readable id of the stored article the quote is from."
    )
    quote: str | None = strawberry.field(
        default=None, description="The article's exact words (a substring of its text)."
    )
    note: str | None = strawberry.field(default=None, description="An editor's note.")

    def fields(self) -> dict[str, Any]:
        return evidence_of(self.url, self.article, self.quote, self.note)


@strawberry.input(
    description="Changes to an entity: give any of the name, aliases and dates, and a source."
)
class UpdateEntityInput:
    id: strawberry.ID = strawberry.field(
        description="The entity: its global id or readable id (kim-gunn, nato, KR)."
    )
    evidence: EvidenceInput = strawberry.field(description="The evidence for the change.")
    name: str | None = strawberry.field(
        default=None,
        description="The new name; the old one stays an alias, so references to it resolve.",
    )
    aliases: list[str] | None = strawberry.field(
        default=None, description="The whole new list of aliases (replaces the old one)."
    )
    founded: str | None = strawberry.field(
        default=None, description="An organisation's founding date: YYYY, YYYY-MM or YYYY-MM-DD."
    )
    date: str | None = strawberry.field(
        default=None, description="A meeting's date (its first day): YYYY, YYYY-MM or YYYY-MM-DD."
    )
    end_date: str | None = strawberry.field(
        default=None, description="A meeting's last day: YYYY, YYYY-MM or YYYY-MM-DD."
    )

    def changes(self) -> dict[str, Any]:
        fields = {
            "name": self.name,
            "aliases": self.aliases,
            "founded": self.founded,
            "date": self.date,
            "end_date": self.end_date,
        }
        return {key: value for key, value in fields.items() if value is not None}


@strawberry.type(
    description="A draft bundle from the extractor: review the facts, then send all three "
    "files to `loadArticle`. Nothing was written."
)
class ArticleDraft:
    text: str = strawberry.field(description="The article.txt: byte for byte the text given.")
    metadata: str = strawberry.field(description="The article.yaml, as YAML text.")
    facts: str = strawberry.field(
        description="The facts.yaml, as YAML text, marked as a draft: the loader refuses it "
        "until a reviewer deletes its `draft:` line."
    )


def _writer(info: GraphQLInfo) -> Writer:
    return info.context.request.app.state.writer  # type: ignore[attr-defined]


def _actor(info: GraphQLInfo) -> str:
    context = info.context
    principal = context.principal if isinstance(context, RequestContext) else None
    return principal.id if principal is not None else "anonymous"


def _article_id(value: str) -> str:
    try:
        parsed = relay.GlobalID.from_id(value)
    except Exception:
        return value.strip()
    if parsed.type_name != "Article":
        raise BadInput(f"{value!r} is the id of a {parsed.type_name}, not of an article.")
    return parsed.node_id


@strawberry.type(
    description="Writes: load, correct and remove articles. Each needs a bearer token with the "
    "`write` scope, is all or nothing, and is recorded in the audit trail (`history`)."
)
class Mutation:
    @strawberry.mutation(
        description="Draft a bundle from raw text with the extractor: every mention linked to "
        "what the graph knows, every proposed fact with its quote. Writes nothing.",
        permission_classes=[WriteAccess],
    )
    async def propose_article(
        self,
        info: GraphQLInfo,
        text: Annotated[str, strawberry.argument(description="The article's text.")],
        published: Annotated[
            dt.date, strawberry.argument(description="Its publication day (YYYY-MM-DD).")
        ],
        url: Annotated[
            str | None, strawberry.argument(description="Where it was published.")
        ] = None,
    ) -> ArticleDraft:
        draft = await _writer(info).propose_article(text, published, url)
        return ArticleDraft(text=draft.text, metadata=draft.metadata, facts=draft.facts)

    @strawberry.mutation(
        description="Validate an article bundle and write what it changes, exactly as "
        "`diplograph seed` does with a folder: all or nothing; an article already stored under "
        "its id is replaced.",
        permission_classes=[WriteAccess],
    )
    async def load_article(
        self,
        info: GraphQLInfo,
        bundle: Annotated[
            ArticleBundleInput,
            strawberry.argument(name="input", description="The bundle's three files."),
        ],
        message: Message = None,
        dry_run: DryRun = False,
    ) -> WriteResult:
        outcome = await _writer(info).load_article(
            bundle.text,
            bundle.metadata,
            bundle.facts,
            actor=_actor(info),
            message=message,
            dry_run=dry_run,
        )
        return WriteResult(outcome=outcome)

    @strawberry.mutation(
        description="Remove an article and every fact only it supports; facts that other "
        "sources support lose its quotes. The audit trail keeps what was removed.",
        permission_classes=[WriteAccess],
    )
    async def remove_article(
        self,
        info: GraphQLInfo,
        article_id: Annotated[
            strawberry.ID,
            strawberry.argument(name="id", description="The article's global or readable id."),
        ],
        message: Message = None,
        dry_run: DryRun = False,
    ) -> WriteResult:
        outcome = await _writer(info).remove_article(
            _article_id(article_id), actor=_actor(info), message=message, dry_run=dry_run
        )
        return WriteResult(outcome=outcome)

    @strawberry.mutation(
        description="Merge a duplicate entity into another of the same kind: every relation and "
        "source of `drop` moves to `keep`, `drop`'s name and id become aliases, and its old "
        "global id resolves to `keep` through `node`. Replayed by every later load.",
        permission_classes=[WriteAccess],
    )
    async def merge_entities(
        self,
        info: GraphQLInfo,
        keep: Annotated[
            strawberry.ID,
            strawberry.argument(description="The entity that stays (global or readable id)."),
        ],
        drop: Annotated[
            strawberry.ID,
            strawberry.argument(description="The duplicate that goes (global or readable id)."),
        ],
        evidence: Annotated[
            EvidenceInput,
            strawberry.argument(description="The evidence that they are the same."),
        ],
        message: Message = None,
        dry_run: DryRun = False,
    ) -> WriteResult:
        outcome = await _writer(info).merge_entities(
            keep, drop, evidence.fields(), actor=_actor(info), message=message, dry_run=dry_run
        )
        return WriteResult(outcome=outcome)

    @strawberry.mutation(
        description="Correct an entity's name, aliases or researched dates, with a source. "
        "Replayed by every later load, so a reload of the articles keeps it.",
        permission_classes=[WriteAccess],
    )
    async def update_entity(
        self,
        info: GraphQLInfo,
        changes: Annotated[
            UpdateEntityInput, strawberry.argument(name="input", description="The changes.")
        ],
        message: Message = None,
        dry_run: DryRun = False,
    ) -> WriteResult:
        outcome = await _writer(info).update_entity(
            changes.id,
            changes.changes(),
            changes.evidence.fields(),
            actor=_actor(info),
            message=message,
            dry_run=dry_run,
        )
        return WriteResult(outcome=outcome)
