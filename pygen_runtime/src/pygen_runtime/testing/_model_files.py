"""Loading model files and instance files into an emulated project.

Model documents: a data model with inline views (the cognite-sdk dump of
``/models/datamodels/byids?inlineViews=true`` as in ``shared/cdf/models``, or the raw API JSON), a
list of them, an ``{"items": [...]}`` response, or a bundle
``{"spaces": [...], "containers": [...], "views": [...], "dataModels": [...]}``. Spaces that do not
exist are created, and containers the document does not define are inferred from the views'
mapped properties (each carries its container property's type and constraints).

Instance documents: nodes and edges in the read format (``properties: {space: {"view/version":
{...}}}``, as ``instances/Omni.nodes.yaml``) or the write format (``sources: [...]``, as
``instances/write/*.yaml``), as a list or ``{"items": [...]}``. They are applied through the same
code as ``POST /models/instances``, with every auto-create flag on, in chunks of CDF's maximum.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pygen_runtime.testing._errors import EmulatorRequestError
from pygen_runtime.testing._instance_writes import write_instances
from pygen_runtime.testing._limits import INSTANCE_ITEMS_MAX
from pygen_runtime.testing._project import Project
from pygen_runtime.testing._schema_api import put_containers, put_data_models, put_spaces, put_views
from pygen_runtime.testing._schema_shapes import infer_containers, normalize_view

__all__ = ["ModelFileError", "load_instances", "load_schema", "read_document"]


class ModelFileError(ValueError):
    """A model or instance file that cannot be loaded; the message names the file and the fix."""


def read_document(path: str | Path) -> Any:
    """Parse a ``.yaml``/``.yml`` or ``.json`` file.

    Parsed files are remembered (by path, size and modification time) because test suites load
    the same model files into many fresh emulators; callers must not modify what they get.
    """
    file = Path(path)
    try:
        stat = file.stat()
    except OSError:
        raise ModelFileError(f"{file}: no such file.") from None
    if not file.is_file():
        raise ModelFileError(f"{file}: not a file.")
    return _parse(str(file.resolve()), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _parse(path: str, size: int, mtime_ns: int) -> Any:
    file = Path(path)
    text = file.read_text(encoding="utf-8")
    if file.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except ValueError as error:
            raise ModelFileError(f"{file}: not valid JSON ({error}).") from None
    if file.suffix.lower() not in (".yaml", ".yml"):
        raise ModelFileError(f"{file}: unknown file type; use .yaml, .yml or .json.")
    try:
        import yaml
    except ImportError:  # pragma: no cover - pyyaml is installed wherever the tests run
        raise ModelFileError(
            f"{file}: reading YAML needs PyYAML; install it with `pip install pygen-runtime[testing]`."
        ) from None
    # libyaml's loader is ~10x faster than the pure-Python one when PyYAML was built with it.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(text, Loader=loader)
    except yaml.YAMLError as error:
        raise ModelFileError(f"{file}: not valid YAML ({error}).") from None


def _document(source: str | Path | Mapping[str, Any] | list[Any]) -> tuple[Any, str]:
    if isinstance(source, (str, Path)):
        return read_document(source), str(source)
    return source, "document"


def _items(document: Any, name: str, what: str) -> list[Any]:
    if isinstance(document, Mapping) and isinstance(document.get("items"), list):
        return list(document["items"])
    if isinstance(document, list):
        return document
    if isinstance(document, Mapping):
        return [document]
    raise ModelFileError(
        f"{name}: expected {what} (an object, a list, or {{'items': [...]}}), got {type(document).__name__}."
    )


def _bundle_key(document: Mapping[str, Any], name: str, *keys: str) -> list[Any]:
    for key in keys:
        if key in document:
            value = document[key]
            if not isinstance(value, list):
                raise ModelFileError(f"{name}: '{key}' must be a list.")
            return value
    return []


def load_schema(project: Project, source: str | Path | Mapping[str, Any] | list[Any]) -> None:
    """Load a model document (see the module docstring) into ``project``."""
    document, name = _document(source)
    is_bundle = (
        isinstance(document, Mapping)
        and any(key in document for key in ("spaces", "containers", "dataModels", "datamodels"))
        and "version" not in document
    )
    if is_bundle:
        assert isinstance(document, Mapping)
        spaces = _bundle_key(document, name, "spaces")
        containers = _bundle_key(document, name, "containers")
        views = _bundle_key(document, name, "views")
        models = _bundle_key(document, name, "dataModels", "datamodels", "data_models")
    else:
        spaces, containers, views = [], [], []
        models = _items(document, name, "a data model")
    try:
        _load(project, spaces, containers, views, models)
    except EmulatorRequestError as error:
        detail = f" Missing: {json.dumps(error.missing)}." if error.missing else ""
        raise ModelFileError(f"{name}: {error.message}{detail}") from None


def _load(
    project: Project, spaces: list[Any], containers: list[Any], views: list[Any], models: list[Any]
) -> None:
    now = project.now()
    all_views = list(views)
    for model in models:
        if not isinstance(model, Mapping):
            raise EmulatorRequestError(
                "A data model must be an object with space, externalId, version and views."
            )
        all_views.extend(
            view for view in model.get("views") or [] if isinstance(view, Mapping) and "properties" in view
        )
    wanted_spaces = {
        str(item["space"])
        for item in [*spaces, *containers, *all_views, *models]
        if isinstance(item, Mapping) and "space" in item
    }
    defined = {
        (str(container.get("space")), str(container.get("externalId")))
        for container in containers
        if isinstance(container, Mapping)
    }
    # CDF's own spaces (cdf_cdm, ...) hold global items; a space holding one is global too.
    global_spaces = {
        str(item["space"])
        for item in [*containers, *all_views, *models]
        if isinstance(item, Mapping) and item.get("isGlobal")
    }
    inferred = []
    for container in infer_containers(all_views, now):
        key = (container["space"], container["externalId"])
        if key in defined:
            continue
        existing = project.schema.containers.get(key)
        if existing is not None:
            # Several model files may each see a part of a shared container: grow it.
            added = {
                name: prop
                for name, prop in container["properties"].items()
                if name not in existing["properties"]
            }
            if not added:
                continue
            container = {**existing, "properties": {**existing["properties"], **added}}
        inferred.append(container)
    wanted_spaces.update(container["space"] for container in inferred)
    global_spaces.update(container["space"] for container in inferred if container["isGlobal"])
    new_spaces = [
        {"space": space, "isGlobal": space in global_spaces}
        for space in sorted(wanted_spaces)
        if space not in project.schema.spaces
    ]
    if spaces or new_spaces:
        given = {str(space.get("space")) for space in spaces if isinstance(space, Mapping)}
        put_spaces(project, [*spaces, *(space for space in new_spaces if space["space"] not in given)])
    if containers or inferred:
        put_containers(project, [*containers, *inferred])
    own = _own_properties([normalize_view(view, now) for view in all_views if isinstance(view, Mapping)])
    if views:
        put_views(project, [own.get(_view_key(view), view) for view in views])
    if models:
        put_data_models(
            project,
            [
                {
                    **model,
                    "views": [
                        own.get(_view_key(view), view) if isinstance(view, Mapping) else view
                        for view in model.get("views") or []
                    ],
                }
                for model in models
            ],
        )


def _view_key(view: Mapping[str, Any]) -> tuple[str, str, str]:
    return (str(view.get("space")), str(view.get("externalId")), str(view.get("version")))


def _own_properties(views: list[dict[str, Any]]) -> dict[tuple[str, str, str], dict[str, Any]]:
    """The views with the properties they inherit unchanged left out.

    A dump lists inherited properties among a view's own (it is what CDF returns by default);
    keeping them would make ``includeInheritedProperties=false`` answer with everything.
    """
    by_key = {_view_key(view): view for view in views}

    def inherited(key: tuple[str, str, str], seen: frozenset[tuple[str, str, str]]) -> dict[str, Any]:
        view = by_key.get(key)
        if view is None or key in seen:
            return {}
        merged: dict[str, Any] = {}
        for parent in view["implements"]:
            parent_key = _view_key(parent)
            merged.update(inherited(parent_key, seen | {key}))
            if parent_key in by_key:
                merged.update(by_key[parent_key]["properties"])
        return merged

    result = {}
    for key, view in by_key.items():
        from_parents = inherited(key, frozenset())
        own = {name: prop for name, prop in view["properties"].items() if from_parents.get(name) != prop}
        result[key] = {**view, "properties": own}
    return result


def _read_to_write(item: Mapping[str, Any]) -> dict[str, Any]:
    """A read-format instance as the write format (``properties`` become ``sources``)."""
    written: dict[str, Any] = {
        key: item[key]
        for key in ("instanceType", "space", "externalId", "type", "startNode", "endNode")
        if key in item
    }
    sources = []
    for space, views in (item.get("properties") or {}).items():
        for label, values in (views or {}).items():
            external_id, _, version = str(label).partition("/")
            source = (
                {"type": "view", "space": space, "externalId": external_id, "version": version}
                if version
                else {"type": "container", "space": space, "externalId": external_id}
            )
            sources.append({"source": source, "properties": dict(values or {})})
    if sources:
        written["sources"] = sources
    return written


def load_instances(project: Project, source: str | Path | Mapping[str, Any] | list[Any]) -> int:
    """Load an instance document (see the module docstring); returns the number of instances."""
    document, name = _document(source)
    items = []
    read_format = False
    for index, raw in enumerate(_items(document, name, "nodes and edges")):
        if not isinstance(raw, Mapping) or raw.get("instanceType") not in ("node", "edge"):
            raise ModelFileError(
                f"{name}: item {index} is not a node or edge (no instanceType 'node'/'edge'); the emulator "
                "serves the data-modeling API only, so time series, files and sequences cannot be loaded."
            )
        if "properties" in raw and "sources" not in raw:
            read_format = True
            items.append(_read_to_write(raw))
        else:
            items.append(dict(raw))
    missing_spaces = sorted({str(item.get("space")) for item in items} - set(project.schema.spaces))
    options = {
        "autoCreateDirectRelations": True,
        "autoCreateStartNodes": True,
        "autoCreateEndNodes": True,
    }
    try:
        if missing_spaces:
            put_spaces(project, [{"space": space} for space in missing_spaces])
        for start in range(0, len(items), INSTANCE_ITEMS_MAX):
            # A read-format snapshot shows only the properties of the views it was read through.
            write_instances(
                project, items[start : start + INSTANCE_ITEMS_MAX], options, check_required=not read_format
            )
    except EmulatorRequestError as error:
        detail = f" Missing: {json.dumps(error.missing)}." if error.missing else ""
        raise ModelFileError(f"{name}: {error.message}{detail}") from None
    return len(items)
