"""The optimizer: which requests answer a query, chosen by the shape of the question.

Two strategies:

- ``query``: one request to CDF's query endpoint holds a result set per step, chained with
  ``from``; the start's cursor is followed page by page. A step whose set overflows its page on
  some page of parents is continued with ``layered`` requests for the parents on that page, so
  nested cursors never multiply.
- ``layered``: one step at a time, for a whole page of parents at once: by-ids requests for direct
  relations (each target fetched once, however many parents point at it), list requests with
  ``in`` filters for reverse relations and for edges, split into chunks of ``ids_per_request``.
  Edges followed more than one hop use a query request per chunk of parents.

Filters are pushed into the earliest result set they constrain: a step's filter goes into its own
set (and into ``nodeFilter`` of an edge traversal, so edges to nodes it rejects are cut at the
source), never applied in Python afterwards.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.query._filters import (
    Filter,
    and_,
    contains_any,
    has_data,
    in_,
    instance_references,
    node_reference,
)
from pygen_runtime.query._limits import QueryLimits, QueryTooLargeError
from pygen_runtime.query._steps import Step
from pygen_runtime.schema import NodeId, ViewId

__all__ = ["ByIdsRequest", "ListRequest", "PlanChoice", "QueryPlan", "StepPlan", "Strategy", "make_plan"]

Strategy = Literal["query", "layered"]
PlanChoice = Literal["auto", "query", "layered"]
_INSTANCES = "/models/instances"


def _dumps(body: Any, indent: str = "") -> str:
    """JSON as a person reads it: a value that fits on a short line stays on one line, larger
    objects and lists open up, two spaces a level."""
    flat = json.dumps(body, ensure_ascii=False)
    if len(flat) <= 88 or not isinstance(body, (dict, list)) or not body:
        return flat
    inner = indent + "  "
    if isinstance(body, dict):
        lines = [f"{inner}{json.dumps(key)}: {_dumps(value, inner)}" for key, value in body.items()]
        return "{\n" + ",\n".join(lines) + f"\n{indent}}}"
    lines = [f"{inner}{_dumps(value, inner)}" for value in body]
    return "[\n" + ",\n".join(lines) + f"\n{indent}]"


@dataclass(frozen=True)
class ListRequest:
    """A page of ``POST /models/instances/list``."""

    instance_type: Literal["node", "edge"]
    sources: tuple[ViewId, ...]
    filter: Filter | None
    sort: tuple[Mapping[str, Any], ...]

    def body(self, limit: int) -> dict[str, Any]:
        """The request body, as sent for a page of ``limit`` instances."""
        body: dict[str, Any] = {"instanceType": self.instance_type}
        if self.sources:
            body["sources"] = [{"source": view.dump()} for view in self.sources]
        if self.filter is not None:
            body["filter"] = self.filter
        if self.sort:
            body["sort"] = list(self.sort)
        body["limit"] = limit
        return body


@dataclass(frozen=True)
class ByIdsRequest:
    """``POST /models/instances/byids`` for nodes read through ``sources``."""

    sources: tuple[ViewId, ...]

    def body(self, ids: Sequence[NodeId]) -> dict[str, Any]:
        """The request body for these ids."""
        return {
            "items": [{"instanceType": "node", **node_reference(node)} for node in ids],
            "sources": [{"source": view.dump()} for view in self.sources],
        }


@dataclass
class StepPlan:
    """How one step is fetched, and what is selected of it."""

    step: Step
    set_name: str
    selected: tuple[str, ...]
    # Whether the step has a result set in the ``query`` strategy's request; a list relation
    # followed inwards (and what is below it) is fetched layered, with ``containsAny``.
    in_query: bool = True

    @property
    def edge_set_name(self) -> str:
        """The result set holding an edge step's edges."""
        return f"{self.set_name}_edges"

    # -- what is selected ----------------------------------------------------------------------
    def node_select(self) -> dict[str, Any]:
        return {"sources": [{"source": self.step.view.dump(), "properties": list(self.selected)}]}

    def edge_select(self) -> dict[str, Any]:
        edge_view = self.step.edge_view
        if edge_view is None:
            return {}
        return {"sources": [{"source": edge_view.dump(), "properties": ["*"]}]}

    # -- the filters each request carries -----------------------------------------------------
    def edge_filter(self) -> Filter:
        step = self.step
        assert step.edge_type is not None
        type_filter = {"equals": {"property": ["edge", "type"], "value": node_reference(step.edge_type)}}
        combined = and_(type_filter, step.edge_filter)
        assert combined is not None
        return combined

    def start_request(self) -> ListRequest:
        """The start step's nodes: data in its view, and its filter."""
        step = self.step
        return ListRequest("node", (step.view,), and_(has_data(step.view), step.filter), step.sort)

    @property
    def targets_by_ids(self) -> bool:
        """Whether known nodes of this step are fetched by id: yes, unless CDF has to apply a
        filter or a sort."""
        return self.step.filter is None and not self.step.sort

    def targets_request(self, ids: Sequence[NodeId]) -> ListRequest | ByIdsRequest:
        """How known nodes (direct relation targets, edge ends) are fetched."""
        if self.targets_by_ids:
            return ByIdsRequest((self.step.view,))
        return self.targets_list(ids)

    def targets_list(self, ids: Sequence[NodeId]) -> ListRequest:
        """Known nodes, as a list request that applies the step's filter and sort."""
        step = self.step
        return ListRequest("node", (step.view,), and_(instance_references(ids), step.filter), step.sort)

    def reverse_request(self, parents: Sequence[NodeId]) -> ListRequest:
        """Nodes whose relation points at one of ``parents``."""
        step = self.step
        assert step.relation is not None
        values = [node_reference(node) for node in parents]
        relation = (contains_any if step.is_list else in_)(step.view, step.relation, values)
        return ListRequest("node", (step.view,), and_(relation, step.filter), step.sort)

    def edges_request(self, parents: Sequence[NodeId]) -> ListRequest:
        """One hop of edges leaving (or reaching) ``parents``."""
        step = self.step
        near = "startNode" if step.direction == "outwards" else "endNode"
        near_filter = {
            "in": {"property": ["edge", near], "values": [node_reference(node) for node in parents]}
        }
        sources = (step.edge_view,) if step.edge_view is not None else ()
        return ListRequest("edge", sources, and_(self.edge_filter(), near_filter), ())

    def edge_expression(self, source: str) -> dict[str, Any]:
        """The ``edges`` result set expression of this step, chained from ``source``."""
        step = self.step
        edges: dict[str, Any] = {"from": source, "direction": step.direction, "filter": self.edge_filter()}
        if step.max_distance is not None:
            edges["maxDistance"] = step.max_distance
        if step.filter is not None:
            edges["nodeFilter"] = step.filter
        return {"edges": edges}

    def hops_query(self, parents: Sequence[NodeId], limit: int) -> dict[str, Any]:
        """Edges up to ``max_distance`` hops from ``parents``, as one query (the layered form of
        an edge step that goes further than one hop)."""
        start = {"nodes": {"filter": instance_references(parents)}, "limit": max(len(parents), 1)}
        return {
            "with": {"start": start, "hops": {**self.edge_expression("start"), "limit": limit}},
            "select": {"hops": self.edge_select()},
        }


