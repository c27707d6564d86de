"""The audit trail in the schema: `history` on every node, and the entries it lists."""

from __future__ import annotations

import datetime as dt
from enum import Enum

import strawberry
from strawberry.relay.utils import to_base64
from strawberry.scalars import JSON

from schema.common import After, Connection, First, GraphQLInfo
from store import Document
from store.repository import audit


@strawberry.enum(description="What a write did to a document.")
class ChangeKind(Enum):
    INSERTED = strawberry.enum_value("inserted", description="The write created the document.")
    UPDATED = strawberry.enum_value(
        "updated", description="The write replaced the document with a changed version."
    )
    DELETED = strawberry.enum_value("deleted", description="The write removed the document.")


def global_id(node: str) -> str:
    """The Relay global id of a node given as `Type:id`."""
    type_name, _, identifier = node.partition(":")
    return to_base64(type_name, identifier)


@strawberry.type(
    description="One document one write changed: who wrote, when, why, and the document before "
    "and after. A write that changes many documents has one entry for each, with one `writeId`."
)
class AuditEntry:
    entry_id: str = strawberry.field(name="id", description="The entry's own id.")
    write_id: str = strawberry.field(
        description="The write the entry belongs to; every document it changed shares it."
    )
    data_version: int = strawberry.field(
        description="The data version the write committed as (it counts writes)."
    )
    at: dt.datetime = strawberry.field(description="When the write was made (UTC).")
    actor: str = strawberry.field(
        description="Who wrote: the id of the token used (never the token), or `seed` for "
        "`diplograph seed`."
    )
    operation: str = strawberry.field(
        description="The mutation that wrote: loadArticle, removeArticle, mergeEntities or "
        "updateEntity."
    )
    message: str | None = strawberry.field(description="Why, in the writer's words.")
    collection: str = strawberry.field(description="The collection of the document changed.")
    document_id: str = strawberry.field(description="The `_id` of the document changed.")
    change: ChangeKind = strawberry.field(description="Inserted, updated or deleted.")
    before: JSON | None = strawberry.field(
        description="The stored document before the write (null when it was inserted)."
    )
    after: JSON | None = strawberry.field(
        description="The stored document after the write (null when it was deleted)."
    )
    nodes: list[strawberry.ID] = strawberry.field(
        description="Global ids of the nodes the change concerns: the document itself when it "
        "is a node, and every entity it refers to."
    )

    @classmethod
    def from_doc(cls, document: Document) -> AuditEntry:
        at = document["at"]
        if isinstance(at, dt.datetime) and at.tzinfo is None:
            at = at.replace(tzinfo=dt.UTC)  # stored as UTC; PyMongo reads it back naive
        return cls(
            entry_id=document["_id"],
            write_id=document["write"],
            data_version=document["version"],
            at=at,
            actor=document["actor"],
            operation=document["operation"],
            message=document.get("message"),
            collection=document["collection"],
            document_id=document["document_id"],
            change=ChangeKind(document["change"]),
            before=document.get("before"),
            after=document.get("after"),
            nodes=[strawberry.ID(global_id(node)) for node in document.get("nodes", [])],
        )


# Keys that sort newest first: the data version counted down from a ceiling no store reaches.
_VERSION_CEILING = 10**15


def _position(entry: AuditEntry) -> tuple[str, str]:
    return (f"{_VERSION_CEILING - entry.data_version:016d}", entry.entry_id)


async def history_of(
    info: GraphQLInfo, node: str, first: int | None, after: str | None
) -> Connection[AuditEntry]:
    """The audit entries of the node `Type:id`, newest first."""
    documents = await audit.history(info.context.store, node)
    entries = [AuditEntry.from_doc(document) for document in documents]
    return Connection.of_list(entries, _position, f"history:{node}", first=first, after=after)


@strawberry.interface(
    description="Anything the audit trail records changes to: every node of the graph."
)
class Recorded:
    @strawberry.field(
        description="The changes written to this node and to the relations that concern it, "
        "newest first: who, when, why, before and after."
    )
    async def history(
        self, info: GraphQLInfo, first: First = None, after: After = None
    ) -> Connection[AuditEntry]:
        document = self.document  # type: ignore[attr-defined]
        return await history_of(info, f"{type(self).__name__}:{document['_id']}", first, after)
