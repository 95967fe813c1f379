"""Bring schema definitions from every accepted input shape into the one shape the emulator stores.

Three shapes arrive: apply request bodies (what ``POST /models/views`` takes), raw API read JSON,
and cognite-sdk dumps as found in model files (container references without ``"type"``,
``source: null`` beside a mapped property's type, ``null`` for absent names, versions that YAML
may have read as numbers). The stored shape is the API's own: camelCase, references carrying
their ``"type"``, absent values left out rather than ``null``.

Views are stored with their *own* property definitions in the create shape (``container``,
``containerPropertyIdentifier``, ``source``, ``name``, ``description`` for mapped properties);
the read shape with container types and inherited properties is computed by the schema store.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pygen_runtime.testing._errors import EmulatorRequestError

__all__ = [
    "container_ref",
    "drop_nulls",
    "infer_containers",
    "normalize_container",
    "normalize_data_model",
    "normalize_space",
    "normalize_view",
    "property_kind",
    "view_ref",
]

_MAPPED_KEYS = ("container", "containerPropertyIdentifier", "name", "description", "source")
_CONTAINER_PROPERTY_KEYS = ("nullable", "immutable", "autoIncrement", "defaultValue", "name", "description")


def drop_nulls(obj: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``obj`` without the keys whose value is ``None``."""
    return {key: value for key, value in obj.items() if value is not None}


def _drop_nulls_deep(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {key: _drop_nulls_deep(item) for key, item in value.items() if item is not None}
    return value


def _require_mapping(obj: Any, what: str) -> Mapping[str, Any]:
    if not isinstance(obj, Mapping):
        raise EmulatorRequestError(f"{what} must be a JSON object, got {type(obj).__name__}.")
    return obj


def _require_str(obj: Mapping[str, Any], key: str, what: str) -> str:
    value = obj.get(key)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)) or value == "":
        raise EmulatorRequestError(f"{what} needs a non-empty string {key!r}.")
    return str(value)


def container_ref(obj: Any, what: str = "container reference") -> dict[str, Any]:
    """``{"type": "container", "space", "externalId"}`` from a reference with or without its type."""
    ref = _require_mapping(obj, what)
    return {
        "type": "container",
        "space": _require_str(ref, "space", what),
        "externalId": _require_str(ref, "externalId", what),
    }


def view_ref(obj: Any, what: str = "view reference") -> dict[str, Any]:
    """``{"type": "view", "space", "externalId", "version"}`` from a reference in any accepted shape."""
    ref = _require_mapping(obj, what)
    return {
        "type": "view",
        "space": _require_str(ref, "space", what),
        "externalId": _require_str(ref, "externalId", what),
        "version": _require_str(ref, "version", what),
    }


def property_kind(prop: Mapping[str, Any]) -> str:
    """``"mapped"``, ``"edge"``, ``"reverse"`` or ``"unknown"`` for a view property in any shape."""
    if "container" in prop:
        return "mapped"
    if "through" in prop:
        return "reverse"
    connection = prop.get("connectionType")
    if connection in ("single_edge_connection", "multi_edge_connection"):
        return "edge"
    edge_type = prop.get("type")
    if isinstance(edge_type, Mapping) and "externalId" in edge_type and "source" in prop:
        return "edge"
    return "unknown"


def normalize_space(obj: Any, now_ms: int) -> dict[str, Any]:
    """A space in the stored read shape."""
    raw = drop_nulls(_require_mapping(obj, "space"))
    space: dict[str, Any] = {"space": _require_str(raw, "space", "space")}
    for key in ("name", "description"):
        if key in raw:
            space[key] = raw[key]
    space["isGlobal"] = bool(raw.get("isGlobal", False))
    space["createdTime"] = int(raw.get("createdTime", now_ms))
    space["lastUpdatedTime"] = int(raw.get("lastUpdatedTime", now_ms))
    return space


def _property_type(obj: Any, what: str) -> dict[str, Any]:
    # Dumps write absent enum value names and descriptions as null; the API leaves them out.
    raw = _drop_nulls_deep(_require_mapping(obj, what))
    if not isinstance(raw.get("type"), str):
        raise EmulatorRequestError(f"{what} needs a string 'type' (text, int64, direct, ...).")
    kind = raw["type"]
    result = dict(raw)
    result["list"] = bool(raw.get("list", False))
    if kind == "direct" and "container" in raw:
        result["container"] = container_ref(raw["container"], f"{what}.container")
    if kind == "direct" and "source" in raw:
        # A view hint belongs to view properties only; containers drop it.
        del result["source"]
    if kind == "text" and "collation" not in result:
        result["collation"] = "ucs_basic"
    return result


