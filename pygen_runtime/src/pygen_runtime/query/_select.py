"""The fluent, typed ``select()`` builder that generated SDKs offer per view.

A generated SDK declares one subclass of :class:`Select` per view, with nothing but attributes:
the view, the read class, a filter per property and a traversal per relation::

    class WindTurbineSelect(Select[WindTurbine, WindTurbineList]):
        _view_id = ViewId(space="power", external_id="WindTurbine", version="1")
        _read_class = WindTurbine
        _list_class = WindTurbineList

        name = TextProperty("name")
        capacity = NumberProperty("capacity")
        blades = DirectTraversal("blades", lambda: BladeSelect)

        def list_wind_turbine(self, limit: int | None = 25) -> WindTurbineList:
            return self._list(limit)

and a caller writes
``client.wind_turbine.select().name.prefix("WT").blades.is_damaged.equals(True).list_blade(limit=10)``.

Each property filter adds to the filter of the step the builder stands on and returns the builder;
each traversal moves the builder to a new step below. The terminals run the query: ``_list``
(the generated ``list_<view>``) returns the nodes of the step the builder stands on, reached
through every step before it; ``list_full`` returns the start's nodes with the connections along
the path filled in; ``iterate`` hands out the nodes of the current step page by page. Results
come in the view's list class (``_list_class``, e.g. ``WindTurbineList``, with ``to_pandas()``
and traversal of connections) when the select class names one, else in a plain ``list``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, Protocol, overload

from typing_extensions import Self, TypeVar

from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.query import _filters
from pygen_runtime.query._limits import QueryLimits, limit_or_all
from pygen_runtime.query._results import ResultItem
from pygen_runtime.query._steps import Direction, Query, Step
from pygen_runtime.schema import NodeId, ViewId

if TYPE_CHECKING:
    from pygen_runtime.client import CDFClient
    from pygen_runtime.query._plan import PlanChoice, QueryPlan
    from pygen_runtime.query._results import QueryResults

__all__ = [
    "BooleanFilter",
    "BooleanProperty",
    "DirectRelationFilter",
    "DirectRelationProperty",
    "DirectTraversal",
    "EdgeTraversal",
    "EnumFilter",
    "EnumProperty",
    "ListFilter",
    "ListProperty",
    "NumberFilter",
    "NumberProperty",
    "ReadClass",
    "ReverseTraversal",
    "Select",
    "TextFilter",
    "TextProperty",
    "TimeFilter",
    "TimeProperty",
]

ReadT = TypeVar("ReadT")
# The list class results come in: the view's typed list (``BladeList``) in generated SDKs.
ListT = TypeVar("ListT", bound=list[Any], default=list[ReadT])
SelectT = TypeVar("SelectT", bound="Select[Any, Any]")
TargetT = TypeVar("TargetT", bound="Select[Any, Any]")
NodeLike = NodeId | tuple[str, str]


class ReadClass(Protocol):
    """What a typed read class offers the builder: loading one node from CDF's JSON."""

    @classmethod
    def from_instance(cls, instance: Any) -> Any: ...


@dataclass
class _Build:
    """What every select of one query shares: the client, the start, which select class each
    step was reached with, and the bounds."""

    client: CDFClient
    root: Step
    limits: QueryLimits
    plan: PlanChoice = "auto"
    classes: dict[int, type[Select[Any, Any]]] = field(default_factory=dict)


