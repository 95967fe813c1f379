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
from pygen_runtime.typed._instances import EdgeRead, InstanceRead

__all__ = ["flatten_instance", "parse_instances", "typed_items_parser"]

ReadT = TypeVar("ReadT", bound=InstanceRead)

logger = logging.getLogger("pygen_runtime.typed")
_warned: set[tuple[str, str]] = set()


@functools.cache
def _page_adapter(cls: type[InstanceRead]) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[cls])  # type: ignore[valid-type]


def flatten_instance(cls: type[InstanceRead], raw: Mapping[str, Any]) -> dict[str, Any]:
    """One instance's JSON as the flat dict ``cls`` validates: its properties in ``cls``'s view
    (under Python field names) and the instance fields."""
    view = cls._view_id
    by_view = raw.get("properties")
    values: Mapping[str, Any] = {}
    if by_view:
        values = by_view.get(view.space, {}).get(f"{view.external_id}/{view.version}", {})
    renamed = cls._field_of_wire_name
    data = {renamed.get(key, key): value for key, value in values.items()} if renamed else dict(values)
    # Instance fields are set last, so a property the SDK does not know cannot shadow them.
    data["space"] = raw.get("space")
    data["external_id"] = raw.get("externalId")
    data["version"] = raw.get("version")
    data["created_time"] = raw.get("createdTime")
    data["last_updated_time"] = raw.get("lastUpdatedTime")
    data["deleted_time"] = raw.get("deletedTime")
    data["type"] = raw.get("type")
    if issubclass(cls, EdgeRead):
        data["start_node"] = raw.get("startNode")
        data["end_node"] = raw.get("endNode")
    return data


def parse_instances(cls: type[ReadT], raw_items: Sequence[Mapping[str, Any]]) -> list[ReadT]:
    """``raw_items`` (CDF's instance JSON) as instances of ``cls``, validated as one page."""
    flat = [flatten_instance(cls, raw) for raw in raw_items]
    adapter = _page_adapter(cls)
    try:
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


def typed_items_parser(cls: type[ReadT], key: str = "items") -> Any:
    """A parser of ``{"items": [...]}`` (a byids or search answer) into a list of ``cls``."""

    def parse(body: Any) -> list[ReadT]:
        return parse_instances(cls, _instance_dicts(expect_items(body, key)))

    return parse


def _instance_dicts(items: list[Any]) -> list[Mapping[str, Any]]:
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            raise UnexpectedResponseError(f"items[{index}] should be an object, got {type(item).__name__}")
    return items
