"""An in-process MongoDB-compatible store: mongomock behind PyMongo's async call shapes.

Only the calls the repository functions use are adapted, with the same names and awaitables as
`pymongo.AsyncMongoClient`, so one code path serves both backends. mongomock is synchronous and
in-memory; it is meant for development, tests and small data sets (see the README's performance
section for where it stops being sensible).

Every call into the engine runs on one worker thread of the client's (`EmbeddedClient.run`), not on
the event loop: a query that makes the engine work for seconds no longer stops every other request
for as long, and the request deadline can answer while the engine works on (a call cannot be
interrupted; its result is dropped). One thread because the engine is not thread-safe and Python
runs one thread's bytecode at a time anyway: more threads would add races, not speed. While the
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

import mongomock
from pymongo import DeleteOne, ReplaceOne
from pymongo.errors import ServerSelectionTimeoutError

from store.commands import CommandLog

T = TypeVar("T")
_END = object()


class EmbeddedCursor:
    """The subset of `AsyncCursor` the repository uses: sort, skip, limit, to_list, async for."""

    def __init__(
        self,
        cursor: mongomock.collection.Cursor,
        done: Callable[[float, bool], None],
        client: EmbeddedClient,
    ) -> None:
        self._cursor = cursor
        self._done = done
        self._client = client

    def sort(self, *args: Any, **kwargs: Any) -> EmbeddedCursor:
        self._cursor.sort(*args, **kwargs)
        return self

    def skip(self, count: int) -> EmbeddedCursor:
        self._cursor.skip(count)
        return self

    def limit(self, count: int) -> EmbeddedCursor:
        self._cursor.limit(count)
        return self

    def max_time_ms(self, max_time_ms: int | None) -> EmbeddedCursor:
        return self

    async def to_list(self, length: int | None = None) -> list[dict[str, Any]]:
        # mongomock finds lazily: the work, and so the command's duration, happens here.
        started = time.perf_counter()
        succeeded = False
        try:
            documents = await self._client.run(list, self._cursor)
            succeeded = True
        finally:
            self._done(time.perf_counter() - started, succeeded)
        return documents if length is None else documents[:length]

    def __aiter__(self) -> EmbeddedCursor:
        return self

    async def __anext__(self) -> dict[str, Any]:
        document = await self._client.run(next, self._cursor, _END)
        if document is _END:
            raise StopAsyncIteration
        return document


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
    """`AsyncCollection`'s call shapes over a mongomock collection, counting each command."""

    def __init__(self, database: EmbeddedDatabase, collection: mongomock.Collection) -> None:
        self._database = database
        self._collection = collection
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

    def find(self, query: Mapping[str, Any] | None = None, *args: Any, **kwargs: Any):
        kwargs.pop("max_time_ms", None)
        self._start("find")
        # mongomock's cursor is lazy: the engine works when it is read, on the worker thread.
        return EmbeddedCursor(
            self._collection.find(query, *args, **kwargs),
            lambda seconds, succeeded: self._finished("find", seconds, succeeded),
            self._database.client,
        )

    async def find_one(self, query: Any = None, *args: Any, **kwargs: Any) -> Any:
        kwargs.pop("max_time_ms", None)
        with self._command("find"):
            return await self._run(self._collection.find_one, query, *args, **kwargs)

    async def count_documents(self, query: Mapping[str, Any], **kwargs: Any) -> int:
        kwargs.pop("maxTimeMS", None)
        with self._command("aggregate"):
            return await self._run(self._collection.count_documents, query, **kwargs)

    async def estimated_document_count(self, **kwargs: Any) -> int:
        with self._command("count"):
            return await self._run(self._collection.estimated_document_count)

    async def aggregate(self, pipeline: Sequence[Mapping[str, Any]], **kwargs: Any):
        kwargs.pop("maxTimeMS", None)

        def computed() -> list[dict[str, Any]]:
            return list(self._collection.aggregate(list(pipeline), **kwargs))

        with self._command("aggregate"):
            return EmbeddedCommandCursor(iter(await self._run(computed)))

    async def insert_many(self, documents: Sequence[Mapping[str, Any]], **kwargs: Any) -> Any:
        with self._command("insert"):
            return await self._run(self._collection.insert_many, list(documents), **kwargs)

    async def insert_one(self, document: Mapping[str, Any], **kwargs: Any) -> Any:
        with self._command("insert"):
            return await self._run(self._collection.insert_one, document, **kwargs)

    async def replace_one(self, query: Mapping[str, Any], replacement: Any, **kwargs: Any) -> Any:
        with self._command("update"):
            return await self._run(self._collection.replace_one, query, replacement, **kwargs)

    async def update_one(self, query: Mapping[str, Any], update: Any, **kwargs: Any) -> Any:
        with self._command("update"):
            return await self._run(self._collection.update_one, query, update, **kwargs)

    async def find_one_and_update(self, query: Any, update: Any, **kwargs: Any) -> Any:
        with self._command("findAndModify"):
            return await self._run(self._collection.find_one_and_update, query, update, **kwargs)

    async def delete_one(self, query: Mapping[str, Any], **kwargs: Any) -> Any:
        with self._command("delete"):
            return self._collection.delete_one(query, **kwargs)

    async def delete_many(self, query: Mapping[str, Any], **kwargs: Any) -> Any:
        with self._command("delete"):
            return await self._run(self._collection.delete_many, query, **kwargs)

    async def bulk_write(self, requests: Sequence[Any], **kwargs: Any) -> None:
        """Apply ReplaceOne/DeleteOne requests in order, as one counted command.

        mongomock's own bulk_write does not accept the operation objects of current PyMongo, so
        the operations are unpacked here (their attributes have been stable since PyMongo 3).
        """

        def apply() -> None:
            for request in requests:
                if isinstance(request, ReplaceOne):
                    self._collection.replace_one(
                        request._filter, request._doc, upsert=request._upsert
                    )
                elif isinstance(request, DeleteOne):
                    self._collection.delete_one(request._filter)
                else:
                    raise NotImplementedError(f"the embedded store cannot bulk-write {request!r}")

        with self._command("bulkWrite"):
            await self._run(apply)

    async def create_index(self, keys: Any, **kwargs: Any) -> str:
        with self._command("createIndexes"):
            return await self._run(self._collection.create_index, keys, **kwargs)

    async def index_information(self) -> dict[str, Any]:
        with self._command("listIndexes"):
            return await self._run(self._collection.index_information)

    async def drop(self) -> None:
        with self._command("drop"):
            await self._run(self._collection.drop)