class Select(Generic[ReadT, ListT]):
    """The base of generated per-view select classes; see the module docstring."""

    _view_id: ClassVar[ViewId]
    _read_class: ClassVar[Any] = None
    # The list class of ``_read_class`` (a ``NodeReadList`` subclass); None: a plain list.
    _list_class: ClassVar[Any] = None

    def __init__(
        self,
        client: CDFClient,
        *,
        limits: QueryLimits | None = None,
        plan: PlanChoice = "auto",
        _build: _Build | None = None,
        _step: Step | None = None,
    ) -> None:
        if _build is None or _step is None:
            view = self._view()
            _step = Query.nodes(view, limit=None)
            _build = _Build(client, _step, limits or QueryLimits(), plan)
        self._build = _build
        self._step = _step
        _build.classes[id(_step)] = type(self)

    @classmethod
    def _view(cls) -> ViewId:
        try:
            return cls._view_id
        except AttributeError:
            raise InvalidArgumentError(
                f"{cls.__name__} has no view: a select class needs `_view_id = ViewId(...)`."
            ) from None

    def __repr__(self) -> str:
        return f"{type(self).__name__}(at {self._step.path!r})"

    # -- building ---------------------------------------------------------------------------------
    def _where(self, filter: Mapping[str, Any]) -> Self:
        """Add ``filter`` (ANDed) to the step this builder stands on."""
        self._step.filter = _filters.and_(self._step.filter, filter)
        return self

    def _sort_by(self, name: str, direction: Literal["ascending", "descending"]) -> Self:
        if len(self._step.sort) >= 5:
            raise InvalidArgumentError(f"{self._step.path}: CDF sorts by at most 5 properties.")
        sort = {"property": _filters.property_reference(self._step.view, name), "direction": direction}
        self._step.sort = (*self._step.sort, sort)
        return self

    def _move(self, target: type[TargetT], name: str, add: Callable[[Step], Step]) -> TargetT:
        """The builder of ``target`` at the step ``name`` below this one (made on first use)."""
        existing = next((child for child in self._step.children if child.name == name), None)
        step = existing if existing is not None else add(self._step)
        return target(self._build.client, _build=self._build, _step=step)

    # -- running ----------------------------------------------------------------------------------
    def explain(self) -> QueryPlan:
        """The plan of the whole query built so far; ``str()`` shows its requests."""
        return self._build.root.explain(plan=self._build.plan, limits=self._build.limits)

    def _path(self) -> list[Step]:
        steps: list[Step] = []
        step: Step | None = self._step
        while step is not None:
            steps.append(step)
            step = step.parent
        return steps[::-1]

    def _copy(self, steps: Sequence[Step], limit: int | None) -> tuple[list[Step], dict[int, Any]]:
        """A copy of the path ``steps`` alone (branches off it are not fetched), with ``limit``
        on its last step, and the select class of each copied step. The builder is left as it is,
        so it can run again."""
        copies: list[Step] = []
        classes: dict[int, Any] = {}
        for step in steps:
            parent = copies[-1] if copies else None
            copy = dataclasses.replace(step, parent=parent, children=[], limit=None)
            if parent is not None:
                parent.children.append(copy)
            copies.append(copy)
            classes[id(copy)] = self._build.classes.get(id(step))
        copies[-1].limit = limit
        return copies, classes

    def _run(self, root: Step, *, prefetch: bool = True) -> QueryResults:
        return root.execute(
            self._build.client, plan=self._build.plan, limits=self._build.limits, prefetch=prefetch
        )

    def _here(self, limit: int | None) -> Iterator[tuple[list[ResultItem], _Converter, Step]]:
        """The items of this step, page by page of the start, each once, up to ``limit``, with
        the converter to typed objects and the (copied) step they belong to."""
        limit = limit_or_all(limit)
        path, classes = self._copy(self._path(), limit)
        converter = _Converter(classes)
        seen: set[int] = set()
        taken = 0
        # A limit may be met on any page: fetch no page ahead of the one it needs.
        for page in self._run(path[0], prefetch=limit is None).pages():
            layer = page
            for step in path[1:]:
                layer = [connected for item in layer for connected in item.connections.get(step.name, [])]
            fresh = []
            for item in layer:
                if id(item.connections) not in seen:
                    seen.add(id(item.connections))
                    fresh.append(item)
            if limit is not None:
                fresh = fresh[: limit - taken]
            taken += len(fresh)
            if fresh:
                yield fresh, converter, path[-1]
            if limit is not None and taken >= limit:
                return

    @classmethod
    def _new_list(cls, items: Sequence[Any] = ()) -> Any:
        """``items`` in this view's list class (a plain list without one)."""
        return list(items) if cls._list_class is None else cls._list_class(items)

    def _list(self, limit: int | None = 25) -> ListT:
        """The nodes of this step reached through every step before it (each once), up to
        ``limit``, in the view's list class; generated SDKs expose it as ``list_<view>``."""
        found: ListT = self._new_list(
            [typed for page, converter, step in self._here(limit) for typed in converter.convert(page, step)]
        )
        return found

    def iterate(self, chunk_size: int = 1000, limit: int | None = None) -> Iterator[ListT]:
        """The nodes of this step, ``chunk_size`` at a time (each chunk in the view's list
        class), fetched as they are iterated."""
        if isinstance(chunk_size, bool) or not isinstance(chunk_size, int) or chunk_size < 1:
            raise InvalidArgumentError(f"chunk_size must be a whole number >= 1, got {chunk_size!r}.")
        chunk: ListT = self._new_list()
        for page, converter, step in self._here(limit):
            for typed in converter.convert(page, step):
                chunk.append(typed)
                if len(chunk) == chunk_size:
                    yield chunk
                    chunk = self._new_list()
        if chunk:
            yield chunk

    def list_full(self, limit: int | None = 25) -> Any:
        """The start's nodes (up to ``limit``) with their connections along the path built so far
        filled in, as typed objects, in the list class of the start's view (the builder may
        stand on another view by now, so the type is not known statically)."""
        classes: dict[int, Any] = {}

        def copy(step: Step, parent: Step | None) -> Step:
            copied = dataclasses.replace(step, parent=parent, children=[], limit=None)
            copied.children = [copy(child, copied) for child in step.children]
            classes[id(copied)] = self._build.classes.get(id(step))
            return copied

        root = copy(self._build.root, None)
        root.limit = limit_or_all(limit)
        items = _Converter(classes).convert(self._run(root).collect(), root)
        start = self._build.classes.get(id(self._build.root), Select)
        return start._new_list(items)


