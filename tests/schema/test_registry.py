"""The schema's node types are the entity registry's: named there, found here by that name."""

from __future__ import annotations

from schema.common import NODE_TYPES, type_for
from store.entities import BY_NODE_TYPE, KINDS


def test_every_node_type_the_registry_names_exists_with_its_collection():
    assert sorted(NODE_TYPES) == sorted(BY_NODE_TYPE)
    for kind in KINDS:
        if kind.node_type:
            assert type_for(kind.name).collection == kind.collection
