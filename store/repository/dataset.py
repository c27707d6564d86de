"""Whole-dataset reads and writes, for the seed loader: snapshots, change sets and the data version.

The data version is a counter in the `meta` collection that every write bumps; caches key on it, so
that a write through one process is never answered stale by another. It also coordinates writers
and readers across processes:

- a writer claims the dataset for the version it planned against (`begin_write`, a unique
  `claim:<version>` document): another writer that committed in between, or holds the claim,
  makes it fail with `WriteConflict`, and the caller plans again; a claim has a lease, so a
  writer that died holding it blocks nobody for longer than `WRITE_LEASE_SECONDS`, and the
  dataset carries a `writing` marker while it is held, for readers;
- a reader compares the state (`data_state`) before and after what it reads: a different version,
  or a marker, means a write may have been half-visible, and it reads again.

Where the server has transactions (a replica set), the change sets, the version bump and the
marker's release commit together (`apply_changes`); elsewhere (the embedded store, a standalone
server, FerretDB) the writes are compensated: on failure the previous documents are put back.

The same document keeps the sizes of the data's lists (`store.repository.sizes`), raised by the
writes that bump the version.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from pymongo import DeleteOne, ReplaceOne
from pymongo.errors import DuplicateKeyError, PyMongoError

from store import Document
from store.connection import Store
from store.errors import DatabaseUnavailable, DiplographError
from store.repository.base import _unavailable, find_many
from store.repository.sizes import Sizes, measure, measure_written

META = "meta"
DATASET_ID = "dataset"
# How long a writer's claim holds: a write that takes longer (or a writer that died) can be
# overtaken. Loads take milliseconds to seconds; a minute leaves a wide margin.
WRITE_LEASE_SECONDS = 60.0
# Claims this process gave up but could not release (the database was down): its next write may
# take them over at once instead of waiting out the lease.
_ABANDONED: set[str] = set()


class WriteConflict(DiplographError):
    """Another writer committed, or is writing, since this write was planned: plan it again."""

    code = "WRITE_CONFLICT"


@dataclass(frozen=True)
class DataState:
    """The data version, whether a write is under way (its marker is held and fresh), and the
    sizes of the data's lists at that version (what queries are priced from)."""

    version: int
    writing: bool
    sizes: Sizes = field(default_factory=Sizes, compare=False)
    basis: str | None = field(default=None, compare=False)
    """What the stored data is the full build of (seeds.incremental.basis), when the last write
    said so; None when a write did not, or did not finish."""


class WriteFailed(DiplographError):
    """A write failed part-way; `restored` says whether the store was put back as it was."""

    code = "WRITE_FAILED"

    def __init__(self, cause: BaseException, not_restored: list[str]) -> None:
        self.restored = not not_restored
        if self.restored:
            outcome = "everything already written was rolled back: the store is as it was"
        else:
            outcome = (
                f"rolling back failed too for {', '.join(not_restored)}, so the store may hold "
                "part of this load; run the same command again once the database answers "
                "(it writes whatever still differs)"
            )
        super().__init__(f"Writing failed ({type(cause).__name__}: {cause}); {outcome}.")


@dataclass
class CollectionChanges:
    """What writing a collection's desired state changes, with the old documents to roll back to."""

    collection: str
    inserted: dict[str, Document] = field(default_factory=dict)
    updated: dict[str, Document] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    previous: dict[str, Document] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return bool(self.inserted or self.updated or self.deleted)


async def snapshot(store: Store, collection: str) -> dict[str, Document]:
    """Every document of `collection`, by id."""
    return {doc["_id"]: doc for doc in await find_many(store, collection, {})}


async def stored_articles(store: Store) -> list[Document]:
    """The article bundles already loaded (their text and the YAML they were loaded from)."""
    projection = {"text": 1, "meta_yaml": 1, "facts_yaml": 1, "format": 1}
    return await find_many(store, "articles", {}, projection=projection, sort=[("_id", 1)])


