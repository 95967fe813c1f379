"""The base classes of generated read and write classes: ``NodeRead``, ``NodeWrite``, ``EdgeRead``
and ``EdgeWrite``.

A generated class is a pydantic model whose fields are the view's properties (snake_case Python
names; the wire identifier, when it differs, as ``serialization_alias``) plus the instance fields
these bases define. It carries its view as the class variable ``_view_id``::

    class Pump(NodeRead):
        _view_id: ClassVar[ViewId] = ViewId(space="plant", external_id="Pump", version="1")

        name: str | None = None
        flow_rate: float | None = Field(None, serialization_alias="flowRate")

Properties a server newer than the SDK sends land in ``model_extra`` under their wire identifier
(``pump.model_extra["newProperty"]``); a value that does not fit its field's type is kept there
too, and the field is left at its default. Loading never fails because the model moved on.

Fields are validated by their Python names only; wire identifiers are mapped to names when a page
is parsed. This keeps instance fields (``type``, ``version``) and properties of the same wire name
(a view may well have a ``type`` property) apart.
"""

from __future__ import annotations

import builtins
import functools
import importlib
import inspect
import re
import sys
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, TypeAdapter, model_validator
from typing_extensions import Self

from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.schema import EdgeId, NodeId, ViewId
from pygen_runtime.schema._instances import EdgeApply, InstanceApply, NodeApply
from pygen_runtime.typed._connections import Connection, Edges, ReverseDirectRelation

__all__ = [
    "EdgeRead",
    "EdgeWrite",
    "ExternalIdFactory",
    "InstanceRead",
    "InstanceWrite",
    "NodeRead",
    "NodeReference",
    "NodeWrite",
    "as_node_id",
    "default_external_id_factory",
]

# A node given by the caller: its id, a (space, external id) pair, or just the external id (in
# the client's instance space).
NodeReference = NodeId | tuple[str, str] | str


def as_node_id(value: Any, default_space: str | None, what: str = "node") -> NodeId:
    """``value`` as a ``NodeId``: a ``NodeId``, a ``(space, external_id)`` pair, a
    ``{"space": ..., "externalId": ...}`` dict, a write object, or an external id in
    ``default_space``."""
    if isinstance(value, NodeId):
        return value
    if isinstance(value, InstanceWrite):
        return NodeId(
            space=value.space or _need_space(default_space, value.external_id, what),
            external_id=value.external_id,
        )
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(part, str) for part in value):
        return NodeId(space=value[0], external_id=value[1])
    if isinstance(value, Mapping) and "space" in value and ("externalId" in value or "external_id" in value):
        return NodeId.load(value)
    if isinstance(value, str):
        return NodeId(space=_need_space(default_space, value, what), external_id=value)
    raise InvalidArgumentError(
        f"{what}: expected a NodeId, a (space, external_id) pair or an external id, got "
        f"{type(value).__name__} {value!r}."
    )


def _need_space(default_space: str | None, external_id: str, what: str) -> str:
    if default_space is None:
        raise InvalidArgumentError(
            f"{what}: {external_id!r} has no space and the client has no instance space; pass a "
            "(space, external_id) pair or a NodeId, or give the client an instance_space."
        )
    return default_space


def _node_id_input(value: Any) -> Any:
    # Lets the instance fields take pairs and CDF's reference dicts as well as NodeIds.
    if isinstance(value, tuple) and len(value) == 2:
        return {"space": value[0], "external_id": value[1]}
    return value


NodeIdField = Annotated[NodeId, BeforeValidator(_node_id_input)]


