"""Ordering a parent's connections by a step's ``sort`` where CDF cannot: a direct relation's
targets come in the relation's order and an edge traversal's in the order it walked, so a sorted
step is ordered here, by the same keys CDF sorts by (property values, then null placement)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from pygen_runtime.query._results import ResultItem

__all__ = ["order"]

_INSTANCE_FIELDS = {
    "externalId": "external_id",
    "space": "space",
    "createdTime": "created_time",
    "lastUpdatedTime": "last_updated_time",
}


def _value(item: ResultItem, reference: Sequence[str]) -> Any:
    if len(reference) == 2 and reference[0] == "node":
        field = _INSTANCE_FIELDS.get(reference[1])
        return None if field is None else getattr(item.node, field)
    if len(reference) == 3:
        space, identifier, name = reference
        return item.node.properties.get(space, {}).get(identifier, {}).get(name)
    return None


def order(items: list[ResultItem], sort: Sequence[Mapping[str, Any]]) -> list[ResultItem]:
    """``items`` sorted by ``sort`` (CDF's sort specs); stable, so ties keep their order."""
    for spec in reversed(sort):
        reference = spec.get("property", [])
        descending = spec.get("direction") == "descending"
        # CDF puts nulls last unless told otherwise, whatever the direction.
        nulls_first = bool(spec.get("nullsFirst", False))
        present = [item for item in items if _value(item, reference) is not None]
        missing = [item for item in items if _value(item, reference) is None]
        present.sort(key=lambda item: _value(item, reference), reverse=descending)
        items = missing + present if nulls_first else present + missing
    return items
