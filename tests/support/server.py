"""`diplograph serve` as a real process, for the tests that stop and start it."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from tests.support.app import ROOT
from tests.support.writes import token_entries

START_TIMEOUT_S = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """One `diplograph serve` process on the embedded store, with the test tokens."""

    def __init__(self, data_dir: Path, log_dir: Path, **environment: str) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.log_dir = log_dir
        self.environment = {
            **os.environ,
            "DIPLOGRAPH_DATA_DIR": str(data_dir),
            "DIPLOGRAPH_TOKENS": json.dumps([entry.model_dump() for entry in token_entries()]),
            "DIPLOGRAPH_LOG_LEVEL": "warning",
            **environment,
        }
        self.environment["MONGODB_URI"] = ""  # empty, not unset: a .env file cannot fill it
        self.process: subprocess.Popen[bytes] | None = None
        self.starts = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.starts += 1
        log = (self.log_dir / f"server-{self.port}-{self.starts}.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "serve", "--port", str(self.port)],
            env=self.environment,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited: {self.log()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"the server did not get ready: {self.log()}")

    def stop(self) -> None:
        """SIGTERM, as a service manager stops it; SIGKILL if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def kill(self) -> None:
        """SIGKILL, as a crash: nothing gets to run on the way out."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def log(self) -> str:
        path = self.log_dir / f"server-{self.port}-{self.starts}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""


@contextmanager
def running_server(data_dir: Path, log_dir: Path, **environment: str) -> Iterator[Server]:
    server = Server(data_dir, log_dir, **environment)
    server.start()
    try:
        yield server
    finally:
        server.stop()