class _TypedInstance(BaseModel):
    model_config = ConfigDict(
        extra="allow",
        populate_by_name=True,
        protected_namespaces=(),
        defer_build=True,
        arbitrary_types_allowed=True,
    )

    # Set by each generated class.
    _view_id: ClassVar[ViewId]
    # Derived from the fields when a class is created.
    _instance_fields: ClassVar[frozenset[str]] = frozenset()
    _property_wire_names: ClassVar[dict[str, str]] = {}
    _field_of_wire_name: ClassVar[dict[str, str]] = {}
    _connection_fields: ClassVar[dict[str, Connection]] = {}

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        wire_names: dict[str, str] = {}
        connections: dict[str, Connection] = {}
        for name, info in cls.model_fields.items():
            if name in cls._instance_fields:
                continue
            marker = next((m for m in info.metadata if isinstance(m, (Edges, ReverseDirectRelation))), None)
            if marker is None and not cls.__pydantic_fields_complete__:
                marker = _unresolved_marker(cls, name)
            if marker is not None:
                connections[name] = marker
            else:
                wire_names[name] = info.serialization_alias or info.alias or name
        cls._property_wire_names = wire_names
        cls._field_of_wire_name = {wire: name for name, wire in wire_names.items() if wire != name}
        cls._connection_fields = connections

    @classmethod
    def model_rebuild(
        cls,
        *,
        force: bool = False,
        raise_errors: bool = True,
        _parent_namespace_depth: int = 2,
        _types_namespace: Mapping[str, Any] | None = None,
    ) -> bool | None:
        # A read class annotates a relation with the class at its other end (``list[Blade |
        # NodeId]``), imported by the generated module for type checkers only, since modules of
        # related views import each other. Pydantic gets those classes here, from the packages
        # around the module, when it first builds the class.
        namespace = {**_connected_classes(cls), **(_types_namespace or {})}
        return super().model_rebuild(
            force=force,
            raise_errors=raise_errors,
            _parent_namespace_depth=_parent_namespace_depth + 1,
            _types_namespace=namespace,
        )

    @classmethod
    def view_id(cls) -> ViewId:
        """The view this class reads or writes."""
        try:
            return cls._view_id
        except AttributeError:
            raise InvalidArgumentError(
                f"{cls.__name__} has no view: a typed class needs `_view_id: ClassVar[ViewId] = ViewId(...)`."
            ) from None

    def to_pandas(self, dropna_columns: bool = False) -> Any:
        """This instance as a ``pandas.Series`` indexed by field name (needs
        ``pip install 'pygen-runtime[pandas]'``). ``dropna_columns=True`` leaves out the fields
        without a value (None, or NaN), as a list's ``to_pandas`` leaves out its empty columns.
        """
        from pygen_runtime._pandas import import_pandas
        from pygen_runtime.typed._lists import _row

        series = import_pandas().Series(_row(self))
        return series.dropna() if dropna_columns else series

    def _repr_html_(self) -> str | None:
        """In notebooks, a table of this instance's fields and values, drawn by pandas as a list's
        table is (values escaped); the plain ``repr`` without pandas."""
        from pygen_runtime._pandas import notebook_table

        return notebook_table(lambda: self.to_pandas().to_frame("value"))

    def property_values(self) -> dict[str, Any]:
        """The stored property values by wire identifier, as JSON values (connections left out;
        properties the SDK does not know included)."""
        out = {wire: _json_value(getattr(self, name)) for name, wire in self._property_wire_names.items()}
        out.update({key: _json_value(value) for key, value in (self.model_extra or {}).items()})
        return out


class InstanceRead(_TypedInstance):
    """What every node and edge read from CDF has: its id, version and timestamps (epoch ms)."""

    space: str
    external_id: str
    version: int
    created_time: int
    last_updated_time: int
    deleted_time: int | None = None

    def as_id(self) -> NodeId | EdgeId:
        raise NotImplementedError

    def _read_dump(self, instance_type: str) -> dict[str, Any]:
        out: dict[str, Any] = {
            "instanceType": instance_type,
            "space": self.space,
            "externalId": self.external_id,
            "version": self.version,
            "createdTime": self.created_time,
            "lastUpdatedTime": self.last_updated_time,
        }
        if self.deleted_time is not None:
            out["deletedTime"] = self.deleted_time
        view = getattr(type(self), "_view_id", None)
        if view is not None:
            out["properties"] = {view.space: {f"{view.external_id}/{view.version}": self.property_values()}}
        # Without a view (the plain edges of a connection whose edges have no properties) there
        # are no properties to write, as CDF leaves them out of such an edge.
        return out


