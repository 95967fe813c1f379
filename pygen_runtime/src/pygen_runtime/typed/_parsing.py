"""Turning pages of CDF's instance JSON into typed objects, fast and tolerantly.

A page is validated in one call of a cached ``TypeAdapter(list[Class])`` (pydantic's compiled
validator walks the whole page; no Python runs per field). Before that, each instance's
properties are lifted out of ``properties[space]["View/version"]`` into one flat dict, the only
per-item Python work.

A server newer than the SDK may send a property the SDK does not know (kept in ``model_extra``)
or a value outside the SDK's enum (kept: enum fields accept any string). If a value does not fit
its field at all, the page is validated again without it, and the raw value is put in the item's
``model_extra`` under its wire identifier; a warning names it once per class and property.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from pygen_runtime._api._calls import UnexpectedResponseError, describe_validation_error, expect_items
from pygen_runtime._gc import collection_paused
from pygen_runtime.typed._instances import EdgeRead, InstanceRead

__all__ = ["complete", "flatten_instance", "parse_instances", "typed_items_parser"]

ReadT = TypeVar("ReadT", bound=InstanceRead)

logger = logging.getLogger("pygen_runtime.typed")
_warned: set[tuple[str, str]] = set()


def complete(cls: type[InstanceRead]) -> None:
    """Make ``cls`` ready to validate: resolve the classes its relation fields name."""
    if not cls.__pydantic_complete__:
        cls.model_rebuild()


@functools.cache
def _page_parser(cls: type[InstanceRead]) -> tuple[TypeAdapter[list[Any]], Any]:
    complete(cls)
    return TypeAdapter(list[cls]), _flattener(cls)  # type: ignore[valid-type]


def flatten_instance(cls: type[InstanceRead], raw: Mapping[str, Any]) -> dict[str, Any]:
    """One instance's JSON as the flat dict ``cls`` validates: its properties in ``cls``'s view
    (under Python field names) and the instance fields."""
    flat: dict[str, Any] = _flattener(cls)([raw])[0]
    return flat


def _flattener(cls: type[InstanceRead]) -> Any:
    """A function flattening a page of ``cls``'s instances. It is the only Python that runs per
    instance, so what can be decided once per class is decided here."""
    view = cls._view_id
    space, view_key = view.space, f"{view.external_id}/{view.version}"
    renamed = list(cls._field_of_wire_name.items())
    edge = issubclass(cls, EdgeRead)
    optional = (
        [("deletedTime", "deleted_time")] if edge else [("deletedTime", "deleted_time"), ("type", "type")]
    )
    empty: dict[str, Any] = {}

    def flatten(raw_items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
        flat = []
        for raw in raw_items:
            by_view = raw.get("properties")
            data = dict(by_view.get(space, empty).get(view_key, empty)) if by_view else {}
            for wire, name in renamed:
                if wire in data:
                    data[name] = data.pop(wire)
            # Instance fields are set last, so a property the SDK does not know cannot shadow them.
            data["space"] = raw.get("space")
            data["external_id"] = raw.get("externalId")
            data["version"] = raw.get("version")
            data["created_time"] = raw.get("createdTime")
            data["last_updated_time"] = raw.get("lastUpdatedTime")
            # The optional ones only when sent, so that model_fields_set says what CDF sent.
            for wire, name in optional:
                if wire in raw:
                    data[name] = raw[wire]
                else:
                    data.pop(name, None)
            if edge:
                data["type"] = raw.get("type")
                data["start_node"] = raw.get("startNode")
                data["end_node"] = raw.get("endNode")
            flat.append(data)
        return flat

    return flatten


def parse_instances(cls: type[ReadT], raw_items: Sequence[Mapping[str, Any]]) -> list[ReadT]:
    """``raw_items`` (CDF's instance JSON) as instances of ``cls``, validated as one page."""
    adapter, flatten = _page_parser(cls)
    flat = flatten(raw_items)
    try:
        with collection_paused():
            return adapter.validate_python(flat)
    except ValidationError as error:
        set_aside = _set_aside_misfits(cls, flat, error)
    try:
        items: list[ReadT] = adapter.validate_python(flat)
    except ValidationError as error:  # an instance field is broken: not a CDF answer
        raise UnexpectedResponseError(describe_validation_error(error, "items")) from None
    for index, values in set_aside.items():
        extra = items[index].__pydantic_extra__
        if extra is not None:
            extra.update(values)
    return items


def _set_aside_misfits(
    cls: type[InstanceRead], flat: list[dict[str, Any]], error: ValidationError
) -> dict[int, dict[str, Any]]:
    """Take the property values that do not fit their fields out of ``flat``; return them by
    item and wire identifier. Instance fields are left alone: their errors are real."""
    set_aside: dict[int, dict[str, Any]] = {}
    wire_names = cls._property_wire_names
    for problem in error.errors():
        location = problem["loc"]
        if len(location) < 2 or not isinstance(location[0], int) or location[1] not in wire_names:
            continue
        index, field = location[0], str(location[1])
        if field not in flat[index]:
            continue
        wire = wire_names[field]
        set_aside.setdefault(index, {})[wire] = flat[index].pop(field)
        if (cls.__name__, field) not in _warned:
            _warned.add((cls.__name__, field))
            logger.warning(
                "%s.%s: a value from CDF does not fit the SDK's type (%s); it is kept in model_extra[%r]. "
                "The data model may have changed: regenerate the SDK.",
                cls.__name__,
                field,
                problem["msg"],
                wire,
            )
    return set_aside


def typed_items_parser(cls: type[ReadT], key: str = "items", *, only_with_data: bool = False) -> Any:
    """A parser of ``{"items": [...]}`` (a byids or search answer) into a list of ``cls``.

    ``only_with_data`` leaves out instances without data in ``cls``'s view: CDF's byids answers
    with every instance asked for, so a blade asked for as a wind turbine would otherwise come
    back as a wind turbine with no values.
    """
    view = cls._view_id
    view_key = f"{view.external_id}/{view.version}"

    def parse(body: Any) -> list[ReadT]:
        items = _instance_dicts(expect_items(body, key))
        if only_with_data:
            items = [
                item for item in items if view_key in ((item.get("properties") or {}).get(view.space) or {})
            ]
        return parse_instances(cls, items)

    return parse


def _instance_dicts(items: list[Any]) -> list[Mapping[str, Any]]:
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise UnexpectedResponseError(f"items[{index}] should be an object, got {type(item).__name__}")
    return items
