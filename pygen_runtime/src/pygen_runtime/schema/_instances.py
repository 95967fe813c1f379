"""Instances: nodes and edges as CDF returns them, as the apply endpoint takes them, and the
results of applying, deleting, aggregating, querying and syncing them.

Like the schema classes, these keep fields they do not know and take both snake_case and
camelCase names. Property values are kept as the JSON values CDF carries (a direct relation is a
``{"space": ..., "externalId": ...}`` dict, a timestamp an ISO 8601 string), so that a property of
a type this package does not know reads as well as any other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from pygen_runtime.schema._base import SchemaModel, dump_json
from pygen_runtime.schema._ids import ContainerId, EdgeId, NodeId, ViewId

__all__ = [
    "AggregateResult",
    "AggregatedHistogram",
    "AggregatedNumber",
    "AggregatedValue",
    "AppliedInstance",
    "Edge",
    "EdgeApply",
    "HistogramBucket",
    "Instance",
    "InstanceApply",
    "InstanceId",
    "InstanceType",
    "Node",
    "NodeApply",
    "NodeOrEdgeData",
    "QueryResult",
]

InstanceType = Literal["node", "edge"]
InstanceId = NodeId | EdgeId


def _source_tag(value: Any) -> str:
    if isinstance(value, Mapping):
        kind = value.get("type")
        if kind in ("view", "container"):
            return str(kind)
        return "view" if "version" in value else "container"
    return "view" if isinstance(value, ViewId) else "container"


SourceId = Annotated[
    Annotated[ViewId, Tag("view")] | Annotated[ContainerId, Tag("container")],
    Discriminator(_source_tag),
]


def _source_key(source: ViewId | ContainerId) -> tuple[str, str]:
    """Where ``source``'s values sit in an instance's ``properties``: (space, identifier)."""
    if isinstance(source, ViewId):
        return source.space, f"{source.external_id}/{source.version}"
    return source.space, source.external_id


class NodeOrEdgeData(SchemaModel):
    """Property values written through one view or container."""

    source: SourceId
    properties: dict[str, Any] = Field(default_factory=dict)

    def dump(self) -> dict[str, Any]:
        return {"source": self.source.dump(), "properties": self.properties}


class _InstanceApplyBase(SchemaModel):
    space: str
    external_id: str
    existing_version: int | None = None
    sources: list[NodeOrEdgeData] = Field(default_factory=list)

    def _dump_common(self, instance_type: str) -> dict[str, Any]:
        out = dump_json(self)
        out["instanceType"] = instance_type
        if self.sources:
            out["sources"] = [source.dump() for source in self.sources]
        else:
            out.pop("sources", None)
        return out


class NodeApply(_InstanceApplyBase):
    """A node to create or update.

    >>> NodeApply(
    ...     space="my-instances",
    ...     external_id="pump-1",
    ...     sources=[NodeOrEdgeData(source=ViewId(space="s", external_id="Pump", version="1"),
    ...                             properties={"name": "Pump 1"})],
    ... ).as_id()
    NodeId(space='my-instances', external_id='pump-1')
    """

    instance_type: Literal["node"] = "node"
    type: NodeId | None = None

    def as_id(self) -> NodeId:
        return NodeId(space=self.space, external_id=self.external_id)

    def dump(self) -> dict[str, Any]:
        """The node as the apply endpoint takes it."""
        out = self._dump_common("node")
        if self.type is not None:
            out["type"] = self.type.dump()
        return out


class EdgeApply(_InstanceApplyBase):
    """An edge to create or update: its ``type`` and the nodes it goes from and to."""

    instance_type: Literal["edge"] = "edge"
    type: NodeId
    start_node: NodeId
    end_node: NodeId

    def as_id(self) -> EdgeId:
        return EdgeId(space=self.space, external_id=self.external_id)

    def dump(self) -> dict[str, Any]:
        """The edge as the apply endpoint takes it."""
        out = self._dump_common("edge")
        out["type"] = self.type.dump()
        out["startNode"] = self.start_node.dump()
        out["endNode"] = self.end_node.dump()
        return out


InstanceApply = Annotated[
    Annotated[NodeApply, Tag("node")] | Annotated[EdgeApply, Tag("edge")],
    Discriminator(lambda value: _instance_type_tag(value)),
]


def _instance_type_tag(value: Any) -> str | None:
    if isinstance(value, Mapping):
        kind = value.get("instanceType", value.get("instance_type"))
        return kind if kind in ("node", "edge") else None
    return getattr(value, "instance_type", None)


class _InstanceBase(SchemaModel):
    space: str
    external_id: str
    version: int
    created_time: int
    last_updated_time: int
    deleted_time: int | None = None
    # space -> "externalId/version" of a view (or a container's externalId) -> property -> value
    properties: dict[str, dict[str, dict[str, Any]]] = Field(default_factory=dict)

    def properties_of(self, source: ViewId | ContainerId) -> dict[str, Any]:
        """The values read through ``source`` (empty when the instance has none there).

        >>> node = Node.load({"space": "s", "externalId": "n", "version": 1, "createdTime": 0,
        ...                   "lastUpdatedTime": 0, "instanceType": "node",
        ...                   "properties": {"m": {"Pump/1": {"name": "P1"}}}})
        >>> node.properties_of(ViewId(space="m", external_id="Pump", version="1"))
        {'name': 'P1'}
        """
        space, identifier = _source_key(source)
        return self.properties.get(space, {}).get(identifier, {})

    def _dump_common(self) -> dict[str, Any]:
        out = dump_json(self)
        out["properties"] = self.properties
        return out


class Node(_InstanceBase):
    """A node as CDF returns it."""

    instance_type: Literal["node"] = "node"
    type: NodeId | None = None

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Node:
        return cls.model_validate(data)

    def as_id(self) -> NodeId:
        return NodeId(space=self.space, external_id=self.external_id)

    def dump(self) -> dict[str, Any]:
        out = self._dump_common()
        if self.type is not None:
            out["type"] = self.type.dump()
        return out


class Edge(_InstanceBase):
    """An edge as CDF returns it."""

    instance_type: Literal["edge"] = "edge"
    type: NodeId
    start_node: NodeId
    end_node: NodeId

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Edge:
        return cls.model_validate(data)

    def as_id(self) -> EdgeId:
        return EdgeId(space=self.space, external_id=self.external_id)

    def dump(self) -> dict[str, Any]:
        out = self._dump_common()
        out["type"] = self.type.dump()
        out["startNode"] = self.start_node.dump()
        out["endNode"] = self.end_node.dump()
        return out


Instance = Annotated[
    Annotated[Node, Tag("node")] | Annotated[Edge, Tag("edge")],
    Discriminator(lambda value: _instance_type_tag(value)),
]


class AppliedInstance(SchemaModel):
    """What CDF says about one applied node or edge: its new version and whether it changed."""

    instance_type: InstanceType
    space: str
    external_id: str
    version: int
    was_modified: bool
    created_time: int
    last_updated_time: int

    def as_id(self) -> NodeId | EdgeId:
        if self.instance_type == "edge":
            return EdgeId(space=self.space, external_id=self.external_id)
        return NodeId(space=self.space, external_id=self.external_id)


class AggregatedNumber(SchemaModel):
    """One number: a count, average, minimum, maximum or sum (of ``property``)."""

    aggregate: str
    property: str | None = None
    value: int | float | None = None


class HistogramBucket(SchemaModel):
    start: float
    count: int


class AggregatedHistogram(SchemaModel):
    """A histogram of ``property``: buckets of width ``interval``, each with its count."""

    aggregate: Literal["histogram"] = "histogram"
    property: str
    interval: float
    buckets: list[HistogramBucket] = Field(default_factory=list)


AggregatedValue = Annotated[
    Annotated[AggregatedHistogram, Tag("histogram")] | Annotated[AggregatedNumber, Tag("number")],
    Discriminator(
        lambda value: (
            "histogram"
            if (value.get("aggregate") if isinstance(value, Mapping) else getattr(value, "aggregate", None))
            == "histogram"
            else "number"
        )
    ),
]


class AggregateResult(SchemaModel):
    """The aggregates of one group (or of everything, when there was no ``group_by``)."""

    instance_type: InstanceType = "node"
    group: dict[str, Any] | None = None
    aggregates: list[AggregatedValue] = Field(default_factory=list)

    def value(self, aggregate: str, property: str | None = None) -> int | float | None:
        """The number of one aggregate, e.g. ``result.value("avg", "capacity")``; None when absent."""
        for item in self.aggregates:
            if (
                isinstance(item, AggregatedNumber)
                and item.aggregate == aggregate
                and item.property == property
            ):
                return item.value
        return None


class QueryResult(SchemaModel):
    """The answer to a query or sync: instances and the next cursor, per result set."""

    items: dict[str, list[Instance]] = Field(default_factory=dict)
    next_cursor: dict[str, str | None] = Field(default_factory=dict)
    typing: dict[str, Any] | None = None
