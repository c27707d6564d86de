"""The bounds of lists without a page size (schema/bounds.py): every such list has one, and no list
in the seed data is longer than its bound."""

from __future__ import annotations

from typing import Any

import pytest
from graphql import (
    GraphQLObjectType,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
    is_list_type,
)

from api.graphql_schema import build_schema
from schema.bounds import LIST_BOUNDS
from store.repository.dataset import data_state
from tests.support.app import graphql, make_settings, running_app

SCHEMA = build_schema()._schema


def unbounded_lists() -> set[tuple[str, str]]:
    """Every list of objects whose length no argument states (connections say theirs)."""
    found = set()
    for name, type_ in SCHEMA.type_map.items():
        if name.startswith("__") or not isinstance(type_, GraphQLObjectType):
            continue
        connection = {"edges", "pageInfo"} <= type_.fields.keys()
        for field_name, field in type_.fields.items():
            if not is_list_type(get_nullable_type(field.type)):
                continue
            if is_leaf_type(get_named_type(field.type)):
                continue  # scalars and enums cost nothing
            if connection and field_name in ("edges", "nodes"):
                continue
            if {"first", "ids"} & field.args.keys():
                continue
            found.add((name, field_name))
    return found


@pytest.fixture(scope="module")
async def unlimited():
    """The seeded app with no cost limit (these queries read every list of every entity) and the
    sizes of its data."""
    settings = make_settings(max_query_cost=10**9, rate_limit_budget=10**12)
    async with running_app(settings) as (app, client):
        yield client, (await data_state(app.state.store)).sizes


def test_every_list_without_a_page_size_has_a_bound_and_every_bound_a_list():
    assert set(LIST_BOUNDS) == unbounded_lists()


ENTITY_LISTS = {
    "countries": (
        "Country",
        "code",
        "sources memberships officials posts meetings bodies decisions",
    ),
    "officials": ("Official", "slug", "sources posts meetings peopleMet"),
    "organisations": (
        "Organisation",
        "slug",
        "describedAs sources memberships children posts meetings attended decisions",
    ),
    "meetings": ("Meeting", "slug", "sources groups sideMeetings articles"),
}


def selection(fields: str) -> str:
    return " ".join(f"{field} {{ __typename }}" for field in fields.split())


async def all_nodes(client, root: str, key: str, fields: str) -> list[dict[str, Any]]:
    nodes: list[dict[str, Any]] = []
    after = None
    while True:
        cursor = f', after: "{after}"' if after else ""
        body = await graphql(
            client,
            f"{{ {root}(first: 100{cursor}) {{ pageInfo {{ hasNextPage endCursor }} "
            f"nodes {{ {key} {selection(fields)} }} }} }}",
        )
        assert "errors" not in body, body["errors"]
        page = body["data"][root]
        nodes += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            return nodes
        after = page["pageInfo"]["endCursor"]


async def test_no_entity_list_in_the_seed_data_is_longer_than_its_bound(unlimited):
    client, seed_sizes = unlimited
    checked = 0
    for root, (type_name, key, fields) in ENTITY_LISTS.items():
        for node in await all_nodes(client, root, key, fields):
            for field in fields.split():
                bound = LIST_BOUNDS[(type_name, field)].of(seed_sizes)
                assert len(node[field]) <= bound, (type_name, node[key], field)
                checked += len(node[field])
    assert checked > 100  # the seed data's lists are not all empty


RELATION_LISTS = [
    ('{ country(code: "KR") { memberships { sources { __typename } } } }', "Membership", "sources"),
    (
        '{ organisation(id: "nato") { members(first: 100) { nodes { sources { __typename } } } } }',
        "Membership",
        "sources",
    ),
    (
        '{ official(id: "yoon-soon-gu") { posts '
        "{ attested { __typename } sources { __typename } } } }",
        "PostHeld",
        "attested sources",
    ),
    (
        '{ meeting(id: "nac-plus-4-2022-09-27") { participants(first: 100) { nodes '
        "{ sources { __typename } } } groups { sources { __typename } } } }",
        "Participation",
        "sources",
    ),
    (
        '{ organisation(id: "nato-nac") { describedAs { sources { __typename } } decisions '
        "{ sources { __typename } subjects { __typename } } } }",
        "AttestedText",
        "sources",
    ),
    (
        '{ connections(from: "kim-gunn", to: "jens-stoltenberg", maxHops: 4, first: 20) '
        "{ hops { sources { __typename } } } }",
        "Path",
        "hops",
    ),
]


def lists_named(value: Any, name: str) -> list[list[Any]]:
    """Every list under the key `name`, anywhere in a response."""
    found = []
    if isinstance(value, dict):
        for key, child in value.items():
            if key == name and isinstance(child, list):
                found.append(child)
            found += lists_named(child, name)
    elif isinstance(value, list):
        for child in value:
            found += lists_named(child, name)
    return found


async def test_no_relation_list_in_the_seed_data_is_longer_than_its_bound(unlimited):
    client, seed_sizes = unlimited
    owners = {
        "sources": ["Membership", "PostHeld", "Participation", "GroupParticipant", "Decision"],
        "attested": ["PostHeld"],
        "subjects": ["Decision"],
        "hops": ["Path"],
    }
    for query, _type_name, _fields in RELATION_LISTS:
        body = await graphql(client, query)
        assert "errors" not in body, (query, body["errors"])
        for name, types in owners.items():
            longest = max(LIST_BOUNDS[(t, name)].of(seed_sizes) for t in types)
            for found in lists_named(body["data"], name):
                assert len(found) <= longest, (query, name)
