"""A tiny MongoDB wire-protocol responder, so fault tests can drive the real PyMongo client.

No MongoDB server can be installed on the machines this project is built on, yet the fault
behaviour that matters (server selection, pooled sockets, retries, timeouts) lives inside PyMongo.
This fake speaks just enough of the protocol for that: the handshake (`hello` over OP_QUERY or
OP_MSG), `ping`, `createIndexes`, and `find`/`aggregate` answered from an in-memory dict of
documents (filters are ignored: tests put in only what a query should see). The test controls its
life: `stop()` closes the port and drops every connection, `start()` listens on the same port again,
`hang_up_on` makes it drop a connection as soon as a given command arrives, and `stall_on` makes it
never answer that command.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import socket
import struct
from typing import Any

import bson
from bson import SON, Int64

OP_REPLY = 1
OP_QUERY = 2004
OP_MSG = 2013
HEADER = struct.Struct("<iiii")  # messageLength, requestID, responseTo, opCode

HELLO = {
    "helloOk": True,
    "ismaster": True,
    "isWritablePrimary": True,
    "maxBsonObjectSize": 16 * 1024 * 1024,
    "maxMessageSizeBytes": 48_000_000,
    "maxWriteBatchSize": 100_000,
    "minWireVersion": 0,
    "maxWireVersion": 21,  # MongoDB 7.0
    "readOnly": False,
    "ok": 1.0,
}


class FakeMongod:
    """A standalone "MongoDB" on 127.0.0.1 that a test can stop, restart and make misbehave."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.documents: dict[str, list[dict[str, Any]]] = {}
        self.hang_up_on: str | None = None
        self.stall_on: str | None = None
        self.commands: list[str] = []
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._next_id = 0

    @property
    def uri(self) -> str:
        return f"mongodb://127.0.0.1:{self.port}/?directConnection=true"

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", self.port)

    async def stop(self) -> None:
        """Disappear: refuse new connections and cut the open ones, as a crashed server does."""
        if self._server is not None:
            self._server.close()
            self._server = None
        for connection in list(self._connections):
            connection.cancel()
        self._connections.clear()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            while True:
                header = await reader.readexactly(HEADER.size)
                length, request_id, _, op_code = HEADER.unpack(header)
                body = await reader.readexactly(length - HEADER.size)
                command, legacy = self._decode(op_code, body)
                name = next(iter(command))
                self.commands.append(name)
                if name == self.hang_up_on:
                    writer.transport.abort()
                    return
                if name == self.stall_on:
                    await asyncio.Event().wait()  # never answers; stop() cuts the connection
                reply = self._answer(name, command)
                writer.write(self._encode(reply, request_id, legacy))
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._connections.discard(task)
            writer.transport.abort()

    @staticmethod
    def _decode(op_code: int, body: bytes) -> tuple[dict[str, Any], bool]:
        if op_code == OP_QUERY:  # the legacy handshake: flags, collection name, skip, limit, doc
            name_end = body.index(b"\x00", 4)
            return bson.decode(body[name_end + 9 :], codec_options=_ORDERED), True
        if op_code == OP_MSG:  # flag bits, then a kind-0 section holding the command
            return bson.decode(body[5 : 5 + _int32(body, 5)], codec_options=_ORDERED), False
        raise ValueError(f"opcode {op_code} is not spoken here")

    def _answer(self, name: str, command: dict[str, Any]) -> dict[str, Any]:
        if name in ("hello", "isMaster", "ismaster"):
            self._next_id += 1
            return {**HELLO, "localTime": dt.datetime.now(dt.UTC), "connectionId": self._next_id}
        if name in ("find", "aggregate"):
            collection = command[name]
            batch = self.documents.get(collection, []) if isinstance(collection, str) else []
            if name == "aggregate" and any("$group" in stage for stage in command["pipeline"]):
                # count_documents' pipeline ($match, $group {n: {$sum: 1}}), filter ignored.
                batch = [{"_id": 1, "n": len(batch)}] if batch else []
            namespace = f"{command.get('$db', 'test')}.{collection}"
            return {"cursor": {"firstBatch": batch, "id": Int64(0), "ns": namespace}, "ok": 1.0}
        if name in ("ping", "createIndexes", "endSessions", "buildInfo", "dropDatabase"):
            return {"ok": 1.0}
        return {"ok": 0.0, "errmsg": f"no such command: '{name}'", "code": 59}

    @staticmethod
    def _encode(reply: dict[str, Any], response_to: int, legacy: bool) -> bytes:
        document = bson.encode(reply)
        if legacy:  # OP_REPLY: flags, cursor id, starting from, number returned, documents
            body = struct.pack("<iqii", 0, 0, 0, 1) + document
            op_code = OP_REPLY
        else:
            body = struct.pack("<IB", 0, 0) + document
            op_code = OP_MSG
        return HEADER.pack(HEADER.size + len(body), 0, response_to, op_code) + body


_ORDERED = bson.CodecOptions(document_class=SON)


def _int32(data: bytes, offset: int) -> int:
    return struct.unpack_from("<i", data, offset)[0]


def free_port() -> int:
    """A port nothing listens on (the OS just handed it out), for a server to start on later."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
