"""Error masking and the request id, unit by unit (api/graphql_errors.py, api/middleware.py)."""

from __future__ import annotations

import logging

import pytest
from graphql import GraphQLError, GraphQLSyntaxError, Source
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from api.graphql_errors import (
    HIDDEN,
    MASKED_MESSAGE,
    classify,
    ensure_coded,
    library_message,
    spelled_names,
)
from api.middleware import LoggedCORSMiddleware, RequestIdMiddleware, request_id_of
from store.errors import BadInput, DatabaseUnavailable


def test_the_names_a_request_spelled_come_from_its_document_and_its_variables():
    names = spelled_names(
        "query Q($id: ID!) { official(id: $id) { name } }",
        {"id": "kim-gunn", "where": [{"Country": "KR"}], "n": 3},
    )

    assert {"query", "Q", "id", "ID", "official", "name", "kim", "gunn", "where"} <= names
    assert {"Country", "KR"} <= names
    assert "3" not in names and "n" in names
    assert spelled_names(None, None) == frozenset()


def test_suggestions_are_dropped_unless_debugging():
    message = "Cannot query field 'nam' on type 'Official'. Did you mean 'name'?"

    assert library_message(message, debug=False) == "Cannot query field 'nam' on type 'Official'."
    assert library_message(message, debug=True) == message


def test_with_the_names_spelled_a_message_names_nothing_else():
    message = "Field 'decision' of type 'Decision' must have a selection of subfields."

    shown = library_message(message, debug=False, spelled=frozenset({"decision"}))

    assert shown == f"Field 'decision' of type '{HIDDEN}' must have a selection of subfields."
    assert library_message(message, debug=False) == message
    assert library_message('Got "Decision x".', False, frozenset({"Decision"})) == (
        f'Got "{HIDDEN}".'
    )


def test_a_quoted_value_is_cut_to_about_100_characters():
    long = "x" * 300

    shown = library_message(f"Expected a number, got '{long}'.", debug=True)

    assert shown.startswith("Expected a number, got 'xxx")
    assert shown.endswith("… (300 characters)'.")
    assert len(shown) < 160


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (GraphQLSyntaxError(Source("{"), 1, "Expected Name"), "GRAPHQL_PARSE_FAILED"),
        (GraphQLError("Variable '$id' of required type 'ID!' was not provided."), "BAD_USER_INPUT"),
        (GraphQLError("Cannot query field 'x' on type 'Query'."), "GRAPHQL_VALIDATION_FAILED"),
        (GraphQLError("'q' exceeds maximum operation depth of 10"), "QUERY_TOO_DEEP"),
    ],
)
def test_a_library_error_gets_its_code_and_is_not_masked(error, code):
    shown, unexpected = classify(error, "req-1")

    assert shown.extensions["code"] == code
    assert not unexpected
    assert shown.message == error.message


def test_a_library_error_keeps_extensions_it_already_has():
    error = GraphQLError("Cannot query field 'x'.", extensions={"maximum": 3})

    shown, _ = classify(error, None)

    assert shown.extensions == {"code": "GRAPHQL_VALIDATION_FAILED", "maximum": 3}


def test_an_expected_error_keeps_its_message_and_extensions():
    original = BadInput("`first` is out of range.", maximum=100)
    error = GraphQLError("ignored", path=["countries"], original_error=original)

    shown, unexpected = classify(error, "req-1")

    assert (shown.message, shown.extensions, unexpected) == (
        "`first` is out of range.",
        {"code": "BAD_USER_INPUT", "maximum": 100},
        False,
    )
    assert shown.path == ["countries"]


def test_a_variable_that_does_not_fit_is_bad_user_input_without_suggestions():
    inner = GraphQLError("Expected type 'Int'.")
    error = GraphQLError(
        "Variable '$n' got invalid value 'x'. Did you mean 'y'?",
        path=["a"],
        original_error=inner,
        extensions={"field": "n"},
    )

    shown, unexpected = classify(error, None)

    assert shown.message == "Variable '$n' got invalid value 'x'."
    assert shown.extensions == {"code": "BAD_USER_INPUT", "field": "n"}
    assert not unexpected