def compare(collection: str, current: dict[str, Document], desired: dict[str, Document]):
    """The change set that turns `current` into `desired`."""
    changes = CollectionChanges(collection)
    for identifier, document in desired.items():
        existing = current.get(identifier)
        if existing is None:
            changes.inserted[identifier] = document
        elif existing != document:
            changes.updated[identifier] = document
            changes.previous[identifier] = existing
        else:
            changes.unchanged += 1
    for identifier, existing in current.items():
        if identifier not in desired:
            changes.deleted.append(identifier)
            changes.previous[identifier] = existing
    return changes


def _operations(changes: CollectionChanges) -> list[Any]:
    """The updates and deletions of a change set (insertions go through `insert_many`)."""
    operations: list[Any] = [
        ReplaceOne({"_id": identifier}, document, upsert=True)
        for identifier, document in changes.updated.items()
    ]
    operations += [DeleteOne({"_id": identifier}) for identifier in changes.deleted]
    return operations


def _undo_operations(changes: CollectionChanges) -> list[Any]:
    operations: list[Any] = [DeleteOne({"_id": identifier}) for identifier in changes.inserted]
    operations += [
        ReplaceOne({"_id": identifier}, document, upsert=True)
        for identifier, document in changes.previous.items()
    ]
    return operations


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _fresh(marker: Any, now: dt.datetime) -> bool:
    since = marker.get("since") if isinstance(marker, dict) else None
    if not isinstance(since, dt.datetime):
        return False
    if since.tzinfo is None:  # PyMongo returns naive UTC datetimes by default
        since = since.replace(tzinfo=dt.UTC)
    return (now - since).total_seconds() < WRITE_LEASE_SECONDS


async def data_state(store: Store) -> DataState:
    """The version, whether a write is under way, and the sizes, in one read. Sizes not stored
    (data written before they were kept) are measured here and stored without a version bump,
    once."""
    found = await find_many(store, META, {"_id": DATASET_ID}, limit=1)
    stored = found[0] if found else None
    version = int(stored.get("version", 0)) if stored else 0
    sizes = Sizes.from_stored(stored.get("sizes")) if stored else None
    if sizes is None:
        sizes = store.measured.get(version)
    if sizes is None:
        sizes = store.measured[version] = await measure(store)
        if stored is not None:
            await store[META].update_one(
                {"_id": DATASET_ID, "version": version}, {"$set": {"sizes": sizes.as_stored()}}
            )
    marker = stored.get("writing") if stored else None
    abandoned = isinstance(marker, dict) and marker.get("id") in _ABANDONED
    basis = stored.get("basis") if stored else None
    return DataState(
        version,
        _fresh(marker, _now()) and not abandoned,
        sizes,
        basis if isinstance(basis, str) and marker is None else None,
    )


def _claim_id(marker: str) -> str:
    return "claim:" + marker.split(":", 1)[0]


async def begin_write(store: Store, expected_version: int) -> str:
    """Claim the dataset for a write planned against `expected_version`: the claim's marker, or
    WriteConflict when the version moved on or another writer holds a fresh claim.

    The claim is the insertion of one document, `claim:<version>`, into `meta`: a unique `_id`
    is the one compare-and-set every server keeps atomic under concurrency (FerretDB 1.24's
    findAndModify, for one, lets several concurrent callers match the same document). Only one
    writer can hold the claim for a version; it then checks that the version is still the one it
    planned against, and marks the dataset as being written, for readers."""
    marker = f"{expected_version}:{uuid.uuid4().hex}"
    claim = {"_id": _claim_id(marker), "marker": marker, "since": _now()}
    try:
        try:
            await store[META].insert_one(dict(claim))
        except DuplicateKeyError:
            # Held: by a live writer (a conflict), or by one that died or gave up (take it over).
            stale = _now() - dt.timedelta(seconds=WRITE_LEASE_SECONDS)
            taken = await store[META].delete_one(
                {
                    "_id": claim["_id"],
                    "$or": [{"since": {"$lt": stale}}, {"marker": {"$in": sorted(_ABANDONED)}}],
                }
            )
            if taken.deleted_count == 0:
                raise WriteConflict("Another write is under way; plan again.") from None
            try:
                await store[META].insert_one(dict(claim))
            except DuplicateKeyError:
                raise WriteConflict("Another write is under way; plan again.") from None
        current = await find_many(store, META, {"_id": DATASET_ID}, limit=1)
        version = int(current[0].get("version", 0)) if current else 0
        if version != expected_version:
            await store[META].delete_one({"_id": claim["_id"], "marker": marker})
            raise WriteConflict("Another write committed since this one was planned; plan again.")
        # The basis goes until the write that sets it again commits: a write that fails, or
        # dies, leaves none, and the next load is a full build.
        await store[META].update_one(
            {"_id": DATASET_ID},
            {
                "$set": {"writing": {"id": marker, "since": claim["since"]}},
                "$unset": {"basis": ""},
            },
            upsert=True,
        )
    except (PyMongoError, DatabaseUnavailable) as error:
        # The claim may be stored (the database went away after taking it): this process's next
        # write takes it over at once instead of waiting out the lease. The marker is unique, so
        # this never frees another writer's claim.
        _ABANDONED.add(marker)
        if isinstance(error, PyMongoError):
            raise _unavailable(error) from error
        raise
    return marker