class NodeRead(InstanceRead):
    """Base of generated node read classes."""

    _instance_fields: ClassVar[frozenset[str]] = frozenset(
        {"space", "external_id", "version", "created_time", "last_updated_time", "deleted_time", "type"}
    )

    type: NodeId | None = None

    @property
    def via_edge(self) -> Any:
        """The edge a query reached this node through, with its properties: an object of the
        SDK's class for the edge's view when the query knows it (``Distance``), else a
        ``pygen_runtime.schema.Edge``; None for a node not reached through an edge."""
        private = self.__pydantic_private__
        return None if private is None else private.get("via_edge")

    def _set_via_edge(self, edge: Any) -> None:
        # Kept in pydantic's private-values slot without declaring a PrivateAttr: a declared one
        # makes pydantic run Python for every instance it validates (about 4 µs a node, a third
        # of parsing a page), while only nodes a query reaches through an edge carry one. The slot
        # is copied, pickled and compared with the instance like any private attribute.
        private = {**(self.__pydantic_private__ or {}), "via_edge": edge}
        object.__setattr__(self, "__pydantic_private__", private)

    def as_id(self) -> NodeId:
        return NodeId(space=self.space, external_id=self.external_id)

    def dump(self) -> dict[str, Any]:
        """The node as CDF returns it (``properties`` nested under the view)."""
        out = self._read_dump("node")
        if self.type is not None:
            out["type"] = self.type.dump(include_type=False)
        return out

    @classmethod
    def from_instance(cls, instance: Mapping[str, Any] | BaseModel) -> Self:
        """A typed node from CDF's JSON for a node (or a ``pygen_runtime.schema.Node``)."""
        from pygen_runtime.typed._parsing import parse_instances

        return parse_instances(cls, [_as_json(instance)])[0]

    def as_write(self) -> NodeWrite:
        """This node as a write object (generated classes return their own write class)."""
        raise NotImplementedError(f"{type(self).__name__} has no write class.")

    def _write_values(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in self._property_wire_names}
        values.update(self.model_extra or {})
        values.update(space=self.space, external_id=self.external_id, existing_version=self.version)
        if self.type is not None:
            values["type"] = self.type
        return values


class EdgeRead(InstanceRead):
    """Base of generated edge read classes: the edge's type and the nodes it connects."""

    _instance_fields: ClassVar[frozenset[str]] = frozenset(
        {
            "space",
            "external_id",
            "version",
            "created_time",
            "last_updated_time",
            "deleted_time",
            "type",
            "start_node",
            "end_node",
        }
    )

    type: NodeId
    start_node: NodeId
    end_node: NodeId

    def as_id(self) -> EdgeId:
        return EdgeId(space=self.space, external_id=self.external_id)

    def dump(self) -> dict[str, Any]:
        """The edge as CDF returns it."""
        out = self._read_dump("edge")
        out["type"] = self.type.dump(include_type=False)
        out["startNode"] = self.start_node.dump(include_type=False)
        out["endNode"] = self.end_node.dump(include_type=False)
        return out

    @classmethod
    def from_instance(cls, instance: Mapping[str, Any] | BaseModel) -> Self:
        """A typed edge from CDF's JSON for an edge (or a ``pygen_runtime.schema.Edge``)."""
        from pygen_runtime.typed._parsing import parse_instances

        return parse_instances(cls, [_as_json(instance)])[0]

    def as_write(self) -> EdgeWrite:
        """This edge as a write object (generated classes return their own write class)."""
        raise NotImplementedError(f"{type(self).__name__} has no write class.")

    def _write_values(self) -> dict[str, Any]:
        values = {name: getattr(self, name) for name in self._property_wire_names}
        values.update(self.model_extra or {})
        values.update(
            space=self.space,
            external_id=self.external_id,
            existing_version=self.version,
            type=self.type,
            start_node=self.start_node,
            end_node=self.end_node,
        )
        return values


@dataclass(frozen=True)
class _WritePlan:
    """What writing an object of one write class needs from the class, looked up once per class
    instead of once per object: its properties in order, with their wire identifiers; its view as
    an apply body names it (None for a class without a ViewId); and its edge fields."""

    properties: tuple[tuple[str, str], ...]
    view: dict[str, Any] | None
    edge_fields: tuple[tuple[str, Edges], ...]


def _plan_of(cls: type[InstanceWrite]) -> _WritePlan:
    view_id = getattr(cls, "_view_id", None)
    return _WritePlan(
        properties=tuple(cls._property_wire_names.items()),
        # The same (cached) reference _view_json copies; copied per object where it is used.
        view=_view_json_cached(view_id) if isinstance(view_id, ViewId) else None,
        edge_fields=tuple(
            (name, connection)
            for name, connection in cls._connection_fields.items()
            if isinstance(connection, Edges)
        ),
    )


# Makes the external id of a write object created without one, from its class and the values
# it was given.
ExternalIdFactory = Callable[[type["InstanceWrite"], Mapping[str, Any]], str]

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def default_external_id_factory(cls: type[InstanceWrite], values: Mapping[str, Any]) -> str:
    """``"{class in snake_case, without Write}:{random UUID}"``, as ``"wind_turbine:0b9f..."``."""
    stem = cls.__name__.removesuffix("Write") or cls.__name__
    return f"{_WORD_BOUNDARY.sub('_', stem).lower()}:{uuid.uuid4()}"


