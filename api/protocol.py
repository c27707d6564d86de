"""How `diplograph serve` reads requests: uvicorn's protocols, with limits and read timeouts.

uvicorn reads a request with httptools (its default when installed) or h11. Neither bounds the
time a client may take to send a request: a client that sends a header line a second, or a body a
byte a second, holds its connection (and, for a body, a request) for as long as it likes, and
uvicorn's keep-alive timeout only starts once a response has been sent. httptools has no limit on
header size either: it accepted a 50 MB header, and twenty unterminated 20 MB headers took 450 MB.
h11 has a size limit (`h11_max_incomplete_event_size`, which uvicorn exposes) but halves the HTTP
layer's throughput (docs/security.md has the measurement, `bench/protocols.py` makes it).

uvicorn lets a server name its own protocol class (`--http module:Class`), so these subclasses add
the limits through uvicorn's own hooks (`connection_made`, `data_received`, the parser callbacks,
`send_400_response`); `diplograph serve` uses the httptools one:

- request line and headers at most `DIPLOGRAPH_MAX_HEADER_BYTES`, at most `DIPLOGRAPH_MAX_HEADERS`
  fields: 431;
- the head must arrive within `DIPLOGRAPH_HEADER_TIMEOUT_SECONDS` of the connection opening or of
  its first byte on a kept-alive connection, the body within `DIPLOGRAPH_BODY_TIMEOUT_SECONDS` of
  the head: 408, and the connection is closed.

Each refusal has a JSON body with `errors[].extensions.code`, like every other refusal.
"""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass
from typing import Any

import h11
import orjson
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from api.settings import Settings


@dataclass(frozen=True)
class ReadLimits:
    max_header_bytes: int
    max_headers: int
    header_timeout_seconds: float
    body_timeout_seconds: float

    @classmethod
    def of(cls, settings: Settings) -> ReadLimits:
        return cls(
            settings.max_header_bytes,
            settings.max_headers,
            settings.header_timeout_seconds,
            settings.body_timeout_seconds,
        )


@functools.cache
def read_limits() -> ReadLimits:
    """This process's limits, read once: uvicorn creates a protocol object per connection."""
    return ReadLimits.of(Settings())


def refusal_bytes(status: int, reason: str, code: str, message: str) -> bytes:
    """A complete HTTP/1.1 response that refuses the request and closes the connection."""
    body = orjson.dumps({"errors": [{"message": message, "extensions": {"code": code}}]})
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "content-type: application/json; charset=utf-8\r\n"
        f"content-length: {len(body)}\r\n"
        "connection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def too_large_message(limits: ReadLimits) -> str:
    return (
        f"The request line and headers are over {limits.max_header_bytes} bytes; "
        "send less in headers (the query goes in the body)."
    )


class ReadTimeouts:
    """The read timeouts and refusals both guarded protocols share: one timer, armed for what the
    connection waits for (a head or a body), and a refusal written before the connection closes."""

    limits: ReadLimits
    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    cycle: Any
    _phase: str | None = None
    _timer: asyncio.TimerHandle | None = None

    def _set_phase(self, phase: str | None) -> None:
        if phase == self._phase:
            return
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._phase = phase
        if phase is not None:
            seconds = (
                self.limits.header_timeout_seconds
                if phase == "head"
                else self.limits.body_timeout_seconds
            )
            self._timer = self.loop.call_later(seconds, self._timed_out, phase, seconds)

    def _timed_out(self, phase: str, seconds: float) -> None:
        self._timer = None
        self._phase = None
        what = "headers" if phase == "head" else "body"
        message = (
            f"The request's {what} did not arrive within {seconds:g} s; the connection is closed."
        )
        cycle = self.cycle
        if phase == "body" and cycle is not None and cycle.response_started:
            self.transport.close()  # the app already answered: nothing more to say
        else:
            self._write_and_close(refusal_bytes(408, "Request Timeout", "REQUEST_TIMEOUT", message))
        if cycle is not None:
            # The app, if it is reading the body, sees the client go.
            cycle.disconnected = True
            cycle.message_event.set()

    def _answer_refused_head(self, refusal: tuple[int, str] | None) -> None:
        """Answer a head the parser refused: 431 over the limits, else 400."""
        status, message = refusal or (400, "The request is not valid HTTP/1.1.")
        reason = "Request Header Fields Too Large" if status == 431 else "Bad Request"
        code = "REQUEST_HEADER_FIELDS_TOO_LARGE" if status == 431 else "BAD_REQUEST"
        self._write_and_close(refusal_bytes(status, reason, code, message))

    def _write_and_close(self, response: bytes) -> None:
        if self.transport is not None and not self.transport.is_closing():
            self.transport.write(response)
            self.transport.close()
        self._set_phase(None)