def normalize_container(obj: Any, now_ms: int) -> dict[str, Any]:
    """A container in the stored read shape."""
    raw = drop_nulls(_require_mapping(obj, "container"))
    what = "container"
    container: dict[str, Any] = {
        "space": _require_str(raw, "space", what),
        "externalId": _require_str(raw, "externalId", what),
    }
    what = f"container {container['space']}:{container['externalId']}"
    for key in ("name", "description"):
        if key in raw:
            container[key] = raw[key]
    container["usedFor"] = raw.get("usedFor", "node")
    properties = _require_mapping(raw.get("properties", {}), f"{what}.properties")
    if not properties:
        raise EmulatorRequestError(f"{what} needs at least one property.")
    container["properties"] = {}
    for name, prop_obj in properties.items():
        prop = drop_nulls(_require_mapping(prop_obj, f"{what}.properties.{name}"))
        stored: dict[str, Any] = {
            "type": _property_type(prop.get("type"), f"{what}.properties.{name}.type"),
            "nullable": bool(prop.get("nullable", True)),
            "immutable": bool(prop.get("immutable", False)),
            "autoIncrement": bool(prop.get("autoIncrement", False)),
        }
        for key in ("defaultValue", "name", "description"):
            if key in prop:
                stored[key] = prop[key]
        stored["constraintState"] = {} if stored["nullable"] else {"nullability": "current"}
        container["properties"][str(name)] = stored
    container["constraints"] = dict(raw.get("constraints", {}))
    container["indexes"] = dict(raw.get("indexes", {}))
    container["isGlobal"] = bool(raw.get("isGlobal", False))
    container["createdTime"] = int(raw.get("createdTime", now_ms))
    container["lastUpdatedTime"] = int(raw.get("lastUpdatedTime", now_ms))
    return container


def _view_property(obj: Any, what: str) -> dict[str, Any]:
    raw = drop_nulls(_require_mapping(obj, what))
    kind = property_kind(raw)
    if kind == "mapped":
        prop = {key: raw[key] for key in _MAPPED_KEYS if key in raw}
        prop["container"] = container_ref(raw["container"], f"{what}.container")
        prop["containerPropertyIdentifier"] = _require_str(raw, "containerPropertyIdentifier", what)
        # Newer dumps carry a direct relation's target view inside the type, older ones beside it.
        type_obj = raw.get("type")
        if "source" not in prop and isinstance(type_obj, Mapping) and type_obj.get("source") is not None:
            prop["source"] = type_obj["source"]
        if "source" in prop:
            prop["source"] = view_ref(prop["source"], f"{what}.source")
        return prop
    if kind == "edge":
        prop = dict(raw)
        prop["type"] = {
            "space": _require_str(raw["type"], "space", f"{what}.type"),
            "externalId": _require_str(raw["type"], "externalId", f"{what}.type"),
        }
        prop["source"] = view_ref(raw.get("source"), f"{what}.source")
        if "edgeSource" in raw:
            prop["edgeSource"] = view_ref(raw["edgeSource"], f"{what}.edgeSource")
        prop.setdefault("direction", "outwards")
        prop.setdefault("connectionType", "multi_edge_connection")
        return prop
    if kind == "reverse":
        prop = dict(raw)
        prop.pop("targetsList", None)
        prop["source"] = view_ref(raw.get("source"), f"{what}.source")
        through = _require_mapping(raw["through"], f"{what}.through")
        through_source = _require_mapping(through.get("source"), f"{what}.through.source")
        is_view = through_source.get("type") == "view" or "version" in through_source
        prop["through"] = {
            "source": view_ref(through_source, f"{what}.through.source")
            if is_view
            else container_ref(through_source, f"{what}.through.source"),
            "identifier": _require_str(through, "identifier", f"{what}.through"),
        }
        prop.setdefault("connectionType", "multi_reverse_direct_relation")
        return prop
    raise EmulatorRequestError(
        f"{what} is neither a mapped property (container + containerPropertyIdentifier), "
        "an edge connection (type + source) nor a reverse direct relation (through + source)."
    )


