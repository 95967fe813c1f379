"""An API module of a generated SDK: the API class of one view (per kind of instance), the
APIs of its edge properties, and the module-level functions that turn typed filters into one
CDF filter."""

from __future__ import annotations

from typing import Any

from hatch_pygen.render.python._fields import INDENT, ViewIndex, attribute_names, view_key
from hatch_pygen.render.python._filters import FilterModel
from hatch_pygen.render.python._imports import import_block
from hatch_pygen.render.python._layout import Call, Expression, statement
from hatch_pygen.render.python._literals import docstring, string_literal
from hatch_pygen.render.python._model import ViewModel
from hatch_pygen.render.python._select_module import SELECT_MODULE
from hatch_pygen.render.python._source import (
    API_PACKAGE,
    DATA_PACKAGE,
    IMPORTABLE,
    METHOD_INDENT,
    SourceFile,
    all_statement,
    names_used,
)

__all__ = ["api_module", "connection_targets"]


def api_module(
    header: str, root: str, module: str, members: list[ViewModel], views: list[ViewModel], index: ViewIndex
) -> SourceFile:
    imports: dict[str, set[str]] = {
        "collections.abc": {"Iterator", "Sequence"},
        "typing": {"Literal"},
        "pygen_runtime.schema": {"AggregatedHistogram", "AggregateResult", "ViewId"},
        "pygen_runtime.typed": {"AggregateName", "Aggregation", "SortDirection", "filters"},
        "pygen_runtime.typed.filters": {"Filter"},
    }
    functions: list[str] = []
    type_checking: dict[str, list[str]] = {}
    apis: list[dict[str, Any]] = []
    names: list[str] = []
    for model in members:
        assert model.filters is not None
        for edge_api in model.edge_apis:
            edge_view = edge_api.edge_view
            function = f"_{edge_api.api_stem}_filter"
            functions.append(_filter_function(function, edge_api.filters, with_view=edge_view is not None))
            if edge_view is None:
                # Edges without properties: the runtime's plain edge objects, listed by type.
                read, read_list, list_class, what = (
                    "EdgeRead",
                    "EdgeReadList[EdgeRead]",
                    "EdgeReadList",
                    "Edges",
                )
                imports["pygen_runtime.typed"].update({"EdgeRead", "EdgeReadList"})
            else:
                read, read_list, list_class = edge_view.read, edge_view.read_list, edge_view.read_list
                what = f"{edge_view.read} edges"
                imports.setdefault(f"..{DATA_PACKAGE}.{edge_view.module}", set()).update(
                    {edge_view.read, edge_view.read_list, *_literals(edge_view)}
                )
            apis.append(
                _api_class(
                    edge_api.api,
                    "EdgeAPI",
                    read,
                    read_list,
                    edge_api.doc,
                    [
                        statement(f"_read_class = {read}", indent=INDENT),
                        statement(f"_list_class = {list_class}", indent=INDENT),
                        statement(edge_api.edge_type, indent=INDENT, prefix="_edge_type = "),
                    ],
                    _methods(read_list, edge_api.filters, "edge", what, function, edge_view),
                )
            )
            names.append(edge_api.api)
            imports["pygen_runtime.typed"].add("EdgeAPI")
            imports["pygen_runtime.schema"].add("NodeId")
        imports.setdefault(f"..{DATA_PACKAGE}.{model.module}", set()).update(
            {model.read, model.read_list, *_literals(model)}
        )
        base = "NodeAPI" if model.kind == "node" else "EdgeAPI"
        imports["pygen_runtime.typed"].add(base)
        if model.kind == "node":
            imports["pygen_runtime.typed"].add("RetrieveConnections")
        both_kinds = model.kind == "edge" and model.view.used_for == "all"
        function = f"_{model.module.lstrip('_')}{'_edge' if both_kinds else ''}_filter"
        functions.append(_filter_function(function, model.filters))
        class_lines = [
            statement(f"_read_class = {model.read}", indent=INDENT),
            statement(f"_list_class = {model.read_list}", indent=INDENT),
        ]
        if model.edge_apis:
            lines = [
                f"{INDENT}def __init__(self, client: TypedClient) -> None:",
                f"{METHOD_INDENT}super().__init__(client)",
            ]
            lines.extend(
                statement(f"self.{edge_api.attribute} = {edge_api.api}(client)", indent=METHOD_INDENT)
                for edge_api in model.edge_apis
            )
            class_lines.append("")
            class_lines.append("\n".join(lines))
            imports.setdefault("typing", set()).add("TYPE_CHECKING")
            type_checking.setdefault("pygen_runtime.typed", []).append("TypedClient")
        children = _child_views(model, views, index) if model.kind == "node" else []
        if children:
            class_lines.append("")
            class_lines.append(_child_classes_method(children))
            imports["pygen_runtime.typed"].add("NodeRead")
        targets = connection_targets(model, views, index) if model.kind == "node" else {}
        if targets:
            class_lines.append("")
            class_lines.append(_connection_targets_method(targets))
            imports["pygen_runtime.typed"].add("NodeRead")
        if model.select is not None:
            class_lines.append("")
            class_lines.append(_select_method(model.read, model.select))
            imports.setdefault("typing", set()).add("TYPE_CHECKING")
            type_checking.setdefault(f"..{SELECT_MODULE}", []).append(model.select)
        apis.append(
            _api_class(
                model.api,
                base,
                model.read,
                model.read_list,
                docstring(
                    f"The {model.read} {model.kind}s ({model.label}): ``client.{model.attribute}``.", INDENT
                ),
                class_lines,
                _methods(
                    model.read_list, model.filters, model.kind, f"{model.read} {model.kind}s", function, model
                ),
            )
        )
        names.append(model.api)
    used = names_used("\n".join(functions))
    for api in apis:
        for method in api["methods"]:
            used |= names_used(method["signature"].replace("def ", "", 1).rstrip(":") + "\n")
    for name in used & {"NodeReference", "datetime", "date", "Any"}:
        imports.setdefault(IMPORTABLE[name], set()).add(name)
    if "Literal" not in used:
        imports["typing"].discard("Literal")
    labels = ", ".join(sorted({model.label for model in members}))
    return SourceFile(
        f"{root}/{API_PACKAGE}/{module}.py",
        "api_module.py.j2",
        {
            "header": header,
            "docstring": docstring(f"The API of {labels}."),
            "imports": import_block({name: sorted(values) for name, values in imports.items() if values}),
            "type_checking_imports": import_block(type_checking, indent=INDENT),
            "all": all_statement(names),
            "functions": functions,
            "apis": apis,
        },
    )


