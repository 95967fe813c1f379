"""A data-class module of a generated SDK: the read, write and list classes of one view."""

from __future__ import annotations

from hatch_pygen.render.python._api_module import connection_targets
from hatch_pygen.render.python._fields import INDENT, ViewIndex, view_id_call
from hatch_pygen.render.python._imports import import_block
from hatch_pygen.render.python._layout import Call, statement
from hatch_pygen.render.python._literals import docstring, string_literal
from hatch_pygen.render.python._model import ViewModel
from hatch_pygen.render.python._source import (
    DATA_PACKAGE,
    IMPORTABLE,
    METHOD_INDENT,
    SourceFile,
    all_statement,
    names_used,
)

__all__ = ["data_module"]


# Attributes of a read list class (a Python list with the runtime's additions) that a relation
# property must not hide.
_LIST_ATTRIBUTES = frozenset(dir(list)) | {"as_ids", "as_write", "dump", "next_cursor", "to_pandas"}


def data_module(
    header: str, root: str, module: str, members: list[ViewModel], views: list[ViewModel], index: ViewIndex
) -> SourceFile:
    imports: dict[str, set[str]] = {
        "typing": {"ClassVar"},
        "pygen_runtime.schema": {"ViewId"},
        "pygen_runtime.typed": set(),
    }
    by_read = {model.read: model for model in views}
    by_write = {model.write: model for model in views if model.write}
    node_reads = {model.read: model for model in views if model.kind == "node"}
    own = {name for model in members for name in model.exported}
    # The classes at the other ends of relations, for type checkers only: modules of related
    # views import each other, and the runtime hands these classes to pydantic when it builds
    # the class.
    type_checking: dict[str, set[str]] = {}
    contexts = []
    for model in members:
        assert model.read_class is not None
        runtime = imports["pygen_runtime.typed"]
        list_base = "NodeReadList" if model.kind == "node" else "EdgeReadList"
        write_list_base = "NodeWriteList" if model.kind == "node" else "EdgeWriteList"
        runtime.add(list_base)
        classes = [model.read_class, *([model.write_class] if model.write_class else [])]
        if model.write:
            runtime.add(write_list_base)
        for cls in classes:
            _collect_header_imports(cls.header, model, by_read, by_write, imports, runtime)
            for found in cls.fields:
                _collect_field_imports(found.declaration, imports, runtime)
        for found in model.read_class.fields:
            for name in names_used(found.annotation) & node_reads.keys() - own:
                type_checking.setdefault(f".{node_reads[name].module}", set()).add(name)
        list_properties = []
        if model.kind == "node":
            for name, target in connection_targets(model, views, index).items():
                if name in _LIST_ATTRIBUTES or name.startswith("_"):
                    continue
                list_properties.append(_list_property(name, model, target))
                if target.module != model.module:
                    type_checking.setdefault(f".{target.module}", set()).update(
                        {target.read, target.read_list}
                    )
            if list_properties:
                imports["pygen_runtime.schema"].add("NodeId")
        literals = []
        for alias, text_only in ((model.fields_literal, False), (model.text_fields_literal, True)):
            if alias is not None:
                names = tuple(string_literal(name) for name in model.field_names(text_only=text_only))
                literals.append(statement(Call(f"{alias} = Literal", names, "[]")))
                imports["typing"].add("Literal")
        contexts.append(
            {
                "literals": literals,
                "list_properties": list_properties,
                "read_class": model.read_class,
                "write_class": model.write_class,
                "read": model.read,
                "write": model.write,
                "read_list": model.read_list,
                "write_list": model.write_list,
                "kind": model.kind,
                "base_read_list": list_base,
                "base_write_list": write_list_base,
                "as_write_signature": statement(f"def as_write(self) -> {model.write}:", indent=INDENT),
                "as_write_body": statement(
                    f"return {model.write}.model_construct(**self._write_values())", indent=METHOD_INDENT
                ),
                "read_item_class": statement(f"_item_class = {model.read}", indent=INDENT),
                "write_item_class": statement(f"_item_class = {model.write}", indent=INDENT),
                "list_as_write_signature": statement(
                    f"def as_write(self) -> {model.write_list}:", indent=INDENT
                ),
                "list_as_write_body": statement(
                    f"return {model.write_list}([item.as_write() for item in self])", indent=METHOD_INDENT
                ),
                "read_list_header": statement(
                    Call(f"class {model.read_list}", (f"{list_base}[{model.read}]",)), suffix=":"
                ),
                "write_list_header": statement(
                    Call(f"class {model.write_list}", (f"{write_list_base}[{model.write}]",)), suffix=":"
                ),
                "view_id_statement": statement(
                    view_id_call(model.view), indent=INDENT, prefix="_view_id: ClassVar[ViewId] = "
                ),
            }
        )
    if type_checking:
        imports["typing"].add("TYPE_CHECKING")
    labels = ", ".join(sorted({model.label for model in members}))
    return SourceFile(
        f"{root}/{DATA_PACKAGE}/{module}.py",
        "data_module.py.j2",
        {
            "header": header,
            "docstring": docstring(f"The read, write and list classes of {labels}."),
            "imports": import_block(
                {name: sorted(values) for name, values in imports.items() if name != module}
            ),
            "type_checking_imports": import_block(
                {name: sorted(values) for name, values in type_checking.items()}, indent=INDENT
            ),
            "all": all_statement(name for model in members for name in model.exported),
            "views": contexts,
        },
    )


def _list_property(name: str, model: ViewModel, target: ViewModel) -> str:
    """A read list property giving what relation ``name`` of every item holds."""
    lines = [
        f"{INDENT}@property",
        statement(f"def {name}(self) -> {target.read_list} | list[{target.read} | NodeId]:", indent=INDENT),
        METHOD_INDENT
        + docstring(
            f"``{name}`` of every item, each once.\n\nA ``{target.read_list}`` when retrieved as objects\n"
            '(``retrieve_connections="full"``), else a list of ids.',
            METHOD_INDENT,
        ),
    ]
    if target.module != model.module:
        lines.append(import_block({f".{target.module}": [target.read_list]}, indent=METHOD_INDENT))
        lines.append("")
    lines.append(
        statement(f"return self._connected({string_literal(name)}, {target.read_list})", indent=METHOD_INDENT)
    )
    return "\n".join(lines)


def _collect_header_imports(
    header: str,
    model: ViewModel,
    by_read: dict[str, ViewModel],
    by_write: dict[str, ViewModel],
    imports: dict[str, set[str]],
    runtime: set[str],
) -> None:
    bases = header[header.index("(") + 1 : header.rindex(")")].replace("\n", " ").split(",")
    for base in (part.strip() for part in bases):
        if not base:
            continue
        parent = by_read.get(base) or by_write.get(base)
        if parent is None:
            runtime.add(base)
        elif parent.module != model.module:
            imports.setdefault(f".{parent.module}", set()).add(base)


def _collect_field_imports(declaration: str, imports: dict[str, set[str]], runtime: set[str]) -> None:
    annotation = declaration.split(":", 1)[1]
    for name in names_used(annotation) & set(IMPORTABLE):
        imports.setdefault(IMPORTABLE[name], set()).add(name)
