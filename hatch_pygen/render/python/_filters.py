"""Typed filter parameters of generated API methods, and the ``filters`` calls that apply them.

Which filters a property gets is the IR's decision (its ``filters`` field); here they get
Python names, types and the runtime function that builds each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from hatch_pygen.ir import PropertyIR, ViewIR
from hatch_pygen.render.python._fields import attribute_names, scalar_type
from hatch_pygen.render.python._layout import Call
from hatch_pygen.render.python._literals import string_literal
from hatch_pygen.render.python._names import claim
from hatch_pygen.render.python._types import primitive_annotation

__all__ = ["API_PARAMETERS", "FilterModel", "FilterParameter", "InstanceKind", "build_filters"]

InstanceKind = Literal["node", "edge"]


# Keyword parameters the runtime's list/iterate/search/aggregate/histogram methods take
# themselves; a typed filter never takes one of these names.
API_PARAMETERS = frozenset(
    {
        "self",
        "filter",
        "sort_by",
        "direction",
        "sort",
        "limit",
        "retrieve_connections",
        "chunk_size",
        "cursor",
        "query",
        "properties",
        "operator",
        "aggregate",
        "property",
        "group_by",
        "search_properties",
        "search_property",
        "interval",
        "external_id_prefix",
        "space",
        "start_node",
        "end_node",
    }
)


@dataclass(frozen=True)
class FilterParameter:
    """A typed keyword filter of the list/search methods."""

    name: str
    annotation: str
    doc: str

    @property
    def declaration(self) -> str:
        return f"{self.name}: {self.annotation} | None = None"


@dataclass(frozen=True)
class _Slot:
    """A filter parameter before its final name is known: ``key`` marks it in the calls."""

    key: str
    candidate: str
    annotation: str
    doc: str


def _property_filters(prop: PropertyIR, attribute: str, index: int) -> tuple[list[_Slot], list[Call]]:
    """The filter parameters the IR gives ``prop`` and the ``filters`` calls that apply them."""
    wire = string_literal(prop.identifier)
    label = prop.display_name or prop.identifier
    stem = attribute.rstrip("_") or attribute
    kinds = set(prop.filters)
    slots: list[_Slot] = []
    calls: list[Call] = []

    def slot(suffix: str, candidate: str, annotation: str, doc: str) -> str:
        key = f"{{{index}:{suffix}}}"
        slots.append(_Slot(key, candidate, annotation, doc))
        return key

    if prop.list and prop.kind == "direct_relation":
        for kind, suffix, function, words in _CONTAINS:
            if kind in kinds:
                key = slot(
                    suffix,
                    f"{stem}_{suffix}",
                    "Sequence[NodeReference]",
                    f"{label} holds {words} these nodes.",
                )
                calls.append(Call(f"filters.relations_{function}", ("view_id", wire, key, "default_space")))
        return slots, calls
    if prop.list:
        item = scalar_type(prop, write=True)
        for kind, suffix, _, words in _CONTAINS:
            if kind in kinds:
                key = slot(
                    suffix, f"{stem}_{suffix}", f"Sequence[{item}]", f"{label} holds {words} these values."
                )
                calls.append(Call(f"filters.{suffix}", ("view_id", wire, key)))
        return slots, calls
    if "equals" in kinds:
        if prop.kind == "direct_relation":
            key = slot(
                "eq",
                attribute,
                "NodeReference | Sequence[NodeReference]",
                f"The node (or nodes) {label} points to.",
            )
            calls.append(Call("filters.direct_relation", ("view_id", wire, key, "default_space")))
        elif prop.kind == "primitive" and prop.type == "boolean":
            key = slot("eq", attribute, "bool", f"The value of {label}.")
            calls.append(Call("filters.equals", ("view_id", wire, key)))
        else:
            scalar = scalar_type(prop, write=True)
            key = slot(
                "eq", attribute, f"{scalar} | Sequence[{scalar}]", f"The value (or values) of {label}."
            )
            calls.append(Call("filters.equals_or_in", ("view_id", wire, key)))
    if "prefix" in kinds:
        key = slot("prefix", f"{stem}_prefix", "str", f"The start of {label}.")
        calls.append(Call("filters.prefix", ("view_id", wire, key)))
    if "range" in kinds:
        scalar = primitive_annotation(prop.type)
        low = slot("min", f"min_{stem}", scalar, f"The least {label} (inclusive).")
        high = slot("max", f"max_{stem}", scalar, f"The greatest {label} (inclusive).")
        calls.append(Call("filters.range_", ("view_id", wire, low, high)))
    return slots, calls


_CONTAINS = (
    ("containsAny", "contains_any", "contain_any", "at least one of"),
    ("containsAll", "contains_all", "contain_all", "all of"),
)


@dataclass(frozen=True)
class FilterModel:
    """The typed filters of one API: its parameters and the ``filters`` calls that apply them."""

    parameters: tuple[FilterParameter, ...]
    calls: tuple[Call, ...]


def build_filters(view: ViewIR | None, instance_type: InstanceKind) -> FilterModel:
    """The typed filter parameters of an API's methods, with unique names, and their calls.

    Parameters named after a property claim their names first; derived ones (``x_prefix``,
    ``min_x``) get a numeric suffix if a property already has that name. Edge APIs get
    ``start_node`` and ``end_node``; every API gets ``external_id_prefix`` and ``space``.
    """
    slots: list[_Slot] = []
    calls: list[Call] = []
    if instance_type == "edge":
        slots.append(
            _Slot(
                "{start}",
                "start_node",
                "NodeReference | Sequence[NodeReference]",
                "The node (or nodes) the edges start at.",
            )
        )
        slots.append(
            _Slot(
                "{end}",
                "end_node",
                "NodeReference | Sequence[NodeReference]",
                "The node (or nodes) the edges end at.",
            )
        )
        calls.append(Call("filters.edge_start_node", ("{start}", "default_space")))
        calls.append(Call("filters.edge_end_node", ("{end}", "default_space")))
    attributes = attribute_names(view) if view is not None else {}
    fixed = len(slots)
    for index, prop in enumerate(view.properties if view is not None else ()):
        found, applied = _property_filters(prop, attributes[prop.identifier], index)
        slots.extend(found)
        calls.extend(applied)
    taken = {"start_node", "end_node"} if instance_type == "edge" else set()
    taken |= API_PARAMETERS
    names: dict[str, str] = {}
    plain = {attributes[prop.identifier] for prop in (view.properties if view is not None else ())}
    order = sorted(range(fixed, len(slots)), key=lambda position: slots[position].candidate not in plain)
    for position in order:
        candidate = slots[position].candidate
        if candidate in API_PARAMETERS:
            candidate = f"{candidate}_"
        names[slots[position].key] = claim(candidate, taken)
    for position in range(fixed):
        names[slots[position].key] = slots[position].candidate
    parameters = [FilterParameter(names[slot.key], slot.annotation, slot.doc) for slot in slots]
    parameters.append(FilterParameter("external_id_prefix", "str", "The start of the external id."))
    parameters.append(
        FilterParameter("space", "str | Sequence[str]", "The space (or spaces) of the instances.")
    )
    calls.append(Call("filters.external_id_prefix", ("external_id_prefix", string_literal(instance_type))))
    calls.append(Call("filters.space", ("space", string_literal(instance_type))))
    return FilterModel(tuple(parameters), tuple(_fill(call, names) for call in calls))


def _fill(call: Call, names: dict[str, str]) -> Call:
    return Call(
        call.head,
        tuple(
            names.get(item, item) if isinstance(item, str) else _fill(item, names) for item in call.arguments
        ),
    )
