"""The renderer's view model: every decision about the generated Python code, made from the IR.

Templates receive these values and only lay them out. Here the IR's views become classes with
Python names, fields with annotations, filter parameters, and the modules that hold them. Nothing
depends on dict or set iteration order: the IR's order decides, so the same IR always gives the
same model.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from hatch_pygen.ir import IR, PropertyIR, ViewIR, ViewRef
from hatch_pygen.render.python._layout import Call, Expression, statement
from hatch_pygen.render.python._literals import docstring, string_literal
from hatch_pygen.render.python._names import (
    RESERVED_ATTRIBUTES,
    RESERVED_CLASS_NAMES,
    claim,
    pascal_case,
    python_attribute,
    python_class_name,
    snake_case,
)
from hatch_pygen.render.python._types import enum_literal, primitive_annotation

__all__ = [
    "ClassModel",
    "FieldModel",
    "FilterParameter",
    "InstanceKind",
    "ViewModel",
    "build_views",
    "view_label",
]

InstanceKind = Literal["node", "edge"]
INDENT = "    "

# Names the generated modules import; no generated class may take one of them.
RUNTIME_NAMES = frozenset(
    {
        "Aggregation",
        "AggregateName",
        "AggregateResult",
        "AggregatedHistogram",
        "Annotated",
        "Any",
        "CDFClient",
        "ClassVar",
        "ClientConfig",
        "EdgeAPI",
        "EdgeId",
        "EdgeRead",
        "EdgeReadList",
        "EdgeWrite",
        "EdgeWriteList",
        "Edges",
        "Field",
        "Filter",
        "Iterator",
        "JsonValue",
        "Literal",
        "Mapping",
        "NodeAPI",
        "NodeId",
        "NodeRead",
        "NodeReadList",
        "NodeReference",
        "NodeWrite",
        "NodeWriteList",
        "RetrieveConnections",
        "ReverseDirectRelation",
        "Sequence",
        "SortDirection",
        "TYPE_CHECKING",
        "TypedClient",
        "ViewId",
        "builtins",
        "cached_property",
        "date",
        "datetime",
        "filters",
        "importlib",
    }
)
CLASS_RESERVED = RESERVED_CLASS_NAMES | RUNTIME_NAMES

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
        "interval",
        "external_id_prefix",
        "space",
        "start_node",
        "end_node",
    }
)


def view_label(view: ViewIR | ViewRef) -> str:
    """``space:ExternalId/version``, how docs and messages name a view."""
    return f"{view.space}:{view.external_id}/{view.version}"


@dataclass(frozen=True)
class FieldModel:
    """One field of a generated class: its declaration and attribute docstring, laid out."""

    name: str
    identifier: str
    declaration: str
    doc: str


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
class ClassModel:
    """A generated class: its header line, docstring and the fields it declares itself."""

    name: str
    header: str
    doc: str
    fields: tuple[FieldModel, ...]


@dataclass
class ViewModel:
    """Everything generated for one view and one kind of instance (node or edge)."""

    view: ViewIR
    kind: InstanceKind
    module: str
    attribute: str
    read: str
    write: str | None
    read_list: str
    write_list: str | None
    api: str
    read_class: ClassModel | None = None
    write_class: ClassModel | None = None
    filters: FilterModel | None = None
    edge_apis: list[EdgeAPIModel] = field(default_factory=list)

    @property
    def exported(self) -> tuple[str, ...]:
        return tuple(name for name in (self.read, self.write, self.read_list, self.write_list) if name)

    @property
    def label(self) -> str:
        return view_label(self.view)


@dataclass(frozen=True)
class EdgeAPIModel:
    """The API of one edge property: the edges of its type from (or to) the view's nodes."""

    attribute: str
    api: str
    api_stem: str  # the snake name the module-level filter function is named after
    edge_view: ViewModel
    edge_type: Call
    filters: FilterModel
    doc: str


def _key(ref: ViewRef | ViewIR) -> tuple[str, str, str]:
    return (ref.space, ref.external_id, ref.version)


def _kinds(view: ViewIR) -> tuple[InstanceKind, ...]:
    if view.used_for == "all":
        return ("node", "edge")
    return ("edge",) if view.used_for == "edge" else ("node",)


def _node_id(space: str, external_id: str) -> Call:
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


class _Views:
    """The IR's views by reference, to follow relations and inheritance."""

    def __init__(self, ir: IR) -> None:
        self.by_key = {_key(view): view for view in ir.views}

    def property(self, ref: ViewRef, identifier: str) -> PropertyIR | None:
        view = self.by_key.get(_key(ref))
        if view is None:
            return None
        return next((prop for prop in view.properties if prop.identifier == identifier), None)


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


def _scalar_type(prop: PropertyIR, *, write: bool) -> str:
    if prop.kind == "enum":
        literal = enum_literal(prop)
        # A server newer than the SDK may send a value the SDK does not know: reads keep it.
        return literal if write or literal == "str" else f"{literal} | str"
    if prop.kind == "direct_relation":
        return _WRITE_NODE if write else "NodeId"
    return primitive_annotation(prop.type)


