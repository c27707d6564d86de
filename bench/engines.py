"""Candidate engines for the embedded store, timed on the repository's query shapes as data grows.

    .venv/bin/python -m bench.engines                       # mongomock and ours, 1x to 1,000x
    .venv/bin/python -m bench.engines --extra-path DIR      # also montydb and mongita, from DIR

For each scale, the bench corpus (`bench.corpus`) is loaded through the seed loader and its
documents taken; then each engine gets them with `insert_many`, the app's indexes
(`store.entities.INDEXES`), and every shape in SHAPES, timed over repetitions (median and worst).
Memory is what the loaded engine holds, traced by `tracemalloc` in a separate pass.

montydb (2.5.6) and mongita (1.2.0) are not dependencies of the project: install them apart, e.g.
`uv pip install --target /tmp/engines montydb==2.5.6 mongita==1.2.0`, and pass that folder. A
shape an engine cannot run (no `$regex`...) is reported as unsupported, not skipped.
Writes bench/results/engines.json and engines.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import math
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from store.entities import INDEXES, LINK_FIELDS
from store.names import prefix_pattern
from store.repository.criteria import Criteria

RESULTS_DIR = Path(__file__).resolve().parent / "results"
# What one generated article adds (see bench.run), and the collection that does not grow.
DOCUMENTS_PER_ARTICLE = 14
FIXED_COLLECTIONS = ("countries",)

Documents = dict[str, list[dict[str, Any]]]


@dataclass(frozen=True)
class Shape:
    """One query the repository sends, as a function of a pymongo-like database."""

    name: str
    run: Callable[[Any], Any]


PAGE_ORDER = [("date.earliest", 1), ("_id", 1)]


def _find_and_count(database: Any) -> Any:
    """A first page as `store.repository.graph.page` reads it: find, sort, one more than the
    page, and the count of the whole list."""
    meetings = database["meetings"]
    found = list(meetings.find({}).sort(PAGE_ORDER).limit(11))
    return found, meetings.count_documents({})


def _next_page(database: Any) -> Any:
    """A later page: the documents after a keyset position (an `$or` of ranges), sorted."""
    position = ["2022-06-29", "asia-pacific-partners-summit-2022-06-29"]
    after = Criteria().after(PAGE_ORDER, position).as_query()
    return list(database["meetings"].find(after).sort(PAGE_ORDER).limit(11))


def _linking(database: Any) -> Any:
    """`documents_linking`: one `$or` of `$in`s per collection (a path-search level)."""
    ids = ["jens-stoltenberg", "nato-secretary-general"]
    return {
        collection: list(
            database[collection].find({"$or": [{field: {"$in": ids}} for field in fields]})
        )
        for collection, fields in LINK_FIELDS.items()
    }


SHAPES = [
    Shape(
        "_id $in (by-id loader)",
        lambda db: list(
            db["officials"].find({"_id": {"$in": ["kim-gunn", "yoon-suk-yeol", "yoon-soon-gu"]}})
        ),
    ),
    Shape(
        "field $in, small answer (posts of one official)",
        lambda db: list(
            db["posts"].find({"official_id": {"$in": ["yoon-soon-gu"]}}).sort([("_id", 1)])
        ),
    ),
    Shape(
        "array path $in (memberships of FI)",
        lambda db: list(db["memberships"].find({"member.id": {"$in": ["FI"]}}).sort([("_id", 1)])),
    ),
    Shape(
        "array path $in (meetings with NATO as a group)",
        lambda db: list(
            db["meetings"]
            .find({"group_participants.organisation_id": {"$in": ["nato"]}})
            .sort([("_id", 1)])
        ),
    ),
    Shape(
        "field $in, answer grows (NAC+4 participations)",
        lambda db: list(
            db["participations"]
            .find({"meeting_id": {"$in": ["nac-plus-4-2022-09-27"]}})
            .sort([("_id", 1)])
        ),
    ),
    Shape("$or of $in x 5 collections (path-search level)", _linking),
    Shape(
        "prefix $regex on search_keys, limit 10",
        lambda db: list(
            db["officials"].find({"search_keys": {"$regex": prefix_pattern("kim g")}}).limit(10)
        ),
    ),
    Shape(
        "range on date.earliest, sorted",
        lambda db: list(
            db["meetings"]
            .find({"date.earliest": {"$gte": "2022-06-29", "$lte": "2022-06-30"}})
            .sort([("date.earliest", 1), ("_id", 1)])
        ),
    ),
    Shape("first page: find sort limit 11 + count", _find_and_count),
    Shape("next page: keyset bound, sort, limit 11", _next_page),
    Shape(
        "count_documents (NATO memberships)",
        lambda db: db["memberships"].count_documents({"organisation_id": "nato"}),
    ),
]


# -- engines ------------------------------------------------------------------------------------


def _mongomock() -> Any:
    import mongomock

    return mongomock.MongoClient()["bench"]


def _indexed() -> Any:
    from store.embedded_engine import Engine

    return _CursorShim(Engine()["bench"])


_MONTY: list[Any] = []


def _montydb() -> Any:
    from montydb import MontyClient

    # montydb fixes its BSON mode once per process: one client, a new database per load.
    if not _MONTY:
        _MONTY.append(MontyClient(":memory:"))
    _MONTY.append(None)
    return _MONTY[0][f"bench{len(_MONTY)}"]


def _mongita() -> Any:
    from mongita import MongitaClientMemory

    return MongitaClientMemory()["bench"]


ENGINES: dict[str, Callable[[], Any]] = {
    "mongomock": _mongomock,
    "indexed": _indexed,
    "montydb": _montydb,
    "mongita": _mongita,
}


class _Cursor:
    """pymongo's chained cursor calls, collected and run at iteration (the engine takes them as
    arguments, as the async adapter does)."""

    def __init__(self, collection: Any, query: Any) -> None:
        self._collection = collection
        self._query = query
        self._options: dict[str, Any] = {}

    def sort(self, keys: list[tuple[str, int]]) -> _Cursor:
        self._options["sort"] = keys
        return self

    def skip(self, count: int) -> _Cursor:
        self._options["skip"] = count
        return self

    def limit(self, count: int) -> _Cursor:
        self._options["limit"] = count
        return self

    def __iter__(self) -> Any:
        return iter(self._collection.find(self._query, **self._options))


class _CollectionShim:
    def __init__(self, collection: Any) -> None:
        self._collection = collection

    def find(self, query: Any = None) -> _Cursor:
        return _Cursor(self._collection, query)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._collection, name)


class _CursorShim:
    def __init__(self, database: Any) -> None:
        self._database = database

    def __getitem__(self, name: str) -> _CollectionShim:
        return _CollectionShim(self._database[name])


def load_engine(name: str, documents: Documents) -> Any:
    database = ENGINES[name]()
    for collection, items in documents.items():
        for keys in INDEXES.get(collection, []):
            database[collection].create_index(keys)
        if items:
            database[collection].insert_many([dict(item) for item in items])
    return database


# -- the corpus ---------------------------------------------------------------------------------


async def _load(folders: list[Path] | None) -> Documents:
    from seeds.inputs import bundled_article_folders
    from seeds.loader import collect_articles, load
    from store.connection import Store
    from store.embedded import EmbeddedClient

    client = EmbeddedClient()
    store = Store(client=client, db=client["bench"], embedded=True, timeout_ms=600_000)
    await store.ensure_indexes()
    articles = collect_articles([*bundled_article_folders(), *folders] if folders else None)
    await load(store, articles)
    database = client.engine["bench"]
    return {name: database[name].find({}) for name in database.list_collection_names()}


def corpus(factor: int, base: Documents | None) -> Documents:
    """The documents of the bundled data (factor 1) or of the bench corpus at `factor`."""
    if factor == 1 or base is None:
        return asyncio.run(_load(None))
    from bench.corpus import write_corpus

    growing = sum(len(v) for k, v in base.items() if k not in FIXED_COLLECTIONS and k != "meta")
    articles = math.ceil((factor - 1) * growing / DOCUMENTS_PER_ARTICLE)
    with tempfile.TemporaryDirectory(prefix=f"engines-{factor}x-") as folder:
        write_corpus(Path(folder), articles)
        return asyncio.run(_load([Path(folder)]))


# -- measuring ----------------------------------------------------------------------------------


def time_shape(shape: Shape, database: Any, budget: float, repetitions: int) -> dict[str, Any]:
    """Median and worst of up to `repetitions` runs, stopping early once `budget` s are spent."""
    times: list[float] = []
    started = time.perf_counter()
    try:
        shape.run(database)  # warm caches (and the lazily built sorted indexes)
        while len(times) < repetitions and (time.perf_counter() - started < budget or not times):
            begun = time.perf_counter()
            shape.run(database)
            times.append(time.perf_counter() - begun)
    except (NotImplementedError, AttributeError, TypeError) as error:
        return {"unsupported": f"{type(error).__name__}: {str(error)[:120]}"}
    except Exception as error:  # an engine rejecting a query shape is a finding, not a crash
        return {"unsupported": f"{type(error).__name__}: {str(error)[:120]}"}
    return {
        "median_ms": statistics.median(times) * 1000,
        "max_ms": max(times) * 1000,
        "runs": len(times),
    }


def held_bytes(name: str, documents: Documents) -> int:
    """Bytes the loaded engine keeps allocated (tracemalloc). The documents are decoded afresh
    inside the traced region and dropped after loading, so whatever the engine keeps of them
    (mongomock shares their strings) is counted, and nothing else."""
    serialised = orjson.dumps(documents)
    gc.collect()
    tracemalloc.start()
    fresh = orjson.loads(serialised)
    database = load_engine(name, fresh)
    del fresh
    gc.collect()
    held = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del database
    return held


def answers_agree(results: dict[str, Any]) -> dict[str, list[str]]:
    """Shapes whose answer differs from mongomock's, per engine (generated ids aside)."""
    disagreements: dict[str, list[str]] = {}
    reference = results.get("mongomock", {})
    for engine, answers in results.items():
        for shape, answer in answers.items():
            if shape in reference and answer is not None and answer != reference[shape]:
                disagreements.setdefault(engine, []).append(shape)
    return disagreements


