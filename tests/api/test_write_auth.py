"""Who may write: tokens by hash with scopes, 401 and 403 with a Bearer challenge, writes only by
POST with JSON, reads public unless a setting says otherwise, `diplograph token create`."""

from __future__ import annotations

import json
import re
from types import SimpleNamespace

import pytest
from starlette.requests import HTTPConnection as Request
from typer.testing import CliRunner

from api import cli
from api.auth import WriteAccess, identify, token_hash
from api.context import RequestContext
from api.errors import Unauthorized
from api.settings import Settings, TokenEntry
from tests.support.app import make_settings, running_app
from tests.support.writes import EDITOR, READER, post, writer_settings

REMOVE_NOTHING = 'mutation { removeArticle(id: "no-such-article", dryRun: true) { ok } }'
READ = '{ official(id: "kim-gunn") { name } }'
EDITOR_BEARER = EDITOR["authorization"].encode()


@pytest.fixture(scope="module")
async def guarded():
    async with running_app(writer_settings()) as (_app, client):
        yield client


@pytest.mark.parametrize(
    ("headers", "error"),
    [
        ({}, None),
        ({"authorization": "Bearer not-a-token-we-know"}, "invalid_token"),
        ({"authorization": f"Basic {EDITOR['authorization'].split()[1]}"}, None),
    ],
)
async def test_a_write_without_a_known_token_is_401_with_a_bearer_challenge(
    guarded, headers, error
):
    response = await post(guarded, REMOVE_NOTHING, headers=headers)

    assert response.status_code == 401
    challenge = response.headers["www-authenticate"]
    assert challenge.startswith('Bearer realm="diplograph"')
    assert (f'error="{error}"' in challenge) if error else ("error=" not in challenge)
    body = response.json()
    assert "data" not in body
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_write_with_a_read_token_is_403_naming_the_missing_scope(guarded):
    response = await post(guarded, REMOVE_NOTHING, headers=READER)

    assert response.status_code == 403
    assert response.headers["www-authenticate"] == (
        'Bearer realm="diplograph", error="insufficient_scope", scope="write"'
    )
    (error,) = response.json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "`reader`" in error["message"] and "`write` scope" in error["message"]


async def test_a_write_with_the_write_scope_runs(guarded):
    response = await post(guarded, REMOVE_NOTHING, headers=EDITOR)

    assert response.status_code == 200
    assert response.json()["data"] == {"removeArticle": {"ok": False}}


async def test_reads_stay_public_by_default_even_with_an_unknown_token(guarded):
    for headers in ({}, {"authorization": "Bearer revoked"}, READER, EDITOR):
        response = await post(guarded, READ, headers=headers)
        assert response.json()["data"] == {"official": {"name": "Kim Gunn"}}


async def test_a_setting_makes_reads_need_a_token_too():
    async with running_app(writer_settings(read_requires_token=True)) as (_app, client):
        anonymous = await post(client, READ)
        assert anonymous.status_code == 401
        assert anonymous.headers["www-authenticate"] == 'Bearer realm="diplograph", scope="read"'
        unknown = await post(client, READ, headers={"authorization": "Bearer revoked"})
        assert unknown.status_code == 401
        for headers in (READER, EDITOR):  # `write` includes reading
            response = await post(client, READ, headers=headers)
            assert response.json()["data"] == {"official": {"name": "Kim Gunn"}}


async def test_a_write_over_get_is_refused_and_runs_nothing(guarded):
    response = await guarded.get(
        "/graphql", params={"query": REMOVE_NOTHING}, headers={**EDITOR, "accept": "*/*"}
    )

    assert response.status_code == 405
    assert response.headers["allow"] == "POST"


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/x-www-form-urlencoded", "query=" + REMOVE_NOTHING.replace(" ", "+")),
        (
            "multipart/form-data; boundary=x",
            f'--x\r\nContent-Disposition: form-data; name="query"'
            f"\r\n\r\n{REMOVE_NOTHING}\r\n--x--\r\n",
        ),
        ("text/plain", json.dumps({"query": REMOVE_NOTHING})),
    ],
)
async def test_a_cross_site_form_post_cannot_reach_a_mutation(guarded, content_type, body):
    # What an HTML form (or a "simple" fetch without a CORS preflight) can send from another
    # site: none of these content types is JSON, so the view refuses it before parsing.
    response = await guarded.post(
        "/graphql", content=body, headers={**EDITOR, "content-type": content_type}
    )

    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == "UNSUPPORTED_MEDIA_TYPE"


async def test_a_cross_site_json_post_from_a_browser_is_not_allowed_by_cors(guarded):
    preflight = await guarded.options(
        "/graphql",
        headers={
            "origin": "https://evil.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "authorization, content-type",
        },
    )

    assert "access-control-allow-origin" not in preflight.headers


async def test_a_mutation_over_a_websocket_is_refused_by_the_field_permission():
    # The view's check covers HTTP; the permission on every mutation covers the rest.
    upgrade = Request({"type": "websocket", "headers": [(b"authorization", EDITOR_BEARER)]})
    context = RequestContext(store=None, settings=writer_settings(), request=upgrade)  # type: ignore[arg-type]
    info = SimpleNamespace(context=context)

    with pytest.raises(Unauthorized, match="POST over HTTP"):
        WriteAccess().has_permission(None, info)


def test_tokens_are_compared_by_hash_and_the_deprecated_write_token_still_writes():
    settings = make_settings(
        tokens=[TokenEntry(id="ci", sha256=token_hash("dg_secret"), scopes=["write"])],
        write_token="legacy-plain",
        api_tokens=["team-token"],
    )

    assert identify("dg_secret", settings).id == "ci"
    assert identify("dg_secret", settings).can("write")
    assert identify("legacy-plain", settings).id == "write-token"
    assert identify("legacy-plain", settings).can("write")
    assert not identify("team-token", settings).can("write")
    assert identify("team-token", settings).can("read")
    assert identify("dg_secreT", settings) is None


def test_a_token_entry_must_be_a_hash_not_a_token():
    with pytest.raises(ValueError, match="sha256"):
        TokenEntry(id="x", sha256="dg_plain-token-pasted-by-mistake", scopes=["write"])


def test_token_create_prints_the_token_once_with_the_settings_line(monkeypatch):
    existing = TokenEntry(id="old", sha256="a" * 64, scopes=["read"])
    monkeypatch.setenv("DIPLOGRAPH_TOKENS", json.dumps([existing.model_dump()]))

    result = CliRunner().invoke(cli.app, ["token", "create", "--scope", "write", "--id", "editor"])

    assert result.exit_code == 0, result.output
    (token,) = re.findall(r"^(dg_\S+)$", result.output, re.MULTILINE)
    (line,) = re.findall(r"^DIPLOGRAPH_TOKENS='(.*)'$", result.output, re.MULTILINE)
    monkeypatch.setenv("DIPLOGRAPH_TOKENS", line)
    configured = Settings(_env_file=None)
    assert [entry.id for entry in configured.tokens] == ["old", "editor"]
    principal = identify(token, configured)
    assert principal is not None and principal.id == "editor" and principal.can("write")
    assert token not in line  # only its hash is configured
    assert len(token) >= 43  # 256 random bits, URL-safe base64


def test_token_create_refuses_an_unknown_scope():
    result = CliRunner().invoke(cli.app, ["token", "create", "--scope", "admin"])

    assert result.exit_code == 2