class InstanceWrite(_TypedInstance):
    """What every node and edge written to CDF has. ``space`` may be left out: the client's
    instance space is used. ``existing_version`` makes CDF refuse the write if the instance has
    changed since that version (optimistic locking).

    ``external_id`` may be left out too: ``external_id_factory`` makes one
    (``default_external_id_factory`` unless set, on a class or on all of them through
    ``NodeWrite``/``EdgeWrite``/``InstanceWrite``)."""

    external_id_factory: ClassVar[ExternalIdFactory] = default_external_id_factory
    # Derived from the class when it is created (see ``_WritePlan``).
    _write_plan: ClassVar[_WritePlan]

    space: str | None = None
    external_id: str = ""
    existing_version: int | None = None

    @model_validator(mode="before")
    @classmethod
    def _fill_external_id(cls, data: Any) -> Any:
        if isinstance(data, Mapping) and data.get("external_id") is None:
            # Read on the class, where a function set as an attribute is not bound to anything.
            return {**data, "external_id": cls.external_id_factory(cls, data)}
        return data

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls._write_plan = _plan_of(cls)

    def _source_json(
        self, default_space: str, nested: list[InstanceWrite], plan: _WritePlan
    ) -> dict[str, Any]:
        """This object's property values in its view, as the apply endpoint takes them."""
        values: dict[str, Any] = {}
        set_fields = self.__pydantic_fields_set__
        for name, wire in plan.properties:
            # Properties never set are left out, so an upsert without ``replace`` keeps them.
            if name in set_fields:
                value = getattr(self, name)
                kind = type(value)
                # Most values are JSON already, or of one exact type easily made so: they are
                # written after exact type checks; only the others pay for the general conversion
                # (and for the name an error about them would give).
                if kind in _PLAIN_JSON:
                    values[wire] = value
                elif kind is list and _PLAIN_JSON.issuperset(map(type, value)):
                    values[wire] = list(value)  # a copy: the body must not share the field's list
                elif kind is datetime:
                    values[wire] = _timestamp_json(value)
                elif kind is NodeId:
                    values[wire] = {"space": value.space, "externalId": value.external_id}
                else:
                    values[wire] = _write_value(value, default_space, nested, f"{type(self).__name__}.{name}")
        extra = self.__pydantic_extra__
        if extra:
            for key, value in extra.items():
                values[key] = _write_value(value, default_space, nested, f"{type(self).__name__}.{key}")
        # A class without a ViewId takes the general path, which says what it lacks.
        view = dict(plan.view) if plan.view is not None else _view_json(self.view_id())
        return {"source": view, "properties": values}

    def _space(self, default_space: str | None) -> str:
        return self.space or _need_space(default_space, self.external_id, type(self).__name__)

    def to_apply(self, default_space: str | None = None) -> list[NodeApply | EdgeApply]:
        """This instance as CDF's apply items: itself first, then the nodes given inline as
        direct-relation or edge targets, and the edges of its edge fields."""
        adapter = _apply_item_adapter()
        return [adapter.validate_python(item) for item in self._apply_json(default_space)]

    def _apply_json(self, default_space: str | None) -> list[dict[str, Any]]:
        """What ``to_apply`` returns, as the JSON the apply endpoint takes. Upserts send this
        directly: building models only to dump them again cost more than the rest together."""
        raise NotImplementedError

    def dump(self, default_space: str | None = None) -> dict[str, Any]:
        """The instance as CDF's apply endpoint takes it (without the nodes given inline)."""
        return self._apply_json(default_space)[0]


