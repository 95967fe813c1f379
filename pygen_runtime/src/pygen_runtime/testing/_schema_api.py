"""Endpoints for spaces, containers, views and data models: apply, list, by ids, delete.

Every apply is an upsert, validated as a whole before anything is stored: a request that names a
space, container or view that does not exist is refused with CDF's 400 and a ``missing`` list, and
nothing in it is applied.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from pygen_runtime.testing._api_request import ApiRequest, decode_cursor, encode_cursor
from pygen_runtime.testing._errors import EmulatorRequestError
from pygen_runtime.testing._identifiers import (
    check_property_identifier,
    check_schema_external_id,
    check_space,
    check_version,
)
from pygen_runtime.testing._limits import (
    ENUM_VALUES_MAX,
    SCHEMA_ITEMS_MAX,
    SCHEMA_LIST_LIMIT_DEFAULT,
    SCHEMA_LIST_LIMIT_MAX,
)
from pygen_runtime.testing._project import Project
from pygen_runtime.testing._schema_shapes import (
    normalize_container,
    normalize_data_model,
    normalize_space,
    normalize_view,
    property_kind,
)

__all__ = [
    "apply_containers",
    "apply_data_models",
    "apply_spaces",
    "apply_views",
    "containers_by_ids",
    "data_models_by_ids",
    "delete_containers",
    "delete_data_models",
    "delete_spaces",
    "delete_views",
    "list_containers",
    "list_data_models",
    "list_spaces",
    "list_views",
    "put_containers",
    "put_data_models",
    "put_spaces",
    "put_views",
    "spaces_by_ids",
    "views_by_ids",
]

_PROPERTY_TYPES = frozenset(
    {
        "text",
        "boolean",
        "float32",
        "float64",
        "int32",
        "int64",
        "timestamp",
        "date",
        "json",
        "direct",
        "timeseries",
        "file",
        "sequence",
        "enum",
    }
)


# -- shared -----------------------------------------------------------------------------------
def _page(
    request: ApiRequest, kind: str, items: list[dict[str, Any]], render: Callable[[dict[str, Any]], Any]
) -> dict[str, Any]:
    limit = request.query_limit(SCHEMA_LIST_LIMIT_DEFAULT, SCHEMA_LIST_LIMIT_MAX)
    cursor = request.param("cursor")
    offset = 0 if cursor is None else int(decode_cursor(cursor, kind).get("offset", 0))
    page = items[offset : offset + limit]
    body: dict[str, Any] = {"items": [render(item) for item in page]}
    if offset + limit < len(items):
        body["nextCursor"] = encode_cursor(kind, offset=offset + limit)
    return body


def _visible(items: Iterable[dict[str, Any]], request: ApiRequest) -> list[dict[str, Any]]:
    include_global = request.query_flag("includeGlobal", False)
    space = request.param("space")
    return [
        item
        for item in items
        if (include_global or not item.get("isGlobal")) and (space is None or item["space"] == space)
    ]


def _require_spaces(project: Project, spaces: Iterable[str]) -> None:
    missing = sorted({space for space in spaces if space not in project.schema.spaces})
    if missing:
        raise EmulatorRequestError(
            "One or more spaces do not exist: "
            + ", ".join(missing)
            + ". Create them first (POST /models/spaces).",
            missing=[{"space": space} for space in missing],
        )


def _duplicates(keys: list[Any], render: Callable[[Any], dict[str, Any]]) -> None:
    seen: set[Any] = set()
    duplicated = []
    for key in keys:
        if key in seen:
            duplicated.append(render(key))
        seen.add(key)
    if duplicated:
        raise EmulatorRequestError("The request names the same item more than once.", duplicated=duplicated)


def _keep_created_time(new: dict[str, Any], old: Mapping[str, Any] | None) -> dict[str, Any]:
    if old is not None:
        new["createdTime"] = old["createdTime"]
    return new


# -- spaces -----------------------------------------------------------------------------------
def put_spaces(project: Project, raw_items: Iterable[Any]) -> list[dict[str, Any]]:
    """Validate and store spaces; returns them in the read shape."""
    now = project.now()
    spaces = [normalize_space(item, now) for item in raw_items]
    for index, space in enumerate(spaces):
        if not space["isGlobal"]:
            check_space(space["space"], f"items[{index}].space", creating=True)
    _duplicates([space["space"] for space in spaces], lambda key: {"space": key})
    for space in spaces:
        old = project.schema.spaces.get(space["space"])
        project.schema.spaces[space["space"]] = _keep_created_time(space, old)
    project.schema.changed()
    return spaces


def apply_spaces(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/spaces``."""
    return {"items": put_spaces(project, request.items(SCHEMA_ITEMS_MAX))}