def _canonical(value: Any) -> bytes:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS, default=str)


def run(arguments: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {"scales": {}, "engines": arguments.engines}
    base: Documents | None = None
    for factor in arguments.scales:
        started = time.perf_counter()
        documents = corpus(factor, base)
        base = base or documents
        count = sum(len(items) for items in documents.values())
        json_bytes = sum(len(orjson.dumps(d)) for items in documents.values() for d in items)
        log(
            f"{factor}x: {count:,} documents ({json_bytes / 2**20:.1f} MB as JSON) "
            f"generated and loaded in {time.perf_counter() - started:.1f} s"
        )
        scale: dict[str, Any] = {"documents": count, "json_bytes": json_bytes, "engines": {}}
        answers: dict[str, dict[str, Any]] = {}
        for name in arguments.engines:
            started = time.perf_counter()
            try:
                database = load_engine(name, documents)
            except Exception as error:
                scale["engines"][name] = {"unsupported": f"{type(error).__name__}: {error}"}
                log(f"  {name}: cannot load: {error}")
                continue
            loaded = time.perf_counter() - started
            # As the app does once loaded: the heap so far (this corpus, this engine) leaves the
            # collector's sight, so no engine pays for walking another's objects.
            gc.collect()
            gc.freeze()
            row: dict[str, Any] = {"load_seconds": loaded, "shapes": {}}
            answers[name] = {}
            for shape in SHAPES:
                measured = time_shape(shape, database, arguments.budget, arguments.repetitions)
                row["shapes"][shape.name] = measured
                if "unsupported" not in measured:
                    answers[name][shape.name] = _canonical(shape.run(database))
            del database
            gc.unfreeze()
            gc.collect()
            if arguments.memory:
                row["held_bytes"] = held_bytes(name, documents)
            scale["engines"][name] = row
            log(
                f"  {name}: loaded in {loaded:.2f} s; "
                + ", ".join(
                    f"{m.get('median_ms', float('nan')):.2f}" for m in row["shapes"].values()
                )
                + " ms"
            )
        scale["disagreements"] = answers_agree(answers)
        results["scales"][str(factor)] = scale
    return results


def render(results: dict[str, Any]) -> str:
    lines = ["# Embedded engines on the repository's query shapes", ""]
    scales = results["scales"]
    engines = results["engines"]
    lines += [
        "Median ms per call (worst in brackets); `-` = the engine cannot run the shape.",
        "",
        "| shape | engine | " + " | ".join(f"{f}x" for f in scales) + " |",
        "|---|---|" + "--:|" * len(scales),
    ]
    for shape in SHAPES:
        for engine in engines:
            cells = []
            for scale in scales.values():
                measured = scale["engines"].get(engine, {}).get("shapes", {}).get(shape.name, {})
                if "median_ms" in measured:
                    cells.append(f"{measured['median_ms']:.2f} ({measured['max_ms']:.2f})")
                else:
                    cells.append("-")
            lines.append(f"| {shape.name} | {engine} | " + " | ".join(cells) + " |")
    lines += ["", "| scale | documents | JSON MB | engine | load s | held MB | held / JSON |"]
    lines += ["|---|--:|--:|---|--:|--:|--:|"]
    for factor, scale in scales.items():
        for engine in engines:
            row = scale["engines"].get(engine, {})
            held = row.get("held_bytes")
            held_mb = "-" if held is None else f"{held / 2**20:.1f}"
            ratio = "-" if held is None else f"{held / scale['json_bytes']:.2f}"
            lines.append(
                f"| {factor}x | {scale['documents']:,} | {scale['json_bytes'] / 2**20:.1f} "
                f"| {engine} | {row.get('load_seconds', float('nan')):.2f} | {held_mb} | {ratio} |"
            )
    disagreements = {f: s["disagreements"] for f, s in scales.items() if s["disagreements"]}
    lines += [
        "",
        "Answers equal to mongomock's for every supported shape at every scale."
        if not disagreements
        else f"Answers DIFFERENT from mongomock's: {disagreements}",
    ]
    return "\n".join(lines) + "\n"


def log(message: str) -> None:
    print(f"[engines {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.engines", description=__doc__)
    add = parser.add_argument
    add("--scales", type=int, nargs="+", default=[1, 10, 100, 1000], help="(1 10 100 1000)")
    add("--engines", nargs="+", default=None, choices=list(ENGINES), help="(all importable)")
    add("--extra-path", type=Path, help="A folder holding montydb and mongita (appended).")
    add("--repetitions", type=int, default=30, help="Timed runs per shape at most (30).")
    add("--budget", type=float, default=2.0, help="Seconds per shape at most (2; one run min).")
    add("--no-memory", dest="memory", action="store_false", help="Skip the tracemalloc pass.")
    add("--out", type=Path, default=RESULTS_DIR, help="Where results go (bench/results).")
    arguments = parser.parse_args(argv)
    if arguments.extra_path:
        sys.path.append(str(arguments.extra_path))
    if arguments.engines is None:
        arguments.engines = ["mongomock", "indexed"]
        for optional in ("montydb", "mongita"):
            try:
                __import__(optional)
                arguments.engines.append(optional)
            except ImportError:
                log(f"{optional} is not importable: left out (see --extra-path)")
    results = run(arguments)
    arguments.out.mkdir(parents=True, exist_ok=True)
    (arguments.out / "engines.json").write_text(json.dumps(results, indent=1) + "\n")
    markdown = render(results)
    (arguments.out / "engines.md").write_text(markdown)
    print(markdown)
    return 0 if not any(s["disagreements"] for s in results["scales"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