def _connection_marker(prop: PropertyIR, views: _Views) -> Call | None:
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
    if prop.kind == "reverse_relation" and prop.through is not None and prop.through.view is not None:
        through = views.property(prop.through.view, prop.through.identifier)
        arguments = [
            view_id_call(prop.through.view, "through_view=ViewId"),
            f"through_property={string_literal(prop.through.identifier)}",
        ]
        if not prop.list:
            arguments.append("multiple=False")
        if through is not None and through.list:
            arguments.append("list_relation=True")
        return Call("ReverseDirectRelation", tuple(arguments))
    return None


def _node_id_argument(keyword: str, space: str, external_id: str) -> Call:
    node = _node_id(space, external_id)
    return Call(f"{keyword}={node.head}", node.arguments)


def _field(prop: PropertyIR, name: str, views: _Views, *, write: bool) -> FieldModel | None:
    """The field of ``prop`` in a read or write class; None when that class has no such field
    (reverse relations are not written; connections whose other end is unknown are skipped)."""
    marker = _connection_marker(prop, views)
    if prop.kind in ("edge", "reverse_relation") and (
        marker is None or (write and prop.kind == "reverse_relation")
    ):
        return None
    item = (_WRITE_NODE if write else "NodeId") if prop.kind == "edge" else _scalar_type(prop, write=write)
    annotation = f"list[{item}]" if prop.list else item
    required = write and prop.required and marker is None
    if not required:
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
        item = _scalar_type(prop, write=True)
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
            scalar = _scalar_type(prop, write=True)
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


RESERVED_CLIENT_ATTRIBUTES = RESERVED_ATTRIBUTES | frozenset(
    {
        "cdf",
        "close",
        "default_instance_space",
        "delete",
        "from_env",
        "from_toml",
        "instance_space",
        "upsert",
    }
)
# Members of the runtime's NodeAPI/EdgeAPI, which an edge API attribute must not hide.
RESERVED_API_ATTRIBUTES = RESERVED_ATTRIBUTES | frozenset(
    {"retrieve", "list", "iterate", "search", "aggregate", "histogram"}
)


def build_views(ir: IR, taken_class_names: set[str]) -> list[ViewModel]:
    """A :class:`ViewModel` per view and kind of instance, with unique class, module and
    attribute names and the classes' fields and filters."""
    views = _Views(ir)
    taken = set(taken_class_names) | set(CLASS_RESERVED)
    # Read classes claim their names before any derived name (Write, List, API) is handed out,
    # so a view called "PumpWrite" keeps its name beside a view called "Pump".
    primary: dict[tuple[tuple[str, str, str], InstanceKind], str] = {}
    for view in ir.views:
        base = python_class_name(view.name, CLASS_RESERVED)
        for kind in _kinds(view):
            candidate = f"{base}Edge" if kind == "edge" and view.used_for == "all" else base
            primary[(_key(view), kind)] = claim(candidate, taken)
    modules: set[str] = set()
    attributes: set[str] = set()
    models: list[ViewModel] = []
    for view in ir.views:
        module = claim(f"_{snake_case(view.name) or 'view'}", modules)
        for kind in _kinds(view):
            read = primary[(_key(view), kind)]
            attribute = python_attribute(view.name, RESERVED_CLIENT_ATTRIBUTES)
            if kind == "edge" and view.used_for == "all":
                attribute = f"{attribute.rstrip('_')}_edge"
            models.append(
                ViewModel(
                    view=view,
                    kind=kind,
                    module=module,
                    attribute=claim(attribute, attributes),
                    read=read,
                    write=claim(f"{read}Write", taken) if view.writable else None,
                    read_list=claim(f"{read}List", taken),
                    write_list=claim(f"{read}WriteList", taken) if view.writable else None,
                    api=claim(f"{read}API", taken),
                )
            )
    by_key = {(_key(model.view), model.kind): model for model in models}
    for model in models:
        _fill_classes(model, by_key, views)
        model.filters = build_filters(model.view, model.kind)
    for model in models:
        if model.kind == "node":
            model.edge_apis = _edge_apis(model, by_key, taken)
    return models


def _inherited(
    model: ViewModel, by_key: dict[tuple[tuple[str, str, str], InstanceKind], ViewModel]
) -> list[ViewModel]:
    """The parents whose classes this view's classes inherit: generated parents of the same kind."""
    return [
        by_key[(_key(parent), model.kind)]
        for parent in model.view.implements
        if (_key(parent), model.kind) in by_key
    ]


def _ancestors_with_classes(
    model: ViewModel, by_key: dict[tuple[tuple[str, str, str], InstanceKind], ViewModel], *, write: bool
) -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    frontier = [model]
    while frontier:
        current = frontier.pop()
        for parent in _inherited(current, by_key):
            if write and parent.write is None:
                continue
            if _key(parent.view) not in found:
                found.add(_key(parent.view))
                frontier.append(parent)
    return found


