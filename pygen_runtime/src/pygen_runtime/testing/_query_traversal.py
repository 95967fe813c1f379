"""What each result set of a query or sync holds: traversal of direct relations and edges, and set
operations, over the instances one request can see.

A traversal reads only what it walks: edges at a node come from the store's index of live edges
(a sync, which also sees deleted edges, builds its own once per request), and nodes by the node a
direct relation points to from an index built only when a set follows a relation inwards (a query
keeps that index in the store until its next write). A request never costs O(instances²),
however many nodes it walks through.

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

__all__ = ["InstanceUniverse", "Member", "members_of", "root_member_test"]

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
    ``show_deleted`` accepts, so it can report them as deleted. Nothing is scanned up front: a
    query page that reads only a few instances costs only those reads.

    With ``schema_generation`` (a query, which sees live instances only), the reverse-relation
    indexes are kept in the store until its next write, so later pages reuse them.
    """

    def __init__(
        self,
        store: InstanceStore,
        show_deleted: Callable[[StoredInstance], bool] | None = None,
        schema_generation: int | None = None,
    ) -> None:
        self._store = store
        self._show_deleted = show_deleted
        self._schema_generation = schema_generation if show_deleted is None else None
        self._by_type: dict[str, list[StoredInstance]] | None = None
        self._edges_by_end: dict[tuple[str, Key], list[StoredInstance]] | None = None
        self._referrers: dict[tuple[Any, ...], dict[Key, list[StoredInstance]]] = {}

    @property
    def store(self) -> InstanceStore:
        """The store the instances come from."""
        return self._store

    def sees(self, inst: StoredInstance) -> bool:
        """Whether this request sees the instance (live, or a deleted one sync reports)."""
        return inst.deleted_time is None or (self._show_deleted is not None and self._show_deleted(inst))

    def _instances(self, instance_type: str) -> list[StoredInstance]:
        if self._by_type is None:
            by_type: dict[str, list[StoredInstance]] = {"node": [], "edge": []}
            for inst in self._store.including_deleted():
                if self.sees(inst):
                    by_type[inst.instance_type].append(inst)
            self._by_type = by_type
        return self._by_type[instance_type]

    @property
    def nodes(self) -> list[StoredInstance]:
        """Every node this request sees, in storage order."""
        return self._instances("node")

    @property
    def edges(self) -> list[StoredInstance]:
        """Every edge this request sees, in storage order."""
        return self._instances("edge")

    def position(self, inst: StoredInstance) -> int:
        """The instance's storage slot: a stable order in which instances were first written."""
        slot = self._store.slot_of((inst.space, inst.external_id))
        if slot is None:  # pragma: no cover - every instance a request sees comes from the store
            raise LookupError(f"{inst.space}:{inst.external_id} is not in the store")
        return slot

    def node(self, key: Key) -> StoredInstance | None:
        """The node with this identity, if this request sees it."""
        found = self._store.get("node", key[0], key[1], include_deleted=True)
        if found is None or not self.sees(found):
            return None
        return found

    def edges_at(self, key: Key, end: str) -> list[StoredInstance]:
        """Edges whose ``end`` ("start" or "end") is the node ``key``, in storage order."""
        if self._show_deleted is None:
            # Live edges only: the store's own index finds them without scanning every edge.
            field_name = "start_node" if end == "start" else "end_node"
            touching = [edge for edge in self._store.edges_at(*key) if getattr(edge, field_name) == key]
            return sorted(touching, key=self.position)
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
        index_key = (access.reference, access.container)
        index = self._referrers.get(index_key)
        if index is None:
            if self._schema_generation is None:
                index = self._referrer_index(access)
            else:
                index = self._store.cached(
                    ("query-referrers", *index_key, self._schema_generation),
                    lambda: self._referrer_index(access),
                )
            self._referrers[index_key] = index
        return index.get(key, [])

    def _referrer_index(self, access: PropertyAccess) -> dict[Key, list[StoredInstance]]:
        index: dict[Key, list[StoredInstance]] = {}
        for node in self.nodes:
            for target in _targets(access, node):
                index.setdefault(target, []).append(node)
        return index


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
        return [node for node in universe.nodes if plan.filter(node)]
    start = _chained_nodes(pages[plan.source], plans[plan.source], plan.chain_to, universe)
    through = plan.through
    candidates: Iterable[StoredInstance]
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
        belongs = root_member_test(plan, universe)
        return [edge for edge in universe.edges if belongs(edge)]
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


def root_member_test(
    plan: NodeSetPlan | EdgeSetPlan, universe: InstanceUniverse
) -> Callable[[StoredInstance], bool]:
    """Whether an instance the request sees belongs to ``plan``, a set that reads no other set."""
    if isinstance(plan, NodeSetPlan):
        node_filter = plan.filter
        return lambda inst: inst.instance_type == "node" and node_filter(inst)
    far = "end_node" if plan.direction == "outwards" else "start_node"
    edge_filter = plan.filter
    return lambda inst: (
        inst.instance_type == "edge"
        and edge_filter(inst)
        and _node_passes(plan.node_filter, getattr(inst, far), universe)
    )


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