def connection_targets(model: ViewModel, views: list[ViewModel], index: ViewIndex) -> dict[str, ViewModel]:
    """The read class at the other end of each relation field of ``model``'s read class, by field
    name, where that end is a generated node view (``retrieve_connections="full"`` fills them)."""
    nodes = {view_key(other.view): other for other in views if other.kind == "node"}
    names = attribute_names(model.view)
    targets: dict[str, ViewModel] = {}
    for prop in model.view.properties:
        if prop.kind not in ("direct_relation", "reverse_relation", "edge") or prop.target is None:
            continue
        if prop.kind == "reverse_relation" and index.through(prop) is None:
            continue  # the read class has no field for it
        target = nodes.get(view_key(prop.target))
        if target is not None:
            targets[names[prop.identifier]] = target
    return targets


def _child_views(model: ViewModel, views: list[ViewModel], index: ViewIndex) -> list[ViewModel]:
    """The generated node views implementing ``model``'s view, directly or not, most derived
    first (a node read through ``model`` comes back as the first of these it has data in)."""

    def ancestors(key: tuple[str, str, str]) -> set[tuple[str, str, str]]:
        found: set[tuple[str, str, str]] = set()
        frontier = [key]
        while frontier:
            view = index.by_key.get(frontier.pop())
            for parent in view.implements if view else ():
                if view_key(parent) not in found:
                    found.add(view_key(parent))
                    frontier.append(view_key(parent))
        return found

    own = view_key(model.view)
    children = [
        (len(ancestors(view_key(other.view))), other.read, other)
        for other in views
        if other.kind == "node" and own in ancestors(view_key(other.view))
    ]
    return [other for _, _, other in sorted(children, key=lambda entry: (-entry[0], entry[1]))]


def _child_classes_method(children: list[ViewModel]) -> str:
    """``_child_classes()``: the child views' read classes, imported when first asked for."""
    imports: dict[str, list[str]] = {}
    for child in children:
        imports.setdefault(f"..{DATA_PACKAGE}.{child.module}", []).append(child.read)
    classes = (
        Call("", tuple(child.read for child in children), "()")
        if len(children) > 1
        else f"({children[0].read},)"
    )
    return "\n".join(
        [
            statement("def _child_classes(self) -> tuple[type[NodeRead], ...]:", indent=INDENT),
            METHOD_INDENT
            + docstring(
                "The views implementing this one, most derived first: nodes come back as these.",
                METHOD_INDENT,
            ),
            import_block(imports, indent=METHOD_INDENT),
            "",
            statement(classes, indent=METHOD_INDENT, prefix="return "),
        ]
    )


