"""Static limits: each refusal is a GraphQL error with a stable code and a message that helps."""

from __future__ import annotations

import pytest
from graphql import get_introspection_query
from strawberry.relay.utils import to_base64

from api.limits import MAX_SAME_NAME
from api.settings import Settings
from tests.support.app import graphql, make_settings, running_app


def only_error(body: dict) -> dict:
    assert "data" not in body or body["data"] is None, body
    (error,) = body["errors"]
    return error


def nested(depth: int) -> str:
    """A query whose deepest field is `depth` levels below its root field (the limiter's depth):
    organisation > parent > parent ... > name."""
    return '{ organisation(id: "nato-nac") ' + "{ parent " * (depth - 1) + "{ name }" + " }" * depth


def fragment_bomb(levels: int) -> str:
    """Each fragment selects the one before it under two fields: 2**levels fields expanded."""
    fragments = ["fragment F0 on Organisation { name }"]
    fragments += [
        f"fragment F{i} on Organisation {{ parent {{ ...F{i - 1} }} children {{ ...F{i - 1} }} }}"
        for i in range(1, levels)
    ]
    return f'{{ organisation(id: "nato") {{ ...F{levels - 1} }} }} ' + " ".join(fragments)


def wide_fragment_bomb(levels: int) -> str:
    """Each fragment spreads the one before it twice, side by side: 2**levels `__typename`s."""
    fragments = ["fragment F0 on Query { __typename }"]
    fragments += [f"fragment F{i} on Query {{ ...F{i - 1} ...F{i - 1} }}" for i in range(1, levels)]
    return f"{{ ...F{levels - 1} }} " + " ".join(fragments)


async def test_a_query_at_the_depth_limit_runs(client):
    body = await graphql(client, nested(Settings.model_fields["max_depth"].default))
    assert "errors" not in body


