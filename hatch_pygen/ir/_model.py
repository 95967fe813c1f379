"""The IR: a language-neutral, JSON-serialisable description of the SDK to generate.

It says what exists (views, properties, relations, which filters each property takes) in CDF's
own vocabulary, and leaves every language decision (type names, casing, reserved words) to the
renderers. ``name`` fields are collision-free hints decided by validation; ``identifier`` and
``external_id`` fields are the raw CDF identifiers. Lists are in a fixed order, so the same
models always give the same JSON.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

IR_VERSION = "1"

PropertyKind = Literal["primitive", "enum", "direct_relation", "reverse_relation", "edge"]
PrimitiveType = Literal[
    "text",
    "boolean",
    "int32",
    "int64",
    "float32",
    "float64",
    "timestamp",
    "date",
    "json",
    "timeseries",
    "file",
    "sequence",
]
FilterKind = Literal["equals", "in", "prefix", "range", "containsAny", "containsAll"]
UsedFor = Literal["node", "edge", "all"]


class _IRModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ViewRef(_IRModel):
    """A view's identity."""

    space: str
    external_id: str
    version: str


class ContainerRef(_IRModel):
    """A container's identity."""

    space: str
    external_id: str


class NodeRef(_IRModel):
    """A node's identity (an edge type is a node)."""

    space: str
    external_id: str


class DataModelRef(_IRModel):
    """A data model's identity."""

    space: str
    external_id: str
    version: str


class EnumValueIR(_IRModel):
    """One value of an enum property: the stored ``value`` and its optional display name."""

    value: str
    display_name: str | None = None
    description: str | None = None


class ThroughIR(_IRModel):
    """The direct relation a reverse relation goes through: on a view, or directly on a container."""

    view: ViewRef | None = None
    container: ContainerRef | None = None
    identifier: str


class EdgeIR(_IRModel):
    """An edge connection: the edge ``type``, its ``direction``, and the view of edge properties."""

    type: NodeRef
    direction: Literal["outwards", "inwards"]
    edge_properties: ViewRef | None = None


class PropertyIR(_IRModel):
    """One property of a view.

    ``kind`` says which of the optional fields apply: ``type`` for primitives (CDF's type name),
    ``enum_values`` for enums, ``target`` for every relation (None: the other end is not
    generated, so the SDK holds plain node ids), ``through`` for reverse relations, ``edge`` for
    edge connections. ``list`` is true for list properties and for multi connections.
    ``filters`` are the filter kinds a generated list/search method offers for it.
    """

    identifier: str
    name: str
    display_name: str | None = None
    description: str | None = None
    kind: PropertyKind
    type: PrimitiveType | None = None
    list: bool = False
    max_list_size: int | None = None
    nullable: bool = True
    immutable: bool = False
    auto_increment: bool = False
    required: bool = False
    default: Any = None
    enum_values: tuple[EnumValueIR, ...] | None = None
    enum_unknown_value: str | None = None
    container: ContainerRef | None = None
    container_property: str | None = None
    target: ViewRef | None = None
    through: ThroughIR | None = None
    edge: EdgeIR | None = None
    filters: tuple[FilterKind, ...] = ()
    inherited_from: ViewRef | None = None


class ViewIR(_IRModel):
    """A view: its identity, name hint, kind of instance, inheritance and properties.

    ``implements`` are the direct parents kept by validation; ``ancestors`` all of them, nearest
    first. ``data_models`` lists the data models that include the view; it is empty for a view
    generated only because another view implements it.
    """

    space: str
    external_id: str
    version: str
    name: str
    display_name: str | None = None
    description: str | None = None
    used_for: UsedFor
    writable: bool
    implements: tuple[ViewRef, ...] = ()
    ancestors: tuple[ViewRef, ...] = ()
    data_models: tuple[DataModelRef, ...] = ()
    mapped_containers: tuple[ContainerRef, ...] = ()
    filter: dict[str, Any] | None = None
    properties: tuple[PropertyIR, ...] = ()


class DataModelIR(_IRModel):
    """A data model and the views of it that are generated."""

    space: str
    external_id: str
    version: str
    display_name: str | None = None
    description: str | None = None
    views: tuple[ViewRef, ...] = ()


class IR(_IRModel):
    """The whole description: settings from the configuration, data models and views."""

    ir_version: str = IR_VERSION
    package: str | None = None
    client_name: str | None = None
    instance_space: str | None = None
    data_models: tuple[DataModelIR, ...] = ()
    views: tuple[ViewIR, ...] = ()

    def to_json(self) -> str:
        """The IR as deterministic JSON text (sorted keys, two-space indent, trailing newline)."""
        return json.dumps(self.model_dump(mode="json"), indent=2, sort_keys=True, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> IR:
        """Read IR JSON (as :meth:`to_json` writes it)."""
        return cls.model_validate_json(text)
