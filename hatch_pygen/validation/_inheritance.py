"""``implements``: dropping parents that are not generated, breaking cycles, ordering views.

CDF forbids cycles, but model files are written by hand and views can be excluded, so the graph
is cleaned here rather than trusted. Every decision is made in identifier order, so the same
input always loses the same edge.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pygen_runtime.schema import ViewId


def _order(view: ViewId) -> tuple[str, str, str]:
    return (view.space, view.external_id, view.version)


def break_cycles(
    parents: Mapping[ViewId, Sequence[ViewId]],
) -> tuple[dict[ViewId, tuple[ViewId, ...]], list[tuple[ViewId, ViewId]]]:
    """Remove the edges that close a cycle; returns the acyclic graph and the removed (child, parent) pairs.

    A depth-first search from each view in identifier order drops an edge when it leads back to a
    view still on the search path.
    """
    kept: dict[ViewId, list[ViewId]] = {view: [] for view in parents}
    removed: list[tuple[ViewId, ViewId]] = []
    state: dict[ViewId, int] = {}  # 1: on the current path, 2: finished
    for root in sorted(parents, key=_order):
        if root in state:
            continue
        state[root] = 1
        stack: list[tuple[ViewId, int]] = [(root, 0)]
        while stack:
            view, index = stack[-1]
            edges = parents[view]
            if index == len(edges):
                state[view] = 2
                stack.pop()
                continue
            stack[-1] = (view, index + 1)
            parent = edges[index]
            if state.get(parent) == 1:
                removed.append((view, parent))
                continue
            kept[view].append(parent)
            if parent not in state:
                state[parent] = 1
                stack.append((parent, 0))
    return {view: tuple(edges) for view, edges in kept.items()}, removed


def parents_first(parents: Mapping[ViewId, Sequence[ViewId]]) -> list[ViewId]:
    """Every view after all of its ancestors; ties in identifier order. ``parents`` must be acyclic."""
    ordered: list[ViewId] = []
    placed: set[ViewId] = set()
    for root in sorted(parents, key=_order):
        if root in placed:
            continue
        placed.add(root)
        # An explicit stack: hand-written models may nest deeper than Python's recursion limit.
        stack = [(root, sorted(parents[root], key=_order), 0)]
        while stack:
            view, pending, index = stack[-1]
            if index == len(pending):
                ordered.append(view)
                stack.pop()
                continue
            stack[-1] = (view, pending, index + 1)
            parent = pending[index]
            if parent not in placed:
                placed.add(parent)
                stack.append((parent, sorted(parents[parent], key=_order), 0))
    return ordered


def ancestors(view: ViewId, parents: Mapping[ViewId, Sequence[ViewId]]) -> list[ViewId]:
    """All ancestors of ``view``, nearest first: a breadth-first walk in declaration order."""
    found: list[ViewId] = []
    seen = {view}
    frontier = list(parents[view])
    while frontier:
        following: list[ViewId] = []
        for parent in frontier:
            if parent in seen:
                continue
            seen.add(parent)
            found.append(parent)
            following.extend(parents[parent])
        frontier = following
    return found
