"""Turn a bench run's results.json into Markdown tables and PNG plots.

python -m bench.report bench/results/results.json     # re-render without re-running
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

from bench.targets import LABELS, TARGETS

NAC_PLUS_4 = "01-nac-plus-4-attendees"
A_OVER_B_TARGET = 0.5
A_OVER_C_TARGET = 5.0
CACHED_A_OVER_B_TARGET = 0.9
CACHED_RATIO = "a'/b"
RSS_GROWTH_LIMIT = 1.2
# The scale targets: latency flat as the data grows 1,000-fold, the path search fast at that size,
# memory close to the data's own size, and adding one article cheap.
FLAT_LATENCY_RATIO = 2.0
PATH_SEARCH = "10-kim-gunn-to-jens-stoltenberg"
PATH_SEARCH_MS = 50.0
RSS_OVER_JSON_LIMIT = 3.0
ADD_ARTICLE_MS = 100.0


# Where the data lived, and what "DB ms/req" measures there.
BACKENDS = {
    "embedded": (
        "the embedded store (an indexed engine over mongomock's semantics, in the server's "
        "process)",
        "the time spent inside the embedded store",
    ),
    "ferretdb": (
        "FerretDB 1.24 (SQLite) over the wire, on this machine; its SQLite backend uses no index "
        "but `_id` equality, so every other filter scans its collection",
        "the round trips of the database commands (PyMongo's command monitoring, sent to "
        "answered; overlapping commands each count)",
    ),
}


def backend_of(results: dict[str, Any]) -> tuple[str, str]:
    return BACKENDS[results["meta"].get("backend", "embedded")]


def short(query: str) -> str:
    return query.split("-", 1)[1] if "-" in query else query


def matrix_by(results: dict[str, Any]) -> dict[tuple[str, int, str], dict[str, Any]]:
    return {(m["query"], m["concurrency"], m["target"]): m for m in results["matrix"]}


def ratios(results: dict[str, Any]) -> dict[tuple[str, int], dict[str, float | None]]:
    """a/b and a/c throughput per (query, concurrency)."""
    cells = matrix_by(results)
    found: dict[tuple[str, int], dict[str, float | None]] = {}
    for query, concurrency, target in cells:
        if target != "graphql":
            continue
        a = cells[(query, concurrency, "graphql")]["rps"]
        row: dict[str, float | None] = {}
        a_cpu = cells[(query, concurrency, "graphql")].get("cpu_ms_per_request")
        for other, name in (("limit", "a/b"), ("naive", "a/c")):
            peer = cells.get((query, concurrency, other))
            row[name] = a / peer["rps"] if peer and peer["rps"] else None
            if other == "limit":
                cached = cells.get((query, concurrency, "cached"))
                row["a'/b"] = (
                    cached["rps"] / peer["rps"] if cached and peer and peer["rps"] else None
                )
            # The same ratio from the server's CPU per request (peer's over a's).
            row[f"{name} cpu"] = (
                peer["cpu_ms_per_request"] / a_cpu
                if peer and a_cpu and peer.get("cpu_ms_per_request") is not None
                else None
            )
        found[(query, concurrency)] = row
    return found


def _f(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def _triple(cells: dict, query: str, concurrency: int, field: str, digits: int) -> str:
    values = [cells.get((query, concurrency, t), {}).get(field) for t in TARGETS[:3]]
    return " / ".join(_f(v, digits) for v in values)


def matrix_table(results: dict[str, Any], concurrency: int) -> list[str]:
    cells = matrix_by(results)
    found = ratios(results)
    queries = sorted({m["query"] for m in results["matrix"]})
    lines = [
        "| query | a rps | b rps | c rps | a' rps | a/b | a/c | a'/b "
        "| p50 ms a / b / c | p99 ms a / b / c "
        "| DB commands/req a / b / c | DB ms/req a / b / c | GC ms/req a / b / c "
        "| server CPU ms/req a / b / c |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for query in queries:
        rps = [cells.get((query, concurrency, t), {}).get("rps") for t in TARGETS]
        ratio = found.get((query, concurrency), {})
        lines.append(
            f"| {short(query)} | {_f(rps[0])} | {_f(rps[1])} | {_f(rps[2])} | {_f(rps[3])} "
            f"| {_f(ratio.get('a/b'), 2)} | {_f(ratio.get('a/c'), 2)} "
            f"| {_f(ratio.get(CACHED_RATIO), 2)} "
            f"| {_triple(cells, query, concurrency, 'p50_ms', 2)} "
            f"| {_triple(cells, query, concurrency, 'p99_ms', 2)} "
            f"| {_triple(cells, query, concurrency, 'commands_per_request', 1)} "
            f"| {_triple(cells, query, concurrency, 'db_ms_per_request', 2)} "
            f"| {_triple(cells, query, concurrency, 'gc_ms_per_request', 2)} "
            f"| {_triple(cells, query, concurrency, 'cpu_ms_per_request', 2)} |"
        )
    return lines


def target_verdicts(results: dict[str, Any]) -> list[str]:
    found = ratios(results)
    concurrencies = sorted({c for _, c in found})
    lines = ["| target | measured | met? |", "|---|---|---|"]
    for concurrency in concurrencies:
        values = {q: r["a/b"] for (q, c), r in found.items() if c == concurrency and r["a/b"]}
        if values:
            worst = min(values, key=values.__getitem__)
            failing = [short(q) for q, v in values.items() if v < A_OVER_B_TARGET]
            by_cpu = found[(worst, concurrency)].get("a/b cpu")
            lines.append(
                f"| a/b ≥ {A_OVER_B_TARGET} for every golden query, c={concurrency} "
                f"| lowest {values[worst]:.2f} ({short(worst)}; by server CPU/req "
                f"{_f(by_cpu, 2)}); {len(failing)} of {len(values)} below"
                + (f": {', '.join(failing)}" if failing else "")
                + f" | {'yes' if not failing else 'no'} |"
            )
    for concurrency in concurrencies:
        cached = {q: r["a'/b"] for (q, c), r in found.items() if c == concurrency and r.get("a'/b")}
        if cached:
            worst = min(cached, key=cached.__getitem__)
            failing = [short(q) for q, v in cached.items() if v < CACHED_A_OVER_B_TARGET]
            lines.append(
                f"| a'/b ≥ {CACHED_A_OVER_B_TARGET} with the response cache, c={concurrency} "
                f"| lowest {cached[worst]:.2f} ({short(worst)}); {len(failing)} of {len(cached)} "
                "below"
                + (f": {', '.join(failing)}" if failing else "")
                + f" | {'yes' if not failing else 'no'} |"
            )
    for concurrency in concurrencies:
        value = found.get((NAC_PLUS_4, concurrency), {}).get("a/c")
        if value is not None:
            by_cpu = found[(NAC_PLUS_4, concurrency)].get("a/c cpu")
            lines.append(
                f"| a/c ≥ {A_OVER_C_TARGET:g} for NAC+4, c={concurrency} | {value:.2f} "
                f"(by server CPU/req {_f(by_cpu, 2)}) "
                f"| {'yes' if value >= A_OVER_C_TARGET else 'no'} |"
            )
    rss = results["rss"].get("graphql")
    if rss:
        growth = rss["after_load_mb"] / rss["after_startup_mb"]
        lines.append(
            f"| diplograph RSS after load ≤ {RSS_GROWTH_LIMIT}x after start-up | {growth:.2f}x "
            f"| {'yes' if growth <= RSS_GROWTH_LIMIT else 'no'} |"
        )
    return lines


def rss_table(results: dict[str, Any]) -> list[str]:
    lines = [
        "| target | RSS after start-up (MB) | RSS after the load (MB) | after / start-up |",
        "|---|--:|--:|--:|",
    ]
    for target, rss in results["rss"].items():
        lines.append(
            f"| {LABELS[target]} | {rss['after_startup_mb']:.1f} | {rss['after_load_mb']:.1f} "
            f"| {rss['after_load_mb'] / rss['after_startup_mb']:.2f} |"
        )
    return lines


def documents_table(results: dict[str, Any]) -> list[str]:
    documents = results["documents"]
    if not documents:
        return []
    base = sum(n for name, n in documents["1"].items() if name != "countries")
    lines = [
        "| data | articles | documents (all) | documents other than countries | x bundled |",
        "|---|--:|--:|--:|--:|",
    ]
    for factor in sorted(documents, key=int):
        counts = documents[factor]
        growing = sum(n for name, n in counts.items() if name != "countries")
        lines.append(
            f"| {int(factor):,}x | {counts['articles']:,} | {sum(counts.values()):,} | {growing:,} "
            f"| {growing / base:.1f} |"
        )
    return lines


def scale_table(results: dict[str, Any]) -> list[str]:
    rows = defaultdict(dict)
    for row in results["scale"]:
        rows[(row["query"], row["factor"])][row["target"]] = row
    if not rows:
        return []
    lines = [
        "| query | data | a p50 ms | a p99 ms | a DB commands/req | a DB ms/req | a DB share "
        "| a store call p99 / max ms | a GC ms/req | b p50 ms | b DB ms/req | b GC ms/req "
        "| answer KB | samples a |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for query, factor in sorted(rows):
        a = rows[(query, factor)].get("graphql", {})
        b = rows[(query, factor)].get("limit", {})
        mean = a.get("mean_ms")
        share = a["db_ms_per_request"] / mean if a and mean else None
        calls = a.get("store_calls", {})
        lines.append(
            f"| {short(query)} | {factor:,}x | {_f(a.get('p50_ms'), 2)} "
            f"| {_f(a.get('p99_ms'), 2)} "
            f"| {_f(a.get('commands_per_request'), 1)} | {_f(a.get('db_ms_per_request'), 2)} "
            f"| {_f(share * 100 if share is not None else None, 0)}% "
            f"| {_f(calls.get('p99_ms'), 2)} / {_f(calls.get('max_ms'), 2)} "
            f"| {_f(a.get('gc_ms_per_request'), 2)} "
            f"| {_f(b.get('p50_ms'), 2)} | {_f(b.get('db_ms_per_request'), 2)} "
            f"| {_f(b.get('gc_ms_per_request'), 2)} "
            f"| {_f(a.get('response_bytes', 0) / 1024, 1)} | {a.get('recorded', '-')} |"
        )
    return lines


def scale_loads_table(results: dict[str, Any]) -> list[str]:
    """What each corpus size costs diplograph (a) to hold, load and start on."""
    loads = [row for row in results.get("scale_loads", []) if row["target"] == "graphql"]
    if not loads:
        return []
    lines = [
        "| data | documents | JSON MB | RSS after loading MB | RSS / JSON | start-up s "
        "| of which loading from empty s | one more article s (written) |",
        "|---|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in sorted(loads, key=lambda r: r["factor"]):
        json_mb = row.get("json_bytes", 0) / 2**20
        added = row.get("add_article", {})
        written = added.get("written", {})
        lines.append(
            f"| {row['factor']:,}x | {row['documents']:,} | {json_mb:.1f} | {row['rss_mb']:.0f} "
            f"| {row['rss_mb'] / json_mb if json_mb else 0:.1f} | {row['start_seconds']:.1f} "
            f"| {_f(row.get('lifespan_seconds'), 1)} "
            f"| {_f(added.get('seconds'), 2)} ({written.get('inserted', 0)} inserted, "
            f"{written.get('updated', 0)} updated) |"
        )
    return lines


def scale_verdicts(results: dict[str, Any]) -> list[str]:
    """The scale targets, met or missed, each with its figure (largest factor against 1x)."""
    p50 = {
        (r["query"], r["factor"]): r["p50_ms"] for r in results["scale"] if r["target"] == "graphql"
    }
    factors = sorted({factor for _query, factor in p50})
    if len(factors) < 2 or factors[0] != 1:
        return []
    top = factors[-1]
    lines = ["| target | measured | met? |", "|---|---|---|"]
    ratios = {
        query: p50[(query, top)] / p50[(query, 1)]
        for query, factor in p50
        if factor == top and (query, 1) in p50
    }
    failing = sorted((q for q, r in ratios.items() if r > FLAT_LATENCY_RATIO), key=ratios.get)
    worst = max(ratios, key=ratios.__getitem__)
    lines.append(
        f"| every golden query's p50 at {top:,}x ≤ {FLAT_LATENCY_RATIO:g}x its p50 at 1x "
        f"| worst {ratios[worst]:.1f}x ({short(worst)}); {len(failing)} of {len(ratios)} above"
        + (": " + ", ".join(f"{short(q)} {ratios[q]:.1f}x" for q in failing) if failing else "")
        + f" | {'yes' if not failing else 'no'} |"
    )
    if (PATH_SEARCH, top) in p50:
        value = p50[(PATH_SEARCH, top)]
        lines.append(
            f"| path search at {top:,}x under {PATH_SEARCH_MS:g} ms | p50 {value:.1f} ms "
            f"| {'yes' if value < PATH_SEARCH_MS else 'no'} |"
        )
    loads = {r["factor"]: r for r in results.get("scale_loads", []) if r["target"] == "graphql"}
    if top in loads and loads[top].get("json_bytes"):
        row = loads[top]
        ratio = row["rss_mb"] * 2**20 / row["json_bytes"]
        lines.append(
            f"| RSS at {top:,}x ≤ {RSS_OVER_JSON_LIMIT:g}x the JSON size of its data "
            f"| {row['rss_mb']:.0f} MB for {row['json_bytes'] / 2**20:.1f} MB: {ratio:.1f}x "
            f"| {'yes' if ratio <= RSS_OVER_JSON_LIMIT else 'no'} |"
        )
    if top in loads and loads[top].get("add_article"):
        seconds = loads[top]["add_article"]["seconds"]
        lines.append(
            f"| one more article on the {top:,}x store under {ADD_ARTICLE_MS:g} ms "
            f"(a later step; recorded) | {seconds * 1000:.0f} ms "
            f"| {'yes' if seconds * 1000 < ADD_ARTICLE_MS else 'no'} |"
        )
    return lines


def profile_section(results: dict[str, Any]) -> list[str]:
    profile = results.get("profile")
    if not profile:
        return []
    lines = [
        f"In-process (ASGI, no socket) diplograph answers `{profile['query']}` in "
        f"{profile['in_process_ms_per_request']:.2f} ms per request without the profiler and "
        f"{profile['profiled_ms_per_request']:.2f} ms with it ({profile['requests']} requests). "
        "pyinstrument's hook runs on every Python call, so call-heavy code (the store above all) "
        "is overstated; the DB ms/req column above, from the bench's clock, is the unbiased "
        "database time.",
        "",
        f"Without the profiler, the garbage collector took {profile['gc_ms_per_request']:.2f} ms "
        f"per request ({' / '.join(str(n) for n in profile['gc_collections'])} collections of "
        f"generations 0 / 1 / 2 over {profile['requests']} requests); a sampling profiler "
        "charges those pauses to whichever line allocated when they struck.",
        "",
        "| area (self time; stdlib and C calls count for their caller) | share | ms/req profiled |",
        "|---|--:|--:|",
    ]
    for area in profile["areas"]:
        lines.append(
            f"| {area['area']} | {area['share'] * 100:.1f}% | {area['ms_per_request']:.3f} |"
        )
    lines += ["", "Functions with the most self time:", ""]
    lines += ["| function | where | share |", "|---|---|--:|"]
    for row in profile["top_self"]:
        lines.append(f"| `{row['function']}` | {row['where']} | {row['share'] * 100:.1f}% |")
    lines += ["", "diplograph's own functions by inclusive time:", ""]
    lines += ["| function | where | share |", "|---|---|--:|"]
    for row in profile["top_inclusive_diplograph"]:
        lines.append(f"| `{row['function']}` | {row['where']} | {row['share'] * 100:.1f}% |")
    return lines


def render_markdown(results: dict[str, Any]) -> str:
    meta = results["meta"]
    arguments = meta["arguments"]
    unequal = [
        f"{q} ({t})" for q, by in results["equality"].items() for t, ok in by.items() if not ok
    ]
    checked = sum(1 for by in results["equality"].values() for t in by if t != "graphql")
    lines = [
        "# diplograph benchmark results",
        "",
        f"Run {meta['started']} at commit `{meta['commit']}`, Python {meta['python']}, "
        f"{meta['cpus']} CPUs, {meta['platform']}; took {meta.get('runtime_seconds', '?')} s. "
        f"Each cell: median of {arguments.get('rounds', 1)} rounds, each {arguments['warmup']} s "
        f"warm-up then at least {arguments['duration']} s recorded (longer for slow cells, until "
        "20 and 2 x concurrency responses are recorded). "
        f"Load average before / after: {_load(meta.get('load_average_before'))} / "
        f"{_load(meta.get('load_average_after'))}.",
        "",
        "a = diplograph `/graphql`; b = the limit (hand-written endpoints, same repository "
        "functions); c = the naive peer (tutorial-style schema, a query per field).",
        "",
        f"Data: {backend_of(results)[0]}.",
        "",
        "**Answers:** "
        + (
            f"the peers return the same `data` as a in all {checked} comparisons (canonical JSON; "
            "b and c at 1x, b at every scale)."
            if not unequal
            else f"DIFFERENT from a's for: {', '.join(unequal)}."
        ),
        "",
        "## Targets",
        "",
        *target_verdicts(results),
    ]
    for concurrency in sorted({m["concurrency"] for m in results["matrix"]}):
        lines += ["", f"## Concurrency {concurrency}", "", *matrix_table(results, concurrency)]
    if results["rss"]:
        lines += ["", "## Memory", "", *rss_table(results)]
    if results["scale"]:
        lines += [
            "",
            "## Scale series (concurrency 1)",
            "",
            *scale_verdicts(results),
            "",
            *documents_table(results),
            "",
            *scale_loads_table(results),
            "",
            "Start-up runs from spawning the server to its first answer (imports, then the "
            "store's preparation); loading from empty is that preparation: the seed loader "
            "writing the bundled seed and the generated articles (`diplograph serve DIR`) into "
            "the empty store. One more article is a generated bundle loaded on top afterwards, "
            "as `diplograph seed FOLDER` would.",
            "",
            f"DB ms/req is {backend_of(results)[1]} per request; DB share is "
            "that over the mean latency; a store call is one command (its p99 and worst over "
            "every call of the measurement: each holds the store's one worker thread, so it is "
            "how long other requests' store calls wait on it); GC ms/req is the garbage "
            "collector's pauses per request.",
            "",
            *scale_table(results),
        ]
    if results.get("profile"):
        lines += ["", "## Profile: diplograph, NAC+4", "", *profile_section(results)]
    return "\n".join(lines) + "\n"


def _load(value: list[float] | None) -> str:
    return " ".join(f"{v:.2f}" for v in value) if value else "?"


def write_plots(results: dict[str, Any], out: Path) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    written = []
    if results["matrix"]:
        cells = matrix_by(results)
        queries = sorted({m["query"] for m in results["matrix"]})
        concurrencies = sorted({m["concurrency"] for m in results["matrix"]})
        figure, axes = plt.subplots(
            len(concurrencies), 1, figsize=(12, 4.2 * len(concurrencies)), squeeze=False
        )
        width = 0.2
        colours = {
            "graphql": "#3b6ea8",
            "limit": "#8a8a8a",
            "naive": "#d98b3a",
            "cached": "#5aa36b",
        }
        for axis, concurrency in zip(axes[:, 0], concurrencies, strict=True):
            for index, target in enumerate(TARGETS):
                values = [cells.get((q, concurrency, target), {}).get("rps", 0) for q in queries]
                positions = [i + (index - 1.5) * width for i in range(len(queries))]
                axis.bar(positions, values, width, label=LABELS[target], color=colours[target])
            axis.set_xticks(range(len(queries)))
            axis.set_xticklabels([short(q) for q in queries], rotation=20, ha="right", fontsize=8)
            axis.set_ylabel("requests/s")
            axis.set_yscale("log")
            axis.set_title(f"Throughput per golden query, concurrency {concurrency} (log scale)")
            axis.grid(axis="y", which="both", alpha=0.3)
            axis.legend(fontsize=8)
        figure.tight_layout()
        path = out / "throughput.png"
        figure.savefig(path, dpi=110)
        plt.close(figure)
        written.append(path)

    if results["scale"]:
        figure, (latency, database, commands) = plt.subplots(1, 3, figsize=(17, 5.2))
        by_query: dict[str, dict[str, list[tuple[int, dict]]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for row in results["scale"]:
            by_query[row["query"]][row["target"]].append((row["factor"], row))
        palette = plt.get_cmap("tab10")
        for index, query in enumerate(sorted(by_query)):
            colour = palette(index % 10)
            for target, style in (("graphql", "-o"), ("limit", ":x")):
                points = sorted(by_query[query].get(target, []), key=lambda p: p[0])
                if not points:
                    continue
                factors = [f for f, _ in points]
                label = short(query) if target == "graphql" else None
                for axis, field in ((latency, "p50_ms"), (database, "db_ms_per_request")):
                    axis.plot(
                        factors, [r[field] for _, r in points], style, color=colour, label=label
                    )
                if target == "graphql":
                    commands.plot(
                        factors,
                        [r["commands_per_request"] for _, r in points],
                        style,
                        color=colour,
                        label=label,
                    )
        for axis in (latency, database, commands):
            axis.set_xscale("log")
            axis.set_xlabel("data size (x bundled)")
            axis.grid(which="both", alpha=0.3)
        for axis in (latency, database):
            axis.set_yscale("log")
        latency.set_ylabel("ms (solid: a diplograph, dotted: b the limit)")
        latency.set_title("p50 latency, concurrency 1")
        on_server = results["meta"].get("backend") == "ferretdb"
        database.set_ylabel(
            "ms per request in " + ("commands" if on_server else "the embedded store")
        )
        database.set_title(
            "Database command time per request" if on_server else "Embedded store time per request"
        )
        commands.set_ylabel("commands per request (a)")
        commands.set_title("Database commands per request (a)")
        commands.set_ylim(bottom=0)
        latency.legend(fontsize=7)
        figure.tight_layout()
        path = out / "scale.png"
        figure.savefig(path, dpi=100)
        plt.close(figure)
        written.append(path)
        written.append(latency_plot(results, out, plt))
    return written


def latency_plot(results: dict[str, Any], out: Path, plt: Any) -> Path:
    """p50 latency of each golden query (a, concurrency 1) against the number of documents."""
    documents = {int(f): sum(counts.values()) for f, counts in results["documents"].items()}
    by_query: dict[str, list[tuple[int, float, int]]] = defaultdict(list)
    for row in results["scale"]:
        if row["target"] == "graphql" and row["factor"] in documents:
            point = (documents[row["factor"]], row["p50_ms"], row.get("response_bytes", 0))
            by_query[row["query"]].append(point)
    figure, axis = plt.subplots(figsize=(9, 5.5))
    palette = plt.get_cmap("tab10")
    for index, query in enumerate(sorted(by_query)):
        points = sorted(by_query[query])
        # Dashed: the answer itself grows with the data (more meetings, officials, paths...).
        grows = points[-1][2] > 2 * max(1, points[0][2])
        axis.plot(
            [n for n, _, _ in points],
            [ms for _, ms, _ in points],
            "--o" if grows else "-o",
            color=palette(index % 10),
            label=short(query) + (" (answer grows)" if grows else ""),
        )
    axis.set_xscale("log")
    axis.set_yscale("log")
    axis.set_xlabel("documents in the embedded store (1x, 10x, 100x, 1,000x the bundled data)")
    axis.set_ylabel("p50 latency, ms (concurrency 1)")
    axis.set_title("diplograph: latency of each golden query as the data grows")
    axis.grid(which="both", alpha=0.3)
    axis.legend(fontsize=7)
    figure.tight_layout()
    path = out / "latency-vs-size.png"
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def main() -> None:
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/results/results.json")
    results = json.loads(source.read_text())
    write_plots(results, source.parent)
    markdown = render_markdown(results)
    (source.parent / "results.md").write_text(markdown)
    print(markdown)


if __name__ == "__main__":
    main()
