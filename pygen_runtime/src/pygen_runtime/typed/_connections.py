"""Markers for the fields of a typed class that are connections, not stored properties.

A view's edges and reverse direct relations are not values of the instance: CDF computes them
from other instances. Generated classes mark such fields with one of these in ``Annotated[...]``
so that the runtime leaves them out of writes and knows how to fill them on request::

    class WindTurbine(NodeRead):
        metmast: Annotated[
            list[NodeId] | None,
            Edges(type=NodeId(space="power", external_id="Distance"), direction="outwards"),
        ] = None
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pygen_runtime.schema import NodeId, ViewId

__all__ = ["Connection", "Edges", "ReverseDirectRelation"]


@dataclass(frozen=True)
class Edges:
    """Edges of ``type`` from this node (``outwards``) or to it (``inwards``); the field holds the
    nodes at the other end. ``properties`` is the view holding the edges' own properties, if any."""

    type: NodeId
    direction: Literal["outwards", "inwards"] = "outwards"
    properties: ViewId | None = None
    other_end: ViewId | None = None


@dataclass(frozen=True)
class ReverseDirectRelation:
    """The nodes whose direct relation ``through_property`` (in ``through_view``) points at this
    node; ``multiple`` says whether the field holds many of them or at most one.
    ``list_relation`` is true when the pointing property is itself a list of direct relations."""

    through_view: ViewId
    through_property: str
    multiple: bool = True
    list_relation: bool = False


Connection = Edges | ReverseDirectRelation
