"""The audit trail: who changed which document, when, why, and what it was before and after.

One entry per document a write changed, written in the same change set as the write itself (so it
commits or rolls back with it), indexed by the nodes it concerns (`Type:id`) for `history`. The
loader never deletes entries: a removal keeps the history of what it removed.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from store import Document
from store.connection import Store
from store.entities import AUDIT, touched_nodes
from store.repository.base import find_many
from store.repository.dataset import CollectionChanges


@dataclass(frozen=True)
class WriteRecord:
    """What every entry of one write shares: who, why, which operation, and when."""

    actor: str
    operation: str
    message: str | None
    write_id: str
    at: dt.datetime

    @classmethod
    def new(cls, actor: str, operation: str, message: str | None) -> WriteRecord:
        now = dt.datetime.now(dt.UTC)
        # Milliseconds, as BSON keeps them: an entry reads back equal to what was written.
        now = now.replace(microsecond=now.microsecond // 1000 * 1000)
        # Sortable by time, unique without coordination.
        write_id = now.strftime("%Y%m%dT%H%M%S%fZ") + "-" + uuid.uuid4().hex[:8]
        return cls(actor, operation, message, write_id, now)


def entries(
    record: WriteRecord, change_sets: Iterable[CollectionChanges], version: int
) -> list[Document]:
    """The audit entries of a write that commits as data version `version`."""
    found: list[Document] = []

    def add(collection: str, identifier: str, before: Document | None, after: Document | None):
        change = "inserted" if before is None else "deleted" if after is None else "updated"
        nodes = sorted(touched_nodes(collection, before) | touched_nodes(collection, after))
        found.append(
            {
                "_id": f"{record.write_id}-{len(found):05d}",
                "write": record.write_id,
                "version": version,
                "at": record.at,
                "actor": record.actor,
                "operation": record.operation,
                "message": record.message,
                "collection": collection,
                "document_id": identifier,
                "change": change,
                "before": before,
                "after": after,
                "nodes": nodes,
            }
        )

    for changes in change_sets:
        for identifier, document in changes.inserted.items():
            add(changes.collection, identifier, None, document)
        for identifier, document in changes.updated.items():
            add(changes.collection, identifier, changes.previous.get(identifier), document)
        for identifier in changes.deleted:
            add(changes.collection, identifier, changes.previous.get(identifier), None)
    return found


def as_changes(audit_entries: list[Document]) -> CollectionChanges:
    """The entries as a change set, to be written with the write they record."""
    return CollectionChanges(AUDIT, inserted={entry["_id"]: entry for entry in audit_entries})


async def history(store: Store, node: str) -> list[Document]:
    """The entries that concern `node` (`Type:id`), newest write first (versions only grow,
    across restarts too), each write's entries in the order it made them."""
    documents = await find_many(store, AUDIT, {"nodes": node})
    return sorted(documents, key=lambda entry: (-entry["version"], entry["_id"]))


async def since(store: Store, version: int, up_to: int) -> list[Document]:
    """The entries of the writes that committed as versions `version` + 1 to `up_to`, oldest
    first (a write under way has entries, not yet its version: `up_to` leaves it out)."""
    return await find_many(
        store,
        AUDIT,
        {"version": {"$gt": version, "$lte": up_to}},
        projection={"write": 1, "version": 1, "at": 1, "operation": 1, "nodes": 1},
        sort=[("version", 1), ("_id", 1)],
    )


async def everything(store: Store) -> list[Document]:
    """The whole trail, oldest first (for `diplograph export`)."""
    return await find_many(store, AUDIT, {}, sort=[("at", 1), ("_id", 1)])


async def latest_version(store: Store) -> int:
    """The highest data version the trail records (0 when it is empty)."""
    found = await find_many(store, AUDIT, {}, sort=[("version", -1)], limit=1)
    return int(found[0]["version"]) if found else 0
