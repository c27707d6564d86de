"""GraphQL over HTTP: media types, status codes, methods and malformed requests, per the spec."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import strawberry
from starlette.applications import Starlette
from starlette.routing import Route

from api.http import GRAPHQL_RESPONSE_JSON, GraphQLHTTP, negotiate
from tests.support.app import make_settings, running_app

GQL = {"accept": GRAPHQL_RESPONSE_JSON}
JSON = {"accept": "application/json"}


def code_of(response: httpx.Response) -> str:
    return response.json()["errors"][0]["extensions"]["code"]


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        (None, GRAPHQL_RESPONSE_JSON),
        ("", GRAPHQL_RESPONSE_JSON),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_RESPONSE_JSON, GRAPHQL_RESPONSE_JSON),
        (f"{GRAPHQL_RESPONSE_JSON}, application/json", GRAPHQL_RESPONSE_JSON),
        (f"application/json, {GRAPHQL_RESPONSE_JSON}", "application/json"),
        (f"application/json;q=0.5, {GRAPHQL_RESPONSE_JSON};q=0.9", GRAPHQL_RESPONSE_JSON),
        ("text/html, application/*;q=0.1", "application/json"),
        ("text/plain", None),
        (f"{GRAPHQL_RESPONSE_JSON};q=0", None),
    ],
)
def test_the_response_media_type_follows_the_accept_header(accept, expected):
    assert negotiate(accept) == expected


async def test_the_graphql_media_type_is_answered_when_asked_for(client):
    response = await client.post("/graphql", json={"query": "{ __typename }"}, headers=GQL)
    assert response.status_code == 200
    assert response.headers["content-type"] == f"{GRAPHQL_RESPONSE_JSON}; charset=utf-8"
    assert response.json()["data"] == {"__typename": "Query"}


async def test_json_is_answered_to_clients_that_accept_anything(client):
    response = await client.post("/graphql", json={"query": "{ __typename }"})
    assert response.headers["content-type"] == "application/json; charset=utf-8"


@pytest.mark.parametrize(
    ("query", "code"),
    [("{", "GRAPHQL_PARSE_FAILED"), ("{ nonsense }", "GRAPHQL_VALIDATION_FAILED")],
)
async def test_a_request_error_is_400_without_data_in_the_graphql_media_type(client, query, code):
    response = await client.post("/graphql", json={"query": query}, headers=GQL)
    assert response.status_code == 400
    assert "data" not in response.json()
    assert code_of(response) == code


async def test_a_request_error_is_200_without_data_in_plain_json(client):
    response = await client.post("/graphql", json={"query": "{"}, headers=JSON)
    assert response.status_code == 200
    assert "data" not in response.json()
    assert code_of(response) == "GRAPHQL_PARSE_FAILED"


async def test_variables_that_do_not_fit_are_a_request_error(client):
    query = "query ($n: Int) { countries(first: $n) { totalCount } }"
    response = await client.post(
        "/graphql", json={"query": query, "variables": {"n": "ten"}}, headers=GQL
    )
    assert response.status_code == 400
    assert "data" not in response.json()
    assert code_of(response) == "BAD_USER_INPUT"


async def test_a_field_error_is_200_with_partial_data(client):
    query = '{ country(code: "XX") { name } countries(first: 1) { totalCount } }'
    response = await client.post("/graphql", json={"query": query}, headers=GQL)
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"country": None, "countries": {"totalCount": 249}}
    assert code_of(response) == "NOT_FOUND"


async def test_an_unknown_operation_name_is_a_request_error(client):
    body = {"query": "query A { __typename }", "operationName": "B"}
    response = await client.post("/graphql", json=body, headers=GQL)
    assert response.status_code == 400
    assert code_of(response) == "OPERATION_RESOLUTION_FAILURE"


async def test_queries_run_over_get(client):
    response = await client.get(
        "/graphql",
        params={
            "query": "query Q($n: Int) { countries(first: $n) { totalCount } }",
            "variables": '{"n": 1}',
            "operationName": "Q",
        },
        headers=JSON,
    )
    assert response.status_code == 200
    assert response.json()["data"] == {"countries": {"totalCount": 249}}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"query": "{ __typename }", "variables": "{not json"}, "`variables` must be a JSON"),
        ({"query": "{ __typename }", "variables": "[1]"}, "`variables` must be an object"),
        ([("query", "{ __typename }"), ("query", "{ __typename }")], "`query` is given 2 times"),
        ({"operationName": "Q"}, "`query` is required"),
    ],
)
async def test_malformed_get_parameters_are_400(client, params, message):
    response = await client.get("/graphql", params=params, headers=JSON)
    assert response.status_code == 400
    assert code_of(response) == "BAD_REQUEST"
    assert message in response.json()["errors"][0]["message"]


async def test_a_query_string_that_is_not_utf8_is_400(client):
    response = await client.get("/graphql?query=%7B%FF%7D", headers=JSON)
    assert response.status_code == 400
    assert "not valid UTF-8" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"query": ', "not valid JSON"),
        (b'{"query": "{ country(code: \\"\xff\\") { name } }"}', "not valid UTF-8"),
        (b'"{ __typename }"', "must be a JSON object"),
        (b"42", "must be a JSON object"),
        (b"null", "must be a JSON object"),
        (b"", "not valid JSON"),
        (b"[" * 5000, "not valid JSON"),
        (
            b'{"query": "{ __typename }", "variables": {"x": 1' + b"0" * 400 + b"}}",
            "not valid JSON",
        ),
        (b'{"query": "{ __typename }", "variables": {"x": "\\ud800"}}', "not valid JSON"),
        (b'{"query": 5}', "`query` is required and must be a string"),
        (b'{"query": ["{ __typename }"]}', "`query` is required and must be a string"),
        (b'{"variables": {}}', "`query` is required and must be a string"),
        (b'{"query": "{ __typename }", "operationName": 5}', "`operationName` must be"),
        (b'{"query": "{ __typename }", "operationName": {}}', "`operationName` must be"),
        (b'{"query": "{ __typename }", "variables": [1]}', "`variables` must be an object"),
        (b'{"query": "{ __typename }", "variables": "{}"}', "`variables` must be an object"),
        (b'{"query": "{ __typename }", "extensions": 1}', "`extensions` must be an object"),
    ],
)
async def test_a_malformed_post_body_is_400_with_a_reason(client, body, message):
    response = await client.post(
        "/graphql", content=body, headers={"content-type": "application/json", **GQL}
    )
    assert response.status_code == 400
    assert code_of(response) == "BAD_REQUEST"
    assert message in response.json()["errors"][0]["message"]


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/graphql", "application/json; charset=latin-1"],
)
async def test_a_body_that_is_not_utf8_json_is_415(client, content_type):
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post(
        "/graphql", content=b'{"query": "{ __typename }"}', headers=headers
    )
    assert response.status_code == 415
    assert code_of(response) == "UNSUPPORTED_MEDIA_TYPE"


async def test_a_client_that_accepts_no_json_gets_406(client):
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"accept": "text/plain"}
    )
    assert response.status_code == 406
    assert code_of(response) == "NOT_ACCEPTABLE"


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
async def test_methods_other_than_get_and_post_are_405(client, method):
    response = await client.request(method, "/graphql", json={"query": "{ __typename }"})
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, POST"
    assert code_of(response) == "METHOD_NOT_ALLOWED"


async def test_a_body_declared_over_the_limit_is_413_unread(client):
    response = await client.post(
        "/graphql",
        content=b'{"query": "' + b"x" * 200_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert response.status_code == 413
    assert code_of(response) == "PAYLOAD_TOO_LARGE"
    assert "100000 bytes" in response.json()["errors"][0]["message"]
    assert response.headers["x-request-id"]


async def test_a_streamed_body_is_cut_off_at_the_limit(client):
    chunks_sent = 0

    async def chunks() -> AsyncIterator[bytes]:
        nonlocal chunks_sent
        for _ in range(1000):  # 10 MB, in 10 kB chunks, without a Content-Length
            chunks_sent += 1
            yield b" " * 10_000

    response = await client.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert code_of(response) == "PAYLOAD_TOO_LARGE"
    assert chunks_sent < 20


async def test_a_content_length_that_is_not_a_number_is_400(client):
    response = await client.post(
        "/graphql",
        content=b'{"query": "{ __typename }"}',
        headers={"content-type": "application/json", "content-length": "12abc"},
    )
    assert response.status_code == 400


# --- mutations: diplograph has none yet, so these use a schema of the test's own ------------------


@strawberry.type
class _Query:
    @strawberry.field
    def ping(self) -> str:
        return "pong"


@strawberry.type
class _Mutation:
    @strawberry.mutation
    def touch(self) -> bool:
        return True


@pytest.fixture
async def mutation_client() -> AsyncIterator[httpx.AsyncClient]:
    view = GraphQLHTTP(
        strawberry.Schema(query=_Query, mutation=_Mutation),
        deadline_seconds=5,
        graphql_ide=None,
        settings=make_settings(write_token="w"),
    )
    app = Starlette(routes=[Route("/graphql", view)])
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


async def test_a_mutation_over_get_is_405_and_does_not_run(mutation_client):
    response = await mutation_client.get(
        "/graphql", params={"query": "mutation { touch }"}, headers=GQL
    )
    assert response.status_code == 405
    assert response.headers["allow"] == "POST"
    assert code_of(response) == "METHOD_NOT_ALLOWED"


async def test_a_mutation_over_post_runs(mutation_client):
    response = await mutation_client.post(
        "/graphql", json={"query": "mutation { touch }"}, headers={"authorization": "Bearer w"}
    )
    assert response.json()["data"] == {"touch": True}


async def test_a_query_over_get_runs_beside_mutations(mutation_client):
    response = await mutation_client.get("/graphql", params={"query": "{ ping }"}, headers=GQL)
    assert response.json() == {"data": {"ping": "pong"}}


# --- CORS -----------------------------------------------------------------------------------------


async def test_cors_answers_only_allow_listed_origins():
    settings = make_settings(cors_allow_origins=["https://app.example"])
    async with running_app(settings) as (_app, client):
        allowed = await client.post(
            "/graphql",
            json={"query": "{ __typename }"},
            headers={"origin": "https://app.example"},
        )
        assert allowed.headers["access-control-allow-origin"] == "https://app.example"
        assert "ratelimit" in allowed.headers["access-control-expose-headers"].lower()
        other = await client.post(
            "/graphql", json={"query": "{ __typename }"}, headers={"origin": "https://evil.example"}
        )
        assert "access-control-allow-origin" not in other.headers
        preflight = await client.options(
            "/graphql",
            headers={
                "origin": "https://app.example",
                "access-control-request-method": "POST",
                "access-control-request-headers": "content-type, authorization",
            },
        )
        assert preflight.status_code == 200
        assert "authorization" in preflight.headers["access-control-allow-headers"].lower()


async def test_no_origin_is_allowed_by_default(client):
    response = await client.post(
        "/graphql", json={"query": "{ __typename }"}, headers={"origin": "https://app.example"}
    )
    assert "access-control-allow-origin" not in response.headers
