"""FerretDB 1.24 (SQLite), a real MongoDB-protocol server for the tests: build, start, fault, stop.

The binary is our own small Go main over FerretDB's embeddable package (tests/ferretdb/), built
into `.tools/ferretdb` by `make ferretdb`, which rebuilds only when its sources change. Without Go
the tests that need it skip and say why; under CI=true a build or start failure fails them, since
CI has Go and a skip there would hide a broken real-server run. The fixtures that use this are in
tests/support/backend.py.

    with running_ferretdb() as server:
        client = pymongo.MongoClient(server.uri)
        server.pause()    # SIGSTOP: the port accepts, nothing answers
        server.resume()   # SIGCONT
        server.restart()  # SIGKILL, then the same port and data again
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NoReturn

import pymongo
import pytest
from pymongo.errors import PyMongoError

ROOT = Path(__file__).resolve().parents[2]
BINARY = ROOT / ".tools" / "ferretdb"
READY_PREFIX = "ferretdb ready "
START_TIMEOUT_S = 30.0  # first start on a slow CI machine, SQLite files included
STOP_TIMEOUT_S = 10.0
LOG_TAIL_CHARS = 2000


class FerretDBError(RuntimeError):
    """The FerretDB test server could not be built, started or stopped; the message says why."""


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def free_port() -> int:
    """A port nothing listens on (the OS just handed it out), for a server to start on later."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unavailable(reason: str) -> NoReturn:
    """Skip the calling test saying why, or fail it under CI=true, where Go is always installed."""
    if in_ci():
        pytest.fail(f"{reason}. CI runs the FerretDB tests, so this is a failure, not a skip.")
    pytest.skip(reason)


def _make(*arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["make", "--no-print-directory", *arguments],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def build() -> Path:
    """`.tools/ferretdb`, built first if missing or older than its sources (make decides)."""
    if shutil.which("make") is None:
        raise FerretDBError("`make` is not installed; it builds .tools/ferretdb (`make ferretdb`)")
    target = str(BINARY.relative_to(ROOT))
    if _make("--question", target).returncode == 0:
        return BINARY
    if shutil.which("go") is None:
        raise FerretDBError(
            "Go is not installed, and the FerretDB test server is built from Go modules "
            "(`make ferretdb`; see https://go.dev/doc/install)"
        )
    built = _make(target)
    if built.returncode != 0:
        output = (built.stdout + built.stderr)[-LOG_TAIL_CHARS:]
        raise FerretDBError(f"`make ferretdb` failed (exit {built.returncode}):\n{output}")
    return BINARY


class FerretDBServer:
    """One FerretDB process over one SQLite directory, with the faults the tests inflict on it.

    The first start takes any free loopback port; later starts reuse that port and the data, so a
    client configured with `uri` finds the server again after `restart()`.
    """

    def __init__(self, binary: Path, data_dir: Path, log_dir: Path, port: int = 0) -> None:
        self.binary = binary
        self.data_dir = data_dir
        self.log_dir = log_dir
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def uri(self) -> str:
        if not self.port:
            raise FerretDBError("the server has not been started yet, so it has no port")
        return f"mongodb://127.0.0.1:{self.port}/"

    @property
    def stdout_path(self) -> Path:
        return self.log_dir / f"stdout-{self.starts}.txt"

    @property
    def stderr_path(self) -> Path:
        return self.log_dir / f"stderr-{self.starts}.txt"

    def log_tail(self) -> str:
        """The end of the current process's log, for error messages."""
        try:
            return self.stderr_path.read_text(errors="replace")[-LOG_TAIL_CHARS:]
        except FileNotFoundError:
            return ""

    def start(self, timeout: float = START_TIMEOUT_S) -> str:
        """Start the process and return the URI once it answers `ping`."""
        if self.process is not None and self.process.poll() is None:
            raise FerretDBError(f"already running (pid {self.process.pid})")
        self.starts += 1
        command = [
            str(self.binary),
            "-host=127.0.0.1",
            f"-port={self.port}",
            f"-sqlite-dir={self.data_dir}",
            "-log-level=warn",
        ]
        # Files, not pipes: nobody reads the log while the tests run, and a full pipe would
        # block the server.
        with self.stdout_path.open("wb") as stdout, self.stderr_path.open("wb") as stderr:
            self.process = subprocess.Popen(command, stdout=stdout, stderr=stderr)
        deadline = time.monotonic() + timeout
        self.port = self._wait_for_ready_line(deadline)
        self._wait_for_ping(deadline)
        return self.uri

    def _wait_for_ready_line(self, deadline: float) -> int:
        assert self.process is not None
        while time.monotonic() < deadline:
            for line in self.stdout_path.read_text(errors="replace").splitlines():
                if line.startswith(READY_PREFIX):
                    address = line.removeprefix(READY_PREFIX).strip()
                    return int(address.rstrip("/").rsplit(":", 1)[1])
            if self.process.poll() is not None:
                raise FerretDBError(
                    f"FerretDB exited with {self.process.returncode} before it was ready "
                    f"(port {self.port or 'any'}, data {self.data_dir}):\n{self.log_tail()}"
                )
            time.sleep(0.02)
        self.kill()
        raise FerretDBError(f"FerretDB printed no ready line in time:\n{self.log_tail()}")

    def _wait_for_ping(self, deadline: float) -> None:
        last_error: Exception | None = None
        while time.monotonic() < deadline:
            remaining_ms = max(100, int((deadline - time.monotonic()) * 1000))
            client: pymongo.MongoClient = pymongo.MongoClient(
                self.uri, directConnection=True, serverSelectionTimeoutMS=min(remaining_ms, 2000)
            )
            try:
                client.admin.command("ping")
                return
            except PyMongoError as error:
                last_error = error
            finally:
                client.close()
            time.sleep(0.05)
        self.kill()
        raise FerretDBError(f"FerretDB did not answer ping: {last_error}\n{self.log_tail()}")

    def pause(self) -> None:
        """SIGSTOP: connections stay open and the port accepts, but nothing is answered."""
        self._signal(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT after `pause()`: pending requests are answered."""
        self._signal(signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL, as a crash: no goodbye to clients, the SQLite files left as they were."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.kill()
        self.process.wait(timeout=STOP_TIMEOUT_S)

    def stop(self, timeout: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM (after SIGCONT, in case it is paused), then SIGKILL if it lingers.

        FerretDB gives connected clients 3 s to hang up before it exits, so a stop with a client
        still connected takes that long.
        """
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGCONT)
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()

    def restart(self, *, crash: bool = True) -> str:
        """Stop it (SIGKILL by default, else SIGTERM), then start it on the same port and data."""
        if crash:
            self.kill()
        else:
            self.stop()
        return self.start()

    def _signal(self, signum: signal.Signals) -> None:
        if self.process is None or self.process.poll() is not None:
            raise FerretDBError(f"cannot send {signum.name}: the server is not running")
        self.process.send_signal(signum)


@contextmanager
def running_ferretdb(binary: Path | None = None) -> Iterator[FerretDBServer]:
    """A started server on a free loopback port over a temporary SQLite directory, stopped after."""
    with tempfile.TemporaryDirectory(prefix="diplograph-ferretdb-") as scratch:
        root = Path(scratch)
        (root / "data").mkdir()
        server = FerretDBServer(binary or build(), data_dir=root / "data", log_dir=root)
        try:
            server.start()
            yield server
        finally:
            server.stop()
