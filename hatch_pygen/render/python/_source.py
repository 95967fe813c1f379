"""What the generated modules share: where they live, how ``__all__`` and a client's lazy
attributes are written, and where each name they may use is imported from."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from hatch_pygen.render.python._fields import INDENT
from hatch_pygen.render.python._imports import import_block, name_order
from hatch_pygen.render.python._layout import Call, statement
from hatch_pygen.render.python._literals import docstring, string_literal

__all__ = [
    "API_PACKAGE",
    "CLIENT_MODULE",
    "DATA_PACKAGE",
    "IMPORTABLE",
    "METHOD_INDENT",
    "SourceFile",
    "all_statement",
    "api_property",
    "names_used",
]


# Where the generated modules live inside the package.
DATA_PACKAGE = "data_classes"
API_PACKAGE = "_api"
CLIENT_MODULE = "_client"
METHOD_INDENT = INDENT * 2


@dataclass(frozen=True)
class SourceFile:
    """One file to write: the template that lays it out and the values it gets (or fixed text)."""

    path: str
    template: str | None
    context: dict[str, Any] = field(default_factory=dict)
    text: str = ""


def all_statement(names: Iterable[str]) -> str:
    """``__all__ = [...]`` of ``names``, in the order ruff's RUF022 wants."""
    ordered = sorted(set(names), key=lambda name: name_order(name, fold_case=False))
    return statement(Call("__all__ = ", tuple(string_literal(name) for name in ordered), "[]"))


def api_property(name: str, type_name: str, module: str | None, argument: str, doc: str) -> dict[str, str]:
    """The parts of a ``cached_property`` that creates ``type_name(argument)``, importing it from
    ``module`` on first use (None: it is defined in the same module)."""
    lines = []
    if module is not None:
        lines.append(import_block({module: [type_name]}, indent=METHOD_INDENT))
        lines.append("")
    lines.append(statement(f"return {type_name}({argument})", indent=METHOD_INDENT))
    return {
        "module": module or "",
        "type": type_name,
        "signature": statement(f"def {name}(self) -> {type_name}:", indent=INDENT),
        "doc": docstring(doc, METHOD_INDENT),
        "body": "\n".join(lines),
    }


# Where each name generated code may use comes from.
IMPORTABLE: dict[str, str] = {
    "Annotated": "typing",
    "Any": "typing",
    "Literal": "typing",
    "Field": "pydantic",
    "date": "datetime",
    "datetime": "datetime",
    "NodeId": "pygen_runtime.schema",
    "NodeReference": "pygen_runtime.typed",
    "NodeWrite": "pygen_runtime.typed",
    "Edges": "pygen_runtime.typed",
    "ReverseDirectRelation": "pygen_runtime.typed",
}


def names_used(code: str) -> set[str]:
    """The names ``code`` refers to: identifiers outside string literals, not after a dot."""
    return set(_NAME.findall(_STRING.sub('""', code)))


_STRING = re.compile(r'"(?:\\.|[^"\\])*"|\'(?:\\.|[^\'\\])*\'')


_NAME = re.compile(r"(?<![\w.])[A-Za-z_]\w*")
