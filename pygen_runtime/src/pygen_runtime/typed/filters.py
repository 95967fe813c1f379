"""Building CDF filters from typed keyword arguments.

Generated API methods turn their keyword filters into one CDF filter with these functions. Each
returns a filter dict, or None when its argument is None (not given), and ``and_`` combines what
is left::

    from pygen_runtime.typed import filters

    def _pump_filter(view, name=None, name_prefix=None, min_capacity=None, max_capacity=None,
                     external_id_prefix=None, space=None, filter=None):
        return filters.and_(
            filters.equals_or_in(view, "name", name),
            filters.prefix(view, "name", name_prefix),
            filters.range_(view, "capacity", min_capacity, max_capacity),
            filters.external_id_prefix(external_id_prefix),
            filters.space(space),
            filter,
        )

The result is CDF's filter language as JSON, e.g.
``{"and": [{"prefix": {"property": ["plant", "Pump/1", "name"], "value": "P"}}, ...]}``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timezone
from typing import Any, Literal

from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.schema import NodeId, ViewId
from pygen_runtime.typed._instances import NodeReference, as_node_id

__all__ = [
    "Filter",
    "and_",
    "contains_all",
    "contains_any",
    "direct_relation",
    "edge_end_node",
    "edge_start_node",
    "edge_type",
    "equals",
    "equals_or_in",
    "external_id_prefix",
    "has_data",
    "in_",
    "prefix",
    "property_reference",
    "range_",
    "relations_contain_all",
    "relations_contain_any",
    "space",
]

Filter = dict[str, Any]
InstanceType = Literal["node", "edge"]
Scalar = str | int | float | bool
RangeValue = int | float | datetime | date


def property_reference(view: ViewId, property: str) -> list[str]:
    """How a filter names a view's property: ``[space, "externalId/version", property]``."""
    return [view.space, f"{view.external_id}/{view.version}", property]


