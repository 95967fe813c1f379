"""The ``_select`` module of a generated SDK: one query-builder class per node view, for
``client.<view>.select()`` (``pygen_runtime.query.Select``, see docs/query-builder.md).

A select class declares its view, read class and list class, a filter descriptor per filterable
property (by type), a traversal per relation whose other end is a generated node view, and a
``list_<view>`` terminal returning the view's list class. Traversals
name their target class in a ``lambda``, so all select classes live in this one module; it is
imported only when ``select()`` is first called.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hatch_pygen.ir import PropertyIR
from hatch_pygen.render.python._fields import INDENT, ViewIndex, attribute_names, view_id_call, view_key
from hatch_pygen.render.python._imports import import_block
from hatch_pygen.render.python._layout import Call, Expression, statement
from hatch_pygen.render.python._literals import docstring, string_literal
from hatch_pygen.render.python._model import QUERY_BUILDER_NAMES, InstanceKind, ViewModel
from hatch_pygen.render.python._names import claim, snake_case
from hatch_pygen.render.python._source import (
    DATA_PACKAGE,
    METHOD_INDENT,
    SourceFile,
    all_statement,
    names_used,
)

__all__ = ["SELECT_MODULE", "select_module"]

SELECT_MODULE = "_select"
# Members of the runtime's Select, which a generated attribute must not hide.
_SELECT_MEMBERS = frozenset({"explain", "iterate", "list_full", "mro"})
_DESCRIPTORS = {
    "text": "TextProperty",
    "int32": "NumberProperty",
    "int64": "NumberProperty",
    "float32": "NumberProperty",
    "float64": "NumberProperty",
    "timestamp": "TimeProperty",
    "date": "TimeProperty",
    "boolean": "BooleanProperty",
}

ModelsByView = dict[tuple[tuple[str, str, str], InstanceKind], ViewModel]


@dataclass(frozen=True)
class _Member:
    """An attribute of a select class before its name is settled: its wanted name, whether that
    is a property's own name (claimed first), and the expression it is bound to."""

    candidate: str
    plain: bool
    value: Expression


def _filter_member(prop: PropertyIR, attribute: str) -> _Member | None:
    """The filter descriptor of ``prop``, if the IR gives it filters."""
    if not prop.filters:
        return None
    identifier = (string_literal(prop.identifier),)
    if prop.list:
        suffix = "_ids" if prop.kind == "direct_relation" else ""
        return _Member(
            f"{attribute.rstrip('_')}{suffix}" if suffix else attribute,
            not suffix,
            Call("ListProperty", identifier),
        )
    if prop.kind == "direct_relation":
        return _Member(f"{attribute.rstrip('_')}_id", False, Call("DirectRelationProperty", identifier))
    if prop.kind == "enum":
        return _Member(attribute, True, Call("EnumProperty", identifier))
    descriptor = _DESCRIPTORS.get(prop.type or "")
    return _Member(attribute, True, Call(descriptor, identifier)) if descriptor else None


def _traversal_member(
    prop: PropertyIR, attribute: str, by_view: ModelsByView, views: ViewIndex
) -> _Member | None:
    """The traversal along ``prop`` to the select class of its other end, if that is generated."""
    target = by_view.get((view_key(prop.target), "node")) if prop.target is not None else None
    if target is None or target.select is None:
        return None
    name = string_literal(attribute)
    to_target = f"lambda: {target.select}"
    if prop.kind == "direct_relation":
        arguments: list[Expression] = [name, to_target]
        if prop.identifier != attribute:
            arguments.append(f"property={string_literal(prop.identifier)}")
        return _Member(attribute, True, Call("DirectTraversal", tuple(arguments)))
    if prop.kind == "reverse_relation":
        found = views.through(prop)
        if found is None:
            return None
        _, through = found
        arguments = [name, to_target, string_literal(through.identifier)]
        if through.list:
            arguments.append("is_list=True")
        return _Member(attribute, True, Call("ReverseTraversal", tuple(arguments)))
    if prop.kind == "edge" and prop.edge is not None:
        edge_type = f"({string_literal(prop.edge.type.space)}, {string_literal(prop.edge.type.external_id)})"
        arguments = [name, to_target, edge_type, f"direction={string_literal(prop.edge.direction)}"]
        if prop.edge.edge_properties is not None:
            arguments.append(view_id_call(prop.edge.edge_properties, "edge_view=ViewId"))
            edge_model = by_view.get((view_key(prop.edge.edge_properties), "edge"))
            if edge_model is not None:
                # Nodes reached through these edges keep them, as this class, in ``via_edge``.
                arguments.append(f"edge_class=lambda: {edge_model.read}")
        return _Member(attribute, True, Call("EdgeTraversal", tuple(arguments)))
    return None


