"""Reading instances: ``POST /models/instances/list`` and ``POST /models/instances/byids``.

Listing costs O(page) per request when no sort is given: the cursor is a position in the store's
slot order, and a page is read from there. A sorted list sorts once, keeps the sorted identities
as a snapshot and pages through it; if the snapshot has been forgotten the sort is redone, which
gives the same order for the same data. Instances deleted between pages are skipped.

When ``sources`` are given, only instances with data in every listed view are returned, as the API
documentation states for this endpoint.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from pygen_runtime.testing._api_request import ApiRequest, decode_cursor, encode_cursor
from pygen_runtime.testing._errors import EmulatorRequestError
from pygen_runtime.testing._filters import compile_filter
from pygen_runtime.testing._identifiers import check_instance_external_id, check_space
from pygen_runtime.testing._limits import INSTANCE_ITEMS_MAX, LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, SOURCES_MAX
from pygen_runtime.testing._project import Project
from pygen_runtime.testing._serialize import instances_to_json, typing_for
from pygen_runtime.testing._sorting import sort_key
from pygen_runtime.testing._store import StoredInstance

__all__ = ["by_ids", "instance_type_of", "list_instances", "parse_sources", "require_view"]

ViewKey = tuple[str, str, str]
Predicate = Callable[[StoredInstance], bool]


def require_view(project: Project, ref: Any, where: str) -> ViewKey:
    """The key of an existing view named by ``ref``; 400 with ``missing`` if there is no such view."""
    if not isinstance(ref, Mapping) or not all(
        isinstance(ref.get(key), str) for key in ("space", "externalId")
    ):
        raise EmulatorRequestError(f'{where} must be a view reference {{"space", "externalId", "version"}}.')
    version = ref.get("version")
    if version is None:
        version = project.schema.latest_view_version(ref["space"], ref["externalId"])
    key = (ref["space"], ref["externalId"], str(version))
    if key not in project.schema.views:
        raise EmulatorRequestError(
            f"{where}: view {key[0]}:{key[1]}/{key[2]} does not exist.",
            missing=[{"type": "view", "space": key[0], "externalId": key[1], "version": key[2]}],
        )
    return key


def parse_sources(project: Project, raw: Any, where: str = "sources") -> list[ViewKey]:
    """The views of a ``sources`` list (``[{"source": view reference}]``), each checked to exist."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise EmulatorRequestError(f'{where} must be a list of {{"source": view reference}} objects.')
    if len(raw) > SOURCES_MAX:
        raise EmulatorRequestError(f"{where} lists {len(raw)} views; CDF accepts at most {SOURCES_MAX}.")
    keys = []
    missing = []
    for index, entry in enumerate(raw):
        ref = entry.get("source") if isinstance(entry, Mapping) else None
        try:
            keys.append(require_view(project, ref, f"{where}[{index}].source"))
        except EmulatorRequestError as error:
            if not error.missing:
                raise
            missing.extend(error.missing)
    if missing:
        raise EmulatorRequestError(f"{where} names views that do not exist.", missing=missing)
    return keys


def instance_type_of(body: Mapping[str, Any], default: str = "node") -> str:
    """The request's ``instanceType``: ``node`` or ``edge``."""
    instance_type = body.get("instanceType", default)
    if instance_type not in ("node", "edge"):
        raise EmulatorRequestError(f"instanceType must be 'node' or 'edge', got {instance_type!r}.")
    return str(instance_type)


def _with_data_in(project: Project, sources: list[ViewKey], flt: Any) -> Any:
    if not sources:
        return flt
    has_data = {
        "hasData": [{"type": "view", "space": s, "externalId": x, "version": v} for s, x, v in sources]
    }
    return has_data if flt is None else {"and": [has_data, flt]}


def _matching(
    project: Project, instance_type: str, predicate: Predicate, start: int
) -> Iterator[tuple[int, StoredInstance]]:
    for position, inst in project.store.live_from(start):
        if inst.instance_type == instance_type and predicate(inst):
            yield position, inst


def list_instances(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/instances/list``."""
    body = request.json_body()
    instance_type = instance_type_of(body)
    limit = request.limit(LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX)
    sources = parse_sources(project, body.get("sources"))
    predicate = compile_filter(
        _with_data_in(project, sources, body.get("filter")), project.schema, store=project.store
    )
    sort = body.get("sort") or None
    cursor = body.get("cursor")
    if sort is None:
        start = 0 if cursor is None else int(decode_cursor(cursor, "list").get("pos", 0))
        page: list[StoredInstance] = []
        next_position = None
        for position, inst in _matching(project, instance_type, predicate, start):
            page.append(inst)
            if len(page) == limit:
                next_position = position + 1
                break
        next_cursor = None if next_position is None else encode_cursor("list", pos=next_position)
    else:
        page, next_cursor = _sorted_page(project, instance_type, predicate, sort, limit, cursor)
    response: dict[str, Any] = {"items": instances_to_json(page, sources, project.schema)}
    if body.get("includeTyping"):
        response["typing"] = typing_for(sources, project.schema)
    if next_cursor is not None:
        response["nextCursor"] = next_cursor
    return response


def _sorted_page(
    project: Project, instance_type: str, predicate: Predicate, sort: Any, limit: int, cursor: Any
) -> tuple[list[StoredInstance], str | None]:
    key = sort_key(sort, project.schema)
    snapshot_id: int | None = None
    offset = 0
    order: list[tuple[str, str]] | None = None
    if cursor is not None:
        state = decode_cursor(cursor, "sorted")
        offset = int(state.get("off", 0))
        snapshot_id = state.get("snap")
        order = project.snapshot(snapshot_id)
    if order is None:
        ranked = sorted((inst for _, inst in _matching(project, instance_type, predicate, 0)), key=key)
        order = [inst.key for inst in ranked]
        snapshot_id = project.keep_snapshot(order)
    page = []
    for identity in order[offset : offset + limit]:
        inst = project.store.get(instance_type, *identity)
        if inst is not None:
            page.append(inst)
    end = offset + limit
    next_cursor = encode_cursor("sorted", snap=snapshot_id, off=end) if end < len(order) else None
    return page, next_cursor


def by_ids(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/instances/byids``: the instances that exist, in request order."""
    body = request.json_body()
    sources = parse_sources(project, body.get("sources"))
    found = []
    for index, item in enumerate(request.items(INSTANCE_ITEMS_MAX)):
        instance_type = instance_type_of(item)
        space = check_space(item.get("space"), f"items[{index}].space")
        external_id = check_instance_external_id(item.get("externalId"), f"items[{index}].externalId")
        inst = project.store.get(instance_type, space, external_id)
        if inst is not None:
            found.append(inst)
    response: dict[str, Any] = {"items": instances_to_json(found, sources, project.schema)}
    if body.get("includeTyping"):
        response["typing"] = typing_for(sources, project.schema)
    return response
