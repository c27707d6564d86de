"""An in-process MongoDB-compatible store: our engine behind PyMongo's async call shapes.

Only the calls the repository functions use are adapted, with the same names and awaitables as
`pymongo.AsyncMongoClient`, so one code path serves both backends. The engine
(`store.embedded_engine`) keeps documents in memory with the declared indexes and mongomock's
query semantics, so its cost follows the size of the answer, not of the collection (see
docs/performance.md).

Every call into the engine runs on one worker thread of the client's (`EmbeddedClient.run`), not on
the event loop: a query that makes the engine work for seconds no longer stops every other request
for as long, and the request deadline can answer while the engine works on (a call cannot be
interrupted; its result is dropped). One thread because Python runs one thread's bytecode at a time
anyway: more threads would only queue on the engine's lock. While the
engine works, the loop still gets the interpreter every `sys.getswitchinterval()` (5 ms).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Any, TypeVar

from mongomock import helpers
from pymongo import DeleteOne, ReplaceOne
from pymongo.errors import ServerSelectionTimeoutError

from store.commands import CommandLog
from store.embedded_engine import Engine, EngineCollection, EngineDatabase

T = TypeVar("T")
FIND_OPTIONS = frozenset({"projection", "sort", "skip", "limit", "batch_size"})


class EmbeddedCursor:
    """The subset of `AsyncCursor` the repository uses: sort, skip, limit, to_list, async for.

    The options are collected and the query runs, as one call to the engine, on the first read.
    """

    def __init__(
        self,
        collection: EmbeddedCollection,
        query: Mapping[str, Any] | None,
        options: dict[str, Any],
    ) -> None:
        self._collection = collection
        self._filter = query
        self._projection = options.get("projection")
        self._sort = options.get("sort")
        self._skip = options.get("skip", 0)
        self._limit = options.get("limit", 0)
        self._documents: Iterator[dict[str, Any]] | None = None

    def sort(self, key_or_list: Any, direction: int | None = None) -> EmbeddedCursor:
        self._sort = helpers.create_index_list(key_or_list, direction)
        if not self._sort:
            raise ValueError("key_or_list must not be the empty list")
        return self

    def skip(self, count: int) -> EmbeddedCursor:
        self._skip = count
        return self

    def limit(self, count: int) -> EmbeddedCursor:
        self._limit = count
        return self

    def max_time_ms(self, max_time_ms: int | None) -> EmbeddedCursor:
        return self

    async def _run(self) -> list[dict[str, Any]]:
        # The work, and so the command's duration, is here: `find` only counted the command.
        collection = self._collection
        started = time.perf_counter()
        succeeded = False
        try:
            documents = await collection._run(
                partial(
                    collection.engine.find,
                    self._filter,
                    self._projection,
                    sort=self._sort,
                    skip=self._skip,
                    limit=self._limit,
                )
            )
            succeeded = True
        finally:
            collection._finished("find", time.perf_counter() - started, succeeded)
        return documents

    async def to_list(self, length: int | None = None) -> list[dict[str, Any]]:
        documents = await self._run() if self._documents is None else list(self._documents)
        return documents if length is None else documents[:length]

    def __aiter__(self) -> EmbeddedCursor:
        return self

    async def __anext__(self) -> dict[str, Any]:
        if self._documents is None:
            self._documents = iter(await self._run())
        try:
            return next(self._documents)
        except StopIteration:
            raise StopAsyncIteration from None


class EmbeddedCommandCursor:
    """The result of `aggregate`, as PyMongo's `AsyncCommandCursor` shapes it (the engine has
    computed it already: what is left is handing the documents over)."""

    def __init__(self, documents: Iterator[dict[str, Any]]) -> None:
        self._documents = documents

    async def to_list(self, length: int | None = None) -> list[dict[str, Any]]:
        documents = list(self._documents)
        return documents if length is None else documents[:length]

    def __aiter__(self) -> EmbeddedCommandCursor:
        return self

    async def __anext__(self) -> dict[str, Any]:
        try:
            return next(self._documents)
        except StopIteration:
            raise StopAsyncIteration from None


class EmbeddedCollection:
    """`AsyncCollection`'s call shapes over an engine collection, counting each command."""

    def __init__(self, database: EmbeddedDatabase, collection: EngineCollection) -> None:
        self._database = database
        self.engine = collection
        self.name: str = collection.name

    @contextmanager
    def _command(self, name: str) -> Iterator[None]:
        """Count the command and time it; during an outage it fails, counted as a failure."""
        self._start(name)
        started = time.perf_counter()
        succeeded = False
        try:
            yield
            succeeded = True
        finally:
            self._finished(name, time.perf_counter() - started, succeeded)

    def _start(self, name: str) -> None:
        client = self._database.client
        try:
            client.check_available()
        except Exception:
            self._finished(name, 0.0, False)
            raise
        client.commands.record(name, self.name)

    def _finished(self, name: str, seconds: float, succeeded: bool) -> None:
        self._database.client.commands.finished(name, self.name, seconds, succeeded)

    async def _run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await self._database.client.run(function, *args, **kwargs)

    def find(
        self, query: Mapping[str, Any] | None = None, projection: Any = None, **kwargs: Any
    ) -> EmbeddedCursor:
        kwargs.pop("max_time_ms", None)
        unknown = set(kwargs) - FIND_OPTIONS
        if unknown:
            raise TypeError(f"the embedded store's find() has no option {sorted(unknown)[0]!r}")
        self._start("find")
        return EmbeddedCursor(self, query, {"projection": projection, **kwargs})

    async def find_one(self, query: Any = None, *args: Any, **kwargs: Any) -> Any:
        kwargs.pop("max_time_ms", None)
        with self._command("find"):
            return await self._run(self.engine.find_one, query, *args, **kwargs)

    async def count_documents(self, query: Mapping[str, Any], **kwargs: Any) -> int:
        kwargs.pop("maxTimeMS", None)
        with self._command("aggregate"):
            return await self._run(self.engine.count_documents, query, **kwargs)

    async def estimated_document_count(self, **kwargs: Any) -> int:
        with self._command("count"):
            return await self._run(self.engine.estimated_document_count)

    async def aggregate(self, pipeline: Sequence[Mapping[str, Any]], **kwargs: Any):
        kwargs.pop("maxTimeMS", None)
        with self._command("aggregate"):
            documents = await self._run(self.engine.aggregate, list(pipeline))
            return EmbeddedCommandCursor(iter(documents))

    async def insert_many(self, documents: Sequence[Mapping[str, Any]], **kwargs: Any) -> Any:
        with self._command("insert"):
            return await self._run(self.engine.insert_many, list(documents), **kwargs)

    async def insert_one(self, document: Mapping[str, Any], **kwargs: Any) -> Any:
        with self._command("insert"):
            return await self._run(self.engine.insert_one, document, **kwargs)

    async def replace_one(self, query: Mapping[str, Any], replacement: Any, **kwargs: Any) -> Any:
        with self._command("update"):
            return await self._run(self.engine.replace_one, query, replacement, **kwargs)

    async def update_one(self, query: Mapping[str, Any], update: Any, **kwargs: Any) -> Any:
        with self._command("update"):
            return await self._run(self.engine.update_one, query, update, **kwargs)

    async def find_one_and_update(self, query: Any, update: Any, **kwargs: Any) -> Any:
        with self._command("findAndModify"):
            return await self._run(self.engine.find_one_and_update, query, update, **kwargs)

    async def delete_one(self, query: Mapping[str, Any], **kwargs: Any) -> Any:
        with self._command("delete"):
            return await self._run(self.engine.delete_one, query, **kwargs)

    async def delete_many(self, query: Mapping[str, Any], **kwargs: Any) -> Any:
        with self._command("delete"):
            return await self._run(self.engine.delete_many, query, **kwargs)

    async def bulk_write(self, requests: Sequence[Any], **kwargs: Any) -> None:
        """Apply ReplaceOne/DeleteOne requests in order, as one counted command; the first
        failure stops the batch and is raised as is.

        The operations are unpacked from PyMongo's request objects (their attributes have been
        stable since PyMongo 3).
        """

        def apply() -> None:
            for request in requests:
                if isinstance(request, ReplaceOne):
                    self.engine.replace_one(request._filter, request._doc, upsert=request._upsert)
                elif isinstance(request, DeleteOne):
                    self.engine.delete_one(request._filter)
                else:
                    raise NotImplementedError(f"the embedded store cannot bulk-write {request!r}")

        with self._command("bulkWrite"):
            await self._run(apply)

    async def create_index(self, keys: Any, **kwargs: Any) -> str:
        with self._command("createIndexes"):
            return await self._run(self.engine.create_index, keys, **kwargs)

    async def index_information(self) -> dict[str, Any]:
        with self._command("listIndexes"):
            return await self._run(self.engine.index_information)

    async def drop(self) -> None:
        with self._command("drop"):
            await self._run(self.engine.drop)


