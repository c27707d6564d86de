"""One MongoDB deadline per GraphQL operation, shared by all the database calls it makes.

Each PyMongo operation is already bounded by `timeoutMS` (api/store.py), but an operation that
makes several calls in a row (the response cache's data-version read, then the resolvers' reads,
level by level) would wait that long for each while the database is down. Inside this block they
share one deadline, so a request waits on MongoDB for MONGODB_TIMEOUT_MS at most, whatever it
asks; a call made after the deadline fails at once. The embedded store does not wait, so only the
MongoDB backend gets the extension.
"""

from __future__ import annotations

from collections.abc import Iterator

import pymongo
from strawberry.extensions import SchemaExtension


class DatabaseDeadline(SchemaExtension):
    """Runs the operation inside `pymongo.timeout(seconds)` (PyMongo's client-side operation
    timeout, provisional in PyMongo 4), which every task the operation starts inherits."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds

    def on_operation(self) -> Iterator[None]:
        with pymongo.timeout(self.seconds):
            yield
