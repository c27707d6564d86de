"""With introspection off, the schema cannot be guessed back from error messages.

clairvoyance (the schema-guessing tool an outside test used: 41 types recovered) runs against a
live `diplograph serve` with a small wordlist that holds real field names. In production mode it
must recover no type beyond `Query`; the same run with introspection on (whose messages name
types) shows that the wordlist and the tool do recover types when messages allow it.

clairvoyance pins rich<14, which the project's rich does not allow, so it lives in its own locked
environment, tests/clairvoyance (synced here with the project's pinned uv).
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from bench.attacks import free_port, recovered_types
from tests.support.app import ROOT, make_settings, running_app

CLAIRVOYANCE = ROOT / "tests" / "clairvoyance"
UV = ROOT / ".tools" / "bin" / "uv"
# Real names (root fields, a type's fields, arguments) among words that are not in the schema.
WORDS = [
    "country",
    "countries",
    "official",
    "officials",
    "organisation",
    "meeting",
    "decision",
    "search",
    "name",
    "code",
    "members",
    "participants",
    "capital",
    "sources",
    "quote",
    "user",
    "users",
    "admin",
    "password",
    "login",
    "product",
    "order",
]


@pytest.fixture(scope="module")
def clairvoyance() -> Path:
    """The clairvoyance executable, from its locked environment."""
    if not UV.exists():
        pytest.fail(f"{UV} is missing: run `make install-dev` first")
    subprocess.run(
        [str(UV), "sync", "--locked", "--quiet", "--project", str(CLAIRVOYANCE)],
        check=True,
        env={**os.environ, "UV_PROJECT_ENVIRONMENT": str(CLAIRVOYANCE / ".venv")},
        timeout=300,
    )
    return CLAIRVOYANCE / ".venv" / "bin" / "clairvoyance"


@contextlib.contextmanager
def serving(settings: dict[str, str]) -> Iterator[str]:
    """`diplograph serve` with `settings`; yields its GraphQL URL."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DIPLOGRAPH_")}
    env["MONGODB_URI"] = ""  # empty, not unset: a .env file cannot fill it
    # A budget and a concurrency cap clairvoyance cannot exhaust (it sends many requests at
    # once): this test is about what the messages say.
    env.update(
        {
            "DIPLOGRAPH_LOG_LEVEL": "warning",
            "DIPLOGRAPH_RATE_LIMIT_BUDGET": "1000000000",
            "DIPLOGRAPH_MAX_CONCURRENT_REQUESTS_PER_CLIENT": "1000",
        }
    )
    env.update(settings)
    process = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(600):
            assert process.poll() is None, "diplograph serve exited"
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"http://127.0.0.1:{port}/readyz").status_code == 200:
                    break
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/graphql"
    finally:
        process.terminate()
        process.wait(timeout=15)


def guess(executable: Path, url: str, workdir: Path) -> list[str]:
    """Run clairvoyance with WORDS against `url`: the types it recovered."""
    import json

    wordlist = workdir / "words.txt"
    wordlist.write_text("\n".join(WORDS) + "\n", encoding="utf-8")
    output = workdir / "schema.json"
    output.unlink(missing_ok=True)
    finished = subprocess.run(
        [str(executable), "-w", str(wordlist), "-o", str(output), "-m", "1", url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    # clairvoyance gives up without writing anything when the messages tell it nothing.
    if not output.exists():
        assert "Traceback" in finished.stderr or finished.returncode != 0, finished.stderr
        return []
    return recovered_types(json.loads(output.read_text()))


@pytest.mark.embedded  # its `diplograph serve` runs on the embedded store in either pass
def test_clairvoyance_recovers_no_type_beyond_query_in_production_mode(clairvoyance, tmp_path):
    with serving({"DIPLOGRAPH_PROFILE": "production"}) as url:
        recovered = guess(clairvoyance, url, tmp_path)
    assert set(recovered) <= {"Query"}


@pytest.mark.embedded  # its `diplograph serve` runs on the embedded store in either pass
def test_clairvoyance_does_recover_types_when_messages_name_them(clairvoyance, tmp_path):
    # Debugging: graphql-core's messages as they are, suggestions included.
    with serving({"DIPLOGRAPH_INTROSPECTION": "true", "DIPLOGRAPH_DEBUG": "true"}) as url:
        recovered = guess(clairvoyance, url, tmp_path)
    assert {"Country", "Official"} <= set(recovered)


PROBES = [
    ("{ decision }", None, "Decision"),
    ("{ countries { nodes { nme } } }", None, "Country"),
    ('{ search(query: "nato", types: [COUNTRI]) { matched } }', None, "EntityType"),
    (
        'query($t: [EntityType!]) { search(query: "nato", types: $t) { matched } }',
        {"t": ["COUNTRI"]},
        "COUNTRY",
    ),
    (
        "query($w: CountryWhere) { countries(where: $w) { totalCount } }",
        {"w": {"nameStartsWit": "a"}},
        "nameStartsWith",
    ),
]


@pytest.mark.parametrize(("query", "variables", "unspelled"), PROBES)
async def test_messages_name_nothing_the_request_did_not_spell_with_introspection_off(
    query, variables, unspelled
):
    async with running_app(make_settings(introspection=False)) as (_app, client):
        body = {"query": query, "variables": variables or {}}
        errors = (await client.post("/graphql", json=body)).json()["errors"]
    messages = " ".join(error["message"] for error in errors)
    assert "Did you mean" not in messages
    assert unspelled not in messages


@pytest.mark.parametrize(("query", "variables", "unspelled"), PROBES[:3])
async def test_with_introspection_on_the_same_messages_name_the_types(query, variables, unspelled):
    async with running_app(make_settings(introspection=True)) as (_app, client):
        body = {"query": query, "variables": variables or {}}
        errors = (await client.post("/graphql", json=body)).json()["errors"]
    messages = " ".join(error["message"] for error in errors)
    assert f"'{unspelled}'" in messages
    assert "Did you mean" not in messages
