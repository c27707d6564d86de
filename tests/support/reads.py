"""What the database received: the reads a test's requests sent, with their filters, projections
and time limits.

On a server they come from PyMongo's command monitoring, so they are the command documents as
they went over the wire (what MongoDB or FerretDB executed, after PyMongo added its own fields
such as the `maxTimeMS` it derives from `timeoutMS`). On the embedded store, where there is no
wire, they come from the calls its adapter receives.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from pymongo import monitoring

from store.embedded import EmbeddedCollection

# The commands that read: a find (find_one is a find too), an aggregation (count_documents is one),
# and the two that read without a cursor.
READ_COMMANDS = ("find", "aggregate", "count", "distinct")


@dataclass(frozen=True)
class Read:
    """One read the database received."""

    command: str
    collection: str
    query: Any  # a find's filter, an aggregation's pipeline
    projection: Mapping[str, Any] | None
    max_time_ms: int | None
    sent_at: float  # time.monotonic() when it was sent (on the embedded store: called)


class WireReads(monitoring.CommandListener):
    """Records the read commands PyMongo sends while a test listens.

    PyMongo applies listeners registered with `monitoring.register` to every client created
    afterwards, the app's own included, so one instance is registered for the whole session.
    """

    def __init__(self) -> None:
        self.reads: list[Read] | None = None

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        if self.reads is None or event.command_name not in READ_COMMANDS:
            return
        command = copy.deepcopy(dict(event.command))
        name = event.command_name
        query = command.get("pipeline") if name == "aggregate" else command.get("filter")
        if name == "distinct":
            query = command.get("query")
        self.reads.append(
            Read(
                command=name,
                collection=command[name],
                query=query,
                projection=command.get("projection"),
                max_time_ms=command.get("maxTimeMS"),
                sent_at=time.monotonic(),
            )
        )

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass


WIRE = WireReads()
monitoring.register(WIRE)


@contextmanager
def wire_reads() -> Iterator[list[Read]]:
    """The reads sent to a server from now until the block ends."""
    WIRE.reads = reads = []
    try:
        yield reads
    finally:
        WIRE.reads = None


# The embedded adapter's read methods, and where each takes its filter and time limit.
EMBEDDED_READS = {
    "find": ("find", "max_time_ms"),
    "find_one": ("find", "max_time_ms"),
    "aggregate": ("aggregate", "maxTimeMS"),
    "count_documents": ("count_documents", "maxTimeMS"),
    "estimated_document_count": ("count", "maxTimeMS"),
}


def embedded_reads(monkeypatch: Any) -> list[Read]:
    """The reads the embedded store's adapter receives for the rest of the test."""
    reads: list[Read] = []
    for method, (command, limit) in EMBEDDED_READS.items():
        original = getattr(EmbeddedCollection, method)

        def recorder(
            self: EmbeddedCollection,
            *args: Any,
            _original: Any = original,
            _command: str = command,
            _limit: str = limit,
            **kwargs: Any,
        ) -> Any:
            query = args[0] if args else kwargs.get("query", kwargs.get("pipeline"))
            projection = args[1] if len(args) > 1 else kwargs.get("projection")
            reads.append(
                Read(
                    command=_command,
                    collection=self.name,
                    query=copy.deepcopy(query),
                    projection=copy.deepcopy(projection),
                    max_time_ms=kwargs.get(_limit),
                    sent_at=time.monotonic(),
                )
            )
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(EmbeddedCollection, method, recorder)
    return reads
