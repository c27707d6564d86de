"""One-article loads on a store that already holds many: add, change, remove, and a no-op reload.

    .venv/bin/python -m bench.incremental                          # 1,000 synthetic articles
    .venv/bin/python -m bench.incremental --full --json full.json  # each load a full build
    .venv/bin/python -m bench.incremental --compare full.json      # ... and the ratios

Generates the synthetic bundles (bench/corpus.py), loads them with the bundled seed article into
an empty embedded store (the full build), then times, one run each, the loads an editor makes:

- **no-op reload**: every bundle again, unchanged;
- **add one**: one more synthetic article (new entities only);
- **add to known**: the example bundle of docs/seeding.md, which adds sources to entities the
  seed article and the reference data give (Kim Gunn, Mircea Geoana's post);
- **change one**: the added synthetic article again, its meeting's kind changed and its decision
  left out;
- **remove one**: that article removed.

Each row is the time of `collect_articles` plus `load` (or `remove`), so reading the bundle is
included and process start is not; the part of it spent inside the store (the commands' own
durations, as the command log times them) and the rest (reading, validating, building and
comparing); the commands sent to the store; and whether the load rebuilt what it touches or
everything. `--compare` divides the times of an earlier run (say, of the main branch) by this
one's.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from api.settings import Settings
from bench.corpus import write_corpus
from seeds.inputs import bundled_article_folders
from seeds.loader import LoadReport, collect_articles, load, remove
from store.connection import Store, create_store

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "example-2022-09-30-kim-gunn-geoana"
ROWS = ("no-op reload", "add one", "add to known", "change one", "remove one")


async def _empty_store() -> Store:
    store = create_store(Settings(_env_file=None, mongodb_uri=None).store_config)
    await store.ensure_indexes()
    return store


def _changed_copy(folder: Path, target: Path) -> Path:
    """The bundle at `folder` with its meeting's kind changed and its decision left out."""
    target.mkdir(parents=True)
    for name in ("article.txt", "article.yaml"):
        (target / name).write_bytes((folder / name).read_bytes())
    facts = (folder / "facts.yaml").read_text(encoding="utf-8")
    facts = facts.replace("kind: multilateral", "kind: conference", 1)
    facts = facts[: facts.index("decisions:")]
    (target / "facts.yaml").write_text(facts, encoding="utf-8")
    return target


async def measure(
    folders: list[Path], extra: Path, changed: Path, *, full: bool = False
) -> dict[str, dict[str, float]]:
    """Seconds and store commands of each row (see the module docstring); `full` rebuilds
    everything at every load, as every load did before loads could rebuild what they touch."""
    store = await _empty_store()
    rows: dict[str, dict[str, float]] = {}
    inside: list[float] = []
    store.commands.observe(lambda _name, _collection, seconds, _ok: inside.append(seconds))

    async def timed(name: str, run: Callable[[], Awaitable[LoadReport]]) -> None:
        store.commands.reset()
        inside.clear()
        started = time.perf_counter()
        report = await run()
        seconds = time.perf_counter() - started
        totals = report.totals()
        rows[name] = {
            "seconds": seconds,
            "store_seconds": sum(inside),
            "commands": store.commands.total,
            "written": totals["inserted"] + totals["updated"] + totals["deleted"],
            # Absent before loads could rebuild what they touch: every load was a full build.
            "incremental": getattr(report, "rebuilt", "") is None,
        }

    await timed("initial load", lambda: load(store, collect_articles(folders)))
    await timed("no-op reload", lambda: load(store, collect_articles(folders), full=full))
    await timed("add one", lambda: load(store, collect_articles([extra]), full=full))
    await timed("add to known", lambda: load(store, collect_articles([EXAMPLE]), full=full))
    await timed("change one", lambda: load(store, collect_articles([changed]), full=full))
    await timed("remove one", lambda: remove(store, extra.name, full=full))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="Synthetic articles (1000).")
    parser.add_argument("--json", type=Path, help="Write the results to this file.")
    parser.add_argument("--compare", type=Path, help="An earlier run's --json, for ratios.")
    parser.add_argument("--full", action="store_true", help="Rebuild everything at every load.")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory() as scratch:
        corpus = write_corpus(Path(scratch) / "corpus", arguments.count + 1)
        folders = [*bundled_article_folders(), *corpus[:-1]]
        changed = _changed_copy(corpus[-1], Path(scratch) / "changed" / corpus[-1].name)
        rows = asyncio.run(measure(folders, corpus[-1], changed, full=arguments.full))

    before = json.loads(arguments.compare.read_text()) if arguments.compare else None
    print(f"{len(folders)} articles stored ({arguments.count} synthetic + the seed article):")
    header = (
        f"  {'load':<14}{'seconds':>9}{'in store':>10}{'the rest':>10}{'commands':>10}"
        f"{'written':>9}  {'how':<8}"
    )
    if before:
        header += f"{'before s':>9}{'commands':>10}{'speed-up':>10}"
    print(header)
    for name, row in rows.items():
        how = "touched" if row.get("incremental") else "full"
        line = (
            f"  {name:<14}{row['seconds']:9.3f}{row.get('store_seconds', 0.0):10.3f}"
            f"{row['seconds'] - row.get('store_seconds', 0.0):10.3f}{int(row['commands']):10d}"
            f"{int(row['written']):9d}  {how:<8}"
        )
        if before and name in before["rows"]:
            earlier = before["rows"][name]
            ratio = earlier["seconds"] / row["seconds"]
            line += f"{earlier['seconds']:9.3f}{int(earlier['commands']):10d}{ratio:9.1f}x"
        print(line)
    if arguments.json:
        arguments.json.write_text(
            json.dumps({"count": arguments.count, "full": arguments.full, "rows": rows}, indent=2)
        )


if __name__ == "__main__":
    main()
