"""Runs a :class:`QueryPlan`: sends its requests, follows every cursor up to the asked limits, and
connects the nodes of each step to their parents.

Per step, each node becomes one :class:`ResultItem`, fetched once however many parents reach it
and on however many pages; its own connections are filled once, when it is first reached.
Timeouts (HTTP 408 or no answer in time, after the client's own retries) halve the page size and
the ids per request, down to ``QueryLimits.min_page_size``, and the request is sent again.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from pygen_runtime._api._instances import LIST_PAGE_SIZE
from pygen_runtime.errors import CDFAPIError, CDFError, CDFTimeoutError
from pygen_runtime.query._limits import QueryTooLargeError
from pygen_runtime.query._order import order
from pygen_runtime.query._plan import ListRequest, QueryPlan
from pygen_runtime.query._results import ResultItem
from pygen_runtime.query._steps import Step
from pygen_runtime.schema import Edge, Node, NodeId, QueryResult, ViewId

if TYPE_CHECKING:
    from pygen_runtime._api._calls import Page

__all__ = ["Executor", "InstancesReader"]

Key = tuple[str, str]
T = TypeVar("T")


class InstancesReader(Protocol):
    """The three reads a query sends: what ``client.instances`` offers (``InstancesAPI``), or its
    asyncio twin behind a bridge (``_async``)."""

    def iterate(
        self,
        *,
        chunk_size: int,
        instance_type: Literal["node", "edge"],
        sources: list[ViewId] | None,
        filter: Mapping[str, Any] | None,
        sort: list[Mapping[str, Any]] | None,
        limit: int | None,
        cursor: str | None,
    ) -> Iterator[Page[Node | Edge]]: ...

    def retrieve(self, ids: list[NodeId], *, sources: list[ViewId] | None) -> list[Node | Edge]: ...

    def query(self, query: Mapping[str, Any], *, cursors: Mapping[str, str | None] | None) -> QueryResult: ...


def _key_of(value: Any) -> Key | None:
    if isinstance(value, dict):
        space, external_id = value.get("space"), value.get("externalId")
        if isinstance(space, str) and isinstance(external_id, str):
            return (space, external_id)
    return None


def relation_targets(value: Any) -> list[Key]:
    """The nodes a direct relation value (single or list) points at, in order."""
    if isinstance(value, list):
        return [key for item in value if (key := _key_of(item)) is not None]
    key = _key_of(value)
    return [] if key is None else [key]


def _node_key(node: Node | Edge) -> Key:
    return (node.space, node.external_id)


def _is_timeout(error: CDFError) -> bool:
    return isinstance(error, CDFTimeoutError) or (isinstance(error, CDFAPIError) and error.status == 408)


def reached_by_edges(
    start: Key, edges_from: dict[Key, list[Edge]], far_end: Callable[[Edge], Key], max_distance: int | None
) -> list[tuple[Edge, Key]]:
    """The edges walked from ``start``, breadth first, each with the node it leads to; each node
    is walked on from once, and no further than ``max_distance`` edges from ``start``."""
    visited = {start}
    frontier = [start]
    walked: set[Key] = set()
    reached: list[tuple[Edge, Key]] = []
    distance = 0
    while frontier and (max_distance is None or distance < max_distance):
        distance += 1
        next_frontier: list[Key] = []
        for node in frontier:
            for edge in edges_from.get(node, ()):
                edge_key = _node_key(edge)
                if edge_key in walked:
                    continue
                walked.add(edge_key)
                far = far_end(edge)
                reached.append((edge, far))
                if far not in visited:
                    visited.add(far)
                    next_frontier.append(far)
        frontier = next_frontier
    return reached


class Executor:
    """Sends the requests of one plan; single use."""

    def __init__(self, instances: InstancesReader, plan: QueryPlan) -> None:
        self._api = instances
        self.plan = plan
        self.limits = plan.limits
        self.truncated: dict[str, bool] = {step.path: False for step in plan.root.walk()}
        self.requests: Counter[str] = Counter()
        self._page_size = self.limits.page_size
        self._ids_per_request = self.limits.ids_per_request
        self._fetched = 0
        self._items: dict[int, dict[Key, ResultItem]] = {id(step): {} for step in plan.root.walk()}
        self._absent: dict[int, set[Key]] = {id(step): set() for step in plan.root.walk()}
        self._by_id: dict[ViewId, dict[Key, Node]] = {}
        # Per step: how many nodes it took, and how many new ones it had to refuse because its
        # limit was reached.
        self._taken: Counter[int] = Counter()
        self._refusals: Counter[int] = Counter()

    # -- budgets and retries ----------------------------------------------------------------------
    def _send(self, kind: str, send: Callable[[], T]) -> T:
        sent = sum(self.requests.values())
        if sent >= self.limits.max_requests:
            raise QueryTooLargeError(
                f"the query has sent {sent} requests, QueryLimits.max_requests; give its steps limits or "
                "filters, or raise max_requests."
            )
        self.requests[kind] += 1
        return send()

    def _retrying(self, kind: str, send: Callable[[], T]) -> T:
        """``send`` (which reads the current page size), halving the page size on timeouts."""
        while True:
            try:
                return self._send(kind, send)
            except CDFError as error:
                if not _is_timeout(error) or self._page_size <= self.limits.min_page_size:
                    raise
                self._page_size = max(self.limits.min_page_size, self._page_size // 2)
                self._ids_per_request = max(1, min(self._ids_per_request, self._page_size))

    def _count(self, step: Step, how_many: int) -> None:
        self._fetched += how_many
        if self._fetched > self.limits.max_instances:
            raise QueryTooLargeError(
                f"the query fetched {self._fetched} nodes and edges (reaching {step.path}), over "
                f"QueryLimits.max_instances ({self.limits.max_instances}); give {step.path} a limit or a "
                "filter, traverse fewer steps, or raise max_instances."
            )

    def _room(self, step: Step) -> int | None:
        """How many more nodes ``step`` may take (None: no limit)."""
        if step.limit is None:
            return None
        return step.limit - self._taken[id(step)]

    def _chunks(self, values: Sequence[T]) -> Iterator[Sequence[T]]:
        start = 0
        while start < len(values):
            size = self._ids_per_request
            yield values[start : start + size]
            start += size

    # -- fetching ---------------------------------------------------------------------------------
    def _list_page(
        self, step: Step, request: ListRequest, cursor: str | None, cap: int | None
    ) -> Page[Node | Edge]:
        def send() -> Page[Node | Edge]:
            # One more than there is room for: an extra item shows that the limit cut results.
            # The list endpoint pages at most 1,000 (query result sets go up to 10,000).
            page_size = min(self._page_size, LIST_PAGE_SIZE)
            size = page_size if cap is None else max(1, min(page_size, cap + 1))
            pages = self._api.iterate(
                chunk_size=size,
                limit=size,
                cursor=cursor,
                instance_type=request.instance_type,
                sources=list(request.sources) or None,
                filter=request.filter,
                sort=list(request.sort) or None,
            )
            return next(pages)

        page = self._retrying("list", send)
        self._count(step, len(page.items))
        return page

    def _listed(self, step: Step, request: ListRequest) -> Iterator[Node | Edge]:
        """Every instance a list request matches, page by page."""
        cursor: str | None = None
        while True:
            page = self._list_page(step, request, cursor, None)
            yield from page.items
            cursor = page.next_cursor
            if cursor is None:
                return

    def _streamed(self, step: Step, request: ListRequest) -> Iterator[Node]:
        """The nodes a list request matches, for a consumer that adopts them as they come: pages
        no larger than the step's room allows (plus one), and once the step is full, pages of one,
        until a node it had to refuse shows that the limit cut results (or nothing is left)."""
        refused = self._refusals[id(step)]
        cursor: str | None = None
        while True:
            page = self._list_page(step, request, cursor, self._room(step))
            yield from (node for node in page.items if isinstance(node, Node))
            cursor = page.next_cursor
            if cursor is None or self._refusals[id(step)] > refused:
                return

    def _fetch_nodes(self, step: Step, keys: Sequence[Key]) -> list[Node]:
        """The nodes with these ids that exist (and match the step's filter). Nodes fetched by id
        before, for any step reading the same view, are not fetched again."""
        plan = self.plan.of(step)
        if not plan.targets_by_ids:
            found: list[Node] = []
            for chunk in self._chunks(keys):
                ids = [NodeId(space=space, external_id=external_id) for space, external_id in chunk]
                listed = self._listed(step, plan.targets_list(ids))
                found.extend(node for node in listed if isinstance(node, Node))
            return found
        known = self._by_id.setdefault(step.view, {})
        missing = [key for key in keys if key not in known]
        for chunk in self._chunks(missing):
            ids = [NodeId(space=space, external_id=external_id) for space, external_id in chunk]
            nodes = self._retrieve(ids, [step.view])
            self._count(step, len(nodes))
            known.update((_node_key(node), node) for node in nodes if isinstance(node, Node))
        return [known[key] for key in keys if key in known]

    def _retrieve(self, ids: list[NodeId], sources: list[ViewId]) -> list[Node | Edge]:
        return self._retrying("byids", lambda: self._api.retrieve(ids, sources=sources))

    def _query(
        self, step: Step, body: Callable[[], dict[str, Any]], cursors: dict[str, str] | None
    ) -> QueryResult:
        result = self._retrying("query", lambda: self._api.query(body(), cursors=cursors))
        self._count(step, sum(len(items) for items in result.items.values()))
        return result

    # -- connecting -------------------------------------------------------------------------------
    def _adopt(self, step: Step, node: Node, new: list[ResultItem]) -> ResultItem | None:
        """The step's item for ``node``: the one made before, or a new one if the limit allows."""
        cache = self._items[id(step)]
        key = _node_key(node)
        item = cache.get(key)
        if item is not None:
            return item
        room = self._room(step)
        if room is not None and room <= 0:
            self._refusals[id(step)] += 1
            self.truncated[step.path] = True
            return None
        item = ResultItem(node=self._selected_only(step, node), view=step.view)
        self._taken[id(step)] += 1
        # The start's pages never repeat a node: its items are not kept, so iterating a long
        # start holds one page at a time. Other steps keep theirs, to fetch each node once.
        if step.parent is not None:
            cache[key] = item
        new.append(item)
        return item

    def _selected_only(self, step: Step, node: Node) -> Node:
        """``node`` with only the step's selected properties: list and by-ids requests return
        every property, the query endpoint only the selected ones; both answer alike."""
        selected = self.plan.of(step).selected
        if selected == ("*",):
            return node
        view = step.view
        identifier = f"{view.external_id}/{view.version}"
        values = node.properties.get(view.space, {}).get(identifier, {})
        kept = {name: value for name, value in values.items() if name in selected}
        return node.model_copy(update={"properties": {view.space: {identifier: kept}}})

    def _reach(
        self, step: Step, wanted: list[Key], fetch: Callable[[list[Key]], Iterable[Node]]
    ) -> list[ResultItem]:
        """Fetch the nodes ``wanted`` (none of them known yet) as far as the step's limit allows;
        the new items, in order. Ids that lead nowhere are remembered."""
        new: list[ResultItem] = []
        refused = self._refusals[id(step)]
        rest = wanted
        while rest and self._refusals[id(step)] == refused:
            # As many as there is room for, and one more: if it exists, the limit cut results.
            room = self._room(step)
            size = len(rest) if room is None else max(room, 0) + 1
            batch, rest = rest[:size], rest[size:]
            fetched = {_node_key(node): node for node in fetch(batch)}
            for key in batch:
                node = fetched.get(key)
                if node is None:
                    self._absent[id(step)].add(key)
                else:
                    self._adopt(step, node, new)
        return new

    def _connect_direct(
        self, step: Step, parents: Sequence[ResultItem], fetch: Callable[[list[Key]], Iterable[Node]]
    ) -> list[ResultItem]:
        assert step.relation is not None
        cache = self._items[id(step)]
        absent = self._absent[id(step)]
        targets = [relation_targets(parent.properties.get(step.relation)) for parent in parents]
        wanted = list(
            dict.fromkeys(key for keys in targets for key in keys if key not in cache and key not in absent)
        )
        new = self._reach(step, wanted, fetch)
        for parent, keys in zip(parents, targets, strict=True):
            parent.connections[step.name] = order([cache[key] for key in keys if key in cache], step.sort)
        return new

    def _connect_reverse(
        self, step: Step, parents: Sequence[ResultItem], children: Iterable[Node]
    ) -> list[ResultItem]:
        assert step.relation is not None
        by_key = {_node_key(parent.node): parent for parent in parents}
        new: list[ResultItem] = []
        for node in children:
            targets = relation_targets(node.properties_of(step.view).get(step.relation))
            mine = [by_key[target] for target in targets if target in by_key]
            if not mine:
                continue  # a child of a parent on another page, or of none asked for
            item = self._adopt(step, node, new)
            if item is None:
                continue
            for parent in mine:
                parent.connections[step.name].append(item)
        return new

    def _connect_edges(
        self,
        step: Step,
        parents: Sequence[ResultItem],
        edges: Iterable[Edge],
        fetch: Callable[[list[Key]], Iterable[Node]],
    ) -> list[ResultItem]:
        outwards = step.direction == "outwards"
        edges_from: dict[Key, list[Edge]] = {}
        for edge in edges:
            near = edge.start_node if outwards else edge.end_node
            edges_from.setdefault((near.space, near.external_id), []).append(edge)

        def far_end(edge: Edge) -> Key:
            node = edge.end_node if outwards else edge.start_node
            return (node.space, node.external_id)

        reached = [
            reached_by_edges(_node_key(parent.node), edges_from, far_end, step.max_distance)
            for parent in parents
        ]
        cache = self._items[id(step)]
        absent = self._absent[id(step)]
        wanted = list(
            dict.fromkeys(
                far for walked in reached for _, far in walked if far not in cache and far not in absent
            )
        )
        new = self._reach(step, wanted, fetch)
        for parent, walked in zip(parents, reached, strict=True):
            connected = [dataclasses.replace(cache[far], edge=edge) for edge, far in walked if far in cache]
            parent.connections[step.name] = order(connected, step.sort)
        return new

    # -- layered ----------------------------------------------------------------------------------
    def _fill(self, step: Step, parents: Sequence[ResultItem]) -> None:
        """Fetch ``step`` for these parents (and everything below it for the nodes it reaches)."""
        for parent in parents:
            parent.connections[step.name] = []
        if not parents:
            return
        fetch = partial(self._fetch_nodes, step)
        if step.kind == "direct":
            new = self._connect_direct(step, parents, fetch)
        elif step.kind == "reverse":
            ids = [parent.id for parent in parents]
            new = self._connect_reverse(step, parents, self._reverse_children(step, ids))
        else:
            new = self._connect_edges(step, parents, self._hops(step, parents), fetch)
        self._fill_below(step, new)

    def _reverse_children(self, step: Step, parents: Sequence[NodeId]) -> Iterator[Node]:
        plan = self.plan.of(step)
        refused = self._refusals[id(step)]
        for chunk in self._chunks(parents):
            yield from self._streamed(step, plan.reverse_request(chunk))
            if self._refusals[id(step)] > refused:
                return

    def _hops(self, step: Step, parents: Sequence[ResultItem]) -> list[Edge]:
        plan = self.plan.of(step)
        ids = [parent.id for parent in parents]
        edges: list[Edge] = []
        for chunk in self._chunks(ids):
            if step.max_distance == 1:
                edges.extend(edge for edge in self._listed_edges(step, plan.edges_request(chunk)))
                continue
            cursor: str | None = None
            while True:
                cursors = None if cursor is None else {"hops": cursor}
                result = self._query(step, partial(self._hops_body, step, chunk), cursors)
                edges.extend(edge for edge in result.items.get("hops", []) if isinstance(edge, Edge))
                cursor = result.next_cursor.get("hops")
                if cursor is None:
                    break
        return edges

    def _hops_body(self, step: Step, parents: Sequence[NodeId]) -> dict[str, Any]:
        return self.plan.of(step).hops_query(parents, self._page_size)

    def _listed_edges(self, step: Step, request: ListRequest) -> Iterator[Edge]:
        cursor: str | None = None
        while True:
            page = self._list_page(step, request, cursor, None)
            yield from (edge for edge in page.items if isinstance(edge, Edge))
            cursor = page.next_cursor
            if cursor is None:
                return

    def _fill_below(self, step: Step, items: Sequence[ResultItem]) -> None:
        for child in step.children:
            self._fill(child, items)

    def _layered_pages(self) -> Iterator[list[ResultItem]]:
        root = self.plan.root
        if root.ids is not None:
            keys = [(node.space, node.external_id) for node in root.ids]
            for chunk in self._chunks(keys):
                found = {_node_key(node): node for node in self._fetch_nodes(root, chunk)}
                new: list[ResultItem] = []
                items = [
                    item for key in chunk if key in found and (item := self._adopt(root, found[key], new))
                ]
                self._fill_below(root, items)
                yield items
            return
        request = self.plan.of(root).start_request()
        cursor: str | None = None
        while True:
            room = self._room(root)
            page = self._list_page(root, request, cursor, room)
            new = []
            for node in page.items:
                if isinstance(node, Node):
                    self._adopt(root, node, new)
            self._fill_below(root, new)
            if new:
                yield new
            cursor = page.next_cursor
            # A full start goes on with pages of one until a start node it must refuse shows
            # that the limit cut results, or nothing is left.
            if cursor is None or self._refusals[id(root)]:
                return

    # -- one query request ------------------------------------------------------------------------
    def _query_pages(self) -> Iterator[list[ResultItem]]:
        root = self.plan.root
        root_set = self.plan.of(root).set_name
        cursor: str | None = None
        while True:

            def body() -> dict[str, Any]:
                sizes = {id(step): self._set_size(step) for step in root.walk()}
                return self.plan.query_body(sizes)

            result = self._query(root, body, None if cursor is None else {root_set: cursor})
            new: list[ResultItem] = []
            for node in result.items.get(root_set, []):
                if isinstance(node, Node):
                    self._adopt(root, node, new)
            for child in root.children:
                self._assemble(child, new, result)
            if new:
                yield new
            cursor = result.next_cursor.get(root_set)
            # As in the layered strategy: a full start probes with a page of one.
            if cursor is None or self._refusals[id(root)]:
                return

    def _set_size(self, step: Step) -> int:
        room = self._room(step)
        if room is None:
            return self._page_size
        # The start asks for one more than it has room for: if it comes, the limit cut results.
        extra = 1 if step.parent is None else 0
        return max(1, min(self._page_size, room + extra))

    def _assemble(self, step: Step, parents: Sequence[ResultItem], result: QueryResult) -> None:
        """Connect ``step`` from its result set in ``result``; a set that did not fit its page is
        fetched layered for these parents instead."""
        plan = self.plan.of(step)
        names = [plan.set_name] + ([plan.edge_set_name] if step.kind == "edges" else [])
        if not plan.in_query or any(result.next_cursor.get(name) for name in names):
            self._fill(step, parents)
            return
        for parent in parents:
            parent.connections[step.name] = []
        nodes = {
            _node_key(node): node for node in result.items.get(plan.set_name, []) if isinstance(node, Node)
        }

        def from_set(keys: list[Key]) -> list[Node]:
            return [nodes[key] for key in keys if key in nodes]

        if step.kind == "direct":
            new = self._connect_direct(step, parents, from_set)
        elif step.kind == "reverse":
            new = self._connect_reverse(step, parents, nodes.values())
        else:
            edges = [edge for edge in result.items.get(plan.edge_set_name, []) if isinstance(edge, Edge)]
            new = self._connect_edges(step, parents, edges, from_set)
        for child in step.children:
            self._assemble(child, new, result)

    def pages(self) -> Iterator[list[ResultItem]]:
        """The start's results page by page, each complete below."""
        if self.plan.strategy == "query":
            return self._query_pages()
        return self._layered_pages()