def _select_class(model: ViewModel, by_view: ModelsByView, views: ViewIndex) -> str:
    """The source of one select class."""
    assert model.select is not None
    attributes = attribute_names(model.view)
    members: list[_Member] = []
    for prop in model.view.properties:
        attribute = attributes[prop.identifier]
        for member in (_filter_member(prop, attribute), _traversal_member(prop, attribute, by_view, views)):
            if member is not None:
                members.append(member)
    taken = set(_SELECT_MEMBERS)
    names: dict[int, str] = {}
    # A property's own name first, so a derived name (``parent_id``) never takes it.
    for index in sorted(range(len(members)), key=lambda index: not members[index].plain):
        names[index] = claim(members[index].candidate, taken)
    terminal = claim(f"list_{snake_case(model.view.name) or 'view'}", taken)
    lines = [
        statement(Call(f"class {model.select}", (f"Select[{model.read}, {model.read_list}]",)), suffix=":"),
        INDENT + docstring(f"Query builder starting at {model.read} nodes ({model.label}).", INDENT),
        "",
        statement(f"_view_id = {model.read}._view_id", indent=INDENT),
        statement(f"_read_class = {model.read}", indent=INDENT),
        statement(f"_list_class = {model.read_list}", indent=INDENT),
    ]
    if members:
        lines.append("")
        lines.extend(
            statement(member.value, indent=INDENT, prefix=f"{names[index]} = ")
            for index, member in enumerate(members)
        )
    lines.extend(
        [
            "",
            statement(f"def {terminal}(self, limit: int | None = 25) -> {model.read_list}:", indent=INDENT),
            METHOD_INDENT
            + docstring(f"The {model.read} nodes the builder stands on, up to ``limit``.", METHOD_INDENT),
            f"{METHOD_INDENT}return self._list(limit)",
        ]
    )
    return "\n".join(lines)


def select_module(header: str, root: str, views: list[ViewModel], index: ViewIndex) -> SourceFile:
    """The ``_select`` module: a select class for every node view."""
    by_view: ModelsByView = {(view_key(model.view), model.kind): model for model in views}
    selectable = [model for model in views if model.select is not None]
    classes = [_select_class(model, by_view, index) for model in selectable]
    used = names_used("\n".join(classes))
    imports: dict[str, list[str]] = {"pygen_runtime.query": sorted(used & QUERY_BUILDER_NAMES)}
    if "ViewId" in used:
        imports["pygen_runtime.schema"] = ["ViewId"]
    for model in selectable:
        imports.setdefault(f".{DATA_PACKAGE}.{model.module}", []).extend([model.read, model.read_list])
    for model in views:
        if model.kind == "edge" and re.search(rf"lambda: {re.escape(model.read)}\b", "\n".join(classes)):
            imports.setdefault(f".{DATA_PACKAGE}.{model.module}", []).append(model.read)
    return SourceFile(
        f"{root}/{SELECT_MODULE}.py",
        "select_module.py.j2",
        {
            "header": header,
            "docstring": docstring(
                "Query builders: ``client.<view>.select()`` filters, follows relations and lists."
            ),
            "imports": import_block(imports),
            "all": all_statement(model.select for model in selectable if model.select),
            "classes": classes,
        },
    )
