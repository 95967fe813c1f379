"""``retrieve_connections="full"``: the connections of typed nodes, filled with typed objects of
their target classes, one level deep, with one plan for all the nodes.

A generated API calls :func:`fill_connections` with the nodes it read and, per connection field
to fill, the read class of the nodes at the other end::

    fill_connections(client.cdf, turbines, {"blades": Blade, "metmast": Metmast})

Edge fields and reverse direct relations are known from their markers on the read class
(``Edges``, ``ReverseDirectRelation``); any other name is a direct relation property.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, get_args, get_origin

from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.query._limits import QueryLimits
from pygen_runtime.query._select import item_key, to_typed
from pygen_runtime.query._steps import Query, Step

if TYPE_CHECKING:
    from pygen_runtime.client import CDFClient
    from pygen_runtime.typed import NodeRead

__all__ = ["fill_connections"]


def _add_step(
    start: Step, read_class: type[NodeRead], name: str, target: type[NodeRead]
) -> tuple[Step, bool]:
    """The step filling ``name``, and whether the field holds many nodes."""
    from pygen_runtime.typed import Edges, ReverseDirectRelation

    marker = read_class._connection_fields.get(name)
    if isinstance(marker, Edges):
        step = start.edges(
            name, marker.type, target.view_id(), direction=marker.direction, edge_view=marker.properties
        )
        return step, True
    if isinstance(marker, ReverseDirectRelation):
        step = start.reverse(
            name, through=marker.through_view, property=marker.through_property, is_list=marker.list_relation
        )
        return step, marker.multiple
    wire = read_class._property_wire_names.get(name)
    if wire is None:
        known = sorted([*read_class._connection_fields, *read_class._property_wire_names])
        raise InvalidArgumentError(
            f"{read_class.__name__} has no connection or direct relation named {name!r}; "
            f"choose from {', '.join(known)}."
        )
    from pygen_runtime.typed._parsing import complete

    # A class read from the bytes may not be built yet, and its relation annotations are then
    # unresolved text: build it so that a list of relations is told from a single one.
    complete(read_class)
    holds_many = _holds_list(read_class.model_fields[name].annotation)
    return start.direct(name, wire, target.view_id()), holds_many


def _holds_list(annotation: Any) -> bool:
    """Whether a field's type is a list (``list[NodeId] | None`` is)."""
    if get_origin(annotation) is list:
        return True
    return any(get_origin(arg) is list for arg in get_args(annotation))


def fill_connections(
    client: CDFClient,
    items: Sequence[NodeRead],
    targets: Mapping[str, type[NodeRead]],
    *,
    limits: QueryLimits | None = None,
) -> None:
    """Set each field named in ``targets`` on every item to the typed nodes it connects to (a
    list, or one node or None for a single relation), fetched with one plan for all ``items``."""
    if not items or not targets:
        return
    read_class = type(items[0])
    start = Query.by_ids(read_class.view_id(), [item.as_id() for item in items])
    steps = {name: _add_step(start, read_class, name, target) for name, target in targets.items()}
    found = {result.id: result for result in start.execute(client, limits=limits).collect()}
    for name, (step, holds_many) in steps.items():
        connected = [item for result in found.values() for item in result.connections.get(name, [])]
        by_key = dict(
            zip((item_key(item) for item in connected), to_typed(targets[name], connected), strict=True)
        )
        for item in items:
            result = found.get(item.as_id())
            values: list[Any] = (
                [] if result is None else [by_key[item_key(other)] for other in result.connections[step.name]]
            )
            setattr(item, name, values if holds_many else (values[0] if values else None))