def list_spaces(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``GET /models/spaces``."""
    include_global = request.query_flag("includeGlobal", False)
    items = [space for space in project.schema.spaces.values() if include_global or not space["isGlobal"]]
    return _page(request, "spaces", items, dict)


def _space_ids(request: ApiRequest) -> list[str]:
    return [
        check_space(item.get("space"), f"items[{index}].space")
        for index, item in enumerate(request.items(SCHEMA_ITEMS_MAX))
    ]


def spaces_by_ids(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/spaces/byids``: the spaces that exist, in request order."""
    found = [project.schema.spaces[space] for space in _space_ids(request) if space in project.schema.spaces]
    return {"items": found}


def delete_spaces(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/spaces/delete``: only empty spaces can go."""
    spaces = _space_ids(request)
    schema = project.schema
    for space in spaces:
        in_use = (
            any(key[0] == space for key in schema.containers)
            or any(key[0] == space for key in schema.views)
            or any(key[0] == space for key in schema.data_models)
            or any(inst.space == space for inst in project.store.live())
        )
        if in_use:
            raise EmulatorRequestError(
                f"Space {space!r} is not empty: "
                "delete its data models, views, containers and instances first."
            )
    for space in spaces:
        schema.spaces.pop(space, None)
    schema.changed()
    # Like CDF, answer with what was asked for: the end state is the same whether it existed or not.
    return {"items": [{"space": space} for space in spaces]}


# -- containers -------------------------------------------------------------------------------
def _check_container(container: dict[str, Any], where: str) -> None:
    check_schema_external_id(container["externalId"], f"{where}.externalId")
    if container["usedFor"] not in ("node", "edge", "all"):
        raise EmulatorRequestError(f"{where}.usedFor must be 'node', 'edge' or 'all'.")
    for name, prop in container["properties"].items():
        check_property_identifier(name, f"{where}.properties")
        kind = prop["type"]["type"]
        if kind not in _PROPERTY_TYPES:
            raise EmulatorRequestError(
                f"{where}.properties.{name}.type: unknown type {kind!r}; use one of "
                + ", ".join(sorted(_PROPERTY_TYPES))
                + "."
            )
        if kind == "enum":
            values = prop["type"].get("values")
            if not isinstance(values, Mapping) or not 1 <= len(values) <= ENUM_VALUES_MAX:
                raise EmulatorRequestError(
                    f"{where}.properties.{name}.type.values: an enum needs 1 to {ENUM_VALUES_MAX} values."
                )


def put_containers(project: Project, raw_items: Iterable[Any]) -> list[dict[str, Any]]:
    """Validate and store containers; returns them in the read shape."""
    now = project.now()
    containers = [normalize_container(item, now) for item in raw_items]
    for index, container in enumerate(containers):
        _check_container(container, f"items[{index}]")
    _require_spaces(project, (container["space"] for container in containers))
    keys = [(container["space"], container["externalId"]) for container in containers]
    _duplicates(keys, lambda key: {"space": key[0], "externalId": key[1]})
    for key, container in zip(keys, containers, strict=True):
        old = project.schema.containers.get(key)
        if old is not None:
            for name, prop in old["properties"].items():
                new_prop = container["properties"].get(name)
                if new_prop is not None and new_prop["type"]["type"] != prop["type"]["type"]:
                    raise EmulatorRequestError(
                        f"Container {key[0]}:{key[1]} property {name!r} has type {prop['type']['type']!r}; "
                        "a property's type cannot be changed. Add a new property instead."
                    )
    for key, container in zip(keys, containers, strict=True):
        project.schema.containers[key] = _keep_created_time(container, project.schema.containers.get(key))
    project.schema.changed()
    return containers


def apply_containers(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/containers``."""
    return {"items": put_containers(project, request.items(SCHEMA_ITEMS_MAX))}


def list_containers(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``GET /models/containers``."""
    used_for = request.query.get("usedFor")
    items = [
        container
        for container in _visible(project.schema.containers.values(), request)
        if not used_for or container["usedFor"] in used_for
    ]
    return _page(request, "containers", items, dict)


def _container_ids(request: ApiRequest) -> list[tuple[str, str]]:
    ids = []
    for index, item in enumerate(request.items(SCHEMA_ITEMS_MAX)):
        ids.append(
            (
                check_space(item.get("space"), f"items[{index}].space"),
                check_schema_external_id(item.get("externalId"), f"items[{index}].externalId"),
            )
        )
    return ids


def containers_by_ids(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/containers/byids``: the containers that exist."""
    containers = project.schema.containers
    return {"items": [containers[key] for key in _container_ids(request) if key in containers]}


def delete_containers(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/containers/delete``: the container and every value stored in it go."""
    keys = _container_ids(request)
    for key in keys:
        if project.schema.containers.pop(key, None) is None:
            continue
        for inst in project.store.including_deleted():
            inst.data.pop(key, None)
    project.schema.changed()
    return {"items": [{"space": space, "externalId": external_id} for space, external_id in keys]}


# -- views ------------------------------------------------------------------------------------
def _view_missing(ref: Mapping[str, Any]) -> dict[str, Any]:
    return {"type": "view", "space": ref["space"], "externalId": ref["externalId"], "version": ref["version"]}


def _check_view(
    project: Project, view: dict[str, Any], where: str, incoming: set[tuple[str, str, str]]
) -> None:
    check_schema_external_id(view["externalId"], f"{where}.externalId")
    check_version(view["version"], f"{where}.version")
    missing_views = [
        _view_missing(ref)
        for ref in view["implements"]
        if (ref["space"], ref["externalId"], ref["version"]) not in project.schema.views
        and (ref["space"], ref["externalId"], ref["version"]) not in incoming
    ]
    if missing_views:
        raise EmulatorRequestError(
            f"{where}.implements names views that do not exist.", missing=missing_views
        )
    missing_containers: list[dict[str, Any]] = []
    for name, prop in view["properties"].items():
        check_property_identifier(name, f"{where}.properties")
        if property_kind(prop) != "mapped":
            continue
        ref = prop["container"]
        container = project.schema.containers.get((ref["space"], ref["externalId"]))
        if container is None:
            if ref not in missing_containers:
                missing_containers.append(ref)
            continue
        identifier = prop["containerPropertyIdentifier"]
        if identifier not in container["properties"]:
            raise EmulatorRequestError(
                f"{where}.properties.{name}: container {ref['space']}:{ref['externalId']} has no property "
                f"{identifier!r} (it has: {', '.join(sorted(container['properties']))})."
            )
        if "source" in prop and container["properties"][identifier]["type"]["type"] != "direct":
            raise EmulatorRequestError(
                f"{where}.properties.{name}.source: only direct relation properties can name a source view."
            )
    if missing_containers:
        raise EmulatorRequestError(f"{where} maps containers that do not exist.", missing=missing_containers)


def put_views(project: Project, raw_items: Iterable[Any]) -> list[dict[str, Any]]:
    """Validate and store views; returns them in the read shape."""
    now = project.now()
    views = [normalize_view(item, now) for item in raw_items]
    _require_spaces(project, (view["space"] for view in views))
    keys = [(view["space"], view["externalId"], view["version"]) for view in views]
    _duplicates(keys, lambda key: {"space": key[0], "externalId": key[1], "version": key[2]})
    incoming = set(keys)
    for index, view in enumerate(views):
        _check_view(project, view, f"items[{index}]", incoming)
    for key, view in zip(keys, views, strict=True):
        project.schema.views[key] = _keep_created_time(view, project.schema.views.get(key))
    project.schema.changed()
    return [_read_view(project, key, include_inherited=True) for key in keys]


def _read_view(project: Project, key: tuple[str, str, str], *, include_inherited: bool) -> dict[str, Any]:
    view = project.schema.view(*key, include_inherited=include_inherited)
    assert view is not None  # the key comes from the store
    return view


def apply_views(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/views``."""
    return {"items": put_views(project, request.items(SCHEMA_ITEMS_MAX))}


def _latest_only(keys: Iterable[tuple[str, str, str]], project: Project) -> list[tuple[str, str, str]]:
    latest: dict[tuple[str, str], tuple[str, str, str]] = {}
    for key in keys:
        newest = project.schema.latest_view_version(key[0], key[1])
        if key[2] == newest:
            latest[(key[0], key[1])] = key
    return list(latest.values())


def list_views(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``GET /models/views``."""
    visible = {key for key, view in project.schema.views.items() if view in _visible([view], request)}
    keys = [key for key in project.schema.views if key in visible]
    if not request.query_flag("allVersions", False):
        keys = _latest_only(keys, project)
    inherited = request.query_flag("includeInheritedProperties", True)
    items = [{"key": key} for key in keys]
    return _page(
        request, "views", items, lambda item: _read_view(project, item["key"], include_inherited=inherited)
    )


def _view_ids(request: ApiRequest) -> list[tuple[str, str, str | None]]:
    ids: list[tuple[str, str, str | None]] = []
    for index, item in enumerate(request.items(SCHEMA_ITEMS_MAX)):
        version = item.get("version")
        ids.append(
            (
                check_space(item.get("space"), f"items[{index}].space"),
                check_schema_external_id(item.get("externalId"), f"items[{index}].externalId"),
                None if version is None else check_version(str(version), f"items[{index}].version"),
            )
        )
    return ids


def views_by_ids(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/views/byids``: the views that exist (the latest version when none is given)."""
    inherited = request.query_flag("includeInheritedProperties", True)
    found = []
    for space, external_id, version in _view_ids(request):
        view = project.schema.view(space, external_id, version, include_inherited=inherited)
        if view is not None:
            found.append(view)
    return {"items": found}


def delete_views(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/views/delete`` (every item names a version)."""
    keys = _versioned_ids(request, "view")
    for key in keys:
        project.schema.views.pop(key, None)
    project.schema.changed()
    return {
        "items": [{"space": space, "externalId": xid, "version": version} for space, xid, version in keys]
    }


def _versioned_ids(request: ApiRequest, what: str) -> list[tuple[str, str, str]]:
    keys = []
    for index, (space, external_id, version) in enumerate(_view_ids(request)):
        if version is None:
            raise EmulatorRequestError(f"items[{index}]: deleting a {what} needs its version.")
        keys.append((space, external_id, version))
    return keys


# -- data models ------------------------------------------------------------------------------
def put_data_models(project: Project, raw_items: Iterable[Any]) -> list[dict[str, Any]]:
    """Validate and store data models and the views they carry inline; returns the models."""
    now = project.now()
    models = []
    inline_views: list[dict[str, Any]] = []
    for item in raw_items:
        model, inline = normalize_data_model(item, now)
        models.append(model)
        inline_views.extend(inline)
    for index, model in enumerate(models):
        check_schema_external_id(model["externalId"], f"items[{index}].externalId")
        check_version(model["version"], f"items[{index}].version")
    _require_spaces(project, (model["space"] for model in models))
    keys = [(model["space"], model["externalId"], model["version"]) for model in models]
    _duplicates(keys, lambda key: {"space": key[0], "externalId": key[1], "version": key[2]})
    inline_keys = {(view["space"], view["externalId"], view["version"]) for view in inline_views}
    missing = [
        _view_missing(ref)
        for model in models
        for ref in model["views"]
        if (ref["space"], ref["externalId"], ref["version"]) not in project.schema.views
        and (ref["space"], ref["externalId"], ref["version"]) not in inline_keys
    ]
    if missing:
        raise EmulatorRequestError("The data models list views that do not exist.", missing=missing)
    if inline_views:
        unique: dict[tuple[str, str, str], dict[str, Any]] = {}
        for view in inline_views:
            unique[(view["space"], view["externalId"], view["version"])] = view
        put_views(project, unique.values())
    for key, model in zip(keys, models, strict=True):
        project.schema.data_models[key] = _keep_created_time(model, project.schema.data_models.get(key))
    project.schema.changed()
    return models


def apply_data_models(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/datamodels``."""
    return {"items": put_data_models(project, request.items(SCHEMA_ITEMS_MAX))}


def _render_model(project: Project, model: dict[str, Any], inline: bool) -> dict[str, Any]:
    if not inline:
        return dict(model)
    return {**model, "views": list(project.schema.views_of_data_model(model))}


def list_data_models(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``GET /models/datamodels``."""
    models = _visible(project.schema.data_models.values(), request)
    if not request.query_flag("allVersions", False):
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for model in models:
            current = latest.get((model["space"], model["externalId"]))
            if current is None or model["createdTime"] >= current["createdTime"]:
                latest[(model["space"], model["externalId"])] = model
        models = [model for model in models if latest[(model["space"], model["externalId"])] is model]
    inline = request.query_flag("inlineViews", False)
    return _page(request, "datamodels", models, lambda model: _render_model(project, model, inline))


def data_models_by_ids(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/datamodels/byids``: the models that exist (the latest version when none is given)."""
    inline = request.query_flag("inlineViews", False)
    found: list[dict[str, Any]] = []
    for space, external_id, version in _view_ids(request):
        candidates = [
            model
            for key, model in project.schema.data_models.items()
            if key[:2] == (space, external_id) and (version is None or key[2] == version)
        ]
        if version is None and candidates:
            candidates = [max(candidates, key=lambda model: model["createdTime"])]
        found.extend(_render_model(project, model, inline) for model in candidates)
    return {"items": found}


def delete_data_models(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/datamodels/delete`` (the views stay, as in CDF)."""
    keys = _versioned_ids(request, "data model")
    for key in keys:
        project.schema.data_models.pop(key, None)
    project.schema.changed()
    return {
        "items": [{"space": space, "externalId": xid, "version": version} for space, xid, version in keys]
    }
