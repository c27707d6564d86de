"""The embedded store's engine: documents kept as BSON, indexed in memory, matched by mongomock.

mongomock gives the embedded store MongoDB's semantics (matching, sorting, projection, update
operators, aggregation stages), but it answers every query by scanning and deep-copying every
document of the collection, so its cost follows the data, not the answer. This engine keeps
mongomock's semantics and changes where documents live and how they are found:

- Each document is stored as the BSON bytes a server would store (`_id` first, datetimes in UTC
  to the millisecond), so a read decodes a fresh copy (faster than mongomock's deep copy, and no
  caller can change what is stored) and the data takes about its JSON size in memory.
- The indexes the app declares (`create_index`) are kept in memory (`store.embedded_index`) and
  name the candidate documents of a query; mongomock's matcher then checks each candidate, so the
  answer is the one mongomock gives, in the same order (the order of insertion, unless sorted).
- Writes go through `_store_document` and `_drop_document`, which keep every index in step.
  Update operators are applied by mongomock itself, to a copy of the one document they change.

Every public method takes the engine's lock, so the store may be called from several threads.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from typing import Any

import bson
import mongomock
from bson import ObjectId
from mongomock import helpers
from mongomock.aggregate import process_pipeline
from mongomock.collection import (
    _validate_data_fields,
    validate_is_mapping,
    validate_ok_for_replace,
    validate_ok_for_update,
)
from mongomock.filtering import filter_applies, resolve_sort_key
from pymongo import ReturnDocument
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure, WriteError
from pymongo.results import DeleteResult, InsertManyResult, InsertOneResult, UpdateResult

from store.embedded_index import Document, Key, PathIndex, plan, sort_key

# A sort whose first key has an index is answered by walking that index, instead of sorting every
# candidate, once the candidates outnumber the page by this much.
TOP_K_FACTOR = 4
TOP_K_MINIMUM = 64


_PLAIN = (str, int, float, bool, type(None))


def _needs_patching(value: Any) -> bool:
    """Whether mongomock's `patch_datetime_awareness_in_document` would change `value`: it
    rebuilds every container, so a query with thousands of ids costs milliseconds to patch for
    nothing (only dates, timestamps and tuples come out different)."""
    if isinstance(value, _PLAIN):
        return False
    if isinstance(value, dict):
        return any(_needs_patching(item) for item in value.values())
    if type(value) is list:
        return not all(type(item) is str for item in value) and any(map(_needs_patching, value))
    return True


def _patched(query: Any) -> Any:
    """The query as mongomock matches it: dates in UTC, to the millisecond."""
    return helpers.patch_datetime_awareness_in_document(query) if _needs_patching(query) else query


def _plain_sort(options: Any) -> bool:
    """A `$sort` stage `mongomock_sort` orders exactly as mongomock's stage does."""
    return isinstance(options, Mapping) and all(
        isinstance(field, str) and not field.startswith("$") for field in options
    )


def _plain_facet(options: Any) -> bool:
    return isinstance(options, Mapping) and all(isinstance(b, list) for b in options.values())


def _key(identifier: Any) -> Key:
    """The dictionary key of an `_id` (as mongomock keys its own store)."""
    return helpers.hashdict(identifier) if isinstance(identifier, dict) else identifier


def _duplicate() -> DuplicateKeyError:
    return DuplicateKeyError("E11000 Duplicate Key Error", 11000)


def mongomock_sort(documents: list[Document], sort: Sequence[tuple[str, int]]) -> list[Document]:
    """Sort as mongomock's cursor does: one stable sort per key, the last key first.

    mongomock compares its sort keys with a BSON comparison written in Python (about a
    microsecond a comparison); when every value is a string, a number or null, the same order
    comes from plain tuples (`sort_key`), compared in C.
    """
    for field, direction in reversed(list(sort)):
        if field == "$natural":
            if direction < 0:
                documents = list(reversed(documents))
            continue
        if field.startswith("$"):
            raise NotImplementedError(f"Sorting by {field} is not implemented in mongomock yet")
        natives = [sort_key(field, document) for document in documents]
        if None in natives:
            documents = sorted(
                documents, key=lambda d, f=field: resolve_sort_key(f, d), reverse=direction < 0
            )
        else:
            order = sorted(range(len(documents)), key=natives.__getitem__, reverse=direction < 0)
            documents = [documents[position] for position in order]
    return documents


