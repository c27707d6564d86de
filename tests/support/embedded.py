"""Checks on the embedded engine's insides: its indexes must always equal a rebuild from the
stored documents, whatever writes came before (the differential and write tests use this)."""

from __future__ import annotations

from typing import Any

from store.embedded_engine import EngineCollection
from store.embedded_index import PathIndex, SortOrder, _posting_keys


def _canonical_keys(postings: dict[Any, Any]) -> dict[Any, set[Any]]:
    return {value: set(_posting_keys(held)) for value, held in postings.items()}


def assert_indexes_match_rebuild(collection: EngineCollection) -> None:
    """Every index equals one built afresh from the stored documents, and the natural order is
    the order of the stored documents."""
    stored = list(collection._decoded())
    for path, index in collection._paths.items():
        fresh = PathIndex(path)
        for key, document in stored:
            fresh.add(key, document)
        assert _canonical_keys(index.postings) == _canonical_keys(fresh.postings), path
        assert set(index.multikey) == set(fresh.multikey), path
        assert set(index.odd) == set(fresh.odd), path
        if index._strings is not None:
            assert list(index._strings) == list(fresh.strings()), path
        if index._numbers is not None:
            assert list(index._numbers) == list(fresh.numbers()), path
        if index._sort is not None:
            order = SortOrder()
            for key, document in stored:
                order.add(path, key, document)
            assert _canonical_keys(index._sort.groups) == _canonical_keys(order.groups), path
            assert list(index._sort.order) == list(order.order), path
            assert set(index._sort.unsortable) == set(order.unsortable), path
    assert list(collection._order) == [key for key, _document in stored]
