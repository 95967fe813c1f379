"""The question a query asks, as a tree of steps: a start (nodes of a view, by filter or by ids)
and traversals from it (direct relations outwards, reverse direct relations inwards, edges).

A step says what to fetch, never how: the planner (``_plan``) decides which requests answer it.

>>> asset = ViewId(space="cdf_cdm", external_id="CogniteAsset", version="v1")
>>> no_parent = {"not": {"exists": {"property": ["cdf_cdm", "CogniteAsset/v1", "parent"]}}}
>>> roots = Query.nodes(asset, filter=no_parent)
>>> children = roots.reverse("children", through=asset, property="parent")
>>> grandchildren = children.reverse("children", through=asset, property="parent")
>>> grandchildren.path
'CogniteAsset.children.children'
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.schema import NodeId, ViewId

if TYPE_CHECKING:
    from pygen_runtime.client import AsyncCDFClient, CDFClient
    from pygen_runtime.query._async import AsyncQueryResults
    from pygen_runtime.query._limits import QueryLimits
    from pygen_runtime.query._plan import PlanChoice, QueryPlan
    from pygen_runtime.query._results import QueryResults

__all__ = ["Direction", "Query", "Step", "StepKind"]

StepKind = Literal["start", "direct", "reverse", "edges"]
# How many start nodes a query takes unless told otherwise: as many as ``instances.list``.
DEFAULT_START_LIMIT = 25
Direction = Literal["outwards", "inwards"]
Sort = Sequence[Mapping[str, Any]]


def _check_limit(limit: int | None, where: str) -> None:
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 1):
        raise InvalidArgumentError(
            f"{where}: limit must be a whole number >= 1, or None for all; got {limit!r}."
        )


def _check_view(view: object, where: str) -> ViewId:
    if not isinstance(view, ViewId):
        raise InvalidArgumentError(
            f"{where}: expected a ViewId, e.g. ViewId(space='my_space', external_id='Pump', version='1'); "
            f"got {type(view).__name__}."
        )
    return view


def _node_id(value: NodeId | tuple[str, str], where: str) -> NodeId:
    if isinstance(value, NodeId):
        return value
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(part, str) for part in value):
        return NodeId(space=value[0], external_id=value[1])
    raise InvalidArgumentError(f"{where}: expected a NodeId or a (space, external_id) pair, got {value!r}.")


@dataclass(eq=False)
class Step:
    """One step of a query: the nodes it reaches, how it reaches them, and what to keep of them.

    Build steps with :class:`Query` and the traversal methods; each returns the new step, so a
    chain walks a path and calling two methods on one step gives it two branches.
    """

    name: str
    kind: StepKind
    view: ViewId
    parent: Step | None = None
    filter: Mapping[str, Any] | None = None
    properties: tuple[str, ...] | None = None
    limit: int | None = None
    sort: tuple[Mapping[str, Any], ...] = ()
    # start by ids
    ids: tuple[NodeId, ...] | None = None
    # direct: the relation on the parent's view; reverse: the relation on ``through``
    relation: str | None = None
    through: ViewId | None = None
    is_list: bool = False
    # edges
    edge_type: NodeId | None = None
    direction: Direction = "outwards"
    edge_view: ViewId | None = None
    # The typed layer's read class for ``edge_view`` (a callable giving it), set by generated
    # query builders: typed nodes reached through these edges carry them as that class.
    edge_class: Any = None
    edge_filter: Mapping[str, Any] | None = None
    max_distance: int | None = 1
    children: list[Step] = field(default_factory=list)

    # -- shape -------------------------------------------------------------------------------
    @property
    def path(self) -> str:
        """Where this step sits: the start view's external id, then each connection name."""
        if self.parent is None:
            return self.name
        return f"{self.parent.path}.{self.name}"

    @property
    def depth(self) -> int:
        """0 for the start, 1 for a step from it, and so on."""
        return 0 if self.parent is None else self.parent.depth + 1

    @property
    def root(self) -> Step:
        """The start of the query this step belongs to."""
        return self if self.parent is None else self.parent.root

    def walk(self) -> Iterator[Step]:
        """This step and every step below it, parents before children."""
        yield self
        for child in self.children:
            yield from child.walk()

    def _add(self, step: Step) -> Step:
        if any(child.name == step.name for child in self.children):
            raise InvalidArgumentError(
                f"{self.path} already has a connection named {step.name!r}; give the new one another name."
            )
        _check_limit(step.limit, step.path)
        self.children.append(step)
        return step

    # -- traversals --------------------------------------------------------------------------
    def direct(
        self,
        name: str,
        property: str,
        view: ViewId,
        *,
        filter: Mapping[str, Any] | None = None,
        properties: Sequence[str] | None = None,
        limit: int | None = None,
        sort: Sort = (),
    ) -> Step:
        """Follow the direct relation ``property`` of this step's view (single or list) outwards to
        nodes read through ``view``; connected nodes land under ``name``."""
        return self._add(
            Step(
                name=name,
                kind="direct",
                view=_check_view(view, f"{self.path}.{name}"),
                parent=self,
                filter=filter,
                properties=None if properties is None else tuple(properties),
                limit=limit,
                sort=tuple(sort),
                relation=property,
            )
        )

    def reverse(
        self,
        name: str,
        through: ViewId,
        property: str,
        *,
        is_list: bool = False,
        filter: Mapping[str, Any] | None = None,
        properties: Sequence[str] | None = None,
        limit: int | None = None,
        sort: Sort = (),
    ) -> Step:
        """The nodes of view ``through`` whose direct relation ``property`` points at this step's
        nodes (a reverse direct relation, e.g. an asset's ``children`` through ``parent``).
        ``is_list`` says that ``property`` is a list of relations."""
        return self._add(
            Step(
                name=name,
                kind="reverse",
                view=_check_view(through, f"{self.path}.{name}"),
                parent=self,
                filter=filter,
                properties=None if properties is None else tuple(properties),
                limit=limit,
                sort=tuple(sort),
                relation=property,
                through=through,
                is_list=is_list,
            )
        )

    def edges(
        self,
        name: str,
        edge_type: NodeId | tuple[str, str],
        view: ViewId,
        *,
        direction: Direction = "outwards",
        edge_view: ViewId | None = None,
        edge_filter: Mapping[str, Any] | None = None,
        max_distance: int | None = 1,
        filter: Mapping[str, Any] | None = None,
        properties: Sequence[str] | None = None,
        limit: int | None = None,
        sort: Sort = (),
    ) -> Step:
        """Follow edges of ``edge_type`` (``outwards`` from this step's nodes, or ``inwards`` to
        them) to nodes read through ``view``, up to ``max_distance`` edges away (None: as far as
        the graph goes). ``edge_view`` reads the edges' own properties; ``edge_filter`` keeps
        only matching edges, ``filter`` only matching nodes (and the edges leading to them)."""
        where = f"{self.path}.{name}"
        if direction not in ("outwards", "inwards"):
            raise InvalidArgumentError(
                f"{where}: direction must be 'outwards' or 'inwards', got {direction!r}."
            )
        _check_limit(max_distance, f"{where} max_distance")
        return self._add(
            Step(
                name=name,
                kind="edges",
                view=_check_view(view, where),
                parent=self,
                filter=filter,
                properties=None if properties is None else tuple(properties),
                limit=limit,
                sort=tuple(sort),
                edge_type=_node_id(edge_type, where),
                direction=direction,
                edge_view=None if edge_view is None else _check_view(edge_view, where),
                edge_filter=edge_filter,
                max_distance=max_distance,
            )
        )

    # -- running -----------------------------------------------------------------------------
    def explain(self, *, plan: PlanChoice = "auto", limits: QueryLimits | None = None) -> QueryPlan:
        """The plan for the whole query this step belongs to; ``str()`` of it shows the requests."""
        from pygen_runtime.query._limits import QueryLimits
        from pygen_runtime.query._plan import make_plan

        return make_plan(self.root, plan, limits or QueryLimits())

    def execute(
        self,
        client: CDFClient,
        *,
        plan: PlanChoice = "auto",
        limits: QueryLimits | None = None,
        prefetch: bool = True,
    ) -> QueryResults:
        """Run the whole query this step belongs to; the results are fetched as they are iterated
        (with ``prefetch``, the next page while the caller works on the current one)."""
        from pygen_runtime.query._results import QueryResults

        return QueryResults(client, self.explain(plan=plan, limits=limits), prefetch=prefetch)

    def execute_async(
        self, client: AsyncCDFClient, *, plan: PlanChoice = "auto", limits: QueryLimits | None = None
    ) -> AsyncQueryResults:
        """The same with ``AsyncCDFClient``: ``async for item in step.execute_async(client)``."""
        from pygen_runtime.query._async import AsyncQueryResults

        return AsyncQueryResults(client, self.explain(plan=plan, limits=limits))