async def record_basis(store: Store, version: int, basis: str) -> None:
    """Say that the data at `version` is the full build of `basis` (a full build that found
    nothing to change), unless a write has begun or committed since."""
    try:
        await store[META].update_one(
            {"_id": DATASET_ID, "version": version, "writing": None}, {"$set": {"basis": basis}}
        )
    except PyMongoError as error:
        raise _unavailable(error) from error


async def release(store: Store, marker: str) -> None:
    """Give up a claim without committing (the write was refused or undone). The version moves
    on all the same: readers may have seen the write under way, and must not cache what they saw.
    """
    try:
        await store[META].update_one(
            {"_id": DATASET_ID}, {"$unset": {"writing": ""}, "$inc": {"version": 1}}
        )
        await store[META].delete_one({"_id": _claim_id(marker), "marker": marker})
    except PyMongoError:
        _ABANDONED.add(marker)
        raise
    _ABANDONED.discard(marker)


async def _raised_sizes(
    store: Store, written: list[CollectionChanges], session: Any = None
) -> Sizes:
    """The stored sizes raised by what `written` wrote (all measured afresh when none are kept)."""
    extra = {"session": session} if session is not None else {}
    stored = await store[META].find_one({"_id": DATASET_ID}, **extra)
    before = Sizes.from_stored(stored.get("sizes")) if stored else None
    if before is None:
        return await measure(store)
    changed = {
        changes.collection: [*changes.inserted.values(), *changes.updated.values()]
        for changes in written
        if changes.changed
    }
    # A collection's count moves by what was inserted and deleted: no count of it all.
    counts = {
        changes.collection: before.counts[changes.collection]
        + len(changes.inserted)
        - len(changes.deleted)
        for changes in written
        if changes.changed and changes.collection in before.counts
    }
    return before.raised(await measure_written(store, changed, counts)) if changed else before


async def _finish(
    store: Store,
    marker: str | None,
    written: list[CollectionChanges],
    session: Any = None,
    basis: str | None = None,
) -> int:
    """Bump the version (and release the claim), with the sizes raised by what was written:
    what makes a write visible to caches and to readers that compare versions. The new version.

    In a transaction the sizes are measured after the commit (`measure_written` reads committed
    documents); until then they are those of the version before, for an instant."""
    extra = {"session": session} if session is not None else {}
    update: dict[str, Any] = {"$inc": {"version": 1}, "$set": {}, "$unset": {}}
    if session is None:
        update["$set"]["sizes"] = (await _raised_sizes(store, written)).as_stored()
    if basis is not None:
        update["$set"]["basis"] = basis
    else:
        update["$unset"]["basis"] = ""
    if marker is not None:
        update["$unset"]["writing"] = ""
    update = {operator: fields for operator, fields in update.items() if fields}
    await store[META].update_one({"_id": DATASET_ID}, update, upsert=True, **extra)
    found = await store[META].find_one({"_id": DATASET_ID}, **extra)
    if marker is not None:
        await store[META].delete_one({"_id": _claim_id(marker), "marker": marker}, **extra)
    return int(found["version"])