def test_anything_else_is_masked_with_the_request_id_unless_debugging():
    error = GraphQLError("boom: secret", path=["a"], original_error=RuntimeError("secret"))

    masked, unexpected = classify(error, "req-9")
    shown, _ = classify(error, "req-9", debug=True)

    assert (masked.message, masked.extensions, unexpected) == (
        MASKED_MESSAGE,
        {"code": "INTERNAL_SERVER_ERROR", "requestId": "req-9"},
        True,
    )
    assert shown.message == "boom: secret"


def test_errors_that_escaped_the_policy_are_coded_and_the_unexpected_logged(caplog):
    coded = GraphQLError("already", extensions={"code": "NOT_FOUND"})
    library = GraphQLError("Cannot query field 'x'.")
    broken = GraphQLError("secret", path=["a"], original_error=RuntimeError("secret"))
    down = GraphQLError("down", path=["a"], original_error=DatabaseUnavailable("down"))

    with caplog.at_level(logging.ERROR, logger="diplograph.errors"):
        shown = ensure_coded([coded, library, broken, down], "req-3")

    assert shown[0] is coded
    assert [e.extensions["code"] for e in shown] == [
        "NOT_FOUND",
        "GRAPHQL_VALIDATION_FAILED",
        "INTERNAL_SERVER_ERROR",
        "DATABASE_UNAVAILABLE",
    ]
    assert shown[2].message == MASKED_MESSAGE
    (record,) = [r for r in caplog.records if r.name == "diplograph.errors"]
    assert record.message == "unexpected error outside resolvers"
    assert record.request_id == "req-3"


# --- the request id -----------------------------------------------------------------------------


def id_app() -> Starlette:
    async def echo(request):
        return PlainTextResponse(request_id_of(request) or "none")

    return Starlette(routes=[Route("/", echo)], middleware=[])


async def call(headers: dict[str, str]) -> tuple[str, str]:
    import httpx

    app = RequestIdMiddleware(id_app())
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        response = await client.get("/", headers=headers)
    return response.text, response.headers["x-request-id"]


@pytest.mark.parametrize("given", ["req-123", "A.b_C-9", "x" * 64])
async def test_a_sane_request_id_is_kept_and_echoed(given):
    assert await call({"x-request-id": given}) == (given, given)


@pytest.mark.parametrize("given", ["", "x" * 65, "has space", "semi;colon", "a/b"])
async def test_another_request_id_is_replaced_by_a_new_one(given):
    seen, echoed = await call({"x-request-id": given})

    assert seen == echoed != given
    assert len(seen) == 32 and int(seen, 16) >= 0


async def test_each_request_without_an_id_gets_a_new_one():
    first, _ = await call({})
    second, _ = await call({})

    assert first != second


async def test_the_request_id_middleware_passes_other_scopes_through():
    seen = []

    async def inner(scope, receive, send):
        seen.append(scope)

    await RequestIdMiddleware(inner)({"type": "lifespan"}, None, None)

    assert seen == [{"type": "lifespan"}]


async def test_a_refused_origin_is_logged_and_the_server_s_own_is_not(caplog):
    import httpx

    app = LoggedCORSMiddleware(id_app(), allow_origins=["https://app.example"])
    transport = httpx.ASGITransport(app=app)
    with caplog.at_level(logging.WARNING, logger="diplograph.cors"):
        async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
            await client.get("/", headers={"origin": "https://evil.example"})
            await client.options(
                "/",
                headers={
                    "origin": "https://evil.example",
                    "access-control-request-method": "POST",
                },
            )
            await client.get("/", headers={"origin": "http://api.test"})
            await client.get("/", headers={"origin": "https://app.example"})
            await client.get("/")

    messages = [r.getMessage() for r in caplog.records if r.name == "diplograph.cors"]
    assert messages == [
        "refused CORS request from origin https://evil.example to /: not in "
        "DIPLOGRAPH_CORS_ALLOW_ORIGINS",
        "refused CORS preflight from origin https://evil.example to /: not in "
        "DIPLOGRAPH_CORS_ALLOW_ORIGINS",
    ]
    assert caplog.records[0].origin == "https://evil.example"
    assert caplog.records[0].path == "/"
