"""Fields of generated classes: each property's Python attribute, annotation and declaration.

A read class holds what CDF returns (every field optional, relations as ``NodeId``); a write
class what can be written (required properties required, relations also as pairs or write
objects). Edges and reverse relations are marked with the runtime's ``Edges`` and
``ReverseDirectRelation`` in ``Annotated``, and reverse relations are read-only.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from hatch_pygen.ir import IR, PropertyIR, ViewIR, ViewRef
from hatch_pygen.render.python._layout import FMT_SKIP, Call, Expression, statement
from hatch_pygen.render.python._layout import STEP as INDENT
from hatch_pygen.render.python._literals import string_literal
from hatch_pygen.render.python._names import claim, python_attribute, snake_case
from hatch_pygen.render.python._types import enum_literal, primitive_annotation

__all__ = [
    "INDENT",
    "FieldModel",
    "ViewIndex",
    "attribute_names",
    "field_model",
    "node_id_call",
    "scalar_type",
    "view_id_call",
    "view_key",
]


@dataclass(frozen=True)
class FieldModel:
    """One field of a generated class: its annotation, declaration (laid out) and description."""

    name: str
    identifier: str
    annotation: str
    declaration: str
    doc: str

    def overriding(self) -> FieldModel:
        """This field where it redeclares an inherited field with another type (a view may map
        an inherited property name to another container property): type checkers are told that
        the change is meant."""
        first, newline, rest = self.declaration.partition("\n")
        code, skip, _ = first.partition(FMT_SKIP)
        marked = f"{code}  # type: ignore[assignment]{FMT_SKIP if skip else ''}"
        return dataclasses.replace(self, declaration=marked + newline + rest)


def view_key(ref: ViewRef | ViewIR) -> tuple[str, str, str]:
    return (ref.space, ref.external_id, ref.version)


def node_id_call(space: str, external_id: str) -> Call:
    return Call("NodeId", (f"space={string_literal(space)}", f"external_id={string_literal(external_id)}"))


def view_id_call(ref: ViewRef | ViewIR, head: str = "ViewId") -> Call:
    """``ViewId(space=..., external_id=..., version=...)``."""
    return Call(
        head,
        (
            f"space={string_literal(ref.space)}",
            f"external_id={string_literal(ref.external_id)}",
            f"version={string_literal(ref.version)}",
        ),
    )


class ViewIndex:
    """The IR's views by reference, to follow relations and inheritance."""

    def __init__(self, ir: IR) -> None:
        self.by_key = {view_key(view): view for view in ir.views}
        # The read class and module of each generated node view, set once names are handed
        # out: read fields name the class at a relation's other end beside ``NodeId``, since
        # ``retrieve_connections="full"`` puts such objects there.
        self.node_reads: dict[tuple[str, str, str], tuple[str, str]] = {}

    def connected(self, prop: PropertyIR) -> str:
        """What a read field holds per node at the other end of ``prop``."""
        found = self.node_reads.get(view_key(prop.target)) if prop.target is not None else None
        return f"{found[0]} | NodeId" if found is not None else "NodeId"

    def through(self, reverse: PropertyIR) -> tuple[ViewRef | ViewIR, PropertyIR] | None:
        """The view and direct relation a reverse relation goes through. A reverse relation
        through a container property is read through the view at its other end, by the view
        property mapped to that container property; None when no generated view has it."""
        through = reverse.through
        if through is None:
            return None
        if through.view is not None:
            view = self.by_key.get(view_key(through.view))
            matches = (
                prop for prop in (view.properties if view else ()) if prop.identifier == through.identifier
            )
            found = next(matches, None)
            return (through.view, found) if found is not None else None
        other = self.by_key.get(view_key(reverse.target)) if reverse.target is not None else None
        if other is None:
            return None
        for prop in other.properties:
            if prop.container == through.container and prop.container_property == through.identifier:
                return other, prop
        return None


def _property_doc(prop: PropertyIR) -> str:
    # A display name that only repeats the identifier says nothing.
    name = prop.display_name if prop.display_name != prop.identifier else None
    parts = [part for part in (name, prop.description) if part and part.strip()]
    if len(parts) == 2 and parts[0].strip() == parts[1].strip():
        parts = parts[1:]
    return "\n\n".join(parts)


