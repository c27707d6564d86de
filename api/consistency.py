"""Reads never see a write half-done.

In this process, a readers-writer lock: every query runs holding it shared, a write's commit
(its change sets, the data version bump) holding it exclusively, so a query sees the graph before
a write or after it, never between. Writers go first: once one waits, new queries wait behind it,
so a stream of queries cannot starve a write (a write waits at most for the queries already
running, each bounded by the request deadline).

Across processes on MongoDB, the view compares the data state (`store.repository.dataset`)
before and after running a query: a version that moved, or a write marker held on a server
without transactions, means another process wrote during the read, and the query runs again.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator


class ReadWriteLock:
    """Many readers or one writer, writers first (see the module docstring).

    Every change of state is synchronous, so a task cancelled at any await (the request deadline)
    never leaves a count behind."""

    def __init__(self) -> None:
        self._readers = 0
        self._writing = False
        self._writers_waiting = 0
        self._waiters: list[asyncio.Future[None]] = []

    def _wake(self) -> None:
        for waiter in self._waiters:
            if not waiter.done():
                waiter.set_result(None)
        self._waiters.clear()

    async def _wait(self) -> None:
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        await waiter

    @contextlib.asynccontextmanager
    async def reading(self) -> AsyncIterator[None]:
        while self._writing or self._writers_waiting:
            await self._wait()
        self._readers += 1
        try:
            yield
        finally:
            self._readers -= 1
            self._wake()

    @contextlib.asynccontextmanager
    async def writing(self) -> AsyncIterator[None]:
        self._writers_waiting += 1
        try:
            while self._writing or self._readers:
                await self._wait()
        finally:
            self._writers_waiting -= 1
            self._wake()
        self._writing = True
        try:
            yield
        finally:
            self._writing = False
            self._wake()
