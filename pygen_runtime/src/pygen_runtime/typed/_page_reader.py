"""Reading a listing's page straight from the response's bytes: the fast path of ``list``,
``iterate`` and ``search``.

The tolerant path (``_parsing.parse_instances``) decodes the JSON into Python dicts, lifts each
instance's properties into a flat dict, and validates the flat dicts: every value becomes a
Python object twice, and that was most of what a listing cost beyond ``json.loads``. Here one
pydantic validation (in Rust) goes from the bytes to the read class's instances: each field is
read from where CDF puts it (a property from ``properties[space]["View/version"]``), by the
same field types, so the instances are the ones the tolerant path makes.

What the shortcut cannot see is a property the SDK does not know: it reads the fields it has.
So the request asks for CDF's ``typing`` (the properties of the view that the answer's instances
can have), and a page whose view has a property the SDK does not know is left to the tolerant
path, which keeps that property in ``model_extra``. So is anything else unusual: a value that does
not fit its field (the tolerant path keeps it aside and warns), an answer that is not what CDF
sends (the tolerant path names what is wrong), and classes with validators, private attributes
or per-instance defaults, which are never read this way.
"""

from __future__ import annotations

import functools
import types
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any, ForwardRef, Union

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import CoreSchema, PydanticUndefined, SchemaValidator
from pydantic_core import core_schema as cs

from pygen_runtime._api._calls import Page
from pygen_runtime._gc import collection_paused
from pygen_runtime.typed._instances import EdgeRead, InstanceRead, unresolved_annotation

__all__ = ["ContentReader", "page_content_reader"]

# A reader gives the page read from the bytes, or None to have the tolerant path read it.
ContentReader = Callable[[bytes], "Page[Any] | None"]

# Instance fields by Python name: their wire names, and which of them CDF may leave out.
_WIRE_NAMES = {
    "space": "space",
    "external_id": "externalId",
    "version": "version",
    "created_time": "createdTime",
    "last_updated_time": "lastUpdatedTime",
    "deleted_time": "deletedTime",
    "type": "type",
    "start_node": "startNode",
    "end_node": "endNode",
}
_OPTIONAL_FOR_NODES = frozenset({"deleted_time", "type"})
_OPTIONAL_FOR_EDGES = frozenset({"deleted_time"})
# Connection fields are filled by later requests, never from a listing: they are read from a key
# no CDF answer has, so they always take their default.
_NEVER_SENT = "\x00not-in-a-listing"
_IMMUTABLE_DEFAULTS = (type(None), str, int, float, bool, tuple, frozenset)


def page_content_reader(cls: type[InstanceRead]) -> ContentReader | None:
    """A reader of a listing's bytes (``{"items": [...], "nextCursor": ..., "typing": ...}``, asked
    for with ``includeTyping``) into a ``Page`` of ``cls``; None when ``cls`` cannot be read so."""
    return _reader(cls)


@functools.cache
def _reader(cls: type[InstanceRead]) -> _PageReader | None:
    # Not made complete first: that imports and builds every class a relation reaches (a tenth
    # of a second for CogniteAsset), none of which a listing's page needs.
    if not _plain_model(cls):
        return None
    try:
        return _PageReader(cls)
    except _NotReadable:
        return None


class _NotReadable(Exception):
    """``cls`` has a field this reader cannot fill the way validation would."""


def _plain_model(cls: type[InstanceRead]) -> bool:
    """Whether an instance of ``cls`` is nothing but its validated field values: no validators
    of the whole model, no private attributes, no ``model_post_init``."""
    decorators = cls.__pydantic_decorators__
    return (
        not decorators.model_validators
        and not decorators.field_validators
        and not decorators.root_validators
        and not cls.__private_attributes__
        and cls.__pydantic_post_init__ is None
    )


class _PageReader:
    def __init__(self, cls: type[InstanceRead]) -> None:
        view = cls.view_id()
        self._cls = cls
        self._space, self._view_key = view.space, f"{view.external_id}/{view.version}"
        self._known = frozenset(cls._property_wire_names.values())
        items = cs.list_schema(_instance_schema(cls, self._space, self._view_key))
        self._validator = SchemaValidator(
            cs.typed_dict_schema(
                {
                    "items": cs.typed_dict_field(items),
                    "nextCursor": cs.typed_dict_field(cs.nullable_schema(cs.str_schema()), required=False),
                    "typing": cs.typed_dict_field(
                        cs.dict_schema(cs.str_schema(), cs.dict_schema(cs.str_schema(), cs.dict_schema())),
                        required=False,
                    ),
                }
            )
        )

    def __call__(self, content: bytes) -> Page[Any] | None:
        try:
            with collection_paused():
                page = self._validator.validate_json(content)
        except ValidationError:
            return None
        items = page["items"]
        if items and not self._only_known_properties(page.get("typing")):
            return None
        cls, set_slot = self._cls, object.__setattr__
        for item in items:
            set_slot(item, "__class__", cls)
            # As on the tolerant path (the classes allow extra fields): an empty model_extra.
            set_slot(item, "__pydantic_extra__", {})
        return Page(items=items, next_cursor=page.get("nextCursor"))

    def _only_known_properties(self, typing_block: Mapping[str, Any] | None) -> bool:
        """Whether CDF's ``typing`` names no property of the view the SDK does not know (without
        it, the page's instances cannot be known to hold only known properties)."""
        if typing_block is None:
            return False
        properties = typing_block.get(self._space, {}).get(self._view_key)
        return properties is not None and self._known.issuperset(properties)