# What a write class takes for a node at the other end of a relation: its id, a (space,
# external id) pair, or a write object to create in the same upsert.
_WRITE_NODE = "NodeId | tuple[str, str] | NodeWrite"


def scalar_type(prop: PropertyIR, *, write: bool) -> str:
    if prop.kind == "enum":
        literal = enum_literal(prop)
        # A server newer than the SDK may send a value the SDK does not know: reads keep it.
        return literal if write or literal == "str" else f"{literal} | str"
    if prop.kind == "direct_relation":
        return _WRITE_NODE if write else "NodeId"
    return primitive_annotation(prop.type)


def _connection_marker(prop: PropertyIR, views: ViewIndex) -> Call | None:
    if prop.kind == "edge" and prop.edge is not None:
        edge = prop.edge
        arguments: list[Expression] = [
            _node_id_argument("type", edge.type.space, edge.type.external_id),
            f"direction={string_literal(edge.direction)}",
        ]
        if edge.edge_properties is not None:
            arguments.append(view_id_call(edge.edge_properties, "properties=ViewId"))
        if prop.target is not None:
            arguments.append(view_id_call(prop.target, "other_end=ViewId"))
        return Call("Edges", tuple(arguments))
    if prop.kind == "reverse_relation" and prop.through is not None:
        found = views.through(prop)
        if found is None:
            return None
        through_view, through = found
        arguments = [
            view_id_call(through_view, "through_view=ViewId"),
            f"through_property={string_literal(through.identifier)}",
        ]
        if not prop.list:
            arguments.append("multiple=False")
        if through.list:
            arguments.append("list_relation=True")
        return Call("ReverseDirectRelation", tuple(arguments))
    return None


def _node_id_argument(keyword: str, space: str, external_id: str) -> Call:
    node = node_id_call(space, external_id)
    return Call(f"{keyword}={node.head}", node.arguments)


def field_model(prop: PropertyIR, name: str, views: ViewIndex, *, write: bool) -> FieldModel | None:
    """The field of ``prop`` in a read or write class; None when that class has no such field
    (reverse relations are not written; connections whose other end is unknown are skipped)."""
    marker = _connection_marker(prop, views)
    if prop.kind in ("edge", "reverse_relation") and (
        marker is None or (write and prop.kind == "reverse_relation")
    ):
        return None
    if prop.kind in ("edge", "reverse_relation", "direct_relation"):
        item = _WRITE_NODE if write else views.connected(prop)
    else:
        item = scalar_type(prop, write=write)
    annotation = f"list[{item}]" if prop.list else item
    required = write and prop.required and marker is None
    if not required and annotation != "Any":  # Any already admits None
        annotation = f"{annotation} | None"
    if marker is not None:
        expression: Expression = Call(f"{name}: Annotated", (annotation, marker), "[]")
        declaration = statement(expression, indent=INDENT, suffix=" = None")
    elif prop.identifier != name:
        arguments = ("None" if not required else "", f"serialization_alias={string_literal(prop.identifier)}")
        call = Call(f"{name}: {annotation} = Field", tuple(argument for argument in arguments if argument))
        declaration = statement(call, indent=INDENT)
    else:
        declaration = statement(f"{name}: {annotation}" + ("" if required else " = None"), indent=INDENT)
    return FieldModel(
        name=name,
        identifier=prop.identifier,
        annotation=annotation,
        declaration=declaration,
        doc=_one_paragraph(_property_doc(prop)),
    )


def _one_paragraph(text: str) -> str:
    """A description as the lines of an ``Attributes:`` entry: no blank lines, no trailing spaces."""
    return "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())


def attribute_names(view: ViewIR) -> dict[str, str]:
    """The Python attribute of each property of ``view``, by identifier."""
    taken: set[str] = set()
    names: dict[str, str] = {}
    # Properties whose name needs no escaping claim it first, so an escaped name ("class_")
    # never takes the plain name of another property.
    escaped_last = sorted(
        view.properties,
        key=lambda prop: (
            python_attribute(prop.name) != snake_case(prop.name) + ("_" if prop.name.endswith("_") else "")
        ),
    )
    for prop in escaped_last:
        names[prop.identifier] = claim(python_attribute(prop.name), taken)
    return names
