"""Seed loader throughput on the embedded store: validation and writing timed separately.

    .venv/bin/python -m bench.seed_throughput            # 1,000 synthetic articles
    .venv/bin/python -m bench.seed_throughput --count 200

Generates the synthetic bundles (bench/corpus.py) in a temporary folder, loads them with the
bundled seed article into an empty embedded store, then loads the same input again (the no-op
second run) and one more article on top (an incremental load). Also prints the counts per
collection after loading only the seed article.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from pathlib import Path

from api.settings import Settings
from bench.corpus import write_corpus
from seeds.inputs import bundled_article_folders
from seeds.loader import collect_articles, load, plan
from store.connection import Store, create_store
from store.entities import COLLECTIONS
from store.repository.dataset import apply_changes


async def _empty_store() -> Store:
    store = create_store(Settings(_env_file=None, mongodb_uri=None).store_config)
    await store.ensure_indexes()
    return store


async def seed_only_counts() -> dict[str, int]:
    """Documents per collection after loading only the bundled seed article."""
    store = await _empty_store()
    await load(store, collect_articles(None))
    return {name: await store[name].count_documents({}) for name in COLLECTIONS}


async def measure(folders: list[Path], extra: Path) -> dict[str, float]:
    """Seconds spent reading, validating and writing `folders`; then a no-op and an increment."""
    store = await _empty_store()
    timings: dict[str, float] = {}

    started = time.perf_counter()
    articles = collect_articles(folders)
    timings["read"] = time.perf_counter() - started

    started = time.perf_counter()
    planned = await plan(store, articles)
    timings["validate"] = time.perf_counter() - started
    timings["documents"] = sum(len(change.inserted) for change in planned.changes)

    started = time.perf_counter()
    await apply_changes(store, planned.changes, basis=planned.basis)
    timings["write"] = time.perf_counter() - started

    started = time.perf_counter()
    report = await load(store, collect_articles(folders))
    timings["second_run"] = time.perf_counter() - started
    assert not report.changed, report.summary()

    started = time.perf_counter()
    report = await load(store, collect_articles([extra]))
    timings["increment"] = time.perf_counter() - started
    timings["increment_written"] = sum(report.totals()[k] for k in ("inserted", "updated"))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="Synthetic articles (1000).")
    arguments = parser.parse_args()

    counts = asyncio.run(seed_only_counts())
    print("after loading only the seed article:")
    for name, count in counts.items():
        print(f"  {name:<15}{count:>6}")
    print(f"  {'total':<15}{sum(counts.values()):>6}")

    with tempfile.TemporaryDirectory() as scratch:
        corpus = write_corpus(Path(scratch) / "corpus", arguments.count + 1)
        folders = [*bundled_article_folders(), *corpus[:-1]]
        timings = asyncio.run(measure(folders, corpus[-1]))

    articles = len(folders)
    validate = timings["read"] + timings["validate"]
    print(
        f"\n{articles} articles ({arguments.count} synthetic + the seed article), embedded store:"
    )
    print(f"  documents written   {int(timings['documents']):>8}")
    print(
        f"  validate            {validate:8.2f} s  {articles / validate:8.0f} articles/s"
        f"  (read YAML {timings['read']:.2f} s, build + compare {timings['validate']:.2f} s)"
    )
    print(
        f"  write               {timings['write']:8.2f} s  "
        f"{articles / timings['write']:8.0f} articles/s"
    )
    print(f"  second run (no-op)  {timings['second_run']:8.2f} s  (0 changes)")
    print(
        f"  one more article    {timings['increment']:8.2f} s  "
        f"({int(timings['increment_written'])} documents written; every stored article is "
        "re-validated)"
    )


if __name__ == "__main__":
    main()
