"""The path search from both ends finds the paths, in the order, that a breadth-first search from
the start alone finds (the reference below, the search as it was before it grew from both ends),
for every pair of entities in the seed data."""

from __future__ import annotations

from collections import defaultdict
from types import SimpleNamespace
from typing import Any

import pytest

from schema.common import sources
from schema.paths import Link, Node, _neighbours, shortest_paths
from store.connection import Store


async def reference_paths(
    info: Any, start: Node, goal: Node, max_hops: int, limit: int
) -> list[list[tuple[Node, Node, Link]]]:
    """Breadth-first from `start` until the level that reaches `goal`, then every chain back."""
    if start == goal:
        return [[]]
    depth = {start: 0}
    parents: dict[Node, list[tuple[Node, Link]]] = defaultdict(list)
    frontier = [start]
    for level in range(1, max_hops + 1):
        if not frontier:
            break
        expansions = await _neighbours(info, frontier)
        next_frontier: list[Node] = []
        for node in frontier:
            for neighbour, relation in expansions.get(node, []):
                if neighbour not in depth:
                    depth[neighbour] = level
                    next_frontier.append(neighbour)
                if depth[neighbour] == level and (node, relation) not in parents[neighbour]:
                    parents[neighbour].append((node, relation))
        if goal in depth:
            break
        frontier = next_frontier
    paths: list[list[tuple[Node, Node, Link]]] = []

    def walk(node: Node, suffix: list[tuple[Node, Node, Link]]) -> None:
        if len(paths) >= limit:
            return
        if node == start:
            paths.append(suffix)
            return
        for previous, relation in parents[node]:
            walk(previous, [(previous, node, relation), *suffix])

    if goal in depth:
        walk(goal, [])
    return paths


async def entities(store: Store) -> list[Node]:
    found: list[Node] = []
    for kind, collection in (
        ("official", "officials"),
        ("organisation", "organisations"),
        ("meeting", "meetings"),
    ):
        documents = await store[collection].find({}, {"_id": 1}).to_list(None)
        found += [(kind, document["_id"]) for document in documents]
    found += [("country", code) for code in ("KR", "FI", "SE", "JP", "US")]
    return found


@pytest.mark.parametrize(("max_hops", "limit"), [(4, 20), (2, 3)])
async def test_paths_from_both_ends_are_those_a_search_from_the_start_finds(
    app, max_hops: int, limit: int
):
    store = app.state.store
    info = SimpleNamespace(context=SimpleNamespace(store=store))
    nodes = await entities(store)
    compared = found = 0
    for start in nodes:
        for goal in nodes:
            expected = await reference_paths(info, start, goal, max_hops, limit)
            paths = await shortest_paths(info, start, goal, max_hops, limit)
            got = [
                [
                    (hop.from_ref, hop.to_ref, hop.relation, hop.label, hop.role, hop.sources)
                    for hop in path.hops
                ]
                for path in paths
            ]
            assert got == [
                [(a, b, link.kind, link.label, link.role, _sources(link)) for a, b, link in path]
                for path in expected
            ], (start, goal)
            compared += 1
            found += bool(expected)
    assert compared == len(nodes) ** 2
    assert found > compared // 2  # most pairs are connected: the comparison is not vacuous


def _sources(link: Link) -> Any:
    return sources(link.source_documents)
