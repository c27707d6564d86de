"""A meeting's participants of one kind are asked of the store by kind, and are the same as the
full list filtered by kind (order included)."""

from __future__ import annotations

import pytest

from tests.support.app import graphql

MEETING = "nac-plus-4-2022-09-27"
TYPENAMES = {"OFFICIAL": "Official", "COUNTRY": "Country", "ORGANISATION": "Organisation"}
NODES = """
  nodes {
    role
    participant { __typename ... on Official { slug } ... on Country { code }
                  ... on Organisation { slug } }
    via { label }
  }
"""


def _key(node: dict) -> tuple:
    participant = node["participant"]
    return (participant["__typename"], participant.get("slug") or participant.get("code"))


@pytest.mark.parametrize("kind", sorted(TYPENAMES))
async def test_participants_of_one_kind_are_the_full_list_filtered(client, database_reads, kind):
    everyone = await graphql(
        client,
        f'query {{ meeting(id: "{MEETING}") {{ participants(first: 100) {{ {NODES} }} }} }}',
    )
    assert "errors" not in everyone, everyone
    database_reads.clear()

    some = await graphql(
        client,
        # An operation name of its own: this answer is read from the store, not a cache.
        f'query ParticipantsOfKind{kind} {{ meeting(id: "{MEETING}") '
        f"{{ participants(kind: {kind}, first: 100) {{ {NODES} }} }} }}",
    )

    assert "errors" not in some, some
    wanted = [
        node
        for node in everyone["data"]["meeting"]["participants"]["nodes"]
        if node["participant"]["__typename"] == TYPENAMES[kind]
    ]
    found = some["data"]["meeting"]["participants"]["nodes"]
    assert [_key(n) for n in found] == [_key(n) for n in wanted]
    assert found == wanted
    participations = [read for read in database_reads if read.collection == "participations"]
    assert participations, "the participations were read from the store"
    for read in participations:
        assert read.query.get("participant.kind") == kind.lower(), read.query


async def test_the_seeds_meeting_has_officials_and_countries(client):
    """Without these, the comparison above would say nothing but for empty lists (the seed's NAC+4
    names no organisation: that kind checks the filter leaves nothing in)."""
    body = await graphql(
        client,
        f'query {{ meeting(id: "{MEETING}") {{ participants(first: 100) {{ {NODES} }} }} }}',
    )
    kinds = {
        node["participant"]["__typename"]
        for node in body["data"]["meeting"]["participants"]["nodes"]
    }
    assert {"Official", "Country"} <= kinds