class _Converter:
    """Turns connected result items into typed objects: a page of items of one step is validated
    in one call, and each item once (shared items stay shared, so a densely connected result does
    not multiply)."""

    def __init__(self, classes: Mapping[int, Any]) -> None:
        # The select class of each step (by id), whose ``_read_class`` items become.
        self._classes = classes

    def convert(self, items: Sequence[ResultItem], step: Step) -> list[Any]:
        """``items`` of ``step`` as typed objects, with the connections below ``step`` set."""
        # Every item below the given ones, once per step, keyed by its (shared) connections.
        pending: dict[int, dict[tuple[int, int], ResultItem]] = {}
        frontier: list[tuple[Step, ResultItem]] = [(step, item) for item in items]
        while frontier:
            following: list[tuple[Step, ResultItem]] = []
            for at, item in frontier:
                seen = pending.setdefault(id(at), {})
                if item_key(item) in seen:
                    continue
                seen[item_key(item)] = item
                for child in at.children:
                    following.extend((child, connected) for connected in item.connections.get(child.name, []))
            frontier = following
        typed: dict[int, dict[tuple[int, int], Any]] = {}
        steps = {id(at): at for at in step.walk()}
        for step_id, by_key in pending.items():
            select = self._classes.get(step_id)
            read_class = select._read_class if select is not None else None
            typed_items = to_typed(read_class, list(by_key.values()), steps[step_id].edge_class)
            typed[step_id] = dict(zip(by_key, typed_items, strict=True))
        for step_id, by_key in pending.items():
            at = steps[step_id]
            for key, item in by_key.items():
                target = typed[step_id][key]
                if target is item:
                    continue
                for child in at.children:
                    if child.name in item.connections:
                        connected = [
                            typed[id(child)][item_key(other)] for other in item.connections[child.name]
                        ]
                        setattr(target, child.name, connected)
        return [typed[id(step)][item_key(item)] for item in items]


