"""Whole-dataset reads and writes, for the seed loader: snapshots, change sets and the data version.

The data version is a counter in the `meta` collection that every write bumps; caches key on it, so
that a write through one process is never answered stale by another. The same document keeps the
sizes of the data's lists (`store.repository.sizes`), raised by the same writes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pymongo import DeleteOne, ReplaceOne
from pymongo.errors import PyMongoError

from store import Document
from store.connection import Store
from store.errors import DiplographError
from store.repository.base import find_many
from store.repository.sizes import Sizes, measure, measure_written

META = "meta"
DATASET_ID = "dataset"


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
    projection = {"text": 1, "meta_yaml": 1, "facts_yaml": 1}
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


async def apply_changes(store: Store, change_sets: list[CollectionChanges]) -> None:
    """Write every change set; if any write fails, restore what was already written, then raise
    WriteFailed (or, when the load was interrupted, the interruption).

    The embedded store has no transactions, and a standalone MongoDB neither, so atomicity comes
    from compensation: the previous documents are known, and are put back on failure. A change
    set that failed part-way is undone whole: undoing a write that did not happen is a no-op.
    """
    written: list[CollectionChanges] = []
    try:
        for changes in change_sets:
            if changes.changed:
                written.append(changes)
                collection = store[changes.collection]
                # New documents as plain inserts: an upsert is a lookup per document, which the
                # embedded store answers with a scan (a first load of 1,000 articles took 25 s).
                if changes.inserted:
                    await collection.insert_many(list(changes.inserted.values()), ordered=True)
                if operations := _operations(changes):
                    await collection.bulk_write(operations, ordered=True)
        if written:
            await _bump_version(store, written)
    except BaseException as error:
        # BaseException: an interrupted load (Ctrl-C cancels the task) must not stay half-written.
        not_restored = []
        for changes in reversed(written):
            try:
                await store[changes.collection].bulk_write(_undo_operations(changes))
            except PyMongoError:
                not_restored.append(changes.collection)
        if isinstance(error, PyMongoError):
            raise WriteFailed(error, not_restored) from error
        raise


async def _bump_version(store: Store, written: list[CollectionChanges]) -> None:
    """Raise the stored sizes by what was written, and bump the version in the same update."""
    changed = {
        changes.collection: [*changes.inserted.values(), *changes.updated.values()]
        for changes in written
    }
    stored = await _dataset_document(store)
    before = Sizes.from_stored(stored.get("sizes")) if stored else None
    if before is None:
        sizes = await measure(store)
    else:
        sizes = before.raised(await measure_written(store, changed))
    await store[META].update_one(
        {"_id": DATASET_ID},
        {"$inc": {"version": 1}, "$set": {"sizes": sizes.as_stored()}},
        upsert=True,
    )


async def _dataset_document(store: Store) -> Document | None:
    found = await find_many(store, META, {"_id": DATASET_ID}, limit=1)
    return found[0] if found else None


@dataclass(frozen=True)
class DatasetState:
    """The data version and the sizes of the data at that version."""

    version: int
    sizes: Sizes


async def data_version(store: Store) -> int:
    """The counter every write bumps (0 before the first load)."""
    return (await dataset_state(store)).version


async def dataset_state(store: Store) -> DatasetState:
    """The version and sizes, in one read. Sizes not stored (data written before they were kept)
    are measured here and stored without a version bump, once."""
    stored = await _dataset_document(store)
    version = int(stored["version"]) if stored else 0
    sizes = Sizes.from_stored(stored.get("sizes")) if stored else None
    if sizes is None:
        sizes = store.measured.get(version)
    if sizes is None:
        sizes = store.measured[version] = await measure(store)
        if stored is not None:
            await store[META].update_one(
                {"_id": DATASET_ID, "version": version}, {"$set": {"sizes": sizes.as_stored()}}
            )
    return DatasetState(version, sizes)
