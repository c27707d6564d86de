"""Live updates: each committed write's touched nodes, told to every `graphChanged` subscriber.

A write made through this process is published by the writer as soon as it commits. Writes made
by other processes on the same MongoDB reach this one through a feed, chosen by
`DIPLOGRAPH_CHANGE_FEED` (`choose_feed`):

- `stream`: a MongoDB change stream on `meta`, whose data version every write bumps (a replica
  set or a sharded cluster has change streams);
- `poll`: the data version read every `DIPLOGRAPH_CHANGE_POLL_SECONDS` (FerretDB 1.24 and a
  standalone server have no change streams);
- `local`: nothing to watch (the embedded store lives in this process).

When the version moved, the feed reads the audit entries of the versions it has not seen
(`store.repository.audit.since`), which name the nodes each write touched, and publishes one
change per write. The hub drops a write it has already published, so a write made here and then
seen by the feed reaches each subscriber once.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator
from dataclasses import dataclass

from pymongo.errors import PyMongoError

from store.connection import Store
from store.errors import DiplographError
from store.repository import audit
from store.repository.dataset import data_version, watch_versions

logger = logging.getLogger("diplograph.changes")

# A subscriber that falls this far behind loses its oldest changes (and is told so by a gap in
# the versions) rather than holding memory without bound.
QUEUE_SIZE = 100
REMEMBERED_WRITES = 1000


@dataclass(frozen=True)
class Change:
    """One committed write: its data version, id, operation, time and the nodes it touched."""

    version: int
    write: str
    operation: str
    at: dt.datetime
    nodes: tuple[str, ...]
    """`Type:id` of each node touched, the text inside its global id."""


class ChangeHub:
    """Fans each change out to the subscribers of this process, each through its own queue."""

    def __init__(self) -> None:
        self._subscribers: set[asyncio.Queue[Change]] = set()
        self._seen: OrderedDict[str, None] = OrderedDict()

    @property
    def subscribers(self) -> int:
        return len(self._subscribers)

    def publish(self, change: Change) -> bool:
        """Tell every subscriber; False (and nobody told) when this write was published before."""
        if change.write in self._seen:
            return False
        self._seen[change.write] = None
        while len(self._seen) > REMEMBERED_WRITES:
            self._seen.popitem(last=False)
        for queue in self._subscribers:
            if queue.full():
                queue.get_nowait()
            queue.put_nowait(change)
        return True

    @contextlib.asynccontextmanager
    async def subscription(self) -> AsyncIterator[asyncio.Queue[Change]]:
        """A queue that receives every change published while the context is open."""
        queue: asyncio.Queue[Change] = asyncio.Queue(maxsize=QUEUE_SIZE)
        self._subscribers.add(queue)
        try:
            yield queue
        finally:
            self._subscribers.discard(queue)


def changes_from_entries(entries: list[dict]) -> list[Change]:
    """One change per write, from its audit entries (in version order)."""
    by_write: dict[str, dict] = {}
    for entry in entries:
        found = by_write.setdefault(
            entry["write"],
            {
                "version": entry["version"],
                "operation": entry.get("operation", ""),
                "at": entry.get("at"),
                "nodes": set(),
            },
        )
        found["nodes"].update(entry.get("nodes", []))
    return [
        Change(
            version=found["version"],
            write=write,
            operation=found["operation"],
            at=found["at"],
            nodes=tuple(sorted(found["nodes"])),
        )
        for write, found in sorted(by_write.items(), key=lambda item: item[1]["version"])
    ]


class FeedUnavailable(DiplographError):
    """A change feed was asked for that the server cannot give."""

    code = "CHANGE_FEED_UNAVAILABLE"


def choose_feed(setting: str, store: Store) -> str:
    """The feed to run: the setting, or for `auto` the best the backend has."""
    if setting == "auto":
        if store.embedded:
            return "local"
        return "stream" if store.change_streams else "poll"
    if setting == "stream" and not store.change_streams:
        raise FeedUnavailable(
            "DIPLOGRAPH_CHANGE_FEED=stream needs change streams, which only a replica set or a "
            "sharded cluster has; use `poll` (or `auto`)."
        )
    return setting


class ChangeFeed:
    """Watches the store for writes by other processes and publishes them to the hub."""

    def __init__(self, store: Store, hub: ChangeHub, kind: str, poll_seconds: float) -> None:
        self.store = store
        self.hub = hub
        self.kind = kind
        self.poll_seconds = poll_seconds
        self.version = 0
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        if self.kind == "local":
            return
        self.version = await data_version(self.store)
        self._task = asyncio.create_task(self._run(), name=f"change feed ({self.kind})")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def catch_up(self) -> None:
        """Publish the writes committed since the last version seen."""
        current = await data_version(self.store)
        if current <= self.version:
            return
        for change in changes_from_entries(await audit.since(self.store, self.version, current)):
            self.hub.publish(change)
        self.version = current

    async def _run(self) -> None:
        while True:
            try:
                if self.kind == "stream":
                    await self._stream()
                else:
                    await self.catch_up()
                    await asyncio.sleep(self.poll_seconds)
            except asyncio.CancelledError:
                raise
            except (PyMongoError, DiplographError) as error:
                # The database is away: try again later, losing nothing (the versions say what
                # was missed).
                logger.warning("change feed (%s): %s; retrying", self.kind, error)
                await asyncio.sleep(self.poll_seconds)

    async def _stream(self) -> None:
        """Follow `meta` through a change stream; each version bump means a write committed."""
        async with await watch_versions(self.store) as stream:
            await self.catch_up()  # what committed before the stream opened
            async for _event in stream:
                await self.catch_up()
