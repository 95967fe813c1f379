"""Writing instances: ``POST /models/instances`` (upsert) and ``POST /models/instances/delete``.

An apply is a transaction, as in CDF: every item is checked (identities, spaces, sources, value
types, required and immutable properties, versions, edge end nodes, direct relation targets)
before anything is stored, and one bad item fails the whole request with a message naming it.

Semantics taken from the API documentation:

- ``sources`` patch by default: only the named properties change. With ``replace: true`` every
  property of each container the source maps is rewritten; omitted ones fall back to the
  container's default or null.
- ``existingVersion`` fails the request (409) when the stored version is greater; ``0`` means
  "insert only". ``skipOnVersionConflict`` leaves such items out instead (they are not returned).
- An item equal to the stored instance changes nothing: same version, same ``lastUpdatedTime``,
  ``wasModified: false``.
- Missing edge end nodes are created only with ``autoCreateStartNodes``/``autoCreateEndNodes``;
  missing direct relation targets (and node types) are created unless
  ``autoCreateDirectRelations`` is false, and never when the direct relation requires a container.
- Deleting a node deletes the edges at it. Deleting something that does not exist is not an
  error (the end state is what was asked for), but a space that does not exist is.
- The optional ``delete`` list of an apply runs after its writes.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pygen_runtime.testing._api_request import ApiRequest
from pygen_runtime.testing._encoded_json import EncodedJson, encode_json
from pygen_runtime.testing._errors import ConflictError, EmulatorRequestError
from pygen_runtime.testing._gc_pause import collector_paused
from pygen_runtime.testing._identifiers import check_instance_external_id, check_space
from pygen_runtime.testing._limits import INSTANCE_ITEMS_MAX
from pygen_runtime.testing._new_node_writes import auto_node, insert_new_nodes, slim_answer
from pygen_runtime.testing._project import Project
from pygen_runtime.testing._store import InstanceKey, StoredInstance
from pygen_runtime.testing._value_types import NOT_DECIDED, check_value
from pygen_runtime.testing._write_plans import ContainerWritePlan, container_write_plan
from pygen_runtime.testing._write_sources import WriteSource, resolve_source, source_key

__all__ = ["apply_instances", "delete_instances", "write_instances"]

ContainerKey = tuple[str, str]


@dataclass(slots=True)
class _Item:
    index: int
    instance_type: str
    space: str
    external_id: str
    existing_version: int | None
    type: tuple[str, str] | None
    start_node: tuple[str, str] | None
    end_node: tuple[str, str] | None
    writes: dict[ContainerKey, dict[str, Any]] = field(default_factory=dict)
    replaced: set[ContainerKey] = field(default_factory=set)

    @property
    def key(self) -> InstanceKey:
        return (self.space, self.external_id)

    @property
    def where(self) -> str:
        return f"items[{self.index}] ({self.instance_type} {self.space}:{self.external_id})"


def _node_ref(value: Any, where: str) -> tuple[str, str]:
    if not isinstance(value, Mapping) or not isinstance(value.get("space"), str):
        raise EmulatorRequestError(
            f'{where} must be {{"space": ..., "externalId": ...}}, got {json.dumps(value)}.'
        )
    return (
        sys.intern(check_space(value["space"], f"{where}.space")),
        check_instance_external_id(value.get("externalId"), f"{where}.externalId"),
    )


class _Writer:
    def __init__(self, project: Project, options: Mapping[str, Any], *, check_required: bool) -> None:
        self.project = project
        self.check_required = check_required
        self.schema = project.schema
        self.store = project.store
        self.replace = bool(options.get("replace", False))
        self.skip_conflicts = bool(options.get("skipOnVersionConflict", False))
        self.auto_direct = bool(options.get("autoCreateDirectRelations", True))
        self.auto_start = bool(options.get("autoCreateStartNodes", False))
        self.auto_end = bool(options.get("autoCreateEndNodes", False))
        self._sources: dict[tuple[str, ...], WriteSource | None] = {}
        self._plans: dict[ContainerKey, ContainerWritePlan] = {}
        self._highest_stored: dict[tuple[ContainerKey, str], int] = {}
        # Spaces of this request's items that passed check_space, each as its interned string.
        self._valid_spaces: dict[str, str] = {}

    def _plan(self, container: ContainerKey) -> ContainerWritePlan:
        plan = self._plans.get(container)
        if plan is None:
            plan = self._plans[container] = container_write_plan(self.schema, container)
        return plan

    # -- sources -------------------------------------------------------------------------
    def _source(self, ref: Any, where: str, missing: list[dict[str, Any]]) -> WriteSource | None:
        if type(ref) is not dict and not isinstance(ref, Mapping):
            raise EmulatorRequestError(f"{where}.source must be a view or container reference.")
        key = source_key(ref)
        if key is None:
            kind = ref["type"]
            raise EmulatorRequestError(f"{where}.source.type must be 'view' or 'container', not {kind!r}.")
        if key not in self._sources:
            self._sources[key] = resolve_source(self.schema, key)
        source = self._sources[key]
        if source is None:
            reference = {"type": key[0], "space": key[1], "externalId": key[2]}
            if key[0] == "view":
                reference["version"] = key[3]
            if reference not in missing:
                missing.append(reference)
        return source

    # -- parsing -------------------------------------------------------------------------
    def parse(self, index: int, raw: Mapping[str, Any], missing: list[dict[str, Any]]) -> _Item:
        where = f"items[{index}]"
        instance_type = raw.get("instanceType")
        if instance_type not in ("node", "edge"):
            raise EmulatorRequestError(
                f"{where}.instanceType must be 'node' or 'edge', got {json.dumps(instance_type)}."
            )
        raw_space = raw.get("space")
        space = self._valid_spaces.get(raw_space) if type(raw_space) is str else None
        if space is None:
            # Interned: a space name repeats in every instance of the space.
            space = sys.intern(check_space(raw_space, f"{where}.space"))
            self._valid_spaces[space] = space
        external_id = raw.get("externalId")
        if type(external_id) is not str or not 1 <= len(external_id) <= 256 or "\x00" in external_id:
            external_id = check_instance_external_id(external_id, f"{where}.externalId")
        existing_version = raw.get("existingVersion")
        if existing_version is not None and (
            isinstance(existing_version, bool) or not isinstance(existing_version, int)
        ):
            raise EmulatorRequestError(f"{where}.existingVersion must be an integer.")
        type_ref = raw.get("type")
        item = _Item(
            index=index,
            instance_type=instance_type,
            space=space,
            external_id=external_id,
            existing_version=existing_version,
            type=None if type_ref is None else _node_ref(type_ref, f"{where}.type"),
            start_node=None,
            end_node=None,
        )
        if instance_type == "edge":
            if type_ref is None:
                raise EmulatorRequestError(f"{where}: an edge needs a 'type' (a node reference).")
            item.start_node = _node_ref(raw.get("startNode"), f"{where}.startNode")
            item.end_node = _node_ref(raw.get("endNode"), f"{where}.endNode")
        sources = raw.get("sources") or []
        if not isinstance(sources, list):
            raise EmulatorRequestError(f"{where}.sources must be a list of {{source, properties}} objects.")
        for number, entry in enumerate(sources):
            entry_where = f"{where}.sources[{number}]"
            if type(entry) is not dict and not isinstance(entry, Mapping):
                raise EmulatorRequestError(f"{entry_where} must be an object with 'source' and 'properties'.")
            source = self._source(entry.get("source"), entry_where, missing)
            if source is None:
                continue
            self._collect(item, source, entry.get("properties") or {}, entry_where)
        return item

    def _collect(self, item: _Item, source: WriteSource, values: Any, where: str) -> None:
        if item.instance_type not in source.used_for:
            raise EmulatorRequestError(
                f"{item.where}: {source.label} is for {'/'.join(sorted(source.used_for))}s; "
                f"it cannot hold data for a {item.instance_type}."
            )
        if type(values) is not dict and not isinstance(values, Mapping):
            raise EmulatorRequestError(f"{where}.properties must be an object of property values.")
        targets = source.targets
        writes = item.writes
        for name, value in values.items():
            target = targets.get(name)
            if target is None:
                raise EmulatorRequestError(
                    f"{item.where}: {source.label} has no writable property {name!r} "
                    f"(writable: {', '.join(sorted(source.targets)) or 'none'})."
                )
            checked = None if value is None else target.check(value)
            if checked is NOT_DECIDED:
                checked = check_value(target.prop["type"], value, f"{item.where} property {name!r}")
            row = writes.get(target.container)
            if row is None:
                row = writes[target.container] = {}
            row[target.identifier] = checked
        if self.replace:
            item.replaced.update(source.containers)
        for container in source.containers:
            item.writes.setdefault(container, {})

    # -- building ------------------------------------------------------------------------
    def build(self, item: _Item, existing: StoredInstance | None, now: int) -> StoredInstance:
        data: dict[ContainerKey, dict[str, Any]] = {}
        if existing is not None:
            data = {key: dict(values) for key, values in existing.data.items()}
        plans = self._plans
        for container, values in item.writes.items():
            plan = plans.get(container) or self._plan(container)
            fresh = container not in data or container in item.replaced
            row = {} if fresh else data[container]
            if fresh:
                for fill in plan.fills:
                    identifier = fill.identifier
                    if identifier in values:
                        continue
                    if fill.has_default:
                        default = fill.shared_default
                        if default is NOT_DECIDED:
                            prop = fill.prop
                            default = check_value(
                                prop["type"], prop["defaultValue"], f"default of {identifier}"
                            )
                        row[identifier] = default
                    else:
                        # A replace keeps the number the instance already has: it is an identity.
                        previous = data.get(container, {}).get(identifier)
                        row[identifier] = (
                            previous if previous is not None else self._next_increment(container, identifier)
                        )
            if existing is not None and plan.immutable:
                for identifier, value in values.items():
                    old = row.get(identifier)
                    if identifier in plan.immutable and old is not None and old != value:
                        raise EmulatorRequestError(
                            f"{item.where}: property {identifier!r} of container "
                            f"{container[0]}:{container[1]} "
                            "is immutable and already set; it cannot be changed."
                        )
            for identifier, value in values.items():
                if value is None:
                    row.pop(identifier, None)
                else:
                    row[identifier] = value
            if self.check_required:
                for identifier in plan.required:
                    if row.get(identifier) is None:
                        raise EmulatorRequestError(
                            f"{item.where}: required property {identifier!r} of container "
                            f"{container[0]}:{container[1]} has no value; set it in the sources."
                        )
            data[container] = row
        return StoredInstance(
            instance_type=item.instance_type,
            space=item.space,
            external_id=item.external_id,
            version=1,
            created_time=now,
            last_updated_time=now,
            deleted_time=None,
            type=item.type,
            start_node=item.start_node,
            end_node=item.end_node,
            data=data,
        )

    def _next_increment(self, container: ContainerKey, identifier: str) -> int:
        # Nothing is stored while a request is planned, so one scan of the store per request
        # and property gives every item the same answer the item's own scan would.
        key = (container, identifier)
        highest = self._highest_stored.get(key)
        if highest is None:
            highest = 0
            for inst in self.store.live():
                value = inst.data.get(container, {}).get(identifier)
                if isinstance(value, int) and value > highest:
                    highest = value
            self._highest_stored[key] = highest
        return highest + 1

    def direct_targets(self, inst: StoredInstance) -> list[tuple[tuple[str, str], ContainerKey | None]]:
        """Nodes the instance's direct relations point to, with the container each one requires."""
        targets: list[tuple[tuple[str, str], ContainerKey | None]] = []
        plans = self._plans
        for container, row in inst.data.items():
            direct = (plans.get(container) or self._plan(container)).direct
            if not direct:
                continue
            for identifier, value in row.items():
                if identifier not in direct:
                    continue
                required_key = direct[identifier]
                for ref in value if isinstance(value, list) else [value]:
                    targets.append(((ref["space"], ref["externalId"]), required_key))
        return targets


