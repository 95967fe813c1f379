"""The shared CDF instance payloads (``shared/cdf/instances/write/``, written for Omni's views),
turned into the generated SDK's write objects, and the plain-Python expectations the tests
compare the SDK's answers with.

A payload node names its view in ``sources``; the write class of that view is found among the
SDK's classes by its ``view_id()``, and each wire property is given to the field whose
serialization alias (or name) it is. An edge with data goes through its edge view's write class
with the payload's own external id; an edge without data is written as what the SDK offers for
it: an entry in the edge field of the node at its start (``outwards``) or end (``inwards``).
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from pygen_runtime.schema import NodeId, ViewId
from pygen_runtime.typed import Edges, EdgeWrite, InstanceWrite, NodeWrite
from shared_cdf import SHARED_CDF

WRITE_PAYLOADS = SHARED_CDF / "instances" / "write"
PAYLOAD_SPACE = "sp_omni_instances"

__all__ = [
    "PAYLOAD_SPACE",
    "WRITE_PAYLOADS",
    "Payloads",
    "build_write_objects",
    "field_of_wire_name",
    "load_payloads",
    "wire_name_of_field",
    "write_classes_by_view",
]


@dataclass
class Payloads:
    """The instance payloads: nodes and edges as the files give them (write format)."""

    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)

    def nodes_of(self, view: str) -> list[dict[str, Any]]:
        """Nodes with data in ``view`` (the view's external id)."""
        return [node for node in self.nodes if view in node_views(node)]

    def node_view(self) -> dict[tuple[str, str], str]:
        """The view each node was written for: its source, or else its node type."""
        out: dict[tuple[str, str], str] = {}
        for node in self.nodes:
            views = node_views(node)
            name = views[0] if views else node["type"]["externalId"]
            out[(node["space"], node["externalId"])] = name
        return out


def node_views(item: Mapping[str, Any]) -> list[str]:
    return [source["source"]["externalId"] for source in item.get("sources") or []]


def properties_in(item: Mapping[str, Any], view: str) -> dict[str, Any]:
    """The payload's properties of ``item`` in ``view``."""
    for source in item.get("sources") or []:
        if source["source"]["externalId"] == view:
            return dict(source["properties"])
    return {}


def load_payloads(folder: Path = WRITE_PAYLOADS) -> Payloads:
    """Every node and edge in the folder's ``*.node.yaml`` and ``*.edge.yaml`` files (the
    ``*.file.yaml``/``*.timeseries.yaml``/``*.sequence.yaml`` files are classic resources, not
    instances)."""
    payloads = Payloads()
    for path in sorted(folder.glob("*.node.yaml")):
        payloads.nodes.extend(yaml.safe_load(path.read_text(encoding="utf-8")))
    seen: set[tuple[str, str]] = set()
    for path in sorted(folder.glob("*.edge.yaml")):
        for edge in yaml.safe_load(path.read_text(encoding="utf-8")):
            # A few edges appear in two files with different values; CDF refuses an instance
            # twice in one request (and so does the SDK), so the first file's version is kept.
            key = (edge["space"], edge["externalId"])
            if key not in seen:
                seen.add(key)
                payloads.edges.append(edge)
    return payloads


def write_classes_by_view(sdk: ModuleType) -> dict[str, type[InstanceWrite]]:
    """Every write class the SDK exports, by its view's external id (node and edge classes of a
    view used for both are told apart by the caller through ``issubclass``)."""
    found: dict[str, type[InstanceWrite]] = {}
    for name in sdk.__all__:
        value = getattr(sdk, name)
        if inspect.isclass(value) and issubclass(value, (NodeWrite, EdgeWrite)):
            view: ViewId = value.view_id()
            key = view.external_id if issubclass(value, NodeWrite) else f"{view.external_id}#edge"
            found[key] = value
    return found


def wire_name_of_field(cls: type[Any], name: str) -> str:
    info = cls.model_fields[name]
    return str(info.serialization_alias or info.alias or name)


def field_of_wire_name(cls: type[Any]) -> dict[str, str]:
    """The Python field name of each wire property of a generated class."""
    return {wire_name_of_field(cls, name): name for name in cls.model_fields}


def edge_fields(cls: type[Any]) -> dict[str, Edges]:
    """The edge fields of a generated class, with their markers."""
    out: dict[str, Edges] = {}
    for name, info in cls.model_fields.items():
        marker = next((item for item in info.metadata if isinstance(item, Edges)), None)
        if marker is not None:
            out[name] = marker
    return out


def as_python_value(value: Any) -> Any:
    """A payload value as a write object takes it: a direct-relation reference becomes a
    ``NodeId``; everything else is given as in the file, for pydantic to validate."""
    if isinstance(value, dict) and set(value) == {"space", "externalId"}:
        return NodeId(space=value["space"], external_id=value["externalId"])
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        converted = [as_python_value(item) for item in value]
        if all(isinstance(item, NodeId) for item in converted):
            return converted
    return value


@dataclass
class BuiltWrites:
    """What :func:`build_write_objects` made, and the payload instances it could not express."""

    items: list[InstanceWrite] = field(default_factory=list)
    unwritable_nodes: list[dict[str, Any]] = field(default_factory=list)
    unwritable_edges: list[dict[str, Any]] = field(default_factory=list)
    # (start, end, edge type external id) of every edge written, whatever its external id.
    written_edges: set[tuple[str, str, str]] = field(default_factory=set)


def build_write_objects(sdk: ModuleType, payloads: Payloads) -> BuiltWrites:
    """Write objects of the SDK for every payload node and edge it can express."""
    classes = write_classes_by_view(sdk)
    built = BuiltWrites()
    node_objects: dict[tuple[str, str], NodeWrite] = {}
    for node in payloads.nodes:
        views = node_views(node)
        cls = classes.get(views[0]) if views else None
        if cls is None:
            built.unwritable_nodes.append(node)
            continue
        values = {
            field_of_wire_name(cls)[wire]: as_python_value(value)
            for wire, value in properties_in(node, views[0]).items()
        }
        node_type = node.get("type")
        if node_type is not None:
            values["type"] = NodeId(space=node_type["space"], external_id=node_type["externalId"])
        written = cls(space=node["space"], external_id=node["externalId"], **values)
        assert isinstance(written, NodeWrite)
        node_objects[(node["space"], node["externalId"])] = written
        built.items.append(written)
    view_of_node = payloads.node_view()
    for edge in payloads.edges:
        start = (edge["startNode"]["space"], edge["startNode"]["externalId"])
        end = (edge["endNode"]["space"], edge["endNode"]["externalId"])
        edge_type = edge["type"]["externalId"]
        views = node_views(edge)
        if views:
            edge_cls = classes.get(f"{views[0]}#edge")
            if edge_cls is None:
                built.unwritable_edges.append(edge)
                continue
            values = {
                field_of_wire_name(edge_cls)[wire]: value
                for wire, value in properties_in(edge, views[0]).items()
            }
            built.items.append(
                edge_cls(
                    space=edge["space"],
                    external_id=edge["externalId"],
                    type=NodeId(space=edge["type"]["space"], external_id=edge_type),
                    start_node=NodeId(space=start[0], external_id=start[1]),
                    end_node=NodeId(space=end[0], external_id=end[1]),
                    **values,
                )
            )
            built.written_edges.add((start[1], end[1], edge_type))
            continue
        from_start = _add_to_edge_field(
            node_objects, view_of_node, start, end, edge_type, "outwards", classes
        )
        if from_start or _add_to_edge_field(
            node_objects, view_of_node, end, start, edge_type, "inwards", classes
        ):
            built.written_edges.add((start[1], end[1], edge_type))
        else:
            built.unwritable_edges.append(edge)
    return built


def _add_to_edge_field(
    node_objects: Mapping[tuple[str, str], NodeWrite],
    view_of_node: Mapping[tuple[str, str], str],
    own: tuple[str, str],
    other: tuple[str, str],
    edge_type: str,
    direction: str,
    classes: Mapping[str, type[InstanceWrite]],
) -> bool:
    """Put ``other`` in the edge field of ``own``'s write object that holds edges of
    ``edge_type`` in ``direction``; False if there is no such write object or field."""
    written = node_objects.get(own)
    if written is None or view_of_node.get(own) not in classes:
        return False
    for name, marker in edge_fields(type(written)).items():
        if (
            marker.type.external_id == edge_type
            and marker.direction == direction
            and marker.properties is None
        ):
            current = list(getattr(written, name) or [])
            current.append(NodeId(space=other[0], external_id=other[1]))
            setattr(written, name, current)
            return True
    return False


def ids(items: Iterable[Any]) -> list[str]:
    """External ids of read objects, sorted (the order a listing gives is not what is compared)."""
    return sorted(item.external_id for item in items)