def normalize_view(obj: Any, now_ms: int) -> dict[str, Any]:
    """A view in the stored shape: its own properties in the create shape, references typed."""
    raw = drop_nulls(_require_mapping(obj, "view"))
    view: dict[str, Any] = {
        "space": _require_str(raw, "space", "view"),
        "externalId": _require_str(raw, "externalId", "view"),
        "version": _require_str(raw, "version", "view"),
    }
    what = f"view {view['space']}:{view['externalId']}/{view['version']}"
    for key in ("name", "description", "filter"):
        if key in raw:
            view[key] = raw[key]
    implements = raw.get("implements", [])
    if not isinstance(implements, list):
        raise EmulatorRequestError(f"{what}.implements must be a list of view references.")
    view["implements"] = [view_ref(ref, f"{what}.implements[{i}]") for i, ref in enumerate(implements)]
    view["usedFor"] = raw.get("usedFor", "node")
    if view["usedFor"] not in ("node", "edge", "all"):
        raise EmulatorRequestError(
            f"{what}.usedFor must be 'node', 'edge' or 'all', not {view['usedFor']!r}."
        )
    properties = _require_mapping(raw.get("properties", {}), f"{what}.properties")
    view["properties"] = {
        str(name): _view_property(prop, f"{what}.properties.{name}") for name, prop in properties.items()
    }
    view["isGlobal"] = bool(raw.get("isGlobal", False))
    view["createdTime"] = int(raw.get("createdTime", now_ms))
    view["lastUpdatedTime"] = int(raw.get("lastUpdatedTime", now_ms))
    return view


def normalize_data_model(obj: Any, now_ms: int) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """A data model in the stored shape (views as references) and the inline views it carried."""
    raw = drop_nulls(_require_mapping(obj, "data model"))
    model: dict[str, Any] = {
        "space": _require_str(raw, "space", "data model"),
        "externalId": _require_str(raw, "externalId", "data model"),
        "version": _require_str(raw, "version", "data model"),
    }
    what = f"data model {model['space']}:{model['externalId']}/{model['version']}"
    for key in ("name", "description"):
        if key in raw:
            model[key] = raw[key]
    views = raw.get("views", [])
    if not isinstance(views, list):
        raise EmulatorRequestError(f"{what}.views must be a list of views or view references.")
    refs: list[dict[str, Any]] = []
    inline: list[dict[str, Any]] = []
    for index, item in enumerate(views):
        entry = _require_mapping(item, f"{what}.views[{index}]")
        if "properties" in entry or "implements" in entry or "filter" in entry:
            inline.append(normalize_view(entry, now_ms))
        refs.append(view_ref(entry, f"{what}.views[{index}]"))
    model["views"] = refs
    model["isGlobal"] = bool(raw.get("isGlobal", False))
    model["createdTime"] = int(raw.get("createdTime", now_ms))
    model["lastUpdatedTime"] = int(raw.get("lastUpdatedTime", now_ms))
    return model, inline


def infer_containers(views: list[Mapping[str, Any]], now_ms: int) -> list[dict[str, Any]]:
    """Containers reconstructed from the mapped properties of read-shape views.

    Model files hold views only; each mapped property in the read shape carries its container
    property's type, nullability and defaults, which is all a container needs. A container used
    by node views and edge views is marked ``usedFor: all``; one used by a global view is global.
    """
    found: dict[tuple[str, str], dict[str, Any]] = {}
    used_for: dict[tuple[str, str], set[str]] = {}
    for view in views:
        for name, prop_obj in dict(view.get("properties") or {}).items():
            prop = drop_nulls(prop_obj)
            if property_kind(prop) != "mapped" or "type" not in prop:
                continue
            ref = container_ref(prop["container"], f"view property {name}.container")
            key = (ref["space"], ref["externalId"])
            container = found.setdefault(
                key,
                {"space": key[0], "externalId": key[1], "properties": {}, "createdTime": now_ms},
            )
            used_for.setdefault(key, set()).add(str(view.get("usedFor", "node")))
            if view.get("isGlobal"):
                # CDF's global views (CogniteCore) map CDF's global containers.
                container["isGlobal"] = True
            identifier = str(prop["containerPropertyIdentifier"])
            if identifier in container["properties"]:
                continue
            stored = {key_: prop[key_] for key_ in _CONTAINER_PROPERTY_KEYS if key_ in prop}
            stored["type"] = prop["type"]
            container["properties"][identifier] = stored
    result = []
    for key, container in found.items():
        kinds = used_for[key]
        container["usedFor"] = kinds.pop() if len(kinds) == 1 else "all"
        result.append(normalize_container(container, now_ms))
    return result
