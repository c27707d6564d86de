"""Counting the commands the app sends to the database: the N+1 tests and /metrics read this."""

from __future__ import annotations

from collections import Counter

from pymongo import monitoring

# Connection housekeeping, not work the app asked for.
_IGNORED = frozenset({"hello", "ismaster", "isMaster", "endSessions", "ping", "buildinfo"})


class CommandLog:
    """A running count of database commands by name and collection."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()

    def record(self, name: str, collection: str = "") -> None:
        if name not in _IGNORED:
            self.counts[(name, collection)] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def reset(self) -> None:
        self.counts.clear()


class CommandListener(monitoring.CommandListener):
    """Feeds a CommandLog from PyMongo's command monitoring (the real-server path)."""

    def __init__(self, log: CommandLog) -> None:
        self.log = log

    def started(self, event: monitoring.CommandStartedEvent) -> None:
        target = event.command.get(event.command_name)
        self.log.record(event.command_name, target if isinstance(target, str) else "")

    def succeeded(self, event: monitoring.CommandSucceededEvent) -> None:
        pass

    def failed(self, event: monitoring.CommandFailedEvent) -> None:
        pass
