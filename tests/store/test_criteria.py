"""Criteria as MongoDB filters, unit by unit (store/repository/criteria.py), and the keyset
helpers of store/repository/graph.py: the exact filters the data layer sends."""

from __future__ import annotations

import pytest

from store.repository.criteria import Criteria
from store.repository.graph import keyset_values, values_at, with_tiebreak


def test_no_condition_is_an_empty_filter_and_a_copy_is_independent():
    criteria = Criteria().equal("kind", "alliance")
    copied = criteria.copy().id_in(["nato"])

    assert Criteria().as_query() == {}
    assert criteria.as_query() == {"kind": "alliance"}
    assert copied.as_query() == {"kind": "alliance", "_id": {"$in": ["nato"]}}


def test_conditions_on_several_fields_are_all_required():
    query = (
        Criteria()
        .id_in(iter(["a", "b"]))
        .any_field_in(["x", "y"], iter(["1"]))
        .name_starts_with("kim g")
        .as_query()
    )

    assert query == {
        "_id": {"$in": ["a", "b"]},
        "search_keys": {"$regex": "^kim\\ g"},
        "$and": [{"$or": [{"x": {"$in": ["1"]}}, {"y": {"$in": ["1"]}}]}],
    }


def test_a_key_prefix_on_any_of_several_fields_is_escaped_and_anchored():
    query = Criteria().any_key_starts_with(iter(["search_keys", "place_keys"]), "a.b").as_query()

    assert query == {
        "$and": [
            {
                "$or": [
                    {"search_keys": {"$regex": "^a\\.b"}},
                    {"place_keys": {"$regex": "^a\\.b"}},
                ]
            }
        ]
    }


def test_a_name_or_code_matches_a_name_key_an_id_or_an_alpha3_code():
    assert Criteria().named_or_coded("korea", "KOR").as_query() == {
        "$and": [{"$or": [{"search_keys": "korea"}, {"_id": "KOR"}, {"alpha3": "KOR"}]}]
    }


def test_a_place_is_its_key_or_one_of_its_countries():
    assert Criteria().at_place("brussels", iter(["BE"])).as_query() == {
        "$and": [{"$or": [{"place_keys": "brussels"}, {"location.country_id": {"$in": ["BE"]}}]}]
    }
    assert Criteria().at_place("brussels", []).as_query() == {
        "$and": [{"$or": [{"place_keys": "brussels"}]}]
    }


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2022-01-01", "2022-12-31", {"d": {"$gte": "2022-01-01", "$lte": "2022-12-31"}}),
        ("2022-01-01", None, {"d": {"$gte": "2022-01-01"}}),
        (None, "2022-12-31", {"d": {"$lte": "2022-12-31"}}),
        (None, None, {}),
    ],
)
def test_a_range_of_dates_is_inclusive_and_open_where_not_given(start, end, expected):
    assert Criteria().between("d", start, end).as_query() == expected


def test_a_period_overlaps_a_range_when_it_starts_before_its_end_and_ends_after_its_start():
    query = (
        Criteria()
        .overlapping(
            "date.earliest", ["end_date.latest", "date.latest"], "2022-09-01", "2022-09-30"
        )
        .as_query()
    )

    assert query == {
        "$and": [
            {"date.earliest": {"$lte": "2022-09-30"}},
            {
                "$or": [
                    {"end_date.latest": {"$gte": "2022-09-01"}},
                    {"end_date": None, "date.latest": {"$gte": "2022-09-01"}},
                ]
            },
        ]
    }
    assert Criteria().overlapping("a", ["b"], None, None).as_query() == {}


def test_a_keyset_bound_compares_field_by_field_with_the_id_last():
    sort = [("sort_name", 1), ("_id", 1)]

    after = Criteria().after(sort, ["k", "KR"]).as_query()
    before = Criteria().before(sort, ["k", "KR"]).as_query()
    at_or_after = Criteria().after(sort, ["k", "KR"], inclusive=True).as_query()
    at_or_before = Criteria().before(sort, ["k", "KR"], inclusive=True).as_query()

    assert after == {
        "$and": [{"$or": [{"sort_name": {"$gt": "k"}}, {"sort_name": "k", "_id": {"$gt": "KR"}}]}]
    }
    assert before == {
        "$and": [{"$or": [{"sort_name": {"$lt": "k"}}, {"sort_name": "k", "_id": {"$lt": "KR"}}]}]
    }
    assert at_or_after["$and"][0]["$or"][1] == {"sort_name": "k", "_id": {"$gte": "KR"}}
    assert at_or_after["$and"][0]["$or"][0] == {"sort_name": {"$gt": "k"}}
    assert at_or_before["$and"][0]["$or"][1] == {"sort_name": "k", "_id": {"$lte": "KR"}}


def test_a_descending_field_is_bounded_the_other_way():
    sort = [("sort_date", -1), ("_id", 1)]

    assert Criteria().after(sort, ["2022", "m"]).as_query() == {
        "$and": [
            {"$or": [{"sort_date": {"$lt": "2022"}}, {"sort_date": "2022", "_id": {"$gt": "m"}}]}
        ]
    }


def test_a_keyset_needs_one_value_per_sort_field():
    with pytest.raises(ValueError, match="a keyset needs 2 values, one per sort field; got 1"):
        Criteria().after([("a", 1), ("_id", 1)], ["x"])


def test_every_order_ends_with_the_id_once():
    assert with_tiebreak([("sort_name", 1)]) == [("sort_name", 1), ("_id", 1)]
    assert with_tiebreak([("_id", -1)]) == [("_id", -1)]
    assert with_tiebreak([("a", 1), ("_id", 1)]) == [("a", 1), ("_id", 1)]


def test_a_position_is_the_value_at_each_sort_path():
    document = {"_id": "m", "date": {"earliest": "2022-09-27"}, "name": None}

    assert keyset_values(document, [("date.earliest", 1), ("_id", 1)]) == ["2022-09-27", "m"]
    assert keyset_values(document, [("missing.path", 1), ("name.x", 1)]) == [None, None]


def test_values_at_a_path_descend_into_arrays_as_mongodb_does():
    document = {"a": [{"b": "x"}, {"b": ["y", "x"]}, {"c": 1}], "d": "z"}

    assert values_at(document, ["a", "b"]) == ["x", "y"]
    assert values_at(document, ["d"]) == ["z"]
    assert values_at(document, ["missing"]) == []
    assert values_at(document, []) == [document]
    assert values_at([1, 2], []) == [1, 2]
