"""Property types: what a container property stores.

CDF adds types over time. A type this package does not know loads as ``UnknownPropertyType`` with
everything it carried kept, so a newer server never makes a model unreadable.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Discriminator, Field, Tag

from pygen_runtime.schema._base import SchemaModel, dump_json
from pygen_runtime.schema._ids import ContainerId, ViewId

__all__ = [
    "BooleanType",
    "DateType",
    "DirectRelationType",
    "EnumType",
    "EnumValue",
    "FileReferenceType",
    "Float32Type",
    "Float64Type",
    "Int32Type",
    "Int64Type",
    "JsonType",
    "PropertyType",
    "SequenceReferenceType",
    "TextType",
    "TimeSeriesReferenceType",
    "TimestampType",
    "UnknownPropertyType",
]


class _PropertyTypeBase(SchemaModel):
    type: str
    # ``list`` on the wire; renamed so the class body does not shadow the builtin.
    is_list: bool = Field(default=False, alias="list")
    max_list_size: int | None = None

    def dump(self) -> dict[str, Any]:
        """The camelCase type definition, as CDF returns and accepts it."""
        return dump_json(self)


class TextType(_PropertyTypeBase):
    type: Literal["text"] = "text"
    collation: str | None = None
    max_text_size: int | None = None


class BooleanType(_PropertyTypeBase):
    type: Literal["boolean"] = "boolean"


class Int32Type(_PropertyTypeBase):
    type: Literal["int32"] = "int32"


class Int64Type(_PropertyTypeBase):
    type: Literal["int64"] = "int64"


class Float32Type(_PropertyTypeBase):
    type: Literal["float32"] = "float32"


class Float64Type(_PropertyTypeBase):
    type: Literal["float64"] = "float64"


class TimestampType(_PropertyTypeBase):
    type: Literal["timestamp"] = "timestamp"


class DateType(_PropertyTypeBase):
    type: Literal["date"] = "date"


class JsonType(_PropertyTypeBase):
    type: Literal["json"] = "json"


class TimeSeriesReferenceType(_PropertyTypeBase):
    type: Literal["timeseries"] = "timeseries"


class FileReferenceType(_PropertyTypeBase):
    type: Literal["file"] = "file"


class SequenceReferenceType(_PropertyTypeBase):
    type: Literal["sequence"] = "sequence"


class EnumValue(SchemaModel):
    name: str | None = None
    description: str | None = None


class EnumType(_PropertyTypeBase):
    type: Literal["enum"] = "enum"
    values: dict[str, EnumValue] = Field(default_factory=dict)
    unknown_value: str | None = None


class DirectRelationType(_PropertyTypeBase):
    """A reference to a node. ``source`` is the view the target is expected to be read through."""

    type: Literal["direct"] = "direct"
    container: ContainerId | None = None
    source: ViewId | None = None

    def dump(self) -> dict[str, Any]:
        out = dump_json(self)
        if self.container is not None:
            out["container"] = self.container.dump()
        if self.source is not None:
            out["source"] = self.source.dump()
        return out


class UnknownPropertyType(_PropertyTypeBase):
    """A type this version does not know; every field it came with is kept."""


_KNOWN_TYPES = {
    "text",
    "boolean",
    "int32",
    "int64",
    "float32",
    "float64",
    "timestamp",
    "date",
    "json",
    "timeseries",
    "file",
    "sequence",
    "enum",
    "direct",
}


def _type_tag(value: Any) -> str:
    tag = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return tag if tag in _KNOWN_TYPES else "unknown"


PropertyType = Annotated[
    Annotated[TextType, Tag("text")]
    | Annotated[BooleanType, Tag("boolean")]
    | Annotated[Int32Type, Tag("int32")]
    | Annotated[Int64Type, Tag("int64")]
    | Annotated[Float32Type, Tag("float32")]
    | Annotated[Float64Type, Tag("float64")]
    | Annotated[TimestampType, Tag("timestamp")]
    | Annotated[DateType, Tag("date")]
    | Annotated[JsonType, Tag("json")]
    | Annotated[TimeSeriesReferenceType, Tag("timeseries")]
    | Annotated[FileReferenceType, Tag("file")]
    | Annotated[SequenceReferenceType, Tag("sequence")]
    | Annotated[EnumType, Tag("enum")]
    | Annotated[DirectRelationType, Tag("direct")]
    | Annotated[UnknownPropertyType, Tag("unknown")],
    Discriminator(_type_tag),
]