class _Scratch:
    """A one-document mongomock collection: update operators and projections run here, on a copy
    of the one document they concern, so their semantics are mongomock's to the letter."""

    def __init__(self) -> None:
        self.collection = mongomock.MongoClient()["scratch"]["documents"]

    def holding(self, document: Document | None) -> mongomock.Collection:
        self.collection.drop()
        if document is not None:
            self.collection.insert_one(document)
        return self.collection

    def project(self, document: Document, projection: Any) -> Document:
        fields = dict(projection) if isinstance(projection, Mapping) else list(projection)
        return self.collection._copy_only_fields(document, fields, dict)


class EngineCollection:
    """One collection: pymongo's synchronous call shapes, as far as the app uses them."""

    def __init__(self, engine: Engine, database: EngineDatabase, name: str) -> None:
        self._engine = engine
        self._lock = engine.lock
        self.database = database
        self.name = name
        self._documents: dict[Key, bytes] = {}
        self._order: dict[Key, int] = {}
        self._counter = itertools.count()
        self._specs: dict[str, dict[str, Any]] = {}
        self._paths: dict[str, PathIndex] = {}

    # -- what the planner reads -------------------------------------------------------------

    def has_key(self, value: Any) -> bool:
        return value in self._documents

    def index_for(self, path: str) -> PathIndex | None:
        return self._paths.get(path)

    @property
    def is_created(self) -> bool:
        return bool(self._documents or self._specs)

    # -- reading ----------------------------------------------------------------------------

    def _decoded(self, keys: Iterable[Key] | None = None) -> Iterator[tuple[Key, Document]]:
        """(key, fresh copy) of the documents under `keys` (default: all, in natural order)."""
        documents = self._documents
        if keys is None:
            for key, raw in list(documents.items()):
                yield key, bson.decode(raw)
            return
        for key in keys:
            raw = documents.get(key)
            if raw is not None:
                yield key, bson.decode(raw)

    def _in_natural_order(self, keys: Iterable[Key]) -> list[Key]:
        order = self._order
        return sorted((key for key in keys if key in order), key=order.__getitem__)

    def _matching(self, spec: Mapping[str, Any]) -> Iterator[tuple[Key, Document]]:
        """(key, fresh copy) of each document matching `spec`, in natural order, lazily."""
        candidates = plan(spec, self)
        keys = None if candidates is None else self._in_natural_order(candidates.keys())
        certain = set() if candidates is None else candidates.certain
        checked = False
        for key, document in self._decoded(keys):
            if key in certain:
                yield key, document
                continue
            checked = True
            if filter_applies(spec, document):
                yield key, document
        if not checked:
            filter_applies(spec, {})  # a malformed query fails even when nothing is read

    def _top(
        self, spec: Mapping[str, Any], sort: list[tuple[str, int]], wanted: int
    ) -> list[Document] | None:
        """The documents that can be among the first `wanted` of `sort`, or None when no index
        helps: whole groups of the first sort key, in its order, until `wanted` match."""
        field, direction = sort[0]
        index = self._paths.get(field)
        if index is None or any(key.startswith("$") for key, _ in sort):
            return None
        candidates = plan(spec, self)
        if candidates is not None and len(candidates) <= TOP_K_FACTOR * wanted + TOP_K_MINIMUM:
            return None
        order = index.sort_order(self._decoded())
        if order.unsortable:
            return None
        possible = None if candidates is None else candidates.keys()
        certain = set() if candidates is None else candidates.certain
        found: list[tuple[Key, Document]] = []
        checked = False
        for group in order.groups_in_order(descending=direction < 0):
            keys = group if possible is None else (k for k in group if k in possible)
            for key, document in self._decoded(keys):
                if key in certain:
                    found.append((key, document))
                    continue
                checked = True
                if filter_applies(spec, document):
                    found.append((key, document))
            if len(found) >= wanted:
                break
        if not checked:
            filter_applies(spec, {})
        found.sort(key=lambda pair: self._order[pair[0]])
        return [document for _key, document in found]

    def find(
        self,
        query: Mapping[str, Any] | None = None,
        projection: Any = None,
        *,
        sort: Sequence[tuple[str, int]] | None = None,
        skip: int = 0,
        limit: int = 0,
    ) -> list[Document]:
        """Matching documents (fresh copies), sorted, sliced and projected as mongomock would."""
        spec = _patched({} if query is None else query)
        validate_is_mapping("filter", spec)
        wanted = abs(limit) if limit else None
        with self._lock:
            if sort:
                sort = list(sort)
                documents = None
                if wanted is not None:
                    documents = self._top(spec, sort, skip + wanted)
                if documents is None:
                    documents = [document for _key, document in self._matching(spec)]
                documents = mongomock_sort(documents, sort)[skip:]
                documents = documents[:wanted] if wanted is not None else documents
            else:
                stop = None if wanted is None else skip + wanted
                matching = itertools.islice(self._matching(spec), skip, stop)
                documents = [document for _key, document in matching]
        if projection is not None and (projection or not isinstance(projection, Mapping)):
            scratch = self._engine.scratch
            documents = [scratch.project(document, projection) for document in documents]
        return documents

    def find_one(self, query: Any = None, projection: Any = None, **kwargs: Any) -> Any:
        if query is not None and not isinstance(query, Mapping):
            query = {"_id": query}
        found = self.find(query, projection, limit=1, **kwargs)
        return found[0] if found else None

    def count_documents(self, query: Mapping[str, Any], skip: int = 0, limit: int | None = None):
        if limit is not None:
            if not isinstance(limit, int | float):
                raise OperationFailure("the limit must be specified as a number")
            if limit <= 0:
                raise OperationFailure("the limit must be positive")
        spec = _patched(query)
        validate_is_mapping("filter", spec)
        with self._lock:
            matched = self._count(spec)
        count = max(matched - skip, 0)
        return count if limit is None else min(count, int(limit))

    def _count(self, spec: Mapping[str, Any]) -> int:
        """How many documents match: certain candidates are counted without being read."""
        if spec == {}:
            return len(self._documents)
        candidates = plan(spec, self)
        if candidates is None:
            return sum(1 for _ in self._matching(spec))
        count = len(candidates.certain)
        maybe = self._in_natural_order(candidates.maybe)
        for _key, document in self._decoded(maybe):
            count += filter_applies(spec, document)
        if not maybe:
            filter_applies(spec, {})  # a malformed query fails even when nothing is read
        return count

    def estimated_document_count(self) -> int:
        with self._lock:
            return len(self._documents)

    def aggregate(self, pipeline: Sequence[Mapping[str, Any]]) -> list[Document]:
        """mongomock's pipeline, fed by the indexes when it starts with `$match`."""
        stages = list(pipeline)
        if stages and len(stages[0]) == 1 and "$match" in stages[0]:
            documents = self.find(stages[0]["$match"])
            stages = stages[1:]
        else:
            documents = self.find({})
        return self._run_stages(documents, stages)

    def _run_stages(self, documents: list[Document], stages: list[Any]) -> list[Document]:
        """mongomock's stages one at a time, except `$sort` (also inside `$facet`), which
        `mongomock_sort` puts in the same order, faster."""
        for stage in stages:
            if not isinstance(stage, Mapping):
                documents = list(process_pipeline(documents, self.database, [stage], None))
                continue
            for operator, options in stage.items():
                if operator == "$sort" and _plain_sort(options):
                    documents = mongomock_sort(documents, list(options.items()))
                elif operator == "$facet" and _plain_facet(options):
                    branches = options.items()
                    documents = [{title: self._run_stages(documents, b) for title, b in branches}]
                else:
                    step = [{operator: options}]
                    documents = list(process_pipeline(documents, self.database, step, None))
        return documents

    # -- writing ----------------------------------------------------------------------------

    def _store_document(self, key: Key, raw: bytes) -> None:
        """Store `raw` under `key` (replacing in place, or appending), keeping the indexes."""
        previous = self._documents.get(key)
        if previous is not None:
            old = bson.decode(previous)
            for index in self._paths.values():
                index.remove(key, old)
        else:
            self._order[key] = next(self._counter)
        self._documents[key] = raw
        document = bson.decode(raw)
        for index in self._paths.values():
            index.add(key, document)

    def _drop_document(self, key: Key) -> None:
        raw = self._documents.pop(key)
        del self._order[key]
        old = bson.decode(raw)
        for index in self._paths.values():
            index.remove(key, old)

    def _check_uniques(self, document: Document) -> None:
        """mongomock's unique-index check for a document already stored."""
        for spec in self._specs.values():
            if not spec.get("unique"):
                continue
            values: dict[str, Any] = {}
            for field, _direction in spec["key"]:
                try:
                    values[field] = helpers.get_value_by_dot(document, field)
                except KeyError:
                    values[field] = None
            if spec.get("sparse") and set(values.values()) == {None}:
                continue
            query: dict[str, Any] = values
            if spec.get("partialFilterExpression") is not None:
                query = {"$and": [spec["partialFilterExpression"], values]}
            if sum(1 for _ in itertools.islice(self._matching(query), 2)) > 1:
                raise _duplicate()

    def _insert(self, document: MutableMapping[str, Any]) -> Any:
        if not all(isinstance(field, str) for field in document):
            raise ValueError("Document keys must be strings")
        _validate_data_fields(document)
        raw = bson.encode(document)
        if "_id" not in document:
            # As PyMongo does, the caller's document gets the generated id.
            document["_id"] = ObjectId()
            raw = bson.encode(document)
        key = _key(document["_id"])
        if key in self._documents:
            raise _duplicate()
        self._store_document(key, raw)
        try:
            self._check_uniques(bson.decode(raw))
        except DuplicateKeyError:
            self._drop_document(key)
            raise
        return document["_id"]

    def insert_one(self, document: MutableMapping[str, Any]) -> InsertOneResult:
        mongomock.collection.validate_is_mutable_mapping("document", document)
        with self._lock:
            return InsertOneResult(self._insert(document), acknowledged=True)

    def insert_many(
        self, documents: Iterable[MutableMapping[str, Any]], ordered: bool = True
    ) -> InsertManyResult:
        """mongomock's insert_many: errors collected into one BulkWriteError; ordered stops at
        the first."""
        if not isinstance(documents, Iterable) or not documents:
            raise TypeError("documents must be a non-empty list")
        documents = list(documents)
        for document in documents:
            mongomock.collection.validate_is_mutable_mapping("document", document)
        ids: list[Any] = []
        errors: list[dict[str, Any]] = []
        with self._lock:
            for position, document in enumerate(documents):
                try:
                    ids.append(self._insert(document))
                except WriteError as error:
                    failure = {"index": position, "code": error.code, "errmsg": str(error)}
                    errors.append({**failure, "op": document})
                    if ordered:
                        break
        if errors:
            raise BulkWriteError({"writeErrors": errors, "nInserted": len(ids)})
        return InsertManyResult(ids, acknowledged=True)

    def _update(
        self, query: Mapping[str, Any], update: Any, *, upsert: bool, multi: bool, replace: bool
    ) -> dict[str, Any]:
        """Apply `update` (or a replacement) to the matching documents, one at a time, each on a
        mongomock copy; then store the result, or put the old document back if it breaks a
        unique index (as mongomock does)."""
        spec = _patched(query)
        validate_is_mapping("spec", spec)
        scratch = self._engine.scratch
        matched = modified = 0
        upserted = None
        with self._lock:
            for key, document in list(self._matching(spec)) if multi else self._first(spec):
                copy = scratch.holding(document)
                if replace:
                    result = copy.replace_one(spec, update)
                else:
                    result = copy.update_one(spec, update)
                matched += 1
                if result.modified_count:
                    previous = self._documents[key]
                    self._store_document(key, bson.encode(copy.find_one({})))
                    try:
                        self._check_uniques(bson.decode(self._documents[key]))
                    except DuplicateKeyError:
                        self._store_document(key, previous)
                        raise
                    modified += 1
            if not matched:
                # An empty copy: mongomock validates the update, and creates the upsert.
                copy = scratch.holding(None)
                if replace:
                    result = copy.replace_one(spec, update, upsert=upsert)
                else:
                    result = copy.update_one(spec, update, upsert=upsert)
                if result.upserted_id is not None:
                    upserted = self._insert(copy.find_one({}))
                    matched = modified = 1
        return {
            "n": matched,
            "nModified": modified if upserted is None else 0,
            "upserted": upserted,
            "updatedExisting": bool(matched) and upserted is None,
            "ok": 1,
            "err": None,
        }

    def _first(self, spec: Mapping[str, Any]) -> list[tuple[Key, Document]]:
        return list(itertools.islice(self._matching(spec), 1))

    def replace_one(
        self, query: Mapping[str, Any], replacement: Mapping[str, Any], upsert: bool = False
    ) -> UpdateResult:
        validate_ok_for_replace(replacement)
        raw = self._update(query, replacement, upsert=upsert, multi=False, replace=True)
        return UpdateResult(raw, acknowledged=True)

    def update_one(self, query: Mapping[str, Any], update: Any, upsert: bool = False):
        validate_ok_for_update(update)
        raw = self._update(query, update, upsert=upsert, multi=False, replace=False)
        return UpdateResult(raw, acknowledged=True)

    def update_many(self, query: Mapping[str, Any], update: Any, upsert: bool = False):
        validate_ok_for_update(update)
        raw = self._update(query, update, upsert=upsert, multi=True, replace=False)
        return UpdateResult(raw, acknowledged=True)

    def _delete(self, query: Mapping[str, Any], multi: bool) -> DeleteResult:
        validate_is_mapping("filter", query)
        spec = _patched(query)
        with self._lock:
            matching = self._matching(spec) if multi else iter(self._first(spec))
            doomed = [key for key, _document in matching]
            for key in doomed:
                self._drop_document(key)
        return DeleteResult({"n": len(doomed), "ok": 1.0, "err": None}, acknowledged=True)

    def delete_one(self, query: Mapping[str, Any]) -> DeleteResult:
        return self._delete(query, multi=False)

    def delete_many(self, query: Mapping[str, Any]) -> DeleteResult:
        return self._delete(query, multi=True)

    def find_one_and_update(
        self,
        query: Mapping[str, Any],
        update: Any,
        projection: Any = None,
        sort: Sequence[tuple[str, int]] | None = None,
        upsert: bool = False,
        return_document: bool = ReturnDocument.BEFORE,
    ) -> Document | None:
        """mongomock's find-and-modify: the document before (or after) the update."""
        validate_is_mapping("filter", query)
        validate_ok_for_update(update)
        with self._lock:
            old = self.find_one(query, projection, sort=sort)
            if not old and not upsert:
                return None
            target: Mapping[str, Any] = query
            if old and "_id" in old:
                target = {"_id": old["_id"]}
            result = self._update(target, update, upsert=upsert, multi=False, replace=False)
            if result["upserted"] is not None:
                target = {"_id": result["upserted"]}
            if return_document is ReturnDocument.AFTER:
                return self.find_one(target, projection)
            return old

    # -- indexes ----------------------------------------------------------------------------

    def create_index(self, keys: Any, **options: Any) -> str:
        """mongomock's create_index (names, conflicts, the uniqueness of existing documents),
        plus the in-memory index on the first key's path."""
        index_list = helpers.create_index_list(keys)
        unique = options.pop("unique", False)
        sparse = options.pop("sparse", False)
        name = options.pop("name", None) or helpers.gen_index_name(index_list)
        if options.get("expireAfterSeconds") is not None:
            raise NotImplementedError("the embedded store has no TTL indexes")
        spec: dict[str, Any] = {"key": list(index_list)}
        if sparse:
            spec["sparse"] = True
        if unique:
            spec["unique"] = True
        if options.get("partialFilterExpression") is not None:
            spec["partialFilterExpression"] = options["partialFilterExpression"]
        with self._lock:
            existing = self._specs.get(name)
            if existing is not None and existing != spec:
                raise OperationFailure(
                    f"Index with name: {name} already exists with different options"
                )
            if unique:
                self._check_existing_unique(spec)
            path = spec["key"][0][0]
            if path != "_id" and path not in self._paths:
                index = PathIndex(path)
                for key, document in self._decoded():
                    index.add(key, document)
                self._paths[path] = index
            self._specs[name] = spec
        return name

    def _check_existing_unique(self, spec: dict[str, Any]) -> None:
        seen: list[Any] = []
        hashable: set[Any] = set()
        for _key, document in self._decoded():
            values = []
            for field, _direction in spec["key"]:
                try:
                    values.append(helpers.get_value_by_dot(document, field))
                except KeyError:
                    if spec.get("sparse"):
                        continue
                    values.append(None)
            if spec.get("sparse") and not values:
                continue
            entry = tuple(values)
            try:
                if entry in hashable:
                    raise _duplicate()
                hashable.add(entry)
            except TypeError:
                if entry in seen:
                    raise _duplicate() from None
                seen.append(entry)

    def index_information(self) -> dict[str, Any]:
        with self._lock:
            if not self.is_created:
                return {}
            information = {"_id_": {"key": [("_id", 1)], "v": 2}}
            for name, spec in self._specs.items():
                information[name] = dict(spec, v=2)
            return information

    def drop(self) -> None:
        with self._lock:
            self._documents.clear()
            self._order.clear()
            self._specs.clear()
            self._paths.clear()


