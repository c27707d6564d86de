"""Counting the commands the app sends to the database: the N+1 tests and /metrics read this."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

from pymongo import monitoring

# Connection housekeeping, not work the app asked for.
_IGNORED = frozenset({"hello", "ismaster", "isMaster", "endSessions", "ping", "buildinfo"})


# Called when a command ends: (command, collection, seconds, succeeded).
CommandObserver = Callable[[str, str, float, bool], None]


class CommandLog:
    """A running count of database commands by name and collection, and who to tell when each
    one ends (the metrics); both backends feed it, so /metrics reads the same on either."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()
        self._observers: list[CommandObserver] = []

    def record(self, name: str, collection: str = "") -> None:
        if name not in _IGNORED:
            self.counts[(name, collection)] += 1

    def observe(self, observer: CommandObserver) -> None:
        """Call `observer` at the end of every command, housekeeping included."""
        self._observers.append(observer)

    def finished(self, name: str, collection: str, seconds: float, succeeded: bool) -> None:
        for observer in self._observers:
            observer(name, collection, seconds, succeeded)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def reset(self) -> None:
        self.counts.clear()


class CommandListener(monitoring.CommandListener):
    """Feeds a CommandLog from PyMongo's command monitoring (the real-server path)."""

    def __init__(self, log: CommandLog) -> None:
        self.log = log
        # Only the started event names the collection; the ending event finds it here.
        self._collections: dict[tuple[object, int], str] = {}

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        collection = target if isinstance(target, str) else ""
        self.log.record(event.command_name, collection)
        self._collections[(event.connection_id, event.request_id)] = collection

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        self._finished(event, succeeded=True)

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        self._finished(event, succeeded=False)

    def _finished(
        self,
        event: monitoring.CommandSucceededEvent | monitoring.CommandFailedEvent,
        succeeded: bool,
    ) -> None:
        collection = self._collections.pop((event.connection_id, event.request_id), "")
        self.log.finished(event.command_name, collection, event.duration_micros / 1e6, succeeded)
