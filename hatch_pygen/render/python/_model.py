"""The renderer's view model: what is generated for each view, decided from the IR.

Here the IR's views become classes with unique Python names (read, write, list and API classes,
per kind of instance), modules, client attributes, base classes from ``implements``, and edge
APIs. Fields (``_fields``) and filters (``_filters``) are decided in their own modules. Nothing
depends on dict or set iteration order: the IR's order decides, so the same IR always gives the
same model; templates receive these values and only lay them out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

from hatch_pygen.ir import IR, DataModelIR, ViewIR, ViewRef
from hatch_pygen.render.python._fields import (
    INDENT,
    FieldModel,
    ViewIndex,
    attribute_names,
    field_model,
    node_id_call,
    view_key,
)
from hatch_pygen.render.python._filters import FilterModel, InstanceKind, build_filters
from hatch_pygen.render.python._layout import Call, statement
from hatch_pygen.render.python._literals import docstring
from hatch_pygen.render.python._names import (
    RESERVED_ATTRIBUTES,
    RESERVED_CLASS_NAMES,
    claim,
    pascal_case,
    python_attribute,
    python_class_name,
    snake_case,
)

__all__ = [
    "CLASS_RESERVED",
    "QUERY_BUILDER_NAMES",
    "RESERVED_CLIENT_ATTRIBUTES",
    "ClassModel",
    "EdgeAPIModel",
    "InstanceKind",
    "ViewModel",
    "build_views",
    "models_with_views",
    "view_label",
]


# The query builder's names, which the _select module imports from pygen_runtime.query.
QUERY_BUILDER_NAMES = frozenset(
    {
        "Select",
        "TextProperty",
        "NumberProperty",
        "TimeProperty",
        "BooleanProperty",
        "EnumProperty",
        "ListProperty",
        "DirectRelationProperty",
        "DirectTraversal",
        "ReverseTraversal",
        "EdgeTraversal",
    }
)

# Names the generated modules import; no generated class may take one of them.
RUNTIME_NAMES = QUERY_BUILDER_NAMES | frozenset(
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


def view_label(view: ViewIR | ViewRef) -> str:
    """``space:ExternalId/version``, how docs and messages name a view."""
    return f"{view.space}:{view.external_id}/{view.version}"


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
    select: str | None = None  # the query builder class (node views only)
    # ``Literal`` aliases of the Python names of the view's properties (connections left out),
    # and of its text properties; None when there are none.
    fields_literal: str | None = None
    text_fields_literal: str | None = None
    read_class: ClassModel | None = None
    write_class: ClassModel | None = None
    filters: FilterModel | None = None
    edge_apis: list[EdgeAPIModel] = field(default_factory=list)

    @property
    def exported(self) -> tuple[str, ...]:
        names = (
            self.read,
            self.write,
            self.read_list,
            self.write_list,
            self.fields_literal,
            self.text_fields_literal,
        )
        return tuple(name for name in names if name)

    def field_names(self, *, text_only: bool = False) -> list[str]:
        """The Python names of the properties ``sort_by`` and ``aggregate`` take (single values:
        CDF sorts and aggregates no lists), or, ``text_only``, those ``search`` takes."""
        names = attribute_names(self.view)
        if text_only:
            return [
                names[prop.identifier]
                for prop in self.view.properties
                if prop.kind == "primitive" and prop.type == "text"
            ]
        return [
            names[prop.identifier]
            for prop in self.view.properties
            if prop.kind in ("primitive", "enum", "direct_relation") and not prop.list
        ]

    @property
    def label(self) -> str:
        return view_label(self.view)


@dataclass(frozen=True)
class EdgeAPIModel:
    """The API of one edge property: the edges of its type from (or to) the view's nodes. With
    ``edge_view`` None (edges without properties, or whose properties' view is not generated)
    it lists the runtime's plain ``EdgeRead`` objects."""

    attribute: str
    api: str
    api_stem: str  # the snake name the module-level filter function is named after
    edge_view: ViewModel | None
    edge_type: Call
    filters: FilterModel
    doc: str


# The view models by view and kind of instance.
ModelsByKey = dict[tuple[tuple[str, str, str], InstanceKind], ViewModel]


def _kinds(view: ViewIR) -> tuple[InstanceKind, ...]:
    if view.used_for == "all":
        return ("node", "edge")
    return ("edge",) if view.used_for == "edge" else ("node",)


RESERVED_CLIENT_ATTRIBUTES = RESERVED_ATTRIBUTES | frozenset(
    {
        "azure_project",
        "cdf",
        "close",
        "data_model_ids",
        "datapoints",
        "default_instance_space",
        "delete",
        "files",
        "from_env",
        "from_toml",
        "graphql_query",
        "instance_space",
        "upsert",
    }
)


# Members of the runtime's NodeAPI/EdgeAPI, which an edge API attribute must not hide.
RESERVED_API_ATTRIBUTES = RESERVED_ATTRIBUTES | frozenset(
    {"retrieve", "list", "iterate", "search", "aggregate", "histogram", "select"}
)


def build_views(ir: IR, taken_class_names: set[str]) -> list[ViewModel]:
    """A :class:`ViewModel` per view and kind of instance, with unique class, module and
    attribute names and the classes' fields and filters."""
    views = ViewIndex(ir)
    taken = set(taken_class_names) | set(CLASS_RESERVED)
    # Read classes claim their names before any derived name (Write, List, API) is handed out,
    # so a view called "PumpWrite" keeps its name beside a view called "Pump".
    primary: dict[tuple[tuple[str, str, str], InstanceKind], str] = {}
    for view in ir.views:
        base = python_class_name(view.name, CLASS_RESERVED)
        for kind in _kinds(view):
            candidate = f"{base}Edge" if kind == "edge" and view.used_for == "all" else base
            primary[(view_key(view), kind)] = claim(candidate, taken)
    modules: set[str] = set()
    attributes: set[str] = set()
    models: list[ViewModel] = []
    for view in ir.views:
        module = claim(f"_{snake_case(view.name) or 'view'}", modules)
        for kind in _kinds(view):
            read = primary[(view_key(view), kind)]
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
                    select=claim(f"{read}Select", taken) if kind == "node" else None,
                )
            )
            model = models[-1]
            if model.field_names():
                model.fields_literal = claim(f"{read}Fields", taken)
            if model.field_names(text_only=True):
                model.text_fields_literal = claim(f"{read}TextFields", taken)
    by_key = {(view_key(model.view), model.kind): model for model in models}
    views.node_reads = {
        key: (model.read, model.module) for (key, kind), model in by_key.items() if kind == "node"
    }
    for model in models:
        _fill_classes(model, by_key, views)
        model.filters = build_filters(model.view, model.kind)
    for model in models:
        _mark_overrides(model, by_key)
    for model in models:
        if model.kind == "node":
            model.edge_apis = _edge_apis(model, by_key, taken)
    return models