def _selected(step: Step) -> tuple[str, ...]:
    """The properties to select for ``step``: the asked ones plus what connecting needs."""
    if step.properties is None or "*" in step.properties:
        return ("*",)
    needed = list(step.properties)
    if step.kind == "reverse" and step.relation is not None:
        needed.append(step.relation)
    needed.extend(child.relation for child in step.children if child.kind == "direct" and child.relation)
    return tuple(dict.fromkeys(needed))


@dataclass
class QueryPlan:
    """The chosen strategy, why, and the requests it sends; ``str()`` shows it all."""

    root: Step
    strategy: Strategy
    reason: str
    limits: QueryLimits
    steps: dict[int, StepPlan] = field(default_factory=dict)

    def of(self, step: Step) -> StepPlan:
        """The plan of one step."""
        return self.steps[id(step)]

    def set_limit(self, step: Step, already: int = 0) -> int:
        """The page size of ``step``'s result set: its remaining limit, at most a page."""
        page = self.limits.page_size
        if step.limit is None:
            return page
        return max(1, min(page, step.limit - already))

    def query_body(self, page_sizes: Mapping[int, int] | None = None) -> dict[str, Any]:
        """The one query request of the ``query`` strategy (``page_sizes`` by ``id(step)``
        overrides set limits)."""
        sizes = page_sizes or {}
        with_: dict[str, Any] = {}
        select: dict[str, Any] = {}
        for step in self.root.walk():
            plan = self.of(step)
            if not plan.in_query:
                continue
            limit = sizes.get(id(step), self.set_limit(step))
            sort = {"sort": list(step.sort)} if step.sort else {}
            if step.parent is None:
                nodes: dict[str, Any] = {"filter": and_(has_data(step.view), step.filter)}
                with_[plan.set_name] = {"nodes": nodes, "limit": limit, **sort}
            elif step.kind == "edges":
                parent = self.of(step.parent).set_name
                with_[plan.edge_set_name] = {**plan.edge_expression(parent), "limit": limit}
                with_[plan.set_name] = {
                    "nodes": {"from": plan.edge_set_name, "chainTo": "destination"},
                    "limit": limit,
                    **sort,
                }
                select[plan.edge_set_name] = plan.edge_select()
            else:
                parent_step = step.parent
                assert step.relation is not None
                through_view = parent_step.view if step.kind == "direct" else step.view
                nodes = {
                    "from": self.of(parent_step).set_name,
                    "through": {"source": through_view.dump(), "identifier": step.relation},
                    "direction": "outwards" if step.kind == "direct" else "inwards",
                }
                if step.filter is not None:
                    nodes["filter"] = step.filter
                with_[plan.set_name] = {"nodes": nodes, "limit": limit, **sort}
            select[plan.set_name] = plan.node_select()
        return {"with": with_, "select": select}

    def __str__(self) -> str:
        lines = [f"Strategy: {self.strategy}", f"Why: {self.reason}", "Steps:"]
        for step in self.root.walk():
            plan = self.of(step)
            name = plan.set_name if plan.in_query or self.strategy == "layered" else "-"
            lines.append(f"  {name:<6} {step.path}: {_describe(step)}")
        lines.append("Requests:")
        if self.strategy == "query":
            lines.append(f"  POST {_INSTANCES}/query, once per page of {self.root.path}:")
            lines.extend("    " + line for line in _dumps(self.query_body()).splitlines())
            lines.append(
                "  A step whose result set returns a cursor is continued with the layered requests "
                "below for the parents on that page."
            )
        lines.extend(self._layered_lines())
        return "\n".join(lines)

    def _layered_lines(self) -> list[str]:
        lines: list[str] = []

        def request(title: str, body: Any) -> None:
            lines.append(f"    {title}")
            lines.extend("      " + line for line in _dumps(body).splitlines())

        most = self.limits.ids_per_request
        parents = [NodeId(space="<space>", external_id=f"<parent ids, at most {most}>")]
        page = self.limits.page_size
        for step in self.root.walk():
            plan = self.of(step)
            if self.strategy == "query" and step.parent is None:
                continue
            lines.append(f"  {step.path}:")
            if step.parent is None and step.ids is not None:
                body = ByIdsRequest((step.view,)).body(step.ids[:most])
                request(f"POST {_INSTANCES}/byids, {most} ids per request:", body)
            elif step.parent is None:
                request(f"POST {_INSTANCES}/list, following its cursor:", plan.start_request().body(page))
            elif step.kind == "reverse":
                body = plan.reverse_request(parents).body(page)
                request(f"POST {_INSTANCES}/list per chunk of parents, following its cursor:", body)
            else:
                if step.kind == "edges" and step.max_distance == 1:
                    body = plan.edges_request(parents).body(page)
                    request(
                        f"POST {_INSTANCES}/list (edges) per chunk of parents, following its cursor:", body
                    )
                elif step.kind == "edges":
                    body = plan.hops_query(parents, page)
                    request(
                        f"POST {_INSTANCES}/query per chunk of parents, following the cursor of 'hops':", body
                    )
                targets = plan.targets_request(parents)
                what = "the targets" if step.kind == "direct" else "the nodes at the far end"
                if isinstance(targets, ByIdsRequest):
                    request(
                        f"then POST {_INSTANCES}/byids for {what} not fetched before:", targets.body(parents)
                    )
                else:
                    request(f"then POST {_INSTANCES}/list for {what} not fetched before:", targets.body(page))
        return lines