class EmbeddedDatabase:
    """`AsyncDatabase`'s call shapes over a mongomock database."""

    def __init__(self, client: EmbeddedClient, database: mongomock.Database) -> None:
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
            result = await self.client.run(self._database.command, command, **kwargs)
        self.client.commands.finished(name, "", time.perf_counter() - started, True)
        return result

    async def list_collection_names(self) -> list[str]:
        self.client.check_available()
        self.client.commands.record("listCollections")
        return await self.client.run(self._database.list_collection_names)


class EmbeddedClient:
    """`AsyncMongoClient`'s call shapes over one mongomock client.

    `outage` lets tests make the store fail the way an unreachable server does, with the same
    PyMongo exception, so that fault handling is exercised on the embedded path too.
    """

    def __init__(self, commands: CommandLog | None = None) -> None:
        self._client = mongomock.MongoClient()
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
        return EmbeddedDatabase(self, self._client.get_database(name))

    async def drop_database(self, name: str) -> None:
        self.check_available()
        self.commands.record("dropDatabase")
        await self.run(self._client.drop_database, name)

    def check_available(self) -> None:
        if self.outage is not None:
            raise self.outage

    def simulate_outage(self, reason: str = "embedded store made unavailable") -> None:
        self.outage = ServerSelectionTimeoutError(reason)

    def end_outage(self) -> None:
        self.outage = None

    async def close(self) -> None:
        """Close the engine and stop its thread. Closing twice is a no-op: two apps may share one
        store (tests do, as two processes share one MongoDB), and each closes it on shutdown."""
        if self._closed:
            return
        self._closed = True
        await self.run(self._client.close)
        self._worker.shutdown(wait=False)