async def test_a_query_past_the_depth_limit_is_refused_as_too_deep(client):
    error = only_error(
        await graphql(client, nested(Settings.model_fields["max_depth"].default + 1))
    )
    assert error["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert "maximum operation depth of 10" in error["message"]


async def test_too_many_aliases_are_refused(client):
    aliases = " ".join(f"a{i}: __typename" for i in range(31))
    error = only_error(await graphql(client, f"{{ {aliases} }}"))
    assert error["extensions"]["code"] == "TOO_MANY_ALIASES"
    assert "Allowed: 30" in error["message"]


async def test_a_token_flood_is_refused_before_parsing_finishes(client):
    error = only_error(await graphql(client, "{ " + "__typename " * 1200 + "}"))
    assert error["extensions"]["code"] == "TOO_MANY_TOKENS"
    assert "more than 1000 tokens" in error["message"]


async def test_a_fragment_bomb_is_refused_by_its_expanded_size(client):
    error = only_error(await graphql(client, fragment_bomb(40)))
    assert error["extensions"] == {"code": "TOO_MANY_FIELDS", "maximum": 500}
    assert "the maximum is 500" in error["message"]


async def test_a_wide_fragment_bomb_is_refused_for_repeating_a_field(client):
    error = only_error(await graphql(client, wide_fragment_bomb(40)))
    assert error["extensions"]["code"] == "TOO_MANY_FIELDS"
    assert "`__typename` is selected" in error["message"]


async def test_repeating_one_field_past_the_limit_is_refused(client):
    repeated = " ".join("countries { totalCount }" for _ in range(MAX_SAME_NAME + 1))
    error = only_error(await graphql(client, f"{{ {repeated} }}"))
    assert error["extensions"]["code"] == "TOO_MANY_FIELDS"
    assert f"at most {MAX_SAME_NAME}" in error["message"]


async def test_repeating_one_field_a_few_times_is_allowed(client):
    body = await graphql(
        client, "{ a: __typename a: __typename ...F } fragment F on Query { a: __typename }"
    )
    assert body["data"] == {"a": "Query"}


async def test_circular_fragments_are_refused_without_recursing(client):
    query = "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"
    error = only_error(await graphql(client, query))
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Cannot spread fragment 'A' within itself via 'B'" in error["message"]


async def test_a_spread_of_an_unknown_fragment_is_a_validation_error(client):
    error = only_error(await graphql(client, "{ ...Missing }"))
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert error["message"] == "Unknown fragment 'Missing'."


async def test_the_schema_download_graphiql_makes_passes_every_limit(client):
    query = get_introspection_query(
        descriptions=True,
        specified_by_url=True,
        directive_is_repeatable=True,
        schema_description=True,
        input_value_deprecation=True,
    )
    body = await graphql(client, query)
    assert "errors" not in body
    assert len(body["data"]["__schema"]["types"]) > 40


async def test_introspection_that_recurses_through_types_is_refused(client):
    query = '{ __type(name: "Country") { fields { type { fields { name } } } } }'
    error = only_error(await graphql(client, query))
    assert error["extensions"]["code"] == "INTROSPECTION_TOO_COMPLEX"
    assert "`fields` once" in error["message"]


async def test_aliased_schema_downloads_are_refused(client):
    error = only_error(
        await graphql(
            client, "{ a: __schema { queryType { name } } b: __schema { queryType { name } } }"
        )
    )
    assert error["extensions"]["code"] == "INTROSPECTION_TOO_COMPLEX"


async def test_field_suggestions_are_withheld_outside_debug(client):
    error = only_error(await graphql(client, "{ countrie { code } }"))
    assert error["message"] == "Cannot query field 'countrie' on type 'Query'."
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_argument_and_enum_suggestions_are_withheld_too(client):
    body = await graphql(
        client,
        "{ countries(frist: 1) { totalCount } "
        "organisations(where: {kind: ALLIANC}) { totalCount } }",
    )
    messages = [error["message"] for error in body["errors"]]
    assert len(messages) == 2
    assert not any("Did you mean" in message for message in messages)


async def test_debug_keeps_suggestions():
    async with running_app(make_settings(debug=True)) as (_app, client):
        error = only_error(await graphql(client, "{ countrie { code } }"))
        assert "Did you mean 'countries' or 'country'?" in error["message"]


async def test_introspection_can_be_turned_off_and_typename_still_works():
    async with running_app(make_settings(introspection=False)) as (_app, client):
        body = await graphql(client, "{ __schema { queryType { name } } }")
        assert "data" not in body
        assert body["errors"][0]["extensions"]["code"] == "INTROSPECTION_DISABLED"
        body = await graphql(client, "{ __typename }")
        assert body["data"] == {"__typename": "Query"}


async def test_graphiql_can_be_turned_off():
    async with running_app(make_settings(graphiql=False)) as (_app, client):
        response = await client.get("/graphql", headers={"accept": "text/html"})
        assert response.status_code == 404
        assert response.json()["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_graphiql_is_served_by_default(client):
    response = await client.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code == 200
    assert "DIPLOGRAPH_GRAPHIQL" in response.text


@pytest.mark.parametrize("argument", ["first", "last"])
async def test_a_page_over_the_maximum_says_the_maximum(client, argument):
    error = only_error(
        await graphql(client, f"{{ countries({argument}: 99999999) {{ totalCount }} }}")
    )
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "maximum": 100}
    assert "between 0 and 100" in error["message"]


async def test_a_page_size_beyond_32_bits_is_a_validation_error(client):
    error = only_error(await graphql(client, "{ countries(first: 99999999999) { totalCount } }"))
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_connections_default_to_fifty_items(client):
    body = await graphql(client, "{ countries { nodes { code } } }")
    assert len(body["data"]["countries"]["nodes"]) == 50


async def test_a_position_cursor_of_an_earlier_release_is_refused(client):
    cursor = to_base64("arrayconnection", 99999999999999999999)
    error = only_error(
        await graphql(client, f'{{ countries(after: "{cursor}") {{ totalCount }} }}')
    )
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "not a cursor of this list: it is a position cursor of an earlier" in error["message"]


async def test_batches_are_refused_while_batching_is_off(client):
    response = await client.post("/graphql", json=[{"query": "{ __typename }"}])
    assert response.status_code == 400
    assert "Batching is off" in response.json()["errors"][0]["message"]


async def test_batches_up_to_the_setting_run_and_larger_ones_are_refused():
    async with running_app(make_settings(max_batch_operations=2)) as (_app, client):
        two = await client.post("/graphql", json=[{"query": "{ __typename }"}] * 2)
        assert [item["data"] for item in two.json()] == [{"__typename": "Query"}] * 2
        three = await client.post("/graphql", json=[{"query": "{ __typename }"}] * 3)
        assert three.status_code == 400
        assert three.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
        assert "1 to 2 operations" in three.json()["errors"][0]["message"]


async def test_the_token_limit_is_the_setting_s():
    async with running_app(make_settings(max_tokens=10)) as (_app, client):
        error = only_error(await graphql(client, "{ " + "__typename " * 12 + "}"))
        within = await graphql(client, "{ __typename }")

    assert error["extensions"]["code"] == "TOO_MANY_TOKENS"
    assert "more than 10 tokens" in error["message"]
    assert within["data"] == {"__typename": "Query"}