class EmbeddedDatabase:
    """`AsyncDatabase`'s call shapes over an engine database."""

    def __init__(self, client: EmbeddedClient, database: EngineDatabase) -> None:
        self.client = client
        self._database = database
        self.name: str = database.name

    def __getitem__(self, name: str) -> EmbeddedCollection:
        return self.get_collection(name)

    def get_collection(self, name: str) -> EmbeddedCollection:
        return EmbeddedCollection(self, self._database.get_collection(name))

    async def command(self, command: str | Mapping[str, Any], **kwargs: Any) -> dict[str, Any]:
        name = command if isinstance(command, str) else next(iter(command))
        try:
            self.client.check_available()
        except Exception:
            self.client.commands.finished(name, "", 0.0, False)
            raise
        self.client.commands.record(name)
        started = time.perf_counter()
        if name == "ping":
            result = {"ok": 1.0}
        else:
            result = await self.client.run(self._database.command, command)
        self.client.commands.finished(name, "", time.perf_counter() - started, True)
        return result

    async def list_collection_names(self) -> list[str]:
        self.client.check_available()
        self.client.commands.record("listCollections")
        return await self.client.run(self._database.list_collection_names)


class EmbeddedClient:
    """`AsyncMongoClient`'s call shapes over one engine.

    `outage` lets tests make the store fail the way an unreachable server does, with the same
    PyMongo exception, so that fault handling is exercised on the embedded path too.
    """

    def __init__(self, commands: CommandLog | None = None) -> None:
        self.engine = Engine()
        self.commands = commands or CommandLog()
        self.outage: Exception | None = None
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="embedded-store")
        self._closed = False

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one call into the engine on the worker thread (see the module docstring)."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._worker, partial(function, *args, **kwargs))

    def __getitem__(self, name: str) -> EmbeddedDatabase:
        return self.get_database(name)

    def get_database(self, name: str) -> EmbeddedDatabase:
        return EmbeddedDatabase(self, self.engine.get_database(name))

    async def drop_database(self, name: str) -> None:
        self.check_available()
        self.commands.record("dropDatabase")
        await self.run(self.engine.drop_database, name)

    def check_available(self) -> None:
        if self.outage is not None:
            raise self.outage

    def simulate_outage(self, reason: str = "embedded store made unavailable") -> None:
        self.outage = ServerSelectionTimeoutError(reason)

    def end_outage(self) -> None:
        self.outage = None

    async def close(self) -> None:
        """Stop the engine's thread (the data lives as long as the client). Closing twice is a
        no-op: two apps may share one store (tests do, as two processes share one MongoDB), and
        each closes it on shutdown."""
        if self._closed:
            return
        self._closed = True
        self._worker.shutdown(wait=False)