def _inherited(model: ViewModel, by_key: ModelsByKey) -> list[ViewModel]:
    """The parents whose classes this view's classes inherit: generated parents of the same kind."""
    return [
        by_key[(view_key(parent), model.kind)]
        for parent in model.view.implements
        if (view_key(parent), model.kind) in by_key
    ]


def _ancestors_with_classes(
    model: ViewModel, by_key: ModelsByKey, *, write: bool
) -> set[tuple[str, str, str]]:
    found: set[tuple[str, str, str]] = set()
    frontier = [model]
    while frontier:
        current = frontier.pop()
        for parent in _inherited(current, by_key):
            if write and parent.write is None:
                continue
            if view_key(parent.view) not in found:
                found.add(view_key(parent.view))
                frontier.append(parent)
    return found


def _direct_parents(model: ViewModel, by_key: ModelsByKey, *, write: bool) -> list[ViewModel]:
    """The parents to list as bases: those with a class of this kind (and a write class, for
    write classes), leaving out any that another base already inherits, which would make the
    class hierarchy impossible to order (``class C(A, B)`` with ``B(A)``)."""
    parents = [parent for parent in _inherited(model, by_key) if not write or parent.write is not None]
    return [
        parent
        for parent in parents
        if not any(
            view_key(parent.view) in _ancestors_with_classes(other, by_key, write=write)
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
    model: ViewModel, inherited: set[tuple[str, str, str]], views: ViewIndex, *, write: bool
) -> tuple[FieldModel, ...]:
    names = attribute_names(model.view)
    declared = []
    for prop in model.view.properties:
        if prop.inherited_from is not None and view_key(prop.inherited_from) in inherited:
            continue
        found = field_model(prop, names[prop.identifier], views, write=write)
        if found is not None:
            declared.append(found)
    return tuple(declared)


def _fill_classes(model: ViewModel, by_key: ModelsByKey, views: ViewIndex) -> None:
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


def _mark_overrides(model: ViewModel, by_key: ModelsByKey) -> None:
    """Mark the fields that redeclare an inherited field with another annotation."""
    for write in (False, True):
        own = model.write_class if write else model.read_class
        if own is None:
            continue
        inherited: dict[str, str] = {}
        for key in _ancestors_with_classes(model, by_key, write=write):
            ancestor = by_key[(key, model.kind)]
            cls = ancestor.write_class if write else ancestor.read_class
            inherited.update({found.name: found.annotation for found in cls.fields} if cls else {})
        fields = tuple(
            found.overriding()
            if not _compatible(found.annotation, inherited.get(found.name, found.annotation), by_key)
            else found
            for found in own.fields
        )
        replaced = dataclasses.replace(own, fields=fields)
        if write:
            model.write_class = replaced
        else:
            model.read_class = replaced


def _compatible(annotation: str, inherited: str, by_key: ModelsByKey) -> bool:
    """Whether a field annotated ``annotation`` may redeclare one annotated ``inherited`` without
    type checkers objecting: the same, or a relation to a view inheriting the inherited one's."""
    if annotation == inherited:
        return True
    reads = {model.read: model for (_, kind), model in by_key.items() if kind == "node"}
    words, inherited_words = annotation.split(" "), inherited.split(" ")
    if len(words) != len(inherited_words):
        return False
    for word, inherited_word in zip(words, inherited_words, strict=True):
        if word == inherited_word:
            continue
        child, parent = reads.get(word.removeprefix("list[")), reads.get(inherited_word.removeprefix("list["))
        if child is None or parent is None or word.startswith("list[") != inherited_word.startswith("list["):
            return False
        if view_key(parent.view) not in _ancestors_with_classes(child, by_key, write=False):
            return False
    return True


_BASES: dict[str, tuple[str, str]] = {"node": ("NodeRead", "NodeWrite"), "edge": ("EdgeRead", "EdgeWrite")}


def _edge_apis(model: ViewModel, by_key: ModelsByKey, taken: set[str]) -> list[EdgeAPIModel]:
    apis: list[EdgeAPIModel] = []
    attributes = attribute_names(model.view)
    used: set[str] = set()
    for prop in model.view.properties:
        if prop.kind != "edge" or prop.edge is None:
            continue
        properties = prop.edge.edge_properties
        edge_view = by_key.get((view_key(properties), "edge")) if properties is not None else None
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
                edge_type=node_id_call(prop.edge.type.space, prop.edge.type.external_id),
                filters=build_filters(edge_view.view if edge_view is not None else None, "edge"),
                doc=docstring(
                    f"The {label} edges of {model.read} nodes ({ends[0]} to {ends[1]}), "
                    + (
                        f"with their {edge_view.read} properties"
                        if edge_view is not None
                        else "without properties (plain ``EdgeRead`` objects)"
                    )
                    + f": ``client.{model.attribute}.{attribute}``.",
                    INDENT,
                ),
            )
        )
    return apis


def models_with_views(ir: IR) -> list[DataModelIR]:
    """The data models that get a sub-client: those with a generated view (validation reports
    the others)."""
    return [model for model in ir.data_models if model.views]