def item_key(item: ResultItem) -> tuple[int, int]:
    """What makes a result item one typed object: its node's connections (shared by every way the
    query reached the node) and, for a node reached through an edge, that edge, whose
    properties the object keeps."""
    return id(item.connections), 0 if item.edge is None else id(item.edge)


def to_typed(read_class: Any, items: Sequence[ResultItem], edge_class: Any = None) -> list[Any]:
    """``items`` as objects of ``read_class`` (the items themselves when it is None); nodes reached
    through an edge get it as ``via_edge``, as an object of ``edge_class()`` when given."""
    if read_class is None or not items:
        return list(items)
    from pygen_runtime.typed import InstanceRead, NodeRead, parse_instances

    if isinstance(read_class, type) and issubclass(read_class, InstanceRead):
        typed = parse_instances(read_class, [item.node.dump() for item in items])
    else:
        typed = [read_class.from_instance(item.node) for item in items]
    reached = [
        (target, item.edge) for target, item in zip(typed, items, strict=True) if item.edge is not None
    ]
    if reached:
        edges: list[Any] = [edge for _, edge in reached]
        if edge_class is not None:
            edges = parse_instances(edge_class(), [edge.dump() for edge in edges])
        for (target, _), edge in zip(reached, edges, strict=True):
            if isinstance(target, NodeRead):
                target._set_via_edge(edge)
    return typed


# -- property filters -------------------------------------------------------------------------------
class _PropertyFilter(Generic[SelectT]):
    def __init__(self, select: SelectT, name: str) -> None:
        self._select = select
        self._name = name

    @property
    def _view(self) -> ViewId:
        return self._select._step.view

    def sort_ascending(self) -> SelectT:
        """Sort this step by the property, smallest first."""
        return self._select._sort_by(self._name, "ascending")

    def sort_descending(self) -> SelectT:
        """Sort this step by the property, largest first."""
        return self._select._sort_by(self._name, "descending")


class TextFilter(_PropertyFilter[SelectT]):
    """Filters of a text property."""

    def equals(self, value: str) -> SelectT:
        return self._select._where(_filters.equals(self._view, self._name, value))

    def prefix(self, value: str) -> SelectT:
        return self._select._where(_filters.prefix(self._view, self._name, value))

    def in_(self, values: Sequence[str]) -> SelectT:
        return self._select._where(_filters.in_(self._view, self._name, list(values)))


def _time_value(value: datetime | date | str | None) -> str | None:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _range(select: SelectT, view: ViewId, name: str, bounds: dict[str, Any]) -> SelectT:
    given = {key: value for key, value in bounds.items() if value is not None}
    if not given:
        raise InvalidArgumentError(f"{name}: give at least one bound (gt, gte, lt or lte).")
    return select._where(_filters.range_(view, name, **given))


class NumberFilter(_PropertyFilter[SelectT]):
    """Filters of an integer or float property."""

    def equals(self, value: float) -> SelectT:
        return self._select._where(_filters.equals(self._view, self._name, value))

    def range(
        self,
        gte: float | None = None,
        lte: float | None = None,
        *,
        gt: float | None = None,
        lt: float | None = None,
    ) -> SelectT:
        return _range(self._select, self._view, self._name, {"gte": gte, "lte": lte, "gt": gt, "lt": lt})


class TimeFilter(_PropertyFilter[SelectT]):
    """Filters of a date or timestamp property (``datetime``, ``date`` or ISO 8601 text)."""

    def range(
        self,
        gte: datetime | date | str | None = None,
        lte: datetime | date | str | None = None,
        *,
        gt: datetime | date | str | None = None,
        lt: datetime | date | str | None = None,
    ) -> SelectT:
        bounds = {
            "gte": _time_value(gte),
            "lte": _time_value(lte),
            "gt": _time_value(gt),
            "lt": _time_value(lt),
        }
        return _range(self._select, self._view, self._name, bounds)


