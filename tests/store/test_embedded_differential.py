"""The indexed embedded engine answers exactly as plain mongomock does.

A hypothesis state machine sends the same random writes (inserts, replaces, updates with upserts,
deletes, drops) and the same random queries (the repository's shapes: `_id` and field equality,
`$in` on plain and array paths, `$or` of `$in`s, anchored prefix regexes, ranges, sorts with skip
and limit, counts, keyset pages) to an engine collection and to a mongomock collection, and
requires the same results, in the same order, or the same kind of error. After every write it also
rebuilds each index from the stored documents and requires it to equal the one kept up to date.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import mongomock
import pytest
from bson import ObjectId
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from pymongo.errors import BulkWriteError

from store import embedded_engine
from store.embedded_engine import Engine
from store.names import prefix_pattern
from store.repository.criteria import Criteria
from tests.support.embedded import assert_indexes_match_rebuild

INDEXED = ["a", "tags", "member.id", "date.earliest", "search_keys", "code", "n"]
PATHS = ["_id", *INDEXED, "b"]  # `b` has no index: its clauses always scan

ids = st.one_of(st.sampled_from("abcdefghijkl"), st.integers(0, 3))
strings = st.sampled_from(["", "x", "xa", "xb", "y", "ka", "kim", "kim gunn", "gunn", "é", "nato"])
dates = st.sampled_from(["2022-06-29", "2022-06-30", "2022-09-26", "2022-09-27", "2023-04-04"])
# Dates are stored in UTC to the millisecond; filters may give them in any zone, or finer.
NOON = dt.datetime(2022, 9, 27, 12, 0, 0, 250_000)
SEOUL = dt.timezone(dt.timedelta(hours=9))
NOON_IN_SEOUL = dt.datetime(2022, 9, 27, 21, 0, 0, 250_999, tzinfo=SEOUL)
scalars = st.one_of(
    strings,
    st.integers(-2, 3),
    st.sampled_from([0.5, 1.0, 2.5, NOON]),
    st.none(),
    st.booleans(),
)
lookups = st.one_of(
    strings, st.integers(-2, 3), st.sampled_from([0.5, 1.0, NOON_IN_SEOUL]), st.none()
)


def _maybe(field: str, values: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.one_of(st.just({}), values.map(lambda value: {field: value}))


member = st.fixed_dictionaries({"id": lookups, "kind": st.sampled_from(["official", "country"])})
documents = st.tuples(
    _maybe("a", st.one_of(scalars, st.lists(scalars, max_size=3), st.just({"x": 1}))),
    _maybe("b", scalars),
    _maybe("tags", st.lists(st.one_of(strings, st.integers(0, 2)), max_size=3)),
    _maybe("member", st.one_of(member, st.lists(member, max_size=3))),
    _maybe("date", st.one_of(dates.map(lambda d: {"earliest": d}), st.just({"earliest": None}))),
    _maybe("search_keys", st.lists(strings, max_size=4)),
    _maybe("code", st.sampled_from(["c1", "c2", "c3"])),
    _maybe("n", st.integers(0, 5)),
).map(lambda parts: {k: v for part in parts for k, v in part.items()})
documents_with_id = st.tuples(ids, documents).map(lambda pair: {"_id": pair[0], **pair[1]})


def _identity(document: dict[str, Any]) -> Any:
    return (type(document["_id"]).__name__, document["_id"])


def _battery() -> list[tuple[dict[str, Any], list[tuple[str, int]] | None, int, int]]:
    specs: list[dict[str, Any]] = [{}]
    for path in PATHS:
        for value in ["", "x", "kim", 1, 0.5, None, "2022-09-26", NOON_IN_SEOUL]:
            specs += [{path: value}, {path: {"$in": [value, "gunn"]}}]
        for key in ["k", "kim", "x", ""]:
            specs.append({path: {"$regex": prefix_pattern(key)}})
        specs += [
            {path: {"$regex": "^ki?"}},
            {path: {"$gte": "2022-06-30", "$lte": "2022-09-27"}},
            {path: {"$gt": "2022-06-30"}},
            {path: {"$gt": 0, "$lt": 2}},
            {path: {"$lte": 1}},
        ]
    specs.append({"$or": [{"member.id": {"$in": ["x", 1]}}, {"tags": {"$in": ["kim"]}}]})
    # An indexed clause the planner can vouch for, with one it cannot read: only both decide.
    for path in ["_id", *INDEXED]:
        for value in ["x", "kim", 1, "c1"]:
            specs += [
                {path: value, "b": "x"},
                {path: {"$in": [value, "gunn"]}, "b": {"$exists": False}},
                {"$and": [{path: value}, {"b": {"$in": [1, "x", None]}}]},
                {"$or": [{path: value}, {"tags": "x"}], "b": {"$ne": 1}},
                {path: {"$regex": prefix_pattern(str(value))}, "n": {"$gt": 1}},
            ]
    found: list[tuple[dict[str, Any], list[tuple[str, int]] | None, int, int]] = [
        (spec, None, 0, 0) for spec in specs
    ]
    for field in ["date.earliest", "n", "a"]:
        for direction in (1, -1):
            for spec in [{}, {"tags": {"$in": ["x", "kim", 1]}}, {"b": {"$exists": False}}]:
                for skip, limit in [(0, 1), (0, 2), (1, 2), (2, 3), (0, 0)]:
                    found.append((spec, [(field, direction), ("_id", 1)], skip, limit))
                    found.append((spec, [(field, direction)], skip, limit))
    return found


BATTERY = _battery()


def _clause(path: str) -> st.SearchStrategy[dict[str, Any]]:
    values = st.lists(lookups, min_size=1, max_size=3)
    shapes = [
        lookups.map(lambda value: {path: value}),
        lookups.map(lambda value: {path: {"$eq": value}}),
        values.map(lambda found: {path: {"$in": found}}),
        st.tuples(dates, dates).map(lambda b: {path: {"$gte": min(b), "$lte": max(b)}}),
        dates.map(lambda bound: {path: {"$lt": bound}}),
        st.tuples(st.integers(-2, 2), st.integers(0, 3)).map(
            lambda b: {path: {"$gt": b[0], "$lte": b[1]}}
        ),
        st.sampled_from(["k", "kim", "kim g", "x", "na", "é", ""]).map(
            lambda key: {path: {"$regex": prefix_pattern(key)}}
        ),
        st.sampled_from(["^k.*", "^ki?", "ki", "^x|^y", "^(?:k)", "^kim\\b"]).map(
            lambda pattern: {path: {"$regex": pattern}}
        ),
        st.just({path: {"$exists": True}}),
    ]
    return st.one_of(shapes)


clauses = st.sampled_from(PATHS).flatmap(_clause)
filters = st.one_of(
    st.just({}),
    clauses,
    st.tuples(clauses, clauses).map(lambda pair: {**pair[0], **pair[1]}),
    st.lists(clauses, min_size=1, max_size=3).map(lambda found: {"$or": found}),
    st.lists(clauses, min_size=1, max_size=2).map(lambda found: {"$and": found}),
    st.sampled_from(["member.id", "_id", "a"]).flatmap(
        lambda path: st.lists(lookups, min_size=1, max_size=3).map(
            lambda values: {"$or": [{path: {"$in": values}}, {"tags": {"$in": values}}]}
        )
    ),
)
sorts = st.one_of(
    st.none(),
    st.lists(
        st.tuples(
            st.sampled_from(["_id", "a", "date.earliest", "n", "b"]), st.sampled_from([1, -1])
        ),
        min_size=1,
        max_size=2,
        unique_by=lambda pair: pair[0],
    ),
)
projections = st.sampled_from([None, {"a": 1}, {"search_keys": 0, "tags": 0}, {"_id": 0, "n": 1}])
updates = st.one_of(
    st.just({"$inc": {"n": 1}}),
    scalars.map(lambda value: {"$set": {"a": value}}),
    lookups.map(lambda value: {"$set": {"member.id": value}}),
    dates.map(lambda value: {"$set": {"date.earliest": value}}),
    st.sampled_from(["c1", "c2", "c3"]).map(lambda value: {"$set": {"code": value}}),
    strings.map(lambda value: {"$push": {"search_keys": value}}),
    st.just({"$unset": {"a": ""}}),
    st.just({"$set": {"_id": "changed"}}),
)


def _outcome(call: Any) -> tuple[str, Any]:
    """("ok", result) or ("error", the exception's class and, for bulk errors, its details)."""
    try:
        return "ok", call()
    except BulkWriteError as error:
        failed = [write_error["index"] for write_error in error.details["writeErrors"]]
        return "error", (BulkWriteError, error.details["nInserted"], failed)
    except Exception as error:  # the point is that both sides raise the same kind of error
        return "error", type(error)


def _without_generated_ids(value: Any) -> Any:
    """Ids generated on each side differ by nature; where they appear is what must agree."""
    if isinstance(value, ObjectId):
        return "<generated id>"
    if isinstance(value, dict):
        return {key: _without_generated_ids(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_without_generated_ids(item) for item in value)
    return value


def _same(engine_call: Any, mock_call: Any) -> Any:
    ours, theirs = _outcome(engine_call), _outcome(mock_call)
    assert _without_generated_ids(ours) == _without_generated_ids(theirs)
    return ours


class SameAnswers(RuleBasedStateMachine):
    """One engine collection and one mongomock collection, driven alike."""

    def __init__(self) -> None:
        super().__init__()
        self.engine = Engine()["db"]["things"]
        self.mock = mongomock.MongoClient()["db"]["things"]
        self._create_indexes()

    def _create_indexes(self) -> None:
        for path in INDEXED:
            unique = {"unique": True, "sparse": True} if path == "code" else {}
            _same(
                lambda p=path, u=unique: self.engine.create_index([(p, 1)], **u),
                lambda p=path, u=unique: self.mock.create_index([(p, 1)], **u),
            )

    # -- writes --------------------------------------------------------------------------------

    @initialize(batch=st.lists(documents_with_id, min_size=5, max_size=20, unique_by=_identity))
    def fill(self, batch: list[dict[str, Any]]) -> None:
        _same(
            lambda: self.engine.insert_many(copy.deepcopy(batch)).inserted_ids,
            lambda: self.mock.insert_many(copy.deepcopy(batch)).inserted_ids,
        )

    @rule(document=st.one_of(documents, documents_with_id))
    def insert_one(self, document: dict[str, Any]) -> None:
        mine, theirs = copy.deepcopy(document), copy.deepcopy(document)
        _same(
            lambda: self.engine.insert_one(mine).inserted_id,
            lambda: self.mock.insert_one(theirs).inserted_id,
        )

    @rule(batch=st.lists(documents_with_id, min_size=1, max_size=5), ordered=st.booleans())
    def insert_many(self, batch: list[dict[str, Any]], ordered: bool) -> None:
        mine, theirs = copy.deepcopy(batch), copy.deepcopy(batch)
        _same(
            lambda: self.engine.insert_many(mine, ordered=ordered).inserted_ids,
            lambda: self.mock.insert_many(theirs, ordered=ordered).inserted_ids,
        )

    @rule(query=filters, replacement=documents, upsert=st.booleans())
    def replace_one(self, query: dict[str, Any], replacement: dict[str, Any], upsert: bool):
        mine, theirs = copy.deepcopy(replacement), copy.deepcopy(replacement)
        _same(
            lambda: self.engine.replace_one(query, mine, upsert=upsert).raw_result["n"],
            lambda: self.mock.replace_one(query, theirs, upsert=upsert).raw_result["n"],
        )

    @rule(query=filters, update=updates, upsert=st.booleans(), many=st.booleans())
    def update(self, query: dict[str, Any], update: dict[str, Any], upsert: bool, many: bool):
        def summary(result: Any) -> tuple[int, int, bool]:
            return result.matched_count, result.modified_count, result.upserted_id is not None

        method = "update_many" if many else "update_one"
        _same(
            lambda: summary(getattr(self.engine, method)(query, update, upsert=upsert)),
            lambda: summary(getattr(self.mock, method)(query, update, upsert=upsert)),
        )

    @rule(query=filters, update=updates, after=st.booleans(), sort=sorts)
    def find_one_and_update(self, query: dict[str, Any], update: dict[str, Any], after, sort):
        _same(
            lambda: self.engine.find_one_and_update(
                query, update, sort=sort, return_document=after
            ),
            lambda: self.mock.find_one_and_update(query, update, sort=sort, return_document=after),
        )

    @rule(query=filters, many=st.booleans())
    def delete(self, query: dict[str, Any], many: bool) -> None:
        method = "delete_many" if many else "delete_one"
        _same(
            lambda: getattr(self.engine, method)(query).deleted_count,
            lambda: getattr(self.mock, method)(query).deleted_count,
        )

    @rule()
    def drop_and_recreate(self) -> None:
        self.engine.drop()
        self.mock.drop()
        self._create_indexes()

    # -- reads ---------------------------------------------------------------------------------

    @rule(
        query=filters,
        projection=projections,
        sort=sorts,
        skip=st.integers(0, 3),
        limit=st.integers(0, 4),
    )
    def find(self, query, projection, sort, skip: int, limit: int) -> None:
        _same(
            lambda: self.engine.find(
                query, copy.deepcopy(projection), sort=sort, skip=skip, limit=limit
            ),
            lambda: list(
                self.mock.find(query, copy.deepcopy(projection), sort=sort, skip=skip, limit=limit)
            ),
        )

    @rule(query=filters)
    def count(self, query: dict[str, Any]) -> None:
        _same(
            lambda: self.engine.count_documents(query),
            lambda: self.mock.count_documents(query),
        )

    @rule(
        query=filters,
        sort=st.sampled_from([[("a", 1)], [("date.earliest", -1)], [("n", 1)], [("n", -1)]]),
        position=st.tuples(lookups, ids),
        forward=st.booleans(),
        inclusive=st.booleans(),
        size=st.integers(1, 3),
    )
    def keyset_page(self, query, sort, position, forward: bool, inclusive: bool, size: int):
        """What `store.repository.graph.page` sends: the documents beyond a keyset position in
        an order ending with `_id`, one more than the page, and the count of the whole list."""
        order = [*sort, ("_id", 1)]
        bounded = Criteria()
        if forward:
            bounded.after(order, list(position), inclusive=inclusive)
        else:
            bounded.before(order, list(position), inclusive=inclusive)
        query = {**query, **bounded.as_query()}
        _same(
            lambda: self.engine.find(query, sort=order, limit=size + 1),
            lambda: list(self.mock.find(query, sort=order, limit=size + 1)),
        )
        _same(
            lambda: self.engine.count_documents(query),
            lambda: self.mock.count_documents(query),
        )

    @rule()
    def battery(self) -> None:
        """Every query shape on every path, with fixed values: what random queries may miss."""
        for spec, sort, skip, limit in BATTERY:
            _same(
                lambda s=spec, o=sort, k=skip, n=limit: self.engine.find(
                    s, sort=o, skip=k, limit=n
                ),
                lambda s=spec, o=sort, k=skip, n=limit: list(
                    self.mock.find(s, sort=o, skip=k, limit=n)
                ),
            )

    @invariant()
    def same_documents_and_consistent_indexes(self) -> None:
        ours, theirs = self.engine.find({}), list(self.mock.find({}))
        assert _without_generated_ids(ours) == _without_generated_ids(theirs)
        assert_indexes_match_rebuild(self.engine)


@contextmanager
def top_k_always() -> Iterator[None]:
    """Walk the sort index for every sorted, limited find (the real thresholds only do it for
    collections far larger than these)."""
    saved = embedded_engine.TOP_K_FACTOR, embedded_engine.TOP_K_MINIMUM
    embedded_engine.TOP_K_FACTOR, embedded_engine.TOP_K_MINIMUM = 0, -1
    try:
        yield
    finally:
        embedded_engine.TOP_K_FACTOR, embedded_engine.TOP_K_MINIMUM = saved


@pytest.mark.parametrize("walk_sort_index", [False, True], ids=["sort-candidates", "top-k"])
def test_the_engine_answers_every_write_and_query_as_mongomock_does(walk_sort_index: bool):
    # A machine run is dozens of steps, each checked against a rebuild: an eighth of the profile's
    # examples keeps the `ci` profile to seconds and gives `long` hundreds of runs.
    runs = max(1, settings.default.max_examples // 8)
    bounded = settings(settings.default, max_examples=runs, stateful_step_count=40)
    if walk_sort_index:
        with top_k_always():
            run_state_machine_as_test(SameAnswers, settings=bounded)
    else:
        run_state_machine_as_test(SameAnswers, settings=bounded)


def test_prefix_regexes_on_search_keys_find_what_a_scan_finds():
    engine = Engine()["db"]["officials"]
    mock = mongomock.MongoClient()["db"]["officials"]
    for collection in (engine, mock):
        collection.create_index([("search_keys", 1)])
    names = ["kim gunn", "gunn", "kim sung han", "kimchi", "kirk", "Kim", "ki+m", "k.m"]
    for number, name in enumerate(names):
        document = {"_id": f"o{number}", "search_keys": [name, name.split()[-1]]}
        engine.insert_one(dict(document))
        mock.insert_one(dict(document))
    for key in ["kim", "ki", "k", "kim g", "ki+", "k.", "gunn", "z", "K"]:
        spec = {"search_keys": {"$regex": "^" + re.escape(key)}}
        assert engine.find(spec) == list(mock.find(spec)), key
        assert engine.find(spec, limit=2) == list(mock.find(spec, limit=2)), key