class Query:
    """Where a query starts.

    >>> asset = ViewId(space="cdf_cdm", external_id="CogniteAsset", version="v1")
    >>> query = Query.nodes(asset, limit=10)
    >>> query.reverse("children", through=asset, property="parent").kind
    'reverse'
    """

    @staticmethod
    def nodes(
        view: ViewId,
        *,
        filter: Mapping[str, Any] | None = None,
        properties: Sequence[str] | None = None,
        limit: int | None = DEFAULT_START_LIMIT,
        sort: Sort = (),
        name: str | None = None,
    ) -> Step:
        """Nodes with data in ``view`` that match ``filter``, up to ``limit`` (None for all)."""
        view = _check_view(view, "Query.nodes")
        _check_limit(limit, "Query.nodes")
        return Step(
            name=name or view.external_id,
            kind="start",
            view=view,
            filter=filter,
            properties=None if properties is None else tuple(properties),
            limit=limit,
            sort=tuple(sort),
        )

    @staticmethod
    def by_ids(
        view: ViewId,
        ids: Sequence[NodeId | tuple[str, str]],
        *,
        properties: Sequence[str] | None = None,
        name: str | None = None,
    ) -> Step:
        """The nodes with these ids (those that exist), read through ``view``, in the given order."""
        view = _check_view(view, "Query.by_ids")
        if isinstance(ids, NodeId) or (isinstance(ids, tuple) and all(isinstance(part, str) for part in ids)):
            ids = [ids]  # one id given bare
        nodes = tuple(dict.fromkeys(_node_id(node, "Query.by_ids") for node in ids))
        return Step(
            name=name or view.external_id,
            kind="start",
            view=view,
            ids=nodes,
            properties=None if properties is None else tuple(properties),
            limit=None,
        )