def _describe(step: Step) -> str:
    limit = "all" if step.limit is None else str(step.limit)
    parts: list[str]
    if step.parent is None:
        parts = [f"nodes of {step.view}"]
        if step.ids is not None:
            parts.append(f"{len(step.ids)} ids")
    elif step.kind == "direct":
        parts = [f"direct relation {step.relation!r} outwards to {step.view}"]
    elif step.kind == "reverse":
        kind = "list relation" if step.is_list else "relation"
        parts = [f"reverse of the {kind} {step.relation!r} of {step.view}"]
        if step.is_list:
            parts.append("always layered (containsAny)")
    else:
        distance = "any distance" if step.max_distance is None else f"max distance {step.max_distance}"
        parts = [f"edges of type {step.edge_type} {step.direction}, {distance}, to {step.view}"]
        if step.edge_filter is not None:
            parts.append("edge filter in the edge set")
    if step.filter is not None:
        parts.append("filter in its own set" if step.kind != "edges" else "filter as nodeFilter of its edges")
    if step.sort:
        parts.append("sorted by CDF")
    parts.append(f"limit {limit}")
    return ", ".join(parts)


def _check_shape(root: Step, limits: QueryLimits) -> None:
    for step in root.walk():
        if step.depth > limits.max_depth:
            raise QueryTooLargeError(
                f"{step.path} is {step.depth} steps deep; QueryLimits.max_depth is {limits.max_depth}. "
                "Traverse fewer steps, or raise max_depth if the graph below is small."
            )


