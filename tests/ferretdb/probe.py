"""Probe FerretDB 1.24 for the features diplograph and MongoDB users touch; SURVEY.md's evidence.

    .venv/bin/python tests/ferretdb/probe.py      # builds .tools/ferretdb first if needed

Prints one line per feature: OK with the answer, or FAIL with the error class and code.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pymongo
from pymongo import DeleteOne, InsertOne, UpdateOne
from pymongo.errors import BulkWriteError, PyMongoError

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.support.ferretdb import running_ferretdb


def attempt(label: str, action: Callable[[], Any]) -> None:
    try:
        print(f"OK   {label}: {str(action())[:150]}")
    except PyMongoError as error:
        code = getattr(error, "code", None)
        print(f"FAIL {label}: {type(error).__name__} code={code} {str(error)[:160]}")


def ids(cursor: Any) -> list[Any]:
    return sorted(document["_id"] for document in cursor)


def bulk(collection: Any, requests: list[Any], ordered: bool) -> Any:
    try:
        return collection.bulk_write(requests, ordered=ordered).bulk_api_result
    except BulkWriteError as error:
        details = error.details
        errors = [(w["index"], w["code"]) for w in details["writeErrors"]]
        return f"nInserted={details['nInserted']} writeErrors={errors}"


def transaction(client: Any, collection: Any) -> str:
    with client.start_session() as session, session.start_transaction():
        collection.insert_one({"_id": 900}, session=session)
    return "committed"


def change_stream(collection: Any) -> Any:
    with collection.watch(max_await_time_ms=100) as stream:
        return stream.try_next()


def per_find_ms(collection: Any, make_filter: Callable[[int], Any], repeats: int = 50) -> str:
    started = time.perf_counter()
    for number in range(repeats):
        list(collection.find(make_filter(number)))
    return f"{(time.perf_counter() - started) * 1000 / repeats:.1f} ms per find"


def main() -> None:
    with running_ferretdb() as server:
        client: Any = pymongo.MongoClient(server.uri)
        db = client.probe
        db.a.insert_many(
            [{"_id": i, "k": f"k{i}", "tags": ["x", f"t{i % 3}"], "n": i} for i in range(10)]
        )
        db.c.insert_one({"_id": 1, "src": [{"article_id": "a1"}, {"article_id": "a2"}]})
        hello = client.admin.command("hello")
        print("version", client.server_info()["version"], "maxWireVersion", hello["maxWireVersion"])

        attempt("unique index", lambda: db.a.create_index("k", unique=True))
        attempt(
            "duplicate key (MongoDB: code 11000)", lambda: db.a.insert_one({"_id": 100, "k": "k1"})
        )
        duplicate = [InsertOne({"_id": 101, "k": "new"}), InsertOne({"_id": 102, "k": "k2"})]
        attempt(
            "ordered bulk_write", lambda: bulk(db.a, [*duplicate, InsertOne({"_id": 103})], True)
        )
        attempt(
            "unordered bulk_write",
            lambda: bulk(
                db.a, [InsertOne({"_id": 104, "k": "k3"}), InsertOne({"_id": 105})], False
            ),
        )
        attempt(
            "mixed bulk_write",
            lambda: bulk(
                db.a, [UpdateOne({"_id": 1}, {"$set": {"m": 1}}), DeleteOne({"_id": 105})], True
            ),
        )
        attempt("listIndexes", lambda: list(db.a.list_indexes()))
        attempt("anchored $regex", lambda: ids(db.a.find({"k": {"$regex": "^k1"}})))
        attempt("$regex i", lambda: ids(db.a.find({"k": {"$regex": "^K1", "$options": "i"}})))
        attempt("$in on array", lambda: ids(db.a.find({"tags": {"$in": ["t1"]}})))
        attempt("$in via sub-docs", lambda: ids(db.c.find({"src.article_id": {"$in": ["a2"]}})))
        attempt(
            "$elemMatch sub-doc",
            lambda: ids(db.c.find({"src": {"$elemMatch": {"article_id": "a1"}}})),
        )
        attempt("maxTimeMS", lambda: len(list(db.a.find({}).max_time_ms(1000))))
        attempt("count skip/limit", lambda: db.a.count_documents({}, skip=1, limit=3))
        attempt(
            "sort skip limit",
            lambda: ids(db.a.find().sort([("n", -1), ("_id", 1)]).skip(2).limit(3)),
        )
        attempt("distinct", lambda: db.a.distinct("tags"))
        attempt("$expr", lambda: ids(db.a.find({"$expr": {"$gt": ["$n", 7]}})))
        for stage in (
            {"$facet": {"x": [{"$count": "n"}]}},
            {"$lookup": {"from": "c", "localField": "_id", "foreignField": "_id", "as": "c"}},
            {
                "$graphLookup": {
                    "from": "c",
                    "startWith": "$_id",
                    "connectFromField": "_id",
                    "connectToField": "_id",
                    "as": "g",
                }
            },
            {"$sample": {"size": 2}},
            {"$group": {"_id": None, "n": {"$sum": 1}}},
        ):
            attempt(next(iter(stage)), lambda stage=stage: list(db.a.aggregate([stage])))
        attempt("text index", lambda: db.a.create_index([("k", "text")]))
        attempt("$text", lambda: list(db.a.find({"$text": {"$search": "k1"}})))
        collation = {"locale": "en", "strength": 1}
        attempt("collation find", lambda: ids(db.a.find({"k": "K1"}, collation=collation)))
        attempt("$jsonSchema", lambda: db.create_collection("v", validator={"$jsonSchema": {}}))
        attempt("transaction", lambda: transaction(client, db.a))
        attempt("change stream", lambda: change_stream(db.a))
        attempt("endSessions", lambda: client.admin.command("endSessions", []))
        attempt(
            "partial index",
            lambda: db.a.create_index("n", partialFilterExpression={"n": {"$gt": 5}}),
        )
        attempt("TTL index", lambda: db.a.create_index("ts", expireAfterSeconds=60))

        db.d.insert_many([{"_id": f"id{i}", "k": f"k{i}"} for i in range(2000)])
        db.d.create_index("k")
        attempt("2000 docs, _id equality", lambda: per_find_ms(db.d, lambda i: {"_id": f"id{i}"}))
        attempt(
            "2000 docs, _id $in",
            lambda: per_find_ms(db.d, lambda i: {"_id": {"$in": [f"id{i}", "id1"]}}),
        )
        attempt("2000 docs, indexed field", lambda: per_find_ms(db.d, lambda i: {"k": f"k{i}"}))
        attempt("drop_database", lambda: client.drop_database("probe"))
        client.close()


if __name__ == "__main__":
    main()