class BooleanFilter(_PropertyFilter[SelectT]):
    """Filters of a boolean property."""

    def equals(self, value: bool) -> SelectT:
        return self._select._where(_filters.equals(self._view, self._name, value))


class EnumFilter(_PropertyFilter[SelectT]):
    """Filters of an enum property."""

    def equals(self, value: str) -> SelectT:
        return self._select._where(_filters.equals(self._view, self._name, value))

    def in_(self, values: Sequence[str]) -> SelectT:
        return self._select._where(_filters.in_(self._view, self._name, list(values)))


def _node_value(value: NodeLike, name: str) -> dict[str, str]:
    if isinstance(value, NodeId) or (
        isinstance(value, tuple) and len(value) == 2 and all(isinstance(part, str) for part in value)
    ):
        return _filters.node_reference(value)
    raise InvalidArgumentError(f"{name}: expected a NodeId or a (space, external_id) pair, got {value!r}.")


class DirectRelationFilter(_PropertyFilter[SelectT]):
    """Filters of a direct relation: the node it points at."""

    def equals(self, node: NodeLike) -> SelectT:
        return self._select._where(_filters.equals(self._view, self._name, _node_value(node, self._name)))

    def in_(self, nodes: Sequence[NodeLike]) -> SelectT:
        values = [_node_value(node, self._name) for node in nodes]
        return self._select._where(_filters.in_(self._view, self._name, values))


class ListFilter(_PropertyFilter[SelectT]):
    """Filters of a list property (of values or of direct relations)."""

    def _values(self, values: Sequence[Any]) -> list[Any]:
        converted: list[Any] = []
        for value in values:
            if isinstance(value, NodeId):
                converted.append(_filters.node_reference(value))
            elif isinstance(value, (datetime, date)):
                converted.append(_time_value(value))
            else:
                converted.append(value)
        return converted

    def contains_any(self, values: Sequence[Any]) -> SelectT:
        return self._select._where(_filters.contains_any(self._view, self._name, self._values(values)))

    def contains_all(self, values: Sequence[Any]) -> SelectT:
        return self._select._where(_filters.contains_all(self._view, self._name, self._values(values)))


# -- descriptors a generated select class declares --------------------------------------------------
class _Property:
    def __init__(self, name: str) -> None:
        self.name = name


class TextProperty(_Property):
    """A text property: ``equals``, ``prefix``, ``in_``."""

    @overload
    def __get__(self, select: None, owner: Any) -> Self: ...
    @overload
    def __get__(self, select: SelectT, owner: Any) -> TextFilter[SelectT]: ...
    def __get__(self, select: Any, owner: Any) -> Any:
        return self if select is None else TextFilter(select, self.name)


class NumberProperty(_Property):
    """An integer or float property: ``equals``, ``range``."""

    @overload
    def __get__(self, select: None, owner: Any) -> Self: ...
    @overload
    def __get__(self, select: SelectT, owner: Any) -> NumberFilter[SelectT]: ...
    def __get__(self, select: Any, owner: Any) -> Any:
        return self if select is None else NumberFilter(select, self.name)


class TimeProperty(_Property):
    """A date or timestamp property: ``range``."""

    @overload
    def __get__(self, select: None, owner: Any) -> Self: ...
    @overload
    def __get__(self, select: SelectT, owner: Any) -> TimeFilter[SelectT]: ...
    def __get__(self, select: Any, owner: Any) -> Any:
        return self if select is None else TimeFilter(select, self.name)


