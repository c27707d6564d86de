"""`diplograph serve`: the settings it hands uvicorn, an address in use refused before anything
starts, the start-up banner, JSON logs from every logger, and refused CORS origins logged."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
import uvicorn
from typer.testing import CliRunner

from api import cli
from api.banner import banner_text, startup_facts
from tests.support.app import ROOT, make_settings, running_app


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_serve_keeps_idle_connections_open_longer_than_a_proxy_would(monkeypatch):
    # uvicorn's default (5 s) equals httpx's pool expiry and is below nginx's and cloud load
    # balancers' 60 s, so a pooled connection could be closed just as it is reused (a reset).
    given = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: given.update(kwargs))
    monkeypatch.delenv("DIPLOGRAPH_KEEP_ALIVE_SECONDS", raising=False)
    monkeypatch.setenv("DIPLOGRAPH_HOST", "127.0.0.1")
    monkeypatch.setenv("DIPLOGRAPH_PORT", str(free_port()))

    result = CliRunner().invoke(cli.app, ["serve"])

    assert result.exit_code == 0, result.output
    assert given["timeout_keep_alive"] == 75


def serve_command(port: int, *args: str) -> list[str]:
    return [
        sys.executable,
        "-m",
        "api.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        *args,
    ]


def clean_environment(**values: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k != "MONGODB_URI" and not k.startswith("DIPLOGRAPH_")
    }
    env["PYTHONPATH"] = str(ROOT)
    return {**env, **values}


def test_a_port_in_use_fails_before_anything_starts_with_one_clear_line(tmp_path: Path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = time.monotonic()
        done = subprocess.run(
            serve_command(port),
            cwd=tmp_path,
            env=clean_environment(DIPLOGRAPH_LOG_FORMAT="text"),
            capture_output=True,
            text=True,
            timeout=60,
        )

    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines == [
        f"ERROR    diplograph: Cannot listen on 127.0.0.1:{port}: the port is in use (is "
        "diplograph already running?). Stop the other server, or choose another port with "
        "--port or DIPLOGRAPH_PORT."
    ]
    assert done.stdout == ""
    assert time.monotonic() - started < 30  # refused before loading the seed data


def test_with_json_logs_every_line_is_json_uvicorn_access_and_error_logs_included(tmp_path):
    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            serve_command(port),
            cwd=tmp_path,
            env=clean_environment(DIPLOGRAPH_LOG_FORMAT="json"),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 90
        while True:
            assert server.poll() is None, log.read_text()
            assert time.monotonic() < deadline, log.read_text()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2):
                    break
            except OSError:
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
            assert answer.status == 200
    finally:
        server.terminate()
        server.wait(30)

    entries = [json.loads(line) for line in log.read_text().splitlines()]
    loggers = {entry["logger"] for entry in entries}
    assert {"diplograph", "uvicorn.error", "uvicorn.access"} <= loggers
    (access,) = [e for e in entries if e["logger"] == "uvicorn.access" and e["path"] == "/healthz"]
    assert (access["method"], access["status"]) == ("GET", 200)
    (banner,) = [e for e in entries if "startup" in e]
    facts = banner["startup"]
    assert facts["url"] == f"http://127.0.0.1:{port}/graphql"
    assert facts["store"].startswith("embedded")
    assert facts["loaded"]["documents"]["countries"] == 249
    assert facts["cors_allow_origins"] == []
    assert facts["security"]["profile"] == "development"


def test_the_banner_lists_address_store_data_origins_and_security_profile():
    settings = make_settings(
        mongodb_uri="mongodb://api:secret@db.example:27017",
        graphiql=False,
        introspection=False,
        cors_allow_origins=["https://app.example.org"],
        api_tokens=["team-a", "team-b"],
    )

    text = banner_text(startup_facts(settings, {"countries": 249, "meetings": 5}, False))

    assert text.splitlines() == [
        "diplograph is ready on http://127.0.0.1:8000/graphql",
        "  store:    MongoDB mongodb://api:***@db.example:27017, database "
        f"{settings.mongodb_database}",
        "  data:     249 countries, 5 meetings",
        "  origins:  https://app.example.org",
        "  security: public profile: graphiql off, introspection off, debug off; 2 API tokens; "
        "writes refused; queries up to 2000 points, budgets of 10000",
    ]


async def test_a_refused_cors_origin_is_logged_with_the_path(caplog: pytest.LogCaptureFixture):
    settings = make_settings(cors_allow_origins=["http://localhost:5173"], seed_on_startup=False)
    async with running_app(settings) as (_app, client):
        with caplog.at_level(logging.WARNING, logger="diplograph.cors"):
            refused = await client.options(
                "/graphql",
                headers={"origin": "https://evil.example", "access-control-request-method": "POST"},
            )
            allowed = await client.options(
                "/graphql",
                headers={
                    "origin": "http://localhost:5173",
                    "access-control-request-method": "POST",
                },
            )
            same_origin = await client.post(
                "/graphql",
                json={"query": "{ __typename }"},
                headers={"origin": "http://diplograph.test"},
            )

    assert (refused.status_code, allowed.status_code, same_origin.status_code) == (400, 200, 200)
    (record,) = [r for r in caplog.records if r.name == "diplograph.cors"]
    assert record.levelname == "WARNING"
    assert (record.origin, record.path) == ("https://evil.example", "/graphql")
    assert record.getMessage() == (
        "refused CORS preflight from origin https://evil.example to /graphql: not in "
        "DIPLOGRAPH_CORS_ALLOW_ORIGINS"
    )


def test_serve_reads_requests_with_the_guarded_protocol(monkeypatch):
    # httptools with header limits and read timeouts: tests/api/test_request_reading.py tests it.
    given = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: given.update(kwargs))

    result = CliRunner().invoke(cli.app, ["serve"])

    assert result.exit_code == 0, result.output
    assert given["http"] == "api.protocol:GuardedHttpToolsProtocol"