async def _write_sets(store: Store, change_sets: list[CollectionChanges], session: Any) -> None:
    extra = {"session": session} if session is not None else {}
    for changes in change_sets:
        if not changes.changed:
            continue
        collection = store[changes.collection]
        # New documents as plain inserts: an upsert is a lookup per document, which the
        # embedded store answers with a scan (a first load of 1,000 articles took 25 s).
        if changes.inserted:
            await collection.insert_many(list(changes.inserted.values()), ordered=True, **extra)
        if operations := _operations(changes):
            await collection.bulk_write(operations, ordered=True, **extra)


async def apply_changes(
    store: Store,
    change_sets: list[CollectionChanges],
    *,
    marker: str | None = None,
    before_commit: Callable[[], Awaitable[None]] | None = None,
    basis: str | None = None,
) -> int:
    """Write every change set, run `before_commit` (a failure there undoes the write too), then
    bump the data version and release `marker`, the claim of `begin_write`. The new version.

    `basis` is what the data written is the full build of (seeds.incremental); without it the
    stored basis goes, and the next load rebuilds in full.

    On a server with transactions (`store.transactions`) all of it is one transaction. Without
    (the embedded store, a standalone server, FerretDB), atomicity comes from compensation: the
    previous documents are known, and are put back if any write fails, raising WriteFailed (or,
    when the load was interrupted, the interruption). A change set that failed part-way is
    undone whole: undoing a write that did not happen is a no-op.
    """
    if store.transactions:
        return await _apply_in_transaction(store, change_sets, marker, before_commit, basis)
    written: list[CollectionChanges] = []
    try:
        for changes in change_sets:
            if changes.changed:
                written.append(changes)
                await _write_sets(store, [changes], None)
        if before_commit is not None:
            await before_commit()
        return await _finish(store, marker, written, basis=basis)
    except BaseException as error:
        # BaseException: an interrupted load (Ctrl-C cancels the task) must not stay half-written.
        not_restored = await undo(store, written)
        if marker is not None:
            try:
                await release(store, marker)
            except PyMongoError:
                not_restored.append(META)
        if isinstance(error, PyMongoError):
            raise WriteFailed(error, not_restored) from error
        raise


async def undo(store: Store, change_sets: list[CollectionChanges]) -> list[str]:
    """Put back what `change_sets` changed, last first: the collections that could not be."""
    not_restored = []
    for changes in reversed(change_sets):
        if not changes.changed:
            continue
        try:
            await store[changes.collection].bulk_write(_undo_operations(changes))
        except PyMongoError:
            not_restored.append(changes.collection)
    return not_restored


async def _apply_in_transaction(
    store: Store,
    change_sets: list[CollectionChanges],
    marker: str | None,
    before_commit: Callable[[], Awaitable[None]] | None,
    basis: str | None = None,
) -> int:
    """One multi-document transaction: readers see all of the write or none of it."""
    try:
        async with (
            store.client.start_session() as session,
            await session.start_transaction(),
        ):
            await _write_sets(store, change_sets, session)
            if before_commit is not None:
                await before_commit()
            version = await _finish(store, marker, change_sets, session, basis)
    except BaseException as error:
        if marker is not None:
            with contextlib.suppress(PyMongoError):
                await release(store, marker)
        if isinstance(error, PyMongoError):
            raise WriteFailed(error, []) from error
        raise
    sizes = await _raised_sizes(store, change_sets)
    await store[META].update_one({"_id": DATASET_ID}, {"$set": {"sizes": sizes.as_stored()}})
    return version


async def data_version(store: Store) -> int:
    """The counter every write bumps (0 before the first load)."""
    return (await data_state(store)).version


async def raise_version_to(store: Store, version: int) -> None:
    """Make the data version at least `version`: after a restart, the embedded store's counter
    continues past the versions its audit trail already recorded."""
    await store[META].update_one({"_id": DATASET_ID}, {"$max": {"version": version}}, upsert=True)


async def stored_corrections(store: Store) -> list[Document]:
    """The corrections already loaded, in the order they were made."""
    return await find_many(store, "corrections", {}, sort=[("_id", 1)])


async def watch_versions(store: Store) -> Any:
    """A change stream of the data version's document (a replica set or sharded cluster only):
    every event is a write that committed, or a claim taken or given up."""
    return await store[META].watch([{"$match": {"documentKey._id": DATASET_ID}}])
