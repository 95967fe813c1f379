"""Python names for what the IR names: classes, attributes, modules and keyword parameters.

Every name a generated SDK declares is decided here, never in a template. The IR's ``name`` hints
are already unique once case-folded to snake form (``hatch_pygen.validation``); this module
re-cases them for Python and steps around what Python, pydantic and the runtime reserve, with a
trailing underscore for a reserved word and a numeric suffix for anything still taken. The same
input always gives the same names, whatever order the questions are asked in within one call.
"""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Iterable

from hatch_pygen.validation._naming import RESERVED_PROPERTY_NAMES, word_parts

__all__ = [
    "RESERVED_ATTRIBUTES",
    "RESERVED_CLASS_NAMES",
    "claim",
    "default_package_name",
    "pascal_case",
    "python_attribute",
    "python_class_name",
    "snake_case",
]


_KEYWORDS = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist)
_BUILTINS = frozenset(name for name in dir(builtins) if not name.startswith("_"))

# Members of pydantic's BaseModel (and so of every generated class), listed rather than read from
# pydantic so that a pydantic upgrade cannot silently rename fields of an SDK generated before it.
_BASEMODEL_MEMBERS = frozenset(
    {
        "construct",
        "copy",
        "dict",
        "json",
        "parse_file",
        "parse_obj",
        "parse_raw",
        "schema",
        "schema_json",
        "update_forward_refs",
        "validate",
        "from_orm",
        "fields",
        "model_computed_fields",
        "model_config",
        "model_construct",
        "model_copy",
        "model_dump",
        "model_dump_json",
        "model_extra",
        "model_fields",
        "model_fields_set",
        "model_json_schema",
        "model_parametrized_name",
        "model_post_init",
        "model_rebuild",
        "model_validate",
        "model_validate_json",
        "model_validate_strings",
    }
)

# What the runtime's instance classes carry besides the properties: the instance fields every
# language reserves (validation's list) and the Python classes' own fields and methods.
_RUNTIME_INSTANCE_MEMBERS = RESERVED_PROPERTY_NAMES | frozenset(
    {
        "existing_version",
        "as_id",
        "as_write",
        "as_read",
        "dump",
        "load",
        "to_pandas",
        "view_id",
        "properties",
        "to_apply",
        "property_values",
        "via_edge",
        "external_id_factory",
        "from_instance",
        "as_ids",
    }
)

# Names used in the annotations of generated classes: a field named like one of them would hide
# the type from the annotations that follow it in the class body.
_ANNOTATION_NAMES = frozenset(
    {"Any", "ClassVar", "Literal", "Sequence", "date", "datetime", "Field", "NodeId", "EdgeId", "ViewId"}
)

# Names linters flag as easily misread (pycodestyle E741-E743).
_AMBIGUOUS = frozenset({"l", "I", "O"})

RESERVED_ATTRIBUTES: frozenset[str] = (
    _KEYWORDS | _BUILTINS | _BASEMODEL_MEMBERS | _RUNTIME_INSTANCE_MEMBERS | _ANNOTATION_NAMES | _AMBIGUOUS
)
"""Attribute names a generated class never uses for a property (they get a trailing ``_``)."""

RESERVED_CLASS_NAMES: frozenset[str] = _KEYWORDS | _BUILTINS | _ANNOTATION_NAMES | _AMBIGUOUS
"""Class names a generated module never defines (they get a trailing ``_``); renderers add the
names they import from the runtime."""


def snake_case(text: str) -> str:
    """``"WindTurbine"`` -> ``"wind_turbine"``, ``"isUploaded"`` -> ``"is_uploaded"``.

    Leading underscores go (pydantic treats such fields as private); the result may still be a
    keyword or start with a digit, which :func:`python_attribute` deals with.
    """
    return "_".join(word.lower() for word in word_parts(text))


def default_package_name(external_id: str) -> str | None:
    """The package an SDK of the data model ``external_id`` gets when none is named:
    ``"WindTurbine"`` -> ``"wind_turbine_sdk"``; None when that is no importable name (the id
    starts with a digit, say), and the caller must ask for one."""
    name = f"{snake_case(external_id)}_sdk"
    return name if name.isidentifier() and name.isascii() and name not in _KEYWORDS else None


def pascal_case(text: str) -> str:
    """``"wind_turbine"`` -> ``"WindTurbine"``; an underscore stays between two digits
    (``"Implementation1_2"``), so that names unique in snake form stay unique."""
    out = ""
    for word in word_parts(text):
        if out and out[-1].isdigit() and word[0].isdigit():
            out += "_"
        out += word[0].upper() + word[1:]
    return out


def _safe(name: str, reserved: Iterable[str] | frozenset[str], fallback: str) -> str:
    if not name:
        name = fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"
    if name in reserved or keyword.iskeyword(name):
        name = f"{name}_"
    return name


def python_attribute(hint: str, reserved: frozenset[str] = RESERVED_ATTRIBUTES) -> str:
    """The attribute name for a property's name hint: snake case, never reserved, never private.

    ``"isUploaded"`` -> ``"is_uploaded"``, ``"type_"`` -> ``"type_"``, ``"class"`` -> ``"class_"``,
    ``"3d"`` -> ``"field_3d"``, ``"model_dump"`` -> ``"model_dump_"``.
    """
    name = snake_case(hint)
    if hint.endswith("_") and name and not hint.startswith("_"):
        # A hint validation already escaped ("type_") keeps its underscore.
        name += "_"
    return _safe(name, reserved, "field")


def python_class_name(hint: str, reserved: frozenset[str] = RESERVED_CLASS_NAMES) -> str:
    """The class name for a view's name hint: ``"wind_turbine"`` -> ``"WindTurbine"``."""
    return _safe(pascal_case(hint), reserved, "View")


def claim(candidate: str, taken: set[str]) -> str:
    """``candidate``, or with the first free numeric suffix (``name_2``, ``name_3``, ...) when it is
    taken; the result is added to ``taken``."""
    name, counter = candidate, 2
    while name in taken:
        separator = "" if candidate.endswith("_") else "_"
        name, counter = f"{candidate}{separator}{counter}", counter + 1
    taken.add(name)
    return name