def _direct_parents(
    model: ViewModel, by_key: dict[tuple[tuple[str, str, str], InstanceKind], ViewModel], *, write: bool
) -> list[ViewModel]:
    """The parents to list as bases: those with a class of this kind (and a write class, for
    write classes), leaving out any that another base already inherits, which would make the
    class hierarchy impossible to order (``class C(A, B)`` with ``B(A)``)."""
    parents = [parent for parent in _inherited(model, by_key) if not write or parent.write is not None]
    return [
        parent
        for parent in parents
        if not any(
            _key(parent.view) in _ancestors_with_classes(other, by_key, write=write)
            for other in parents
            if other is not parent
        )
    ]


def _class_doc(model: ViewModel, title: str, fields: tuple[FieldModel, ...]) -> str:
    parts = [title]
    if model.view.description and model.view.description.strip():
        parts.append(model.view.description)
    described = [found for found in fields if found.doc]
    if described:
        lines = ["Attributes:"]
        for found in described:
            first, *rest = found.doc.split("\n")
            lines.append(f"    {found.name}: {first}")
            lines.extend(f"        {line}" if line else "" for line in rest)
        parts.append("\n".join(lines))
    return docstring("\n\n".join(parts), INDENT)


def _declared_fields(
    model: ViewModel, inherited: set[tuple[str, str, str]], views: _Views, *, write: bool
) -> tuple[FieldModel, ...]:
    names = attribute_names(model.view)
    declared = []
    for prop in model.view.properties:
        if prop.inherited_from is not None and _key(prop.inherited_from) in inherited:
            continue
        found = _field(prop, names[prop.identifier], views, write=write)
        if found is not None:
            declared.append(found)
    return tuple(declared)


def _fill_classes(
    model: ViewModel, by_key: dict[tuple[tuple[str, str, str], InstanceKind], ViewModel], views: _Views
) -> None:
    noun = f"{model.view.display_name or model.view.external_id} {model.kind}"
    article = "An" if noun[:1].lower() in "aeiou" else "A"
    parents = _direct_parents(model, by_key, write=False)
    read_fields = _declared_fields(
        model, _ancestors_with_classes(model, by_key, write=False), views, write=False
    )
    model.read_class = ClassModel(
        name=model.read,
        header=statement(
            Call(f"class {model.read}", tuple(parent.read for parent in parents) or (_BASES[model.kind][0],)),
            suffix=":",
        ),
        doc=_class_doc(model, f"{article} {noun} ({model.label}).", read_fields),
        fields=read_fields,
    )
    if model.write is None:
        return
    write_parents = _direct_parents(model, by_key, write=True)
    write_fields = _declared_fields(
        model, _ancestors_with_classes(model, by_key, write=True), views, write=True
    )
    model.write_class = ClassModel(
        name=model.write,
        header=statement(
            Call(
                f"class {model.write}",
                tuple(parent.write for parent in write_parents if parent.write) or (_BASES[model.kind][1],),
            ),
            suffix=":",
        ),
        doc=_class_doc(model, f"{article} {noun} to write ({model.label}).", write_fields),
        fields=write_fields,
    )


_BASES: dict[str, tuple[str, str]] = {"node": ("NodeRead", "NodeWrite"), "edge": ("EdgeRead", "EdgeWrite")}


def _edge_apis(
    model: ViewModel, by_key: dict[tuple[tuple[str, str, str], InstanceKind], ViewModel], taken: set[str]
) -> list[EdgeAPIModel]:
    apis: list[EdgeAPIModel] = []
    attributes = attribute_names(model.view)
    used: set[str] = set()
    for prop in model.view.properties:
        if prop.kind != "edge" or prop.edge is None or prop.edge.edge_properties is None:
            continue
        edge_view = by_key.get((_key(prop.edge.edge_properties), "edge"))
        if edge_view is None:
            continue
        attribute = f"{attributes[prop.identifier].rstrip('_')}_edge"
        if attribute in RESERVED_API_ATTRIBUTES:
            attribute = f"{attribute}_"
        label = prop.display_name or prop.identifier
        other = prop.target.external_id if prop.target is not None else "other"
        ends = (
            (model.view.external_id, other)
            if prop.edge.direction == "outwards"
            else (other, model.view.external_id)
        )
        apis.append(
            EdgeAPIModel(
                attribute=claim(attribute, used),
                api_stem=f"{model.module.lstrip('_')}_{attributes[prop.identifier].rstrip('_')}",
                api=claim(f"{model.read}{pascal_case(attributes[prop.identifier])}API", taken),
                edge_view=edge_view,
                edge_type=_node_id(prop.edge.type.space, prop.edge.type.external_id),
                filters=build_filters(edge_view.view, "edge"),
                doc=docstring(
                    f"The {label} edges of {model.read} nodes ({ends[0]} to {ends[1]}), with their "
                    f"{edge_view.read} properties: ``client.{model.attribute}.{attribute}``.",
                    INDENT,
                ),
            )
        )
    return apis