class EngineDatabase:
    """A named set of collections."""

    def __init__(self, engine: Engine, name: str) -> None:
        self._engine = engine
        self.name = name
        self._collections: dict[str, EngineCollection] = {}

    def get_collection(self, name: str) -> EngineCollection:
        with self._engine.lock:
            if name not in self._collections:
                self._collections[name] = EngineCollection(self._engine, self, name)
            return self._collections[name]

    __getitem__ = get_collection

    def list_collection_names(self) -> list[str]:
        with self._engine.lock:
            return [name for name, c in self._collections.items() if c.is_created]

    def drop_collection(self, name: str) -> None:
        self.get_collection(name).drop()

    def command(self, command: str | Mapping[str, Any]) -> dict[str, Any]:
        """Only `ping`, as mongomock."""
        if isinstance(command, str):
            command = {command: 1}
        if "ping" in command:
            return {"ok": 1.0}
        raise NotImplementedError(f"the embedded store does not run {next(iter(command))!r}")


class Engine:
    """Every database of one embedded store, and the lock they share."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.scratch = _Scratch()
        self._databases: dict[str, EngineDatabase] = {}

    def get_database(self, name: str) -> EngineDatabase:
        with self.lock:
            if name not in self._databases:
                self._databases[name] = EngineDatabase(self, name)
            return self._databases[name]

    __getitem__ = get_database

    def drop_database(self, name: str) -> None:
        with self.lock:
            database = self._databases.get(name)
            if database is not None:
                for collection in list(database._collections.values()):
                    collection.drop()