class NodeWrite(InstanceWrite):
    """Base of generated node write classes."""

    _instance_fields: ClassVar[frozenset[str]] = frozenset(
        {"space", "external_id", "existing_version", "type"}
    )

    type: NodeIdField | None = None

    def as_id(self, default_space: str | None = None) -> NodeId:
        return NodeId(space=self._space(default_space), external_id=self.external_id)

    def _apply_json(self, default_space: str | None) -> list[dict[str, Any]]:
        plan = self._write_plan
        nested: list[InstanceWrite] = []
        space = self._space(default_space)
        node: dict[str, Any] = {"instanceType": "node", "space": space, "externalId": self.external_id}
        if self.existing_version is not None:
            node["existingVersion"] = self.existing_version
        if self.type is not None:
            node["type"] = _id_json(self.type)
        node["sources"] = [self._source_json(space, nested, plan)]
        out = [node]
        if plan.edge_fields:
            out.extend(self._edges_json(space, nested, plan.edge_fields))
        for item in nested:
            out.extend(item._apply_json(space))
        return out

    def _edges_json(
        self, space: str, nested: list[InstanceWrite], edge_fields: tuple[tuple[str, Edges], ...]
    ) -> list[dict[str, Any]]:
        edges: list[dict[str, Any]] = []
        for name, connection in edge_fields:
            if name not in self.model_fields_set:
                continue
            own_id = NodeId(space=space, external_id=self.external_id)
            targets = getattr(self, name) or []
            for target in targets:
                if isinstance(target, InstanceWrite):
                    nested.append(target)
                other = as_node_id(target, own_id.space, f"{type(self).__name__}.{name}")
                start, end = (own_id, other) if connection.direction == "outwards" else (other, own_id)
                # An edge written through a connection gets (empty) data in the edge view, so that
                # the connection's edge API, which lists edges with data there, finds it.
                sources = (
                    []
                    if connection.properties is None
                    else [{"source": _view_json(connection.properties), "properties": {}}]
                )
                edges.append(
                    {
                        "instanceType": "edge",
                        "space": start.space,
                        "externalId": edge_external_id(connection.type, start, end),
                        "type": _id_json(connection.type),
                        "startNode": _id_json(start),
                        "endNode": _id_json(end),
                        "sources": sources,
                    }
                )
        return edges


class EdgeWrite(InstanceWrite):
    """Base of generated edge write classes: the edge's type and the nodes it connects."""

    _instance_fields: ClassVar[frozenset[str]] = frozenset(
        {"space", "external_id", "existing_version", "type", "start_node", "end_node"}
    )

    type: NodeIdField
    start_node: NodeIdField
    end_node: NodeIdField

    def as_id(self, default_space: str | None = None) -> EdgeId:
        return EdgeId(space=self._space(default_space), external_id=self.external_id)

    def _apply_json(self, default_space: str | None) -> list[dict[str, Any]]:
        nested: list[InstanceWrite] = []
        space = self._space(default_space)
        edge: dict[str, Any] = {"instanceType": "edge", "space": space, "externalId": self.external_id}
        if self.existing_version is not None:
            edge["existingVersion"] = self.existing_version
        edge["type"] = _id_json(self.type)
        edge["startNode"] = _id_json(self.start_node)
        edge["endNode"] = _id_json(self.end_node)
        edge["sources"] = [self._source_json(space, nested, self._write_plan)]
        out = [edge]
        for item in nested:
            out.extend(item._apply_json(space))
        return out


def edge_external_id(edge_type: NodeId, start: NodeId, end: NodeId) -> str:
    """The external id of an edge created from a write object's edge field: deterministic, so
    that writing the same connection twice updates one edge instead of adding another."""
    return f"{edge_type.external_id}:{start.external_id}:{end.external_id}"


