"""`diplograph serve` hands uvicorn the settings that keep connections healthy under load."""

from __future__ import annotations

import uvicorn
from typer.testing import CliRunner

from api import cli


def test_serve_keeps_idle_connections_open_longer_than_a_proxy_would(monkeypatch):
    # uvicorn's default (5 s) equals httpx's pool expiry and is below nginx's and cloud load
    # balancers' 60 s, so a pooled connection could be closed just as it is reused (a reset).
    given = {}
    monkeypatch.setattr(uvicorn, "run", lambda *args, **kwargs: given.update(kwargs))
    monkeypatch.delenv("DIPLOGRAPH_KEEP_ALIVE_SECONDS", raising=False)

    result = CliRunner().invoke(cli.app, ["serve"])

    assert result.exit_code == 0, result.output
    assert given["timeout_keep_alive"] == 75