def _require_spaces(project: Project, spaces: set[str]) -> None:
    missing = sorted(space for space in spaces if space not in project.schema.spaces)
    if missing:
        raise EmulatorRequestError(
            "One or more spaces do not exist: "
            + ", ".join(missing)
            + ". Create them first (POST /models/spaces).",
            missing=[{"space": space} for space in missing],
        )


def write_instances(
    project: Project, raw_items: list[Any], options: Mapping[str, Any], *, check_required: bool = True
) -> list[dict[str, Any]]:
    """Validate and upsert instances; returns the slim items CDF answers with.

    ``check_required=False`` skips the check that required container properties have values; it
    is for loading read-format snapshots, which show only the properties of the views read.
    """
    with collector_paused():
        inserted = insert_new_nodes(project, raw_items, options, check_required=check_required)
        if inserted is not None:
            return inserted.answers()
        return _write_instances(project, raw_items, options, check_required=check_required)


def _write_instances(
    project: Project, raw_items: list[Any], options: Mapping[str, Any], *, check_required: bool
) -> list[dict[str, Any]]:
    writer = _Writer(project, options, check_required=check_required)
    store = project.store
    missing: list[dict[str, Any]] = []
    items = [writer.parse(index, raw, missing) for index, raw in enumerate(raw_items)]
    if missing:
        raise EmulatorRequestError("The sources name views or containers that do not exist.", missing=missing)
    seen: set[InstanceKey] = set()
    duplicated = []
    for item in items:
        if item.key in seen:
            duplicated.append(
                {"instanceType": item.instance_type, "space": item.space, "externalId": item.external_id}
            )
        seen.add(item.key)
    if duplicated:
        raise EmulatorRequestError(
            "The request names the same instance more than once.", duplicated=duplicated
        )
    _require_spaces(project, {item.space for item in items})

    now = project.now()
    planned: list[tuple[_Item, StoredInstance | None, StoredInstance]] = []
    for item in items:
        existing = store.get_any(item.space, item.external_id)
        if existing is not None and existing.deleted_time is not None:
            existing = None
        if existing is not None and existing.instance_type != item.instance_type:
            raise EmulatorRequestError(
                f"{item.where}: {item.space}:{item.external_id} already exists as a "
                f"{existing.instance_type}; "
                "nodes and edges share one set of identifiers per space."
            )
        if item.existing_version is not None:
            current = 0 if existing is None else existing.version
            conflict = (
                item.existing_version == 0 and existing is not None
            ) or current > item.existing_version
            if conflict:
                if writer.skip_conflicts:
                    continue
                raise ConflictError(
                    f"{item.where}: version conflict: the stored version is {current}, "
                    f"existingVersion was {item.existing_version}."
                )
        planned.append((item, existing, writer.build(item, existing, now)))

    # Nodes created by this request (items, auto-created end nodes and targets) count as existing.
    incoming_nodes = {item.key for item, _, _ in planned if item.instance_type == "node"}

    planned_nodes = {item.key: inst for item, _, inst in planned if item.instance_type == "node"}

    def node_exists(key: tuple[str, str]) -> bool:
        return key in incoming_nodes or store.get("node", *key) is not None

    auto_nodes: dict[tuple[str, str], StoredInstance] = {}
    missing_nodes: list[dict[str, Any]] = []
    for item, _, inst in planned:
        ends = []
        if item.start_node is not None:
            ends.append((item.start_node, writer.auto_start))
        if item.end_node is not None:
            ends.append((item.end_node, writer.auto_end))
        for node, may_create in ends:
            if node_exists(node) or node in auto_nodes:
                continue
            if may_create:
                auto_nodes[node] = auto_node(*node, now)
            else:
                missing_nodes.append({"space": node[0], "externalId": node[1]})
        targets = writer.direct_targets(inst)
        if item.type is not None and item.instance_type == "node":
            targets.append((item.type, None))
        for node, required in targets:
            if required is not None:
                holder = planned_nodes.get(node) or store.get("node", *node)
                if holder is None or required not in holder.data:
                    raise EmulatorRequestError(
                        f"{item.where}: the direct relation to {node[0]}:{node[1]} requires that node "
                        "to have "
                        f"data in container {required[0]}:{required[1]}; write that node first."
                    )
                continue
            if node_exists(node) or node in auto_nodes:
                continue
            if writer.auto_direct:
                auto_nodes[node] = auto_node(*node, now)
            else:
                missing_nodes.append({"space": node[0], "externalId": node[1]})
    if missing_nodes:
        unique = [dict(pair) for pair in dict.fromkeys(tuple(ref.items()) for ref in missing_nodes)]
        raise EmulatorRequestError(
            "Nodes referenced by the request do not exist; create them first or set the autoCreate "
            "flags (autoCreateStartNodes, autoCreateEndNodes, autoCreateDirectRelations).",
            missing=unique,
        )
    _require_spaces(project, {node[0] for node in auto_nodes})

    for auto in auto_nodes.values():
        store.put(auto)
    results = []
    for _item, existing, inst in planned:
        if existing is not None:
            unchanged = (
                inst.data == existing.data
                and inst.type == existing.type
                and inst.start_node == existing.start_node
                and inst.end_node == existing.end_node
            )
            if unchanged:
                results.append(slim_answer(existing, False))
                continue
            inst.version = existing.version + 1
            inst.created_time = existing.created_time
        store.put(inst)
        results.append(slim_answer(inst, True))
    return results


