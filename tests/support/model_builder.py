"""Small data models written inline, in CDF's raw API shape, for tests that need a particular case.

Real models come from ``../shared/cdf/models``; these builders make the odd cases real models do
not have (cycles, missing views, unknown types) without hand-writing pages of JSON.
"""

from __future__ import annotations

from typing import Any

from pygen_runtime.schema import DataModel

from hatch_pygen.sources import ModelSnapshot

SPACE = "test_space"


def view_ref(external_id: str, *, space: str = SPACE, version: str = "1") -> dict[str, Any]:
    """A view reference as the API writes it."""
    return {"type": "view", "space": space, "externalId": external_id, "version": version}


def mapped(
    prop_type: str | dict[str, Any] = "text",
    *,
    container: str = "C",
    identifier: str | None = None,
    nullable: bool = True,
    is_list: bool = False,
    **extra: Any,
) -> dict[str, Any]:
    """A mapped property; ``prop_type`` is a type name or a whole type definition."""
    type_def = {"type": prop_type, "list": is_list} if isinstance(prop_type, str) else prop_type
    body = {
        "container": {"type": "container", "space": SPACE, "externalId": container},
        "containerPropertyIdentifier": identifier or "value",
        "type": type_def,
        "nullable": nullable,
        "immutable": False,
        "autoIncrement": False,
    }
    body.update(extra)
    return body


def direct(target: str | None, *, is_list: bool = False, space: str = SPACE) -> dict[str, Any]:
    """A direct relation to the view ``target`` (or to no particular view)."""
    type_def: dict[str, Any] = {"type": "direct", "list": is_list}
    if target is not None:
        type_def["source"] = view_ref(target, space=space)
    return mapped(type_def)


def edge(
    target: str, *, edge_type: str = "link", edge_source: str | None = None, multi: bool = True, **extra: Any
) -> dict[str, Any]:
    """An edge connection to the view ``target``."""
    body: dict[str, Any] = {
        "type": {"space": SPACE, "externalId": edge_type},
        "source": view_ref(target),
        "direction": "outwards",
        "connectionType": "multi_edge_connection" if multi else "single_edge_connection",
    }
    if edge_source is not None:
        body["edgeSource"] = view_ref(edge_source)
    body.update(extra)
    return body


def reverse(source: str, through: str, *, multi: bool = True) -> dict[str, Any]:
    """A reverse direct relation from ``source`` through its property ``through``."""
    return {
        "source": view_ref(source),
        "through": {"source": view_ref(source), "identifier": through},
        "connectionType": "multi_reverse_direct_relation" if multi else "single_reverse_direct_relation",
    }


def view(
    external_id: str,
    properties: dict[str, dict[str, Any]] | None = None,
    *,
    implements: list[str] | None = None,
    space: str = SPACE,
    version: str = "1",
    **extra: Any,
) -> dict[str, Any]:
    """A view with its properties, in the API's read shape."""
    body: dict[str, Any] = {
        "space": space,
        "externalId": external_id,
        "version": version,
        "name": external_id,
        "implements": [view_ref(parent) for parent in implements or []],
        "writable": True,
        "usedFor": "node",
        "isGlobal": False,
        "properties": properties or {},
        "createdTime": 1,
        "lastUpdatedTime": 2,
    }
    body.update(extra)
    return body


def data_model(
    views: list[dict[str, Any]], *, external_id: str = "Model", space: str = SPACE, version: str = "1"
) -> dict[str, Any]:
    """A data model with its views inline."""
    return {
        "space": space,
        "externalId": external_id,
        "version": version,
        "name": external_id,
        "views": views,
        "isGlobal": False,
        "createdTime": 1,
        "lastUpdatedTime": 2,
    }


def snapshot(views: list[dict[str, Any]], **model: Any) -> ModelSnapshot:
    """A snapshot of a data model holding ``views``."""
    return ModelSnapshot(data_model=DataModel.load(data_model(views, **model)))
