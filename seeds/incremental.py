"""Incremental loads: validate and write what the changed articles touch, not the whole corpus.

The full build (`seeds.desired.build_dataset`: the reference data, every stored article, the given
ones and the corrections, rebuilt whole) is the reference implementation. This module computes,
for a load that adds, replaces or removes some articles, the same documents the full build would
write, for the only documents that can differ, and refuses (`NotIncremental`) wherever it cannot
show that they would be the same. The loader then runs the full build instead.

What a load can change, and how it is found without reading a collection whole:

- **the documents the changed articles touch** (`touched`): those with a source from one of them
  as stored (`sources.article_id`, indexed), and those their new facts give;
- **the articles whose facts those documents also hold** (the bystanders): the other article ids
  in their sources. A document is folded from every input that speaks to it, so they are built
  again with the changed ones, from their stored YAML, in the same order as the full build; the
  reference data is compiled once per process (`compile_reference`) and its parts added first;
- **names**: a reference resolves against the reference data's names, the rebuilt articles'
  names, and, for every other entity, the `name_keys` it was stored with (what the full build's
  name index held for it), fetched by key. A name two entities share, or none, is left to the
  full build, which says what is wrong or which one it means;
- **time**: evidence days, known and possible intervals of the touched posts and memberships;
  the succession of every office they hold (its other terms read by country and organisation);
- **the global checks**, on what they can see change: a new name against every entity's keys, a
  new post against its official's posts, group sizes against the memberships of the groups'
  organisations (meetings found by `group_participants.organisation_id`), parents up their
  chains; and an entity that loses a name, or goes, against the articles that mention it
  (`articles.mentions`, what each article's references resolved to).

It refuses, leaving the load to the full build, when: the store was not written by a full build
of this reference data and code (the `basis` in the dataset document, which every write that
does not keep it clears); corrections are stored or given (they fold and rename entities across
every article); any problem is found (the full build reports it, worded and ordered as always);
a name is shared or missing; a rebuilt meeting's, event's, decision's or statement's day moves
while an article outside the load reports something on it; or a warning would concern a post
whose origin only its own article knows.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import os
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from seeds.derived import add_derived_fields
from seeds.desired import (
    Builder,
    ReferenceBuild,
    add_name_keys,
    compile_reference,
    group_count_problem,
)
from seeds.inputs import ArticleInput, Origin, article_id_of, stored_inputs
from seeds.merging import Merger
from seeds.problems import Problem
from seeds.references import NameIndex
from seeds.timebounds import bound_office, evidence_days, intervals
from store import Document
from store.connection import Store
from store.entities import COLLECTIONS, NAMED_KINDS, collection_of
from store.names import clashing_keys, index_keys, name_key, token_key
from store.repository import touched
from store.repository.dataset import CollectionChanges

Key = tuple[str, str]
"""(collection, id) of a document; (kind, id) of an entity."""

# Collections whose documents articles give, with their sources.
SOURCED = tuple(
    collection
    for collection in COLLECTIONS
    if collection not in ("countries", "articles", "corrections", "redirects")
)
# Collections whose documents have a date that posts and memberships take evidence days from.
DATED = ("meetings", "events", "decisions", "statements")
KIND_OF = {collection_of(kind): kind for kind in NAMED_KINDS}
# Countries come from reference data alone: the reference's name index knows all their names.
STORED_KINDS = tuple(kind for kind in NAMED_KINDS if kind != "country")
# Enough rounds of "build, fetch what the build asked for" for any load; more means a bug.
MAX_ROUNDS = 8


class NotIncremental(Exception):
    """This load needs the full build; the message says why."""


# --- what the stored state was built from -------------------------------------------------------

_SOURCE_ROOT = Path(__file__).resolve().parent.parent


@functools.cache
def _code_digest() -> str:
    """The code a build's output depends on: a change to it makes the next load a full build."""
    files = sorted((_SOURCE_ROOT / "seeds").glob("*.py")) + [
        _SOURCE_ROOT / "store" / name for name in ("names.py", "timeline.py", "entities.py")
    ]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(_SOURCE_ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


@functools.lru_cache(maxsize=8)
def _reference_digest(folder: str, stats: tuple[tuple[str, int, int], ...]) -> str:
    digest = hashlib.sha256(_code_digest().encode())
    for name, _modified, _size in stats:
        digest.update(name.encode() + b"\0")
        digest.update((Path(folder) / name).read_bytes() + b"\0")
    return digest.hexdigest()


def basis(reference_dir: Path) -> str:
    """What a stored state is the full build of, besides its articles: the reference files and
    the build's code, as one digest. Kept in the dataset document by every write that keeps the
    stored state equal to that build (`store.repository.dataset.apply_changes`)."""
    files = sorted(reference_dir.glob("*.yaml"))
    stats = tuple((path.name, path.stat().st_mtime_ns, path.stat().st_size) for path in files)
    return _reference_digest(str(reference_dir.resolve()), stats)


@functools.lru_cache(maxsize=4)
def _compiled(folder: str, _digest: str, _cwd: str) -> ReferenceBuild:
    return compile_reference(Path(folder))


def reference_build(reference_dir: Path) -> ReferenceBuild:
    """The reference data compiled alone, once per process and version of the files (and working
    folder, which the messages' file names are relative to)."""
    return _compiled(str(reference_dir.resolve()), basis(reference_dir), os.getcwd())


def reference_agrees(reference_dir: Path, reference_refs: list) -> bool:
    """Whether the reference data's references resolved, in a full build, as they do in the
    reference compiled alone: only then can an incremental load start from the latter."""
    reference = reference_build(reference_dir)
    return not reference.problems and reference.reference_refs == reference_refs


@functools.lru_cache(maxsize=4)
def _reference_keys(reference: ReferenceBuild) -> dict[str, set[Key]]:
    """Every typed name key of the reference data's entities, and whose it is."""
    keys: dict[str, set[Key]] = defaultdict(set)
    for entity in reference.names.entities():
        for key in reference.names.keys_of(*entity):
            keys[key].add(entity)
    return keys


# --- names ------------------------------------------------------------------------------------


class StoredNames:
    """What the stored entities are called (their `name_keys`), fetched by key as a build asks
    for them: a build records what it missed, the load fetches it, and the build runs again. An
    id is found by its name key (every entity's id is one of its names), then compared."""

    def __init__(self) -> None:
        self._keys: dict[tuple[str, str], set[Key]] = {}
        self.missing: set[tuple[str, str]] = set()

    @property
    def complete(self) -> bool:
        return not self.missing

    def with_key(self, key: str, kinds: Iterable[str]) -> set[Key]:
        """The stored entities of `kinds` with this typed key (`store.names.index_keys`)."""
        found: set[Key] = set()
        for kind in kinds:
            if kind not in STORED_KINDS:
                continue
            if (kind, key) not in self._keys:
                self.missing.add((kind, key))
                continue
            found |= self._keys[(kind, key)]
        return found

    def with_id(self, entity_id: str, kinds: Iterable[str]) -> set[Key]:
        named = self.with_key("n:" + name_key(entity_id), kinds)
        return {entity for entity in named if entity[1] == entity_id}

    async def fetch(self, store: Store) -> None:
        """Read the keys asked for and not read yet: one query per kind of entity."""
        wanted: dict[str, list[str]] = defaultdict(list)
        for kind, key in sorted(self.missing):
            wanted[kind].append(key)
            self._keys[(kind, key)] = set()
        self.missing.clear()
        for kind, keys in wanted.items():
            for document in await touched.named(store, collection_of(kind), keys):
                for key in document.get("name_keys", []):
                    if (kind, key) in self._keys:
                        self._keys[(kind, key)].add((kind, document["_id"]))


class LoadNames(NameIndex):
    """The name index of an incremental load: the reference data's (`base`), the rebuilt
    articles' (its own), and every other stored entity's (`stored`): all but the `rebuilt`
    entities, whose names come from the articles and reference data that give them."""

    def __init__(self, base: NameIndex, stored: StoredNames) -> None:
        super().__init__()
        self.base = base
        self.stored = stored
        self.rebuilt: set[Key] = set()

    def _others(self, found: set[Key]) -> set[Key]:
        return {entity for entity in found if entity not in self.rebuilt}

    def with_id(self, entity_id: str, kinds: set[str]) -> set[Key]:
        return (
            self.base.with_id(entity_id, kinds)
            | super().with_id(entity_id, kinds)
            | self._others(self.stored.with_id(entity_id, kinds))
        )

    def with_key(self, key: str, kinds: set[str]) -> set[Key]:
        return (
            self.base.with_key(key, kinds)
            | super().with_key(key, kinds)
            | self._others(self.stored.with_key("n:" + key, kinds))
        )

    def with_words(self, key: str, kinds: set[str]) -> set[Key]:
        return (
            self.base.with_words(key, kinds)
            | super().with_words(key, kinds)
            | self._others(self.stored.with_key("w:" + key, kinds))
        )

    def earlier(self, matches: set[Key], where: str | None) -> set[Key]:
        # Which namesake a shared name means depends on the order of every declaration.
        shown = ", ".join(f"{kind} {identifier}" for kind, identifier in sorted(matches))
        raise NotIncremental(f"a name several entities share ({shown})")

    def names_of(self, kind: str, entity_id: str) -> list[str]:
        own = super().names_of(kind, entity_id)
        return list(dict.fromkeys([*self.base.names_of(kind, entity_id), *own]))

    def own_entities(self) -> list[Key]:
        """The entities the rebuilt articles declare."""
        return super().entities()

    def own_names_of(self, kind: str, entity_id: str) -> list[str]:
        return super().names_of(kind, entity_id)


# --- the load -----------------------------------------------------------------------------------


@dataclass
class Planned:
    """What an incremental load would write."""

    changes: list[CollectionChanges]
    warnings: list[Problem]
    articles: list[str]


def _same_bundle(article: ArticleInput, stored: Document | None) -> bool:
    return stored is not None and (article.text, article.meta_yaml, article.facts_yaml) == (
        stored.get("text"),
        stored.get("meta_yaml"),
        stored.get("facts_yaml"),
    )


async def plan(
    store: Store,
    given: list[ArticleInput],
    exclude: frozenset[str],
    reference_dir: Path,
    stored_basis: str | None,
    counts: Mapping[str, int],
    note: Callable[[str], None],
) -> Planned:
    """The changes of loading `given` and removing `exclude`, reading only what they touch;
    NotIncremental when the full build must decide. `counts` are the stored documents per
    collection (for the report's unchanged ones)."""
    if stored_basis is None:
        raise NotIncremental(
            "the store does not hold a full build (it is empty, was written by an earlier "
            "version, or a write did not finish)"
        )
    if stored_basis != basis(reference_dir):
        raise NotIncremental("the reference data or the loader changed since the last full build")
    reference = reference_build(reference_dir)
    if reference.problems:
        raise NotIncremental("the reference data alone has problems")
    if await touched.any_correction(store):
        raise NotIncremental("corrections are stored")
    ids = [article_id_of(article) for article in given]
    if None in ids or len(set(ids)) != len(ids) or set(ids) & exclude:
        raise NotIncremental("the given bundles need checking as a whole")
    stored_articles = await touched.by_ids(store, "articles", [str(i) for i in ids] + [*exclude])
    if exclude - stored_articles.keys():
        raise NotIncremental("a removal names an article that is not stored")
    changed = [
        article
        for article, identifier in zip(given, ids, strict=True)
        if not _same_bundle(article, stored_articles.get(str(identifier)))
    ]
    after = (set(await touched.article_ids(store)) - exclude) | {str(i) for i in ids}
    if not changed and not exclude:
        return Planned(_unchanged(counts, {}), [], sorted(after))
    note(f"rebuilding what {len(changed) + len(exclude)} article(s) touch")
    changed_ids = {str(article_id_of(article)) for article in changed}
    unchanged = {str(i): a for a, i in zip(given, ids, strict=True) if i not in changed_ids}
    load = _Load(store, reference, changed, exclude, stored_articles, unchanged)
    changes, warnings = await load.run()
    return Planned(_unchanged(counts, changes), warnings, sorted(after))


def _unchanged(
    counts: Mapping[str, int], changes: Mapping[str, CollectionChanges]
) -> list[CollectionChanges]:
    """Every collection's change set, with its unchanged documents counted."""
    found = []
    for collection in COLLECTIONS:
        change = changes.get(collection) or CollectionChanges(collection)
        stored = counts.get(collection, 0)
        change.unchanged = stored - len(change.updated) - len(change.deleted)
        found.append(change)
    return found


class _View(Mapping[str, Mapping[str, Document]]):
    """The collections as the load leaves them, for the parts the time bounds read: the rebuilt
    documents over the articles the build read over the stored ones fetched."""

    def __init__(
        self,
        rebuilt: Mapping[Key, Document],
        scope: set[Key],
        articles: Mapping[str, Document],
        stored: Mapping[Key, Document],
    ) -> None:
        self._rebuilt, self._scope, self._articles, self._stored = rebuilt, scope, articles, stored

    def get_document(self, collection: str, identifier: str) -> Document | None:
        key = (collection, identifier)
        if key in self._scope:
            return self._rebuilt.get(key)
        if collection == "articles" and identifier in self._articles:
            return self._articles[identifier]
        return self._stored.get(key)

    def __getitem__(self, collection: str) -> Mapping[str, Document]:
        return _CollectionView(self, collection)

    def __iter__(self) -> Iterator[str]:
        return iter(COLLECTIONS)

    def __len__(self) -> int:
        return len(COLLECTIONS)


class _CollectionView(Mapping[str, Document]):
    def __init__(self, view: _View, collection: str) -> None:
        self._view, self._collection = view, collection

    def __getitem__(self, identifier: str) -> Document:
        found = self._view.get_document(self._collection, identifier)
        if found is None:
            raise KeyError(identifier)
        return found

    def __iter__(self) -> Iterator[str]:
        raise TypeError("an incremental load reads documents by id, never a whole collection")

    def __len__(self) -> int:
        raise TypeError("an incremental load reads documents by id, never a whole collection")


class _Load:
    """One incremental load: the articles it changes, what they touch, and the build of those."""

    def __init__(
        self,
        store: Store,
        reference: ReferenceBuild,
        changed: list[ArticleInput],
        removed: frozenset[str],
        stored_articles: Mapping[str, Document],
        unchanged: Mapping[str, ArticleInput],
    ) -> None:
        self.store = store
        # Given again as stored: built from the bundle given, as the full build does (its
        # messages name the folder), should the load meet its documents.
        self.unchanged = unchanged
        self.reference = reference
        self.inputs: dict[str, ArticleInput] = {str(article_id_of(a)): a for a in changed}
        self.given = set(self.inputs)
        self.changing = self.given | removed
        self.removed = removed
        self.stored_articles = stored_articles
        self.stored: dict[Key, Document] = {}
        self.absent: set[Key] = set()
        self.stored_names = StoredNames()
        self.names = LoadNames(reference.names, self.stored_names)

    async def fetch(self, keys: Iterable[Key]) -> None:
        """Read the stored documents of `keys` not read yet (by id, per collection)."""
        wanted: dict[str, list[str]] = defaultdict(list)
        for key in keys:
            if key not in self.stored and key not in self.absent:
                wanted[key[0]].append(key[1])
        for collection, ids in wanted.items():
            found = await touched.by_ids(self.store, collection, ids)
            for identifier in ids:
                if identifier in found:
                    self.stored[(collection, identifier)] = found[identifier]
                else:
                    self.absent.add((collection, identifier))

    def compile(self, rebuilt: set[Key]) -> Builder:
        """Build the articles of the load (changed and bystanders) after the reference data, the
        names of the `rebuilt` entities coming from them alone."""
        self.names = LoadNames(self.reference.names, self.stored_names)
        self.names.rebuilt = rebuilt
        builder = Builder.continuing(self.reference, self.names)
        builder.quote_scope = set(rebuilt)
        parsed = builder.read_articles(list(self.inputs.values()), lambda _message: None)
        for article, facts, context in parsed:
            origin = Origin(
                article.facts_doc, (), f"{article.label}/facts.yaml", context.article_id
            )
            builder.declare_entities(facts, origin)
        builder.duplicate_names.check(builder.problem, builder.names.newcomer)
        for article, facts, context in parsed:
            builder.add_facts(facts, article.facts_doc, f"{article.label}/facts.yaml", context)
        builder.note_mentions()
        return builder

    def given_parts(self, builder: Builder) -> set[Key]:
        """The documents the given articles' new facts speak to."""
        return {
            (collection, identifier)
            for collection, by_id in builder.parts.items()
            for identifier, contributions in by_id.items()
            if any(origin.article in self.given for _document, origin in contributions)
        }

    async def run(self) -> tuple[dict[str, CollectionChanges], list[Problem]]:
        before: set[Key] = set()
        stored_changing = sorted(self.changing & self.stored_articles.keys())
        for collection in SOURCED if stored_changing else ():
            for document in await touched.citing(self.store, collection, stored_changing):
                self.stored[(collection, document["_id"])] = document
                before.add((collection, document["_id"]))
        for identifier in self.changing:
            key = ("articles", identifier)
            if identifier in self.stored_articles:
                self.stored[key] = self.stored_articles[identifier]
                before.add(key)
            else:
                self.absent.add(key)

        rebuilt = {(KIND_OF[c], i) for c, i in before if c in KIND_OF}
        for _round in range(MAX_ROUNDS):
            builder = self.compile(rebuilt)
            scope = before | self.given_parts(builder)
            now_rebuilt = rebuilt | {(KIND_OF[c], i) for c, i in scope if c in KIND_OF}
            await self.fetch(scope)
            others = self.contributors(scope) - self.changing
            unread = others - self.inputs.keys()
            if unread:
                await self.read_bystanders(unread)
            self.new_names_clash(builder, now_rebuilt)
            if self.stored_names.complete and not unread and now_rebuilt == rebuilt:
                break
            rebuilt = now_rebuilt
            await self.stored_names.fetch(self.store)
        else:
            raise NotIncremental("the articles' names kept asking for more")
        if builder.problems:
            raise NotIncremental("the load has problems")
        if self.new_names_clash(builder, rebuilt):
            raise NotIncremental("a new name is already another entity's")
        return await self.finish(builder, scope)

    def contributors(self, scope: Iterable[Key]) -> set[str]:
        """The articles whose facts the stored documents of `scope` hold."""
        return {
            source["article_id"]
            for key in scope
            if (document := self.stored.get(key)) is not None
            for source in document.get("sources") or []
            if source.get("article_id")
        }

    async def read_bystanders(self, ids: set[str]) -> None:
        for identifier in ids & self.unchanged.keys():
            self.inputs[identifier] = self.unchanged[identifier]
        ids = ids - self.unchanged.keys()
        if not ids:
            return
        documents = await touched.by_ids(self.store, "articles", ids)
        if ids - documents.keys():
            raise NotIncremental("a source names an article that is not stored")
        for article in stored_inputs(list(documents.values()), [], frozenset()):
            identifier = str(article_id_of(article))
            if article.facts_yaml != documents[identifier]["facts_yaml"]:
                raise NotIncremental(f"stored article {identifier} needs migrating")
            self.inputs[identifier] = article

    def new_names_clash(self, builder: Builder, rebuilt: set[Key]) -> bool:
        """Whether a name the given articles declare (or an id) is already another entity's, by
        any key the name index or the duplicate checks match by. Records the stored keys it
        still has to fetch."""
        declared: list[tuple[str, str, str]] = [
            (kind, identifier, name)
            for kind, identifier, name, origin in builder.duplicate_names.declared()
            if origin.article in self.given
        ]
        for collection, identifier in self.given_parts(builder):
            if collection in KIND_OF:
                declared.append((KIND_OF[collection], identifier, identifier))
        local: dict[str, set[Key]] = defaultdict(set)
        for entity in self.names.own_entities():
            for name in self.names.own_names_of(*entity):
                for key in index_keys(name):
                    local[key].add(entity)
        reference_keys = _reference_keys(self.reference)
        clash = False
        for kind, identifier, name in declared:
            for key in clashing_keys(name):
                others = (
                    reference_keys.get(key, set())
                    | local.get(key, set())
                    | {e for e in self.stored_names.with_key(key, STORED_KINDS) if e not in rebuilt}
                )
                if others - {(kind, identifier)}:
                    clash = True
        return clash

    async def finish(
        self, builder: Builder, scope: set[Key]
    ) -> tuple[dict[str, CollectionChanges], list[Problem]]:
        reference = self.reference
        merger = Merger(builder.problem, builder.warning)
        rebuilt: dict[Key, Document] = {}
        for collection in COLLECTIONS:
            for identifier in sorted(i for c, i in scope if c == collection):
                # The reference's parts are the process's, shared by every load: copied.
                contributions = [
                    (copy.deepcopy(document), origin)
                    for document, origin in reference.parts[collection].get(identifier, [])
                ]
                contributions += builder.parts[collection].get(identifier, [])
                if contributions:
                    rebuilt[(collection, identifier)] = merger.merge_one(
                        collection, identifier, contributions, builder.ranks
                    )
        if builder.problems:
            raise NotIncremental("merging found problems")

        # Time: evidence days of the rebuilt posts and memberships, from the days of what their
        # articles report (rebuilt, or as stored).
        await self.fetch(
            {item.target for item in builder.dated}
            | {("meetings", item.meeting_id) for item in builder.grouped}
        )
        view = _View(rebuilt, scope, builder.article_documents, self.stored)
        relations = [
            (collection, rebuilt[(collection, identifier)])
            for collection in ("posts", "memberships")
            for c, identifier in sorted(scope)
            if c == collection and (collection, identifier) in rebuilt
        ]
        evidence_days(view, builder.stated, builder.dated, builder.grouped, relations)
        await self.check_moved_days(scope, rebuilt)
        for _collection, document in relations:
            document["known"], document["possible"] = intervals(document)
        neighbours = await self.bound_offices(builder, scope, rebuilt)

        await self.check_groups(scope, rebuilt)
        await self.check_parents(scope, rebuilt)
        by_collection: dict[str, dict[str, Document]] = defaultdict(dict)
        for (collection, identifier), document in rebuilt.items():
            by_collection[collection][identifier] = document
        add_derived_fields(by_collection)
        add_name_keys(by_collection, self.names)
        await self.check_lost_names(rebuilt)
        await self.check_new_posts(builder, scope)
        return self.changes(scope, rebuilt, neighbours), builder.warnings

    async def check_moved_days(self, scope: set[Key], rebuilt: Mapping[Key, Document]) -> None:
        """A rebuilt dated document whose day moves moves the evidence days of every post and
        membership an article states beside what it reports on it: only those of the changing
        articles are rebuilt here."""
        for collection, identifier in sorted(scope):
            if (
                collection not in DATED
                or (before := self.stored.get((collection, identifier))) is None
            ):
                continue
            after = rebuilt.get((collection, identifier))
            if _day((after or {}).get("date")) == _day(before.get("date")):
                continue
            reporting = self.contributors([(collection, identifier)])
            if collection == "meetings":
                for participation in await touched.where_in(
                    self.store, "participations", "meeting_id", [identifier]
                ):
                    reporting |= {
                        source["article_id"]
                        for source in participation.get("sources") or []
                        if source.get("article_id")
                    }
            if reporting - self.changing:
                raise NotIncremental(f"the day of {collection}/{identifier} moves")

    async def bound_offices(
        self, builder: Builder, scope: set[Key], rebuilt: Mapping[Key, Document]
    ) -> dict[str, Document]:
        """Succession in every office a rebuilt post holds (or held): its other terms, as
        stored, bounded again. Returns those terms (changed or not), by id."""
        posts_before = [
            self.stored[k] for k in sorted(scope) if k[0] == "posts" and k in self.stored
        ]
        posts_after = [rebuilt[k] for k in sorted(scope) if k[0] == "posts" and k in rebuilt]
        neighbours: dict[str, Document] = {}
        read: dict[tuple[str | None, str | None], list[Document]] = {}
        reference_posts = self.reference.parts["posts"]

        def warn(previous: str, following: str, message: str) -> None:
            if ("posts", previous) not in scope and ("posts", following) not in scope:
                return  # neither term changes: nothing this load says anything new about
            # Where the full build says it: where the post is first given (reference data first).
            given = reference_posts.get(following) or (
                builder.parts["posts"].get(following) if ("posts", following) in scope else None
            )
            if not given:
                raise NotIncremental(f"a warning concerns posts/{following}")
            builder.warning(given[0][1], message)

        for office in self.reference.offices:
            if not any(office.holds(post) for post in [*posts_before, *posts_after]):
                continue
            where = (office.country_id, office.organisation_id)
            if where not in read:
                read[where] = await touched.posts_of_office(self.store, *where)
            terms = list(posts_after)
            for post in read[where]:
                # Its other terms (posts of another office of this country and organisation keep
                # the bounds that office gave them).
                if ("posts", post["_id"]) in scope or not office.holds(post):
                    continue
                self.stored.setdefault(("posts", post["_id"]), post)
                if post["_id"] not in neighbours:
                    again = dict(post)
                    again["known"], again["possible"] = intervals(again)
                    neighbours[post["_id"]] = again
                terms.append(neighbours[post["_id"]])
            bound_office(office, terms, warn)
        return neighbours

    async def check_groups(self, scope: set[Key], rebuilt: Mapping[Key, Document]) -> None:
        """Groups that state their size, in rebuilt meetings or of an organisation whose
        memberships are rebuilt, against its memberships as they will be."""
        organisations = {
            document["organisation_id"]
            for key in scope
            if key[0] == "memberships"
            for document in (self.stored.get(key), rebuilt.get(key))
            if document is not None
        }
        groups: list[tuple[Document, Document]] = [
            (meeting, group)
            for key, meeting in sorted(rebuilt.items())
            if key[0] == "meetings"
            for group in meeting.get("group_participants") or []
        ]
        for meeting in await touched.where_in(
            self.store, "meetings", "group_participants.organisation_id", organisations
        ):
            if ("meetings", meeting["_id"]) not in scope:
                groups += [
                    (meeting, group)
                    for group in meeting.get("group_participants") or []
                    if group["organisation_id"] in organisations
                ]
        groups = [
            (meeting, group) for meeting, group in groups if group["expected_count"] is not None
        ]
        if not groups:
            return
        counted = {group["organisation_id"] for _meeting, group in groups}
        by_organisation: dict[str, list[Document]] = defaultdict(list)
        for membership in await touched.where_in(
            self.store, "memberships", "organisation_id", counted
        ):
            if ("memberships", membership["_id"]) not in scope:
                by_organisation[membership["organisation_id"]].append(membership)
        for (collection, _identifier), membership in sorted(rebuilt.items()):
            if collection == "memberships" and membership["organisation_id"] in counted:
                by_organisation[membership["organisation_id"]].append(membership)
        for meeting, group in groups:
            if group_count_problem(group, meeting, by_organisation[group["organisation_id"]]):
                raise NotIncremental(f"a group of meetings/{meeting['_id']} miscounts")

    async def check_parents(self, scope: set[Key], rebuilt: Mapping[Key, Document]) -> None:
        """No rebuilt organisation or meeting its own ancestor: a new cycle passes through one."""
        for (collection, identifier), document in sorted(rebuilt.items()):
            if collection not in ("organisations", "meetings"):
                continue
            seen = {identifier}
            current = document.get("parent_id")
            while current:
                if current in seen:
                    raise NotIncremental(f"{collection}/{identifier} is its own ancestor")
                seen.add(current)
                key = (collection, current)
                if key in scope:
                    parent = rebuilt.get(key)
                else:
                    await self.fetch([key])
                    parent = self.stored.get(key)
                current = (parent or {}).get("parent_id")

    async def check_lost_names(self, rebuilt: Mapping[Key, Document]) -> None:
        """An entity that goes, or loses a name, changes what references by that name resolve
        to: to nothing, or to another entity that had the name too. Only the given articles'
        documents are all rebuilt (a bystander's are only where they meet them); so any other
        article mentioning such an entity, or a lost name another entity has too, leaves the
        load to the full build."""
        lost: dict[Key, set[str]] = {}
        for kind, identifier in self.names.rebuilt:
            key = (collection_of(kind), identifier)
            if (before := self.stored.get(key)) is None:
                continue
            after = set((rebuilt.get(key) or {}).get("name_keys") or [])
            if gone := set(before.get("name_keys") or []) - after:
                lost[(kind, identifier)] = gone
        if not lost:
            return
        mentions = {f"{kind}:{identifier}" for kind, identifier in lost}
        mentioning = await touched.articles_mentioning(self.store, mentions)
        if mentioning - self.given - self.removed:
            raise NotIncremental("an entity other articles mention loses a name, or goes")
        reference_keys = _reference_keys(self.reference)
        for keys in lost.values():
            for key in keys:
                self.stored_names.with_key(key, STORED_KINDS)
        await self.stored_names.fetch(self.store)
        for entity, keys in sorted(lost.items()):
            for key in sorted(keys):
                holders = reference_keys.get(key, set()) | self.stored_names.with_key(
                    key, STORED_KINDS
                )
                if holders - {entity}:
                    raise NotIncremental(f"a name {entity[0]} {entity[1]} loses is another's")

    async def check_new_posts(self, builder: Builder, scope: set[Key]) -> None:
        """A post the given articles give must not repeat another of its official's under
        another id (the full build decides, with `distinct_from`, whether it does)."""
        titles: dict[str, set[str]] = defaultdict(set)
        for collection, identifier in self.given_parts(builder):
            if collection != "posts":
                continue
            for document, origin in builder.parts["posts"][identifier]:
                if origin.article in self.given:
                    titles[document["official_id"]].add(token_key(document["title"]))
        if not titles:
            return
        for post in await touched.where_in(self.store, "posts", "official_id", titles):
            if ("posts", post["_id"]) in scope:
                continue
            if token_key(post["title"]) in titles[post["official_id"]]:
                raise NotIncremental(f"a new post may repeat posts/{post['_id']}")

    def changes(
        self,
        scope: set[Key],
        rebuilt: Mapping[Key, Document],
        neighbours: Mapping[str, Document],
    ) -> dict[str, CollectionChanges]:
        found: dict[str, CollectionChanges] = {}
        candidates = {key: rebuilt.get(key) for key in scope}
        candidates.update({("posts", i): post for i, post in neighbours.items()})
        for (collection, identifier), after in sorted(candidates.items()):
            before = self.stored.get((collection, identifier))
            change = found.setdefault(collection, CollectionChanges(collection))
            if after is None and before is None:
                continue
            if before is None:
                change.inserted[identifier] = after
            elif after is None:
                change.deleted.append(identifier)
                change.previous[identifier] = before
            elif after != before:
                change.updated[identifier] = after
                change.previous[identifier] = before
        return found


def _day(date: Document | None) -> str | None:
    return date["earliest"] if date and date.get("precision") == "day" else None