def _delete(project: Project, raw_items: list[Any], skip_conflicts: bool) -> list[dict[str, Any]]:
    store = project.store
    targets = []
    for index, raw in enumerate(raw_items):
        where = f"items[{index}]"
        instance_type = raw.get("instanceType", "node")
        if instance_type not in ("node", "edge"):
            raise EmulatorRequestError(f"{where}.instanceType must be 'node' or 'edge'.")
        space = check_space(raw.get("space"), f"{where}.space")
        external_id = check_instance_external_id(raw.get("externalId"), f"{where}.externalId")
        targets.append((instance_type, space, external_id, raw.get("existingVersion")))
    _require_spaces(project, {space for _, space, _, _ in targets})
    now = project.now()
    doomed: list[StoredInstance] = []
    deleted = []
    for instance_type, space, external_id, existing_version in targets:
        inst = store.get(instance_type, space, external_id)
        if inst is not None and isinstance(existing_version, int) and inst.version > existing_version:
            if skip_conflicts:
                continue
            raise ConflictError(
                f"Version conflict deleting {instance_type} {space}:{external_id}: the stored version is "
                f"{inst.version}, existingVersion was {existing_version}."
            )
        deleted.append({"instanceType": instance_type, "space": space, "externalId": external_id})
        if inst is not None:
            doomed.append(inst)
    for inst in doomed:
        if inst.instance_type == "node":
            for edge in store.edges_at(inst.space, inst.external_id):
                store.mark_deleted(edge, now)
        store.mark_deleted(inst, now)
    return deleted


