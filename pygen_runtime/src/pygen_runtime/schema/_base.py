"""The base every schema class shares: camelCase on the wire, snake_case in Python.

Unknown fields are kept (``extra="allow"``) so that a server newer than this package never makes a
response unreadable, and a dump of what was loaded loses nothing.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel

__all__ = ["SchemaModel", "dump_json"]


class SchemaModel(BaseModel):
    """Base of the schema classes: tolerant loading, camelCase dumps."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="allow",
        protected_namespaces=(),
        # Validators are built on first use, not at import: a generated SDK imports these classes
        # but most programs touch few of them, and building all of them dominated import time.
        defer_build=True,
    )


def dump_json(model: BaseModel) -> dict[str, Any]:
    """The camelCase JSON dict of ``model``, leaving out fields that are unset or None."""
    return model.model_dump(mode="json", by_alias=True, exclude_none=True)
