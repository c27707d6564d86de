"""The entity registry: every list the code used to write out is derived from it."""

from __future__ import annotations

from store.entities import (
    AUDIT,
    BY_NODE_TYPE,
    COLLECTIONS,
    INDEXES,
    KINDS,
    LINK_FIELDS,
    NAMED_COLLECTIONS,
)


def test_every_collection_has_its_indexes_and_named_ones_a_search_key_index():
    assert list(INDEXES) == [*COLLECTIONS, AUDIT]
    for collection in NAMED_COLLECTIONS:
        assert [("search_keys", 1)] in INDEXES[collection]


def test_kinds_and_collections_are_one_to_one():
    assert (
        len({kind.name for kind in KINDS}) == len({kind.collection for kind in KINDS}) == len(KINDS)
    )


def test_the_path_search_reads_relations_before_structure():
    assert list(LINK_FIELDS) == [
        "posts",
        "memberships",
        "participations",
        "organisations",
        "meetings",
    ]


def test_relations_have_no_node_type():
    assert sorted(BY_NODE_TYPE) == [
        "Article",
        "Country",
        "Decision",
        "Event",
        "Meeting",
        "Official",
        "Organisation",
        "Statement",
    ]