def apply_instances(project: Project, request: ApiRequest) -> dict[str, Any] | EncodedJson:
    """``POST /models/instances``."""
    items = request.items(INSTANCE_ITEMS_MAX, allow_empty=True)
    deletes = request.items(INSTANCE_ITEMS_MAX, key="delete", allow_empty=True)
    if len(items) + len(deletes) > INSTANCE_ITEMS_MAX:
        raise EmulatorRequestError(
            f"items and delete together hold {len(items) + len(deletes)} instances; "
            f"CDF accepts at most {INSTANCE_ITEMS_MAX} per request."
        )
    options = {
        name: request.flag(name, default)
        for name, default in (
            ("replace", False),
            ("skipOnVersionConflict", False),
            ("autoCreateDirectRelations", True),
            ("autoCreateStartNodes", False),
            ("autoCreateEndNodes", False),
        )
    }
    with collector_paused():
        inserted = insert_new_nodes(project, items, options, check_required=True)
        if inserted is None:
            response: dict[str, Any] = {
                "items": _write_instances(project, items, options, check_required=True)
            }
            if deletes:
                response["deleted"] = _delete(project, deletes, options["skipOnVersionConflict"])
            return response
    # Only new nodes: the answer is written from a template (the same text, at a tenth of the cost).
    answer = '{"items":' + inserted.answers_json()
    if deletes:
        answer += ',"deleted":' + encode_json(_delete(project, deletes, options["skipOnVersionConflict"]))
    return EncodedJson((answer + "}").encode("utf-8"))


def delete_instances(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/instances/delete``."""
    return {"items": _delete(project, request.items(INSTANCE_ITEMS_MAX), False)}
