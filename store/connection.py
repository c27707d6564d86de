"""The one place that creates the database handle, checks it answers, and creates the indexes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pymongo import AsyncMongoClient
from pymongo.errors import PyMongoError

from store.commands import CommandListener, CommandLog
from store.embedded import EmbeddedClient
from store.entities import INDEXES
from store.errors import DatabaseUnavailable


@dataclass(frozen=True)
class StoreConfig:
    """Where the data lives: a MongoDB URI (None: the embedded store), the database name, and the
    deadline of one request's database calls. Plain values: `api.settings` reads them."""

    uri: str | None
    database: str = "diplograph"
    timeout_ms: int = 2000

    @property
    def embedded(self) -> bool:
        """True when no MongoDB server is configured and the in-process store is used."""
        return not self.uri


@dataclass
class Store:
    """A connected database handle and the command log that watches it."""

    client: Any
    db: Any
    embedded: bool
    timeout_ms: int
    commands: CommandLog = field(default_factory=CommandLog)
    transactions: bool = False
    """Whether writes run as one multi-document transaction (`detect_capabilities` sets it)."""
    change_streams: bool = False
    """Whether the server can stream changes to other processes (`detect_capabilities`)."""
    measured: dict[int, Any] = field(default_factory=dict)
    """Sizes measured for data versions that have none stored (store.repository.sizes)."""

    def __getitem__(self, collection: str) -> Any:
        return self.db[collection]

    async def ping(self) -> None:
        """Raise DatabaseUnavailable unless the database answers a ping."""
        try:
            await self.db.command("ping")
        except PyMongoError as error:
            raise DatabaseUnavailable(f"The database did not answer: {error}") from error

    async def detect_capabilities(self) -> None:
        """Ask the server (`hello`) whether it has transactions and change streams."""
        if self.embedded:
            self.transactions = self.change_streams = False
            return
        try:
            hello = await self.db.command("hello")
        except PyMongoError as error:
            raise DatabaseUnavailable(f"The database did not answer: {error}") from error
        self.transactions = self.change_streams = replicated(hello)

    async def ensure_indexes(self) -> None:
        """Create every index in INDEXES; creating an existing index is a no-op on both backends."""
        try:
            for collection, indexes in INDEXES.items():
                for keys in indexes:
                    await self.db[collection].create_index(keys)
        except PyMongoError as error:
            raise DatabaseUnavailable(f"Could not create indexes: {error}") from error

    async def drop_database(self) -> None:
        """Delete the whole database (tests use a throwaway database per run)."""
        await self.client.drop_database(self.db.name)

    async def close(self) -> None:
        await self.client.close()


def replicated(hello: dict[str, Any]) -> bool:
    """Whether a server's `hello` answer is from a replica set member or a mongos: the servers
    with multi-document transactions and change streams. A standalone server (and FerretDB 1.24)
    answers without `setName`, and has neither."""
    sessions = hello.get("logicalSessionTimeoutMinutes") is not None
    return sessions and (bool(hello.get("setName")) or hello.get("msg") == "isdbgrid")


def create_store(config: StoreConfig) -> Store:
    """Build the handle: PyMongo's AsyncMongoClient for a URI, the embedded store otherwise.

    Creating the client does not connect; the first command (usually the start-up ping) does.
    `timeoutMS` bounds each operation as a whole (server selection, checkout, the round trip and
    PyMongo's automatic retries), so a stalled server costs one timeout, not one per try; PyMongo
    derives each command's server-side `maxTimeMS` from what is left of it. A GraphQL operation's
    calls also share one deadline (`GraphQLHTTP.execute_single` in api/http.py).
    """
    commands = CommandLog()
    if config.embedded:
        client: Any = EmbeddedClient(commands)
    else:
        timeout = config.timeout_ms
        client = AsyncMongoClient(
            config.uri,
            serverSelectionTimeoutMS=timeout,
            connectTimeoutMS=timeout,
            timeoutMS=timeout,
            event_listeners=[CommandListener(commands)],
            appname="diplograph",
        )
    return Store(
        client=client,
        db=client[config.database],
        embedded=config.embedded,
        timeout_ms=config.timeout_ms,
        commands=commands,
    )