def _connection_targets_method(targets: dict[str, ViewModel]) -> str:
    """``_connection_targets()``: the target classes, imported when first asked for."""
    imports: dict[str, list[str]] = {}
    for target in targets.values():
        imports.setdefault(f"..{DATA_PACKAGE}.{target.module}", []).append(target.read)
    mapping = Call(
        "", tuple(f"{string_literal(name)}: {target.read}" for name, target in targets.items()), "{}"
    )
    return "\n".join(
        [
            statement("def _connection_targets(self) -> dict[str, type[NodeRead]]:", indent=INDENT),
            METHOD_INDENT
            + docstring(
                'The classes ``retrieve_connections="full"`` fills relation fields with.', METHOD_INDENT
            ),
            import_block(imports, indent=METHOD_INDENT),
            "",
            statement(mapping, indent=METHOD_INDENT, prefix="return "),
        ]
    )


def _select_method(read: str, select: str) -> str:
    """``select()``: the query builder starting at this view's nodes, imported on first use."""
    return "\n".join(
        [
            statement(f"def select(self) -> {select}:", indent=INDENT),
            METHOD_INDENT
            + docstring(
                f"A query builder starting at {read} nodes: filter, follow relations, list.\n\n"
                f'``client.x.select().name.prefix("A").parent.list_x()``; see ``pygen_runtime.query``.',
                METHOD_INDENT,
            ),
            import_block({f"..{SELECT_MODULE}": [select]}, indent=METHOD_INDENT),
            "",
            statement(f"return {select}(self._client.cdf)", indent=METHOD_INDENT),
        ]
    )


def _filter_function(name: str, model: FilterModel, *, with_view: bool = True) -> str:
    """``def _x_filter(view_id, default_space, <typed filters>, filter) -> Filter | None``
    (without ``view_id`` for edges without properties, whose filters name no property)."""
    parameters = (
        ["view_id: ViewId", "default_space: str | None"] if with_view else ["default_space: str | None"]
    )
    parameters.extend(parameter.declaration for parameter in model.parameters)
    parameters.append("filter: Filter | None = None")
    signature = statement(Call(f"def {name}", tuple(parameters)), suffix=" -> Filter | None:", explode=True)
    body = statement(
        Call("filters.and_", (*model.calls, "filter")), indent=INDENT, prefix="return ", explode=True
    )
    return f"{signature}\n{body}"


def _api_class(
    name: str,
    base: str,
    read: str,
    read_list: str,
    doc: str,
    class_lines: list[str],
    methods: list[dict[str, str]],
) -> dict[str, Any]:
    return {
        "header": statement(Call(f"class {name}", (f"{base}[{read}, {read_list}]",)), suffix=":"),
        "doc": doc,
        "class_lines": class_lines,
        "methods": methods,
    }


def _signature(name: str, parameters: list[str], returns: str) -> str:
    return statement(
        Call(f"def {name}", ("self", *parameters)), indent=INDENT, suffix=f" -> {returns}:", explode=True
    )


def _call(head: str, arguments: list[Expression]) -> str:
    return statement(Call(head, tuple(arguments)), indent=METHOD_INDENT, prefix="return ", explode=True)


_PASS_SORT = ["sort_by=sort_by", "direction=direction", "sort=sort"]


def _literals(model: ViewModel) -> list[str]:
    return [alias for alias in (model.fields_literal, model.text_fields_literal) if alias]


def _names_type(alias: str | None, *, optional: bool = True) -> str:
    """A parameter taking property names: the view's ``Literal`` of them where it has one."""
    name = alias or "str"
    return f"{name} | Sequence[{name}]" + (" | None" if optional else "")