class BooleanProperty(_Property):
    """A boolean property: ``equals``."""

    @overload
    def __get__(self, select: None, owner: Any) -> Self: ...
    @overload
    def __get__(self, select: SelectT, owner: Any) -> BooleanFilter[SelectT]: ...
    def __get__(self, select: Any, owner: Any) -> Any:
        return self if select is None else BooleanFilter(select, self.name)


class EnumProperty(_Property):
    """An enum property: ``equals``, ``in_``."""

    @overload
    def __get__(self, select: None, owner: Any) -> Self: ...
    @overload
    def __get__(self, select: SelectT, owner: Any) -> EnumFilter[SelectT]: ...
    def __get__(self, select: Any, owner: Any) -> Any:
        return self if select is None else EnumFilter(select, self.name)


class DirectRelationProperty(_Property):
    """A direct relation, filtered by the node it points at: ``equals``, ``in_``."""

    @overload
    def __get__(self, select: None, owner: Any) -> Self: ...
    @overload
    def __get__(self, select: SelectT, owner: Any) -> DirectRelationFilter[SelectT]: ...
    def __get__(self, select: Any, owner: Any) -> Any:
        return self if select is None else DirectRelationFilter(select, self.name)


class ListProperty(_Property):
    """A list property: ``contains_any``, ``contains_all``."""

    @overload
    def __get__(self, select: None, owner: Any) -> Self: ...
    @overload
    def __get__(self, select: SelectT, owner: Any) -> ListFilter[SelectT]: ...
    def __get__(self, select: Any, owner: Any) -> Any:
        return self if select is None else ListFilter(select, self.name)


class _Traversal(Generic[TargetT]):
    def __init__(self, name: str, target: Callable[[], type[TargetT]]) -> None:
        self.name = name
        self._target = target

    def _add(self, step: Step, view: ViewId) -> Step:
        raise NotImplementedError

    @overload
    def __get__(self, select: None, owner: Any) -> Self: ...
    @overload
    def __get__(self, select: Select[Any, Any], owner: Any) -> TargetT: ...
    def __get__(self, select: Select[Any, Any] | None, owner: Any) -> Any:
        if select is None:
            return self
        target = self._target()
        return select._move(target, self.name, lambda step: self._add(step, target._view()))


class DirectTraversal(_Traversal[TargetT]):
    """Follow a direct relation (single or list) of this view outwards.

    ``blades = DirectTraversal("blades", lambda: BladeSelect)``; ``property`` names the relation
    when it differs from the attribute."""

    def __init__(self, name: str, target: Callable[[], type[TargetT]], property: str | None = None) -> None:
        super().__init__(name, target)
        self.property = property or name

    def _add(self, step: Step, view: ViewId) -> Step:
        return step.direct(self.name, self.property, view)


class ReverseTraversal(_Traversal[TargetT]):
    """A reverse direct relation: the target view's nodes whose ``through_property`` points here."""

    def __init__(
        self, name: str, target: Callable[[], type[TargetT]], through_property: str, *, is_list: bool = False
    ) -> None:
        super().__init__(name, target)
        self.through_property = through_property
        self.is_list = is_list

    def _add(self, step: Step, view: ViewId) -> Step:
        return step.reverse(self.name, through=view, property=self.through_property, is_list=self.is_list)


class EdgeTraversal(_Traversal[TargetT]):
    """Edges of ``edge_type`` to (or from) the target view's nodes."""

    def __init__(
        self,
        name: str,
        target: Callable[[], type[TargetT]],
        edge_type: NodeLike,
        *,
        direction: Direction = "outwards",
        edge_view: ViewId | None = None,
        edge_class: Callable[[], type[Any]] | None = None,
    ) -> None:
        super().__init__(name, target)
        self.edge_type = edge_type
        self.direction = direction
        self.edge_view = edge_view
        self.edge_class = edge_class

    def _add(self, step: Step, view: ViewId) -> Step:
        added = step.edges(
            self.name, self.edge_type, view, direction=self.direction, edge_view=self.edge_view
        )
        added.edge_class = self.edge_class
        return added
