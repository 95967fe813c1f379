"""Splitting filters whose ``in`` (or ``containsAny``) lists are too long for one request.

CDF answers long ``in`` lists slowly or with a 500, so a filter whose top level (or a top-level
``and``) holds such a list becomes several filters, each with a slice of the values. The union of
their results is the result of the original filter. Lists nested inside ``or`` or ``not`` are
left alone: splitting them would change what the filter means.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["MAX_IN_FILTER_VALUES", "split_filter"]

# CDF does not document a maximum; beyond a few thousand values requests become slow or fail.
MAX_IN_FILTER_VALUES = 1000
_SPLITTABLE = ("in", "containsAny")


def split_filter(filter: Mapping[str, Any] | None, max_values: int = MAX_IN_FILTER_VALUES) -> list[Any]:
    """``filter`` as one or more filters whose ``in``/``containsAny`` lists hold at most
    ``max_values`` values each, and whose results together are ``filter``'s.

    >>> parts = split_filter({"in": {"property": ["node", "externalId"], "values": ["a", "b", "c"]}}, 2)
    >>> [part["in"]["values"] for part in parts]
    [['a', 'b'], ['c']]
    """
    if filter is None:
        return [None]
    for operator in _SPLITTABLE:
        body = filter.get(operator)
        if isinstance(body, Mapping) and isinstance(body.get("values"), list):
            values = body["values"]
            if len(values) <= max_values:
                return [filter]
            return [
                {operator: {**body, "values": values[start : start + max_values]}}
                for start in range(0, len(values), max_values)
            ]
    parts = filter.get("and")
    if isinstance(parts, list) and len(filter) == 1:
        for index, part in enumerate(parts):
            if not isinstance(part, Mapping):
                continue
            pieces = split_filter(part, max_values)
            if len(pieces) > 1:
                # Split one member, then whatever else in the rest still needs it.
                return [
                    variant
                    for piece in pieces
                    for variant in split_filter(
                        {"and": [*parts[:index], piece, *parts[index + 1 :]]}, max_values
                    )
                ]
    return [filter]
