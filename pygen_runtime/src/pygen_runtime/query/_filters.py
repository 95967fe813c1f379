"""CDF filter expressions as JSON, built from views and property names.

Every function returns the dict CDF's filter language takes, so filters compose with ``and_`` and
with filters a caller writes by hand.

>>> asset = ViewId(space="cdf_cdm", external_id="CogniteAsset", version="v1")
>>> prefix(asset, "name", "Pump")
{'prefix': {'property': ['cdf_cdm', 'CogniteAsset/v1', 'name'], 'value': 'Pump'}}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pygen_runtime.schema import NodeId, ViewId

__all__ = [
    "Filter",
    "and_",
    "contains_all",
    "contains_any",
    "equals",
    "has_data",
    "in_",
    "instance_references",
    "node_reference",
    "prefix",
    "property_reference",
    "range_",
]

Filter = dict[str, Any]


def property_reference(view: ViewId, name: str) -> list[str]:
    """Where a filter or sort finds ``name`` of ``view``: ``[space, "externalId/version", name]``."""
    return [view.space, f"{view.external_id}/{view.version}", name]


def node_reference(node: NodeId | tuple[str, str]) -> dict[str, str]:
    """A node as a filter value (a direct relation's value): ``{"space", "externalId"}``."""
    if isinstance(node, tuple):
        return {"space": node[0], "externalId": node[1]}
    return {"space": node.space, "externalId": node.external_id}


def equals(view: ViewId, name: str, value: Any) -> Filter:
    """``name`` equals ``value``."""
    return {"equals": {"property": property_reference(view, name), "value": value}}


def in_(view: ViewId, name: str, values: Sequence[Any]) -> Filter:
    """``name`` is one of ``values``."""
    return {"in": {"property": property_reference(view, name), "values": list(values)}}


def prefix(view: ViewId, name: str, value: Any) -> Filter:
    """Text ``name`` starts with ``value``."""
    return {"prefix": {"property": property_reference(view, name), "value": value}}


def range_(
    view: ViewId, name: str, *, gt: Any = None, gte: Any = None, lt: Any = None, lte: Any = None
) -> Filter:
    """``name`` lies in the range given by the bounds that are not None."""
    bounds = {
        key: value for key, value in (("gt", gt), ("gte", gte), ("lt", lt), ("lte", lte)) if value is not None
    }
    return {"range": {"property": property_reference(view, name), **bounds}}


def contains_any(view: ViewId, name: str, values: Sequence[Any]) -> Filter:
    """List property ``name`` holds at least one of ``values``."""
    return {"containsAny": {"property": property_reference(view, name), "values": list(values)}}


def contains_all(view: ViewId, name: str, values: Sequence[Any]) -> Filter:
    """List property ``name`` holds every one of ``values``."""
    return {"containsAll": {"property": property_reference(view, name), "values": list(values)}}


def has_data(view: ViewId) -> Filter:
    """Instances with data in ``view``."""
    return {"hasData": [view.dump()]}


def instance_references(ids: Iterable[NodeId | tuple[str, str]]) -> Filter:
    """Exactly these instances."""
    return {"instanceReferences": [node_reference(node) for node in ids]}


def and_(*filters: Mapping[str, Any] | None) -> Filter | None:
    """All of ``filters`` (None ones left out); the filter itself when only one is left."""
    present = [dict(item) for item in filters if item is not None]
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    return {"and": present}
