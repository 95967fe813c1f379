"""What each result set of a query or sync holds: traversal of direct relations and edges, and set
operations, over the instances one request can see.

The indexes a traversal needs (edges by their start and end node, nodes by the node a direct
relation points to) are built once per request and only when a result set asks for them, so a
request costs O(instances) however many nodes it walks through, never O(instances²).

Every result set's members are ordered totally: by the set's ``sort`` (if any), then by storage
slot (the order instances were first written), then, for ``unionAll`` duplicates, by occurrence.
Cursors carry that key, so paging returns each member exactly once while the data stands still.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pygen_runtime.testing._query_plan import EdgeSetPlan, NodeSetPlan, ResultSetPlan, SetOperationPlan

if TYPE_CHECKING:
    from pygen_runtime.testing._filter_properties import PropertyAccess
    from pygen_runtime.testing._store import InstanceStore, StoredInstance

__all__ = ["InstanceUniverse", "Member", "members_of"]

Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Member:
    """One entry of a result set, with its place in the set's total order."""

    instance: StoredInstance
    sort_key: tuple[Any, ...]
    position: int
    occurrence: int = 0

    @property
    def order_key(self) -> tuple[Any, ...]:
        """The key the set is ordered by."""
        return (self.sort_key, self.position, self.occurrence)


class InstanceUniverse:
    """The instances one request sees, with lazily built indexes over them.

    A query sees live instances. A sync also sees the soft-deleted instances that
    ``show_deleted`` accepts, so it can report them as deleted.
    """

    def __init__(
        self, store: InstanceStore, show_deleted: Callable[[StoredInstance], bool] | None = None
    ) -> None:
        self._store = store
        self._show_deleted = show_deleted
        self.nodes: list[StoredInstance] = []
        self.edges: list[StoredInstance] = []
        self._position: dict[Key, int] = {}
        for slot, inst in enumerate(store.including_deleted()):
            if inst.deleted_time is not None and (show_deleted is None or not show_deleted(inst)):
                continue
            self._position[(inst.space, inst.external_id)] = slot
            (self.nodes if inst.instance_type == "node" else self.edges).append(inst)
        self._edges_by_end: dict[tuple[str, Key], list[StoredInstance]] | None = None
        self._referrers: dict[tuple[str, ...], dict[Key, list[StoredInstance]]] = {}

    def position(self, inst: StoredInstance) -> int:
        """The instance's storage slot: a stable order in which instances were first written."""
        return self._position[(inst.space, inst.external_id)]

    def node(self, key: Key) -> StoredInstance | None:
        """The node with this identity, if this request sees it."""
        found = self._store.get("node", key[0], key[1], include_deleted=self._show_deleted is not None)
        if found is None or (key not in self._position):
            return None
        return found

    def edges_at(self, key: Key, end: str) -> list[StoredInstance]:
        """Edges whose ``end`` ("start" or "end") is the node ``key``, in storage order."""
        if self._edges_by_end is None:
            index: dict[tuple[str, Key], list[StoredInstance]] = {}
            for edge in self.edges:
                if edge.start_node is not None:
                    index.setdefault(("start", edge.start_node), []).append(edge)
                if edge.end_node is not None:
                    index.setdefault(("end", edge.end_node), []).append(edge)
            self._edges_by_end = index
        return self._edges_by_end.get((end, key), [])

    def referrers(self, access: PropertyAccess, key: Key) -> list[StoredInstance]:
        """Nodes whose direct relation ``access`` points at the node ``key`` (reverse relation)."""
        index = self._referrers.get(access.reference)
        if index is None:
            index = {}
            for node in self.nodes:
                for target in _targets(access, node):
                    index.setdefault(target, []).append(node)
            self._referrers[access.reference] = index
        return index.get(key, [])


def _targets(access: PropertyAccess, node: StoredInstance) -> list[Key]:
    value = access.canonical(node)
    if value is None:
        return []
    return list(value) if access.is_list else [value]


def _chained_nodes(
    page: Sequence[StoredInstance], source_plan: ResultSetPlan, chain_to: str, universe: InstanceUniverse
) -> list[StoredInstance]:
    """The nodes a set chains to from ``page``: nodes as they are, edges by ``chainTo``.

    Following edges outwards, ``destination`` is the end node and ``source`` the start node;
    following them inwards the two swap.
    """
    inwards = isinstance(source_plan, EdgeSetPlan) and source_plan.direction == "inwards"
    take_end = (chain_to == "destination") != inwards
    found: list[StoredInstance] = []
    for inst in page:
        if inst.instance_type == "node":
            found.append(inst)
            continue
        key = inst.end_node if take_end else inst.start_node
        node = universe.node(key) if key is not None else None
        if node is not None:
            found.append(node)
    return found


def _unique(instances: Iterable[StoredInstance]) -> list[StoredInstance]:
    seen: set[Key] = set()
    unique = []
    for inst in instances:
        key = (inst.space, inst.external_id)
        if key not in seen:
            seen.add(key)
            unique.append(inst)
    return unique


def _node_set(
    plan: NodeSetPlan,
    pages: Mapping[str, Sequence[StoredInstance]],
    plans: Mapping[str, ResultSetPlan],
    universe: InstanceUniverse,
) -> list[StoredInstance]:
    if plan.source is None:
        candidates: Iterable[StoredInstance] = universe.nodes
    else:
        start = _chained_nodes(pages[plan.source], plans[plan.source], plan.chain_to, universe)
        through = plan.through
        if through is None:
            candidates = start
        elif plan.direction == "outwards":
            candidates = (
                node
                for origin in start
                for target in _targets(through, origin)
                if (node := universe.node(target)) is not None
            )
        else:
            candidates = (
                referrer
                for origin in start
                for referrer in universe.referrers(through, (origin.space, origin.external_id))
            )
    return [node for node in _unique(candidates) if plan.filter(node)]


