"""Python types for CDF's property types, as annotation text."""

from __future__ import annotations

from hatch_pygen.ir import PrimitiveType, PropertyIR
from hatch_pygen.render.python._literals import string_literal

__all__ = ["enum_literal", "primitive_annotation"]

_PRIMITIVES: dict[str, str] = {
    "text": "str",
    "boolean": "bool",
    "int32": "int",
    "int64": "int",
    "float32": "float",
    "float64": "float",
    "timestamp": "datetime",
    "date": "date",
    "json": "Any",
    # References to CDF resources outside data modeling hold their external ids.
    "timeseries": "str",
    "file": "str",
    "sequence": "str",
}


def primitive_annotation(type_: PrimitiveType | None) -> str:
    """``"int64"`` -> ``"int"``, ``"timestamp"`` -> ``"datetime"``."""
    return _PRIMITIVES[type_ or "json"]


def enum_literal(prop: PropertyIR) -> str:
    """``Literal["a", "b"]`` of an enum property's values."""
    values = ", ".join(string_literal(value.value) for value in prop.enum_values or ())
    return f"Literal[{values}]" if values else "str"