def _methods(
    read_list: str, model: FilterModel, kind: str, what: str, function: str, view: ViewModel | None
) -> list[dict[str, str]]:
    """``list``, ``iterate``, ``search``, ``aggregate`` and ``histogram`` with the typed filters;
    only ``list`` and ``iterate`` for edges without properties (``view`` None), which have
    nothing to search or aggregate."""
    declared = [parameter.declaration for parameter in model.parameters]
    fields = view.fields_literal if view is not None else None
    text_fields = view.text_fields_literal if view is not None else None
    sort_parameters = [
        "filter: Filter | None = None",
        f"sort_by: {_names_type(fields)} = None",
        'direction: SortDirection = "ascending"',
        "sort: Sequence[Filter] | None = None",
    ]
    build = Call(
        f"filter={function}",
        (
            *(("self._read_class.view_id()",) if view is not None else ()),
            "self._client.instance_space",
            *(f"{parameter.name}={parameter.name}" for parameter in model.parameters),
            "filter=filter",
        ),
    )
    described = "\n".join(f"    {parameter.name}: {parameter.doc}" for parameter in model.parameters)
    list_parameters = ["*", *declared, *sort_parameters, "limit: int | None = 25"]
    list_arguments: list[Expression] = [build, *_PASS_SORT, "limit=limit"]
    iterate_parameters = [
        "chunk_size: int = 1000",
        "*",
        *declared,
        *sort_parameters,
        "limit: int | None = None",
        "cursor: str | None = None",
    ]
    iterate_arguments: list[Expression] = ["chunk_size", build, *_PASS_SORT, "limit=limit", "cursor=cursor"]
    if kind == "node":
        for parameters, arguments in (
            (list_parameters, list_arguments),
            (iterate_parameters, iterate_arguments),
        ):
            parameters.append('retrieve_connections: RetrieveConnections = "skip"')
            arguments.append("retrieve_connections=retrieve_connections")
    methods = [
        {
            "signature": _signature("list", list_parameters, read_list),
            "doc": docstring(
                f"{what} matching the filters, up to ``limit`` (None, or -1, for all).\n\n"
                f"Args:\n{described}\n"
                "    filter: A CDF filter, combined with the ones above.\n"
                "    sort_by: Properties to sort by (Python names or identifiers).\n"
                "    direction: ``ascending`` or ``descending``.\n"
                "    sort: CDF sort specifications, for what ``sort_by`` cannot say.\n"
                "    limit: The most to return; None (or -1) for all, fetched page by page."
                + (
                    '\n    retrieve_connections: ``"identifier"`` fills edge and reverse-relation fields\n'
                    "        with the ids of the connected nodes."
                    if kind == "node"
                    else ""
                ),
                METHOD_INDENT,
            ),
            "body": _call("super().list", list_arguments),
        },
        {
            "signature": _signature("iterate", iterate_parameters, f"Iterator[{read_list}]"),
            "doc": docstring(
                f"{what} matching the filters (as in ``list``), ``chunk_size`` at a time; the next\n"
                "chunk is fetched while you work on this one. ``chunk.next_cursor`` resumes later\n"
                "(``cursor=``)"
                + (
                    "; ``retrieve_connections`` fills each chunk's connections as ``list``\nfills its result."
                    if kind == "node"
                    else "."
                ),
                METHOD_INDENT,
            ),
            "body": _call("super().iterate", iterate_arguments),
        },
    ]
    if view is None:
        return methods
    return [
        *methods,
        {
            "signature": _signature(
                "search",
                [
                    "query: str | None = None",
                    f"properties: {_names_type(text_fields)} = None",
                    "*",
                    *declared,
                    *sort_parameters,
                    'operator: Literal["AND", "OR"] | None = None',
                    "limit: int | None = 25",
                ],
                read_list,
            ),
            "doc": docstring(
                f"{what} whose text properties (or ``properties``) match ``query``, filtered as in\n"
                "``list``; at most 1,000 (``limit=None`` or ``-1``: that many).",
                METHOD_INDENT,
            ),
            "body": _call(
                "super().search",
                ["query", "properties", build, *_PASS_SORT, "operator=operator", "limit=limit"],
            ),
        },
        {
            "signature": _signature(
                "aggregate",
                [
                    "aggregate: AggregateName | Aggregation | Sequence[AggregateName | Aggregation]",
                    f"property: {_names_type(fields)} = None",
                    "*",
                    f"group_by: {_names_type(fields)} = None",
                    "query: str | None = None",
                    f"search_properties: {_names_type(text_fields)} = None",
                    f"search_property: {_names_type(text_fields)} = None",
                    *declared,
                    "filter: Filter | None = None",
                    "limit: int | None = 100",
                ],
                "Sequence[AggregateResult]",
            ),
            "doc": docstring(
                f"Count, average, minimum, maximum or sum of ``property`` (or of each of several)\n"
                f"over the matching {what} (filtered as in ``list``), per ``group_by`` group; read a\n"
                'result with ``result.value("avg", property)``. ``search_property`` is pygen v1\'s\n'
                "name of ``search_properties``.",
                METHOD_INDENT,
            ),
            "body": _call(
                "super().aggregate",
                [
                    "aggregate",
                    "property",
                    "group_by=group_by",
                    "query=query",
                    "search_properties=search_properties",
                    "search_property=search_property",
                    build,
                    "limit=limit",
                ],
            ),
        },
        {
            "signature": _signature(
                "histogram",
                [
                    f"property: {fields or 'str'}",
                    "interval: float",
                    "*",
                    "query: str | None = None",
                    f"search_properties: {_names_type(text_fields)} = None",
                    f"search_property: {_names_type(text_fields)} = None",
                    *declared,
                    "filter: Filter | None = None",
                ],
                "AggregatedHistogram",
            ),
            "doc": docstring(
                f"How many matching {what} (filtered as in ``list``) have ``property`` in each\n"
                "bucket of width ``interval``.",
                METHOD_INDENT,
            ),
            "body": _call(
                "super().histogram",
                [
                    "property",
                    "interval",
                    "query=query",
                    "search_properties=search_properties",
                    "search_property=search_property",
                    build,
                ],
            ),
        },
    ]