def _in_query(root: Step) -> set[int]:
    """The steps a query request can hold: all but list relations followed inwards (CDF's query
    endpoint is not relied on for those) and the steps below them."""
    held: set[int] = set()

    def visit(step: Step) -> None:
        if step.kind == "reverse" and step.is_list:
            return
        held.add(id(step))
        for child in step.children:
            visit(child)

    visit(root)
    return held


def make_plan(root: Step, choice: PlanChoice, limits: QueryLimits) -> QueryPlan:
    """Choose the strategy for the query starting at ``root`` (or take the one asked for)."""
    if root.parent is not None:
        raise InvalidArgumentError(f"{root.path} is not the start of a query; plan from its root.")
    if choice not in ("auto", "query", "layered"):
        raise InvalidArgumentError(f"plan must be 'auto', 'query' or 'layered', got {choice!r}.")
    _check_shape(root, limits)
    steps = list(root.walk())
    in_query = _in_query(root)
    set_count = sum(2 if step.kind == "edges" else 1 for step in steps if id(step) in in_query)
    strategy: Strategy
    if root.ids is not None:
        strategy, reason = "layered", "the start is a list of ids: by-ids requests need no query"
        if choice == "query":
            raise InvalidArgumentError("a query that starts from ids runs with plan='layered' (or 'auto').")
    elif choice != "auto":
        strategy, reason = choice, "asked for"
    elif set_count > limits.max_result_sets:
        strategy, reason = "layered", f"{set_count} result sets are more than one query request takes"
    elif len(steps) == 1:
        strategy, reason = "layered", "a single step is a plain listing"
    elif root.limit is None or root.limit > limits.page_size:
        strategy = "layered"
        reason = (
            "the start spans several pages: each step is fetched once per page of parents, and a node "
            "reached from many parents is fetched once"
        )
    else:
        strategy = "query"
        reason = (
            f"the start fits in one page ({root.limit} ≤ {limits.page_size}): one request answers every step"
        )
    if strategy == "query" and set_count > limits.max_result_sets:
        raise QueryTooLargeError(
            f"the query needs {set_count} result sets; one query request takes at most "
            f"{limits.max_result_sets}. Use plan='layered' or fewer steps."
        )
    plan = QueryPlan(root=root, strategy=strategy, reason=reason, limits=limits)
    for index, step in enumerate(steps):
        plan.steps[id(step)] = StepPlan(
            step=step, set_name=f"s{index}", selected=_selected(step), in_query=id(step) in in_query
        )
    return plan