class Refused(h11.RemoteProtocolError):
    """A request head over the limits (h11 answers its own refusals with this class too)."""


class LimitedConnection(h11.Connection):
    """h11's server connection, refusing request heads with too many fields or bytes."""

    def __init__(self, limits: ReadLimits) -> None:
        super().__init__(h11.SERVER, max_incomplete_event_size=limits.max_header_bytes)
        self.limits = limits
        self.refusal: tuple[int, str] | None = None

    def next_event(self) -> Any:
        try:
            event = super().next_event()
        except h11.RemoteProtocolError as error:
            if error.error_status_hint == 431:
                self.refusal = (431, too_large_message(self.limits))
            raise
        if isinstance(event, h11.Request):
            if len(event.headers) > self.limits.max_headers:
                self.refusal = (
                    431,
                    f"The request has {len(event.headers)} header fields; the most is "
                    f"{self.limits.max_headers}.",
                )
                raise Refused("too many header fields", error_status_hint=431)
            size = len(event.method) + len(event.target) + 12
            size += sum(len(name) + len(value) + 4 for name, value in event.headers)
            if size > self.limits.max_header_bytes:
                self.refusal = (431, too_large_message(self.limits))
                raise Refused("request head too large", error_status_hint=431)
        return event


class GuardedH11Protocol(ReadTimeouts, H11Protocol):
    """uvicorn's h11 protocol with header limits and read timeouts (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = read_limits()
        self.conn = LimitedConnection(self.limits)

    # --- uvicorn's hooks ---

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch()

    def connection_lost(self, exc: Exception | None) -> None:
        self._set_phase(None)
        super().connection_lost(exc)

    def send_400_response(self, msg: str) -> None:
        self._answer_refused_head(self.conn.refusal)

    # --- timeouts ---

    def _watch(self) -> None:
        """Arm the timeout of what the connection is waiting for: a head, or a body."""
        if self.transport is None or self.transport.is_closing():
            self._set_phase(None)
            return
        state = self.conn.their_state
        if state is h11.IDLE:
            waiting_to_start = self.cycle is None or bool(self.conn.trailing_data[0])
            # An idle kept-alive connection is uvicorn's keep-alive timeout's to close.
            self._set_phase("head" if waiting_to_start else None)
        elif state is h11.SEND_BODY:
            self._set_phase("body")
        else:
            self._set_phase(None)


class HeadRefused(Exception):
    """Raised in an httptools callback to stop parsing a request head over the limits."""


class GuardedHttpToolsProtocol(ReadTimeouts, HttpToolsProtocol):
    """uvicorn's httptools protocol with the same limits and timeouts as GuardedH11Protocol.

    httptools has no size limit of its own, so the head's bytes are counted as they arrive (and a
    complete head is measured once parsed); a callback that finds the head over a limit raises,
    which uvicorn handles as a parse error (`send_400_response`, answered here with 431).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.limits = read_limits()
        self._in_head = True  # reading a request line and headers (or waiting for one)
        self._head_bytes = 0
        self._fields = 0
        self._refusal: tuple[int, str] | None = None

    # --- uvicorn's hooks ---

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._set_phase("head")

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
            if self._phase is None:
                self._set_phase("head")  # the first bytes of a request on a kept-alive connection
        super().data_received(data)
        if self._in_head and self._head_bytes > self.limits.max_header_bytes:
            self._refusal = (431, too_large_message(self.limits))
            self.send_400_response("")

    def connection_lost(self, exc: Exception | None) -> None:
        self._set_phase(None)
        super().connection_lost(exc)

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > self.limits.max_header_bytes:
            self._refuse_head(431, too_large_message(self.limits))

    def on_header(self, name: bytes, value: bytes) -> None:
        super().on_header(name, value)
        self._fields += 1
        if self._fields > self.limits.max_headers:
            self._refuse_head(
                431,
                f"The request has more than {self.limits.max_headers} header fields; the most "
                f"is {self.limits.max_headers}.",
            )

    def on_headers_complete(self) -> None:
        size = len(self.url) + 12 + sum(len(n) + len(v) + 4 for n, v in self.headers)
        if size > self.limits.max_header_bytes:
            self._refuse_head(431, too_large_message(self.limits))
        self._in_head = False
        self._head_bytes = 0
        self._fields = 0
        self._set_phase("body")
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        super().on_message_complete()
        self._in_head = True
        self._set_phase(None)

    def send_400_response(self, msg: str) -> None:
        self._answer_refused_head(self._refusal)

    # --- limits and timeouts ---

    def _refuse_head(self, status: int, message: str) -> None:
        self._refusal = (status, message)
        raise HeadRefused(message)