_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Text inside quotes in an annotation (a view's space or external id in ``Edges(...)``) names no
# class, and looking it up would import modules for nothing.
_QUOTED = re.compile(r"\"[^\"]*\"|'[^']*'")


def _connected_classes(cls: type[BaseModel]) -> dict[str, Any]:
    """The names the annotations of ``cls``, its bases and the classes those name use that their
    modules do not define, looked up in the enclosing packages (a generated SDK's package exports
    every class). Pydantic builds the classes a relation reaches inside the first one's build,
    so it needs the names of all of them at once."""
    found: dict[str, Any] = {}
    pending: list[type] = [cls]
    seen: set[type] = set()
    while pending:
        current = pending.pop()
        if current in seen:
            continue
        seen.add(current)
        before = set(found)
        _add_connected_classes(current, found)
        pending.extend(found[name] for name in set(found) - before)
    return found


class _NamesOrPlaceholder(dict[str, Any]):
    """A namespace answering ``placeholder`` for the names a module imports for type checkers
    only."""

    def __init__(self, module_names: dict[str, Any], placeholder: Any) -> None:
        super().__init__()
        self.module_names = module_names
        self.placeholder = placeholder

    def __missing__(self, key: str) -> Any:
        if key in self.module_names:
            return self.module_names[key]
        return getattr(builtins, key, self.placeholder)


def unresolved_annotation(cls: type, name: str, placeholder: Any = Any) -> Any:
    """The annotation of field ``name`` of ``cls`` read from its text, with ``placeholder`` for
    the names its module imports for type checkers only (the classes at a relation's other end),
    so that nothing is imported; None when there is no such text or it cannot be read."""
    for klass in cls.__mro__:
        raw = inspect.get_annotations(klass).get(name)
        if raw is None:
            continue
        module = sys.modules.get(klass.__module__)
        if not isinstance(raw, str) or module is None:
            return None
        try:
            return eval(raw, {}, _NamesOrPlaceholder(vars(module), placeholder))  # the class's own annotation
        except Exception:  # an annotation this cannot read is left to pydantic
            return None
    return None


def _unresolved_marker(cls: type, name: str) -> Connection | None:
    """The ``Edges`` or ``ReverseDirectRelation`` of a field whose annotation pydantic could not
    resolve yet (it names a class imported for type checkers only), read from its text."""
    metadata = getattr(unresolved_annotation(cls, name), "__metadata__", ())
    return next((m for m in metadata if isinstance(m, (Edges, ReverseDirectRelation))), None)


def _add_connected_classes(cls: type, found: dict[str, Any]) -> None:
    for klass in cls.__mro__:
        module = sys.modules.get(klass.__module__)
        if module is None or not issubclass(klass, _TypedInstance):
            continue
        annotations = inspect.get_annotations(klass)
        wanted = {
            name
            for annotation in annotations.values()
            if isinstance(annotation, str)
            for name in _IDENTIFIER.findall(_QUOTED.sub("", annotation))
            if name not in vars(module) and name not in found and not hasattr(builtins, name)
        }
        parts = klass.__module__.split(".")
        for name in wanted:
            for depth in range(len(parts) - 1, 0, -1):
                try:
                    package = importlib.import_module(".".join(parts[:depth]))
                    value = getattr(package, name, None)
                except ImportError:
                    continue
                if isinstance(value, type):
                    found[name] = value
                    break


# Types whose values are written as they are.
_PLAIN_JSON = frozenset({str, int, float, bool, type(None)})


@functools.cache
def _apply_item_adapter() -> TypeAdapter[NodeApply | EdgeApply]:
    # Built on first use: building it at import would cost every program that never calls to_apply.
    return TypeAdapter(InstanceApply)


def _id_json(node_id: NodeId) -> dict[str, str]:
    return {"space": node_id.space, "externalId": node_id.external_id}


@functools.lru_cache(maxsize=256)
def _view_json_cached(view_id: ViewId) -> dict[str, Any]:
    return view_id.dump()


def _view_json(view_id: ViewId) -> dict[str, Any]:
    """The reference to ``view_id`` in an apply body; made once per view (a fresh copy each time,
    so that changing one body cannot change another)."""
    return dict(_view_json_cached(view_id))


def _write_value(value: Any, default_space: str | None, nested: list[InstanceWrite], what: str) -> Any:
    if isinstance(value, InstanceWrite):
        nested.append(value)
        return _id_json(as_node_id(value, default_space, what))
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(part, str) for part in value):
        return {"space": value[0], "externalId": value[1]}
    if isinstance(value, list):
        return [_write_value(item, default_space, nested, what) for item in value]
    return _json_value(value)


def _json_value(value: Any) -> Any:
    """``value`` as CDF's JSON: ids as reference dicts, timestamps in ISO 8601 with milliseconds."""
    if isinstance(value, NodeId):
        return _id_json(value)
    if isinstance(value, datetime):
        return _timestamp_json(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json_value(item) for item in value]
    return value


def _timestamp_json(value: datetime) -> str:
    """A timestamp in ISO 8601 with milliseconds; one without a time zone is taken as UTC."""
    tz = value.tzinfo
    if (tz is None or tz is timezone.utc) and type(value) is datetime:
        # What ``isoformat(timespec="milliseconds")`` writes for UTC (the milliseconds cut, not
        # rounded), in three quarters of the time: isoformat asks the time zone for its offset.
        return _UTC_TIMESTAMP % (
            value.year,
            value.month,
            value.day,
            value.hour,
            value.minute,
            value.second,
            value.microsecond // 1000,
        )
    if tz is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.isoformat(timespec="milliseconds")


_UTC_TIMESTAMP = "%04d-%02d-%02dT%02d:%02d:%02d.%03d+00:00"


def _as_json(instance: Mapping[str, Any] | BaseModel) -> Mapping[str, Any]:
    if isinstance(instance, BaseModel):
        dump = getattr(instance, "dump", None)
        return dump() if callable(dump) else instance.model_dump(by_alias=True)
    return instance