def _filter_value(value: Any) -> Any:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value.isoformat(timespec="milliseconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _is_many(value: Any) -> bool:
    return isinstance(value, Sequence) and not isinstance(value, (str, bytes, tuple))


def equals(view: ViewId, property: str, value: Scalar | None) -> Filter | None:
    """``property == value`` (booleans, enums, numbers, text)."""
    if value is None:
        return None
    return {"equals": {"property": property_reference(view, property), "value": _filter_value(value)}}


def in_(view: ViewId, property: str, values: Sequence[Scalar] | None) -> Filter | None:
    """``property`` is one of ``values``."""
    if values is None:
        return None
    return {
        "in": {"property": property_reference(view, property), "values": [_filter_value(v) for v in values]}
    }


def equals_or_in(view: ViewId, property: str, value: Scalar | Sequence[Scalar] | None) -> Filter | None:
    """``equals`` for one value, ``in`` for a list of them (text and enum parameters take both)."""
    if _is_many(value):
        return in_(view, property, value)  # type: ignore[arg-type]
    return equals(view, property, value)  # type: ignore[arg-type]


def prefix(view: ViewId, property: str, value: str | None) -> Filter | None:
    """``property`` starts with ``value``."""
    if value is None:
        return None
    return {"prefix": {"property": property_reference(view, property), "value": value}}


def range_(
    view: ViewId, property: str, minimum: RangeValue | None = None, maximum: RangeValue | None = None
) -> Filter | None:
    """``minimum <= property <= maximum`` (either bound may be left out); numbers, timestamps
    (``datetime``; a naive one is taken as UTC) and dates."""
    if minimum is None and maximum is None:
        return None
    body: dict[str, Any] = {"property": property_reference(view, property)}
    if minimum is not None:
        body["gte"] = _filter_value(minimum)
    if maximum is not None:
        body["lte"] = _filter_value(maximum)
    return {"range": body}


def _relation_values(value: Any, default_space: str | None, what: str) -> list[dict[str, str]]:
    items = value if _is_many(value) else [value]
    return [as_node_id(item, default_space, what).dump(include_type=False) for item in items]


def direct_relation(
    view: ViewId,
    property: str,
    value: NodeReference | Sequence[NodeReference] | None,
    default_space: str | None = None,
) -> Filter | None:
    """The direct relation ``property`` points at ``value`` (a ``NodeId``, a ``(space, external_id)``
    pair, or an external id in ``default_space``), or at one of several."""
    if value is None:
        return None
    targets = _relation_values(value, default_space, property)
    reference = property_reference(view, property)
    if _is_many(value):
        return {"in": {"property": reference, "values": targets}}
    return {"equals": {"property": reference, "value": targets[0]}}


def contains_any(view: ViewId, property: str, values: Sequence[Any] | None) -> Filter | None:
    """The list ``property`` holds at least one of ``values``."""
    if values is None:
        return None
    return {
        "containsAny": {
            "property": property_reference(view, property),
            "values": [_filter_value(v) for v in values],
        }
    }


def contains_all(view: ViewId, property: str, values: Sequence[Any] | None) -> Filter | None:
    """The list ``property`` holds every one of ``values``."""
    if values is None:
        return None
    return {
        "containsAll": {
            "property": property_reference(view, property),
            "values": [_filter_value(v) for v in values],
        }
    }


def relations_contain_any(
    view: ViewId, property: str, values: Sequence[NodeReference] | None, default_space: str | None = None
) -> Filter | None:
    """The list of direct relations ``property`` points at one or more of ``values``."""
    if values is None:
        return None
    targets = [as_node_id(item, default_space, property).dump(include_type=False) for item in values]
    return {"containsAny": {"property": property_reference(view, property), "values": targets}}


def relations_contain_all(
    view: ViewId, property: str, values: Sequence[NodeReference] | None, default_space: str | None = None
) -> Filter | None:
    """The list of direct relations ``property`` points at every one of ``values``."""
    if values is None:
        return None
    targets = [as_node_id(item, default_space, property).dump(include_type=False) for item in values]
    return {"containsAll": {"property": property_reference(view, property), "values": targets}}


def external_id_prefix(value: str | None, instance_type: InstanceType = "node") -> Filter | None:
    """The instance's external id starts with ``value``."""
    if value is None:
        return None
    return {"prefix": {"property": [instance_type, "externalId"], "value": value}}


def space(value: str | Sequence[str] | None, instance_type: InstanceType = "node") -> Filter | None:
    """The instance is in the space ``value`` (or one of several)."""
    if value is None:
        return None
    if _is_many(value):
        return {"in": {"property": [instance_type, "space"], "values": list(value)}}
    return {"equals": {"property": [instance_type, "space"], "value": value}}


def has_data(view: ViewId) -> Filter:
    """The instance has data in ``view``."""
    return {"hasData": [view.dump()]}


def _edge_node(
    end: str, value: NodeReference | Sequence[NodeReference] | None, default_space: str | None
) -> Filter | None:
    if value is None:
        return None
    targets = _relation_values(value, default_space, end)
    if _is_many(value):
        return {"in": {"property": ["edge", end], "values": targets}}
    return {"equals": {"property": ["edge", end], "value": targets[0]}}


def edge_start_node(
    value: NodeReference | Sequence[NodeReference] | None, default_space: str | None = None
) -> Filter | None:
    """The edge starts at ``value`` (or at one of several)."""
    return _edge_node("startNode", value, default_space)


def edge_end_node(
    value: NodeReference | Sequence[NodeReference] | None, default_space: str | None = None
) -> Filter | None:
    """The edge ends at ``value`` (or at one of several)."""
    return _edge_node("endNode", value, default_space)


def edge_type(value: NodeId | None) -> Filter | None:
    """The edge's type is ``value``."""
    if value is None:
        return None
    return {"equals": {"property": ["edge", "type"], "value": value.dump(include_type=False)}}


def and_(*parts: Mapping[str, Any] | None) -> Filter | None:
    """All of ``parts`` (None ones left out); None when nothing is left."""
    present = [dict(part) for part in parts if part is not None]
    for part in present:
        if not part:
            raise InvalidArgumentError(
                "a filter is an empty dict; give a CDF filter such as {'equals': {...}}."
            )
    if not present:
        return None
    if len(present) == 1:
        return present[0]
    return {"and": present}
