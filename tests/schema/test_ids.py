"""Global ids and readable ids are interchangeable wherever an argument names an object; a global
id of the wrong kind is refused, saying what it is."""

from __future__ import annotations

import pytest
from strawberry.relay.utils import to_base64

from tests.support.app import graphql


def gid(type_name: str, identifier: str) -> str:
    return to_base64(type_name, identifier)


# (query with {id} where the object goes, readable id, its global id, a path to a value, the value)
LOOKUPS = [
    ("{{ official(id: {id}) {{ name }} }}", "kim-gunn", gid("Official", "kim-gunn"),
     ("official", "name"), "Kim Gunn"),
    ("{{ organisation(id: {id}) {{ name }} }}", "nato-nac", gid("Organisation", "nato-nac"),
     ("organisation", "name"), "North Atlantic Council"),
    ("{{ meeting(id: {id}) {{ name }} }}", "nac-plus-4-2022-09-27",
     gid("Meeting", "nac-plus-4-2022-09-27"), ("meeting", "name"), "NAC+4 meeting"),
    ("{{ article(id: {id}) {{ publisher }} }}", "korea-times-2022-09-28-nato-mission",
     gid("Article", "korea-times-2022-09-28-nato-mission"), ("article", "publisher"),
     "The Korea Times"),
    ("{{ decision(id: {id}) {{ date {{ value }} }} }}", "nac-2022-09-26-kr-mission",
     gid("Decision", "nac-2022-09-26-kr-mission"), ("decision", "date", "value"), "2022-09-26"),
    ("{{ country(code: {id}) {{ name }} }}", "KR", gid("Country", "KR"), ("country", "name"),
     "South Korea"),
    ("{{ countries(where: {{memberOf: {id}, role: MEMBER, asOf: \"2022-09-27\"}}) "
     "{{ totalCount }} }}", "nato", gid("Organisation", "nato"), ("countries", "totalCount"), 30),
    ("{{ countries(where: {{codes: [{id}]}}) {{ totalCount }} }}", "FI", gid("Country", "FI"),
     ("countries", "totalCount"), 1),
    ("{{ officials(where: {{country: {id}}}) {{ totalCount }} }}", "KR", gid("Country", "KR"),
     ("officials", "totalCount"), 4),
    ("{{ organisations(where: {{parent: {id}}}) {{ totalCount }} }}", "nato",
     gid("Organisation", "nato"), ("organisations", "totalCount"), 2),
    ("{{ organisations(where: {{country: {id}}}) {{ totalCount }} }}", "KR", gid("Country", "KR"),
     ("organisations", "totalCount"), 4),
    ("{{ meetings(where: {{organiser: {id}}}) {{ totalCount }} }}", "nato-nac",
     gid("Organisation", "nato-nac"), ("meetings", "totalCount"), 1),
    ("{{ country(code: \"FI\") {{ memberships(organisation: {id}) {{ role }} }} }}", "nato",
     gid("Organisation", "nato"), ("country", "memberships", 0, "role"), "APPLICANT"),
]  # fmt: skip


def dig(data, path):
    for step in path:
        data = data[step]
    return data


@pytest.mark.parametrize(
    ("query", "readable", "global_id", "path", "value"),
    LOOKUPS,
    ids=[f"{lookup[0].split('(')[0][3:]}-{lookup[1]}" for lookup in LOOKUPS],
)
async def test_a_global_id_works_wherever_a_readable_id_does(
    client, query, readable, global_id, path, value
):
    by_readable = await graphql(client, query.format(id=f'"{readable}"'))
    by_global = await graphql(client, query.format(id=f'"{global_id}"'))

    assert "errors" not in by_readable and "errors" not in by_global
    assert dig(by_readable["data"], path) == dig(by_global["data"], path) == value


async def test_a_global_id_of_another_kind_is_refused_naming_what_it_is(client):
    country_id = gid("Country", "KR")

    body = await graphql(client, f'{{ meeting(id: "{country_id}") {{ name }} }}')

    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["message"] == (
        f"`id` takes a meeting's readable id or global id; '{country_id}' is the global id of a "
        "Country (KR). `node(id:)` takes the global id of any kind of object."
    )


async def test_a_filter_given_a_global_id_of_another_kind_says_which_argument(client):
    body = await graphql(
        client,
        f'{{ officials(where: {{country: "{gid("Official", "kim-gunn")}"}}) {{ totalCount }} }}',
    )

    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert body["errors"][0]["message"].startswith("`country` takes a country's readable id")