def _edge_set(
    plan: EdgeSetPlan,
    pages: Mapping[str, Sequence[StoredInstance]],
    plans: Mapping[str, ResultSetPlan],
    universe: InstanceUniverse,
) -> list[StoredInstance]:
    near, far = ("start_node", "end_node") if plan.direction == "outwards" else ("end_node", "start_node")
    if plan.source is None:
        return [
            edge
            for edge in universe.edges
            if plan.filter(edge) and _node_passes(plan.node_filter, getattr(edge, far), universe)
        ]
    frontier = _unique(_chained_nodes(pages[plan.source], plans[plan.source], plan.chain_to, universe))
    visited = {(node.space, node.external_id) for node in frontier}
    found: dict[Key, StoredInstance] = {}
    # Which frontier node each first-hop edge leaves from, for limitEach.
    origin_of: dict[Key, Key] = {}
    near_end = "start" if near == "start_node" else "end"
    distance = 0
    while frontier and (plan.max_distance is None or distance < plan.max_distance):
        distance += 1
        next_frontier: list[StoredInstance] = []
        for node in frontier:
            node_key = (node.space, node.external_id)
            for edge in universe.edges_at(node_key, near_end):
                edge_key = (edge.space, edge.external_id)
                if edge_key in found or not plan.filter(edge):
                    continue
                far_key = getattr(edge, far)
                far_node = universe.node(far_key) if far_key is not None else None
                if plan.node_filter is not None and (far_node is None or not plan.node_filter(far_node)):
                    continue
                found[edge_key] = edge
                origin_of.setdefault(edge_key, node_key)
                if far_node is None or far_key in visited:
                    continue
                visited.add(far_key)
                if plan.termination_filter is None or not plan.termination_filter(far_node):
                    next_frontier.append(far_node)
        frontier = next_frontier
    edges = list(found.values())
    if plan.limit_each is None:
        return edges
    return _limit_each(edges, origin_of, plan, universe)


def _node_passes(
    node_filter: Callable[[StoredInstance], bool] | None, key: Key | None, universe: InstanceUniverse
) -> bool:
    if node_filter is None:
        return True
    node = universe.node(key) if key is not None else None
    return node is not None and node_filter(node)


def _limit_each(
    edges: list[StoredInstance], origin_of: Mapping[Key, Key], plan: EdgeSetPlan, universe: InstanceUniverse
) -> list[StoredInstance]:
    """At most ``limitEach`` edges per node they leave from, the first ones in the set's order."""
    assert plan.limit_each is not None
    ordered = sorted(edges, key=lambda edge: (plan.order.key(edge), universe.position(edge)))
    taken: dict[Key, int] = {}
    kept = []
    for edge in ordered:
        origin = origin_of[(edge.space, edge.external_id)]
        if taken.get(origin, 0) < plan.limit_each:
            taken[origin] = taken.get(origin, 0) + 1
            kept.append(edge)
    return kept


def _set_operation(
    plan: SetOperationPlan, pages: Mapping[str, Sequence[StoredInstance]], universe: InstanceUniverse
) -> list[Member]:
    operand_members: list[list[Member]] = []
    for operand in plan.operands:
        if isinstance(operand, SetOperationPlan):
            nested = _set_operation(operand, pages, universe)
            operand_members.append(nested if operand.limit is None else nested[: operand.limit])
        else:
            operand_members.append([Member(inst, (), universe.position(inst)) for inst in pages[operand]])
    excluded = {(inst.space, inst.external_id) for name in plan.excepted for inst in pages[name]}

    def key(member: Member) -> Key:
        return (member.instance.space, member.instance.external_id)

    if plan.operator == "unionAll":
        everything = [member for members in operand_members for member in members]
        counts: dict[Key, int] = {}
        result = []
        for member in sorted(everything, key=lambda m: m.position):
            if key(member) in excluded:
                continue
            occurrence = counts.get(key(member), 0)
            counts[key(member)] = occurrence + 1
            result.append(Member(member.instance, (), member.position, occurrence))
        return result
    if plan.operator == "union":
        chosen = {key(member): member for members in operand_members for member in members}
    else:
        common = set.intersection(*({key(member) for member in members} for members in operand_members))
        chosen = {key(member): member for member in operand_members[0] if key(member) in common}
    return sorted(
        (Member(member.instance, (), member.position) for k, member in chosen.items() if k not in excluded),
        key=lambda m: m.position,
    )


def members_of(
    plan: ResultSetPlan,
    pages: Mapping[str, Sequence[StoredInstance]],
    plans: Mapping[str, ResultSetPlan],
    universe: InstanceUniverse,
) -> list[Member]:
    """Every member of a result set, in the set's total order.

    ``pages`` holds, for each set this one reads, the instances that set returns in this
    request: a chained set follows its parent's current page, as CDF's does.
    """
    if isinstance(plan, SetOperationPlan):
        return _set_operation(plan, pages, universe)
    if isinstance(plan, NodeSetPlan):
        instances = _node_set(plan, pages, plans, universe)
    else:
        instances = _edge_set(plan, pages, plans, universe)
    members = [Member(inst, plan.order.key(inst), universe.position(inst)) for inst in instances]
    members.sort(key=lambda member: member.order_key)
    return members