class _Unbuilt(BaseModel):
    """The class the page's instances are made as, then given their read class.

    pydantic-core reuses a complete model class's own validator wherever a schema names that
    class, which would read the fields by their Python names; a class that is never built is
    validated by the schema given. It has the read classes' memory layout (a pydantic model's),
    so its instances can change class."""

    model_config = ConfigDict(defer_build=True)


def _instance_schema(cls: type[InstanceRead], space: str, view_key: str) -> CoreSchema:
    """``cls``'s instances validated from CDF's JSON for one: every field read from its place."""
    optional = _OPTIONAL_FOR_EDGES if issubclass(cls, EdgeRead) else _OPTIONAL_FOR_NODES
    fields: dict[str, cs.ModelField] = {}
    for name, info in cls.model_fields.items():
        if name in cls._instance_fields:
            schema = _value_schema(*_field_type(cls, name, info))
            if name in optional:
                schema = cs.with_default_schema(schema, default=_default(info))
            fields[name] = cs.model_field(schema, validation_alias=_WIRE_NAMES[name])
        elif name in cls._property_wire_names:
            annotation, metadata = _field_type(cls, name, info)
            schema = cs.with_default_schema(
                _value_schema(_as_stored(annotation), metadata), default=_default(info)
            )
            location: list[str | int] = ["properties", space, view_key, cls._property_wire_names[name]]
            fields[name] = cs.model_field(schema, validation_alias=location)
        else:
            fields[name] = cs.model_field(
                cs.with_default_schema(cs.any_schema(), default=_default(info)), validation_alias=_NEVER_SENT
            )
    return cs.model_schema(
        _Unbuilt,
        cs.model_fields_schema(fields, model_name=cls.__name__, extra_behavior="ignore"),
        extra_behavior="ignore",
    )


def _default(info: FieldInfo) -> Any:
    if info.default_factory is not None or info.default is PydanticUndefined:
        raise _NotReadable  # a default made per instance, or a required property
    if not isinstance(info.default, _IMMUTABLE_DEFAULTS):
        raise _NotReadable  # a default every instance would share
    return info.default


def _value_schema(annotation: Any, metadata: list[Any]) -> CoreSchema:
    """The schema pydantic validates a field of this type and metadata with."""
    parts = (annotation, *metadata)
    annotated: Any = Annotated[parts] if metadata else annotation
    adapter: TypeAdapter[Any] = TypeAdapter(annotated)
    adapter.rebuild()  # the schema now, even of a model class that defers building (NodeId)
    return adapter.core_schema


class _Unimported:
    """Stands for a class a read module imports for type checkers only: the class at the other
    end of a relation, which CDF's JSON holds as a node id."""


def _field_type(cls: type[InstanceRead], name: str, info: FieldInfo) -> tuple[Any, list[Any]]:
    """A field's type and metadata, from its text when pydantic has not resolved it yet."""
    if not isinstance(info.annotation, (ForwardRef, str)):
        return info.annotation, list(info.metadata)
    annotation = unresolved_annotation(cls, name, _Unimported)
    if annotation is None:
        raise _NotReadable
    if typing.get_origin(annotation) is Annotated:
        base, *metadata = typing.get_args(annotation)
        return base, [*metadata, *info.metadata]
    return annotation, list(info.metadata)


def _as_stored(annotation: Any) -> Any:
    """A property's type as CDF stores it: a relation holds node ids, never the related objects
    (the read class's ``Pump | NodeId`` is ``NodeId`` on the wire)."""
    origin = typing.get_origin(annotation)
    if origin is Union or origin is types.UnionType:
        members = [_as_stored(member) for member in typing.get_args(annotation) if not _is_read_class(member)]
        if not members:
            raise _NotReadable  # nothing but related classes: not a relation's ``X | NodeId``
        return functools.reduce(lambda left, right: Union[left, right], members)  # noqa: UP007
    if origin is list:
        return list[_as_stored(typing.get_args(annotation)[0])]  # type: ignore[misc]
    if annotation is _Unimported or any(_is_read_class(arg) for arg in typing.get_args(annotation)):
        raise _NotReadable  # a related class outside a relation's ``X | NodeId``
    return annotation


def _is_read_class(member: Any) -> bool:
    return isinstance(member, type) and issubclass(member, (InstanceRead, _Unimported))
