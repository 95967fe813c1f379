"""Views and their properties: mapped container properties and connections.

Two shapes reach this module: the raw API JSON and the cognite-sdk dump found in model files. The
dump leaves ``"type": "container"`` off container references, carries ``source: null`` beside a
mapped property's type, and older dumps put a direct relation's target view beside the type rather
than inside it. Both load into the same classes, and the dumps are always the API's shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag, model_validator

from pygen_runtime.schema._base import SchemaModel, dump_json
from pygen_runtime.schema._ids import ContainerId, NodeId, ViewId
from pygen_runtime.schema._types import DirectRelationType, PropertyType

__all__ = [
    "EdgeConnection",
    "MappedProperty",
    "PropertyReference",
    "ReverseDirectRelation",
    "UnknownViewProperty",
    "View",
    "ViewProperty",
]


class MappedProperty(SchemaModel):
    """A view property backed by a container property."""

    container: ContainerId
    container_property_identifier: str
    type: PropertyType
    nullable: bool = True
    immutable: bool = False
    auto_increment: bool = False
    default_value: Any = None
    source: ViewId | None = None
    name: str | None = None
    description: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _one_place_for_the_target_view(cls, data: Any) -> Any:
        # The target view of a direct relation may sit inside the type (API) or beside it (old
        # dumps); keep it in both places so readers need to look in one only.
        if not isinstance(data, dict):
            return data
        prop_type = data.get("type")
        outer = data.get("source")
        if isinstance(prop_type, dict) and prop_type.get("type") == "direct":
            inner = prop_type.get("source")
            if inner is None and outer is not None:
                data = {**data, "type": {**prop_type, "source": outer}}
            elif inner is not None and outer is None:
                data = {**data, "source": inner}
        return data

    @property
    def is_direct_relation(self) -> bool:
        return isinstance(self.type, DirectRelationType)

    def dump(self) -> dict[str, Any]:
        out = dump_json(self)
        out["container"] = self.container.dump()
        out["type"] = self.type.dump()
        if self.source is not None:
            out["source"] = self.source.dump()
        return out

    def dump_apply(self) -> dict[str, Any]:
        """The property as a view apply request carries it."""
        out: dict[str, Any] = {
            "container": self.container.dump(),
            "containerPropertyIdentifier": self.container_property_identifier,
        }
        if self.name is not None:
            out["name"] = self.name
        if self.description is not None:
            out["description"] = self.description
        if self.source is not None:
            out["source"] = self.source.dump()
        return out


class EdgeConnection(SchemaModel):
    """Edges of ``type`` from (or, inwards, to) a node, whose other ends read through ``source``."""

    type: NodeId
    source: ViewId
    edge_source: ViewId | None = None
    direction: Literal["outwards", "inwards"] = "outwards"
    connection_type: str = "multi_edge_connection"
    name: str | None = None
    description: str | None = None

    @property
    def is_list(self) -> bool:
        return self.connection_type != "single_edge_connection"

    def dump(self) -> dict[str, Any]:
        out = dump_json(self)
        out["type"] = self.type.dump()
        out["source"] = self.source.dump()
        if self.edge_source is not None:
            out["edgeSource"] = self.edge_source.dump()
        return out

    def dump_apply(self) -> dict[str, Any]:
        return self.dump()


def _reference_tag(value: Any) -> str:
    if isinstance(value, dict):
        kind = value.get("type")
        if kind in ("view", "container"):
            return str(kind)
        return "view" if "version" in value else "container"
    return "view" if isinstance(value, ViewId) else "container"


class PropertyReference(SchemaModel):
    """A property of a view or a container: what a reverse direct relation goes through."""

    source: Annotated[
        Annotated[ViewId, Tag("view")] | Annotated[ContainerId, Tag("container")],
        Discriminator(_reference_tag),
    ]
    identifier: str

    def dump(self) -> dict[str, Any]:
        return {"source": self.source.dump(), "identifier": self.identifier}


class ReverseDirectRelation(SchemaModel):
    """Nodes read through ``source`` whose direct relation ``through`` points at this node."""

    source: ViewId
    through: PropertyReference
    connection_type: str = "multi_reverse_direct_relation"
    targets_list: bool | None = None
    name: str | None = None
    description: str | None = None

    @property
    def is_list(self) -> bool:
        return self.connection_type != "single_reverse_direct_relation"

    def dump(self) -> dict[str, Any]:
        out = dump_json(self)
        out["source"] = self.source.dump()
        out["through"] = self.through.dump()
        return out

    def dump_apply(self) -> dict[str, Any]:
        out = self.dump()
        out.pop("targetsList", None)
        return out


class UnknownViewProperty(SchemaModel):
    """A view property of a kind this version does not know; every field is kept."""

    def dump(self) -> dict[str, Any]:
        return dump_json(self)

    def dump_apply(self) -> dict[str, Any]:
        return self.dump()


_EDGE_KINDS = {"single_edge_connection", "multi_edge_connection"}
_REVERSE_KINDS = {"single_reverse_direct_relation", "multi_reverse_direct_relation"}


def _view_property_tag(value: Any) -> str:
    if not isinstance(value, dict):
        for tag, cls in _VIEW_PROPERTY_CLASSES.items():
            if isinstance(value, cls):
                return tag
        return "unknown"
    if "container" in value:
        return "mapped"
    kind = value.get("connectionType")
    if kind in _EDGE_KINDS:
        return "edge"
    if kind in _REVERSE_KINDS or (kind is None and "through" in value):
        return "reverse"
    if kind is None and "type" in value and "source" in value:
        return "edge"
    return "unknown"


ViewProperty = Annotated[
    Annotated[MappedProperty, Tag("mapped")]
    | Annotated[EdgeConnection, Tag("edge")]
    | Annotated[ReverseDirectRelation, Tag("reverse")]
    | Annotated[UnknownViewProperty, Tag("unknown")],
    Discriminator(_view_property_tag),
]

_VIEW_PROPERTY_CLASSES: dict[str, type[SchemaModel]] = {
    "mapped": MappedProperty,
    "edge": EdgeConnection,
    "reverse": ReverseDirectRelation,
}


class View(SchemaModel):
    """A view: a named set of properties read from containers, and connections to other views."""

    space: str
    external_id: str
    version: str
    name: str | None = None
    description: str | None = None
    filter: dict[str, Any] | None = None
    implements: list[ViewId] = Field(default_factory=list)
    writable: bool = True
    used_for: Literal["node", "edge", "all"] | str = "node"
    is_global: bool = False
    properties: dict[str, ViewProperty] = Field(default_factory=dict)
    queryable: bool | None = None
    mapped_containers: list[ContainerId] | None = None
    created_time: int | None = None
    last_updated_time: int | None = None

    model_config = SchemaModel.model_config | {"coerce_numbers_to_str": True}

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> View:
        return cls.model_validate(data)

    def as_id(self) -> ViewId:
        return ViewId(space=self.space, external_id=self.external_id, version=self.version)

    def dump(self) -> dict[str, Any]:
        """The view as CDF returns it."""
        out = dump_json(self)
        out["implements"] = [parent.dump() for parent in self.implements]
        out["properties"] = {key: prop.dump() for key, prop in self.properties.items()}
        if self.mapped_containers is not None:
            out["mappedContainers"] = [container.dump() for container in self.mapped_containers]
        return out

    def dump_apply(self) -> dict[str, Any]:
        """The view as the apply endpoint accepts it."""
        out: dict[str, Any] = {
            "space": self.space,
            "externalId": self.external_id,
            "version": self.version,
        }
        if self.name is not None:
            out["name"] = self.name
        if self.description is not None:
            out["description"] = self.description
        if self.filter is not None:
            out["filter"] = self.filter
        out["implements"] = [parent.dump() for parent in self.implements]
        out["properties"] = {key: prop.dump_apply() for key, prop in self.properties.items()}
        return out
