"""The fast path of an instance write: a request that only creates nodes, all of them valid.

Bulk loads and upserts into an empty project are almost all such requests: new nodes, each with
well-typed values for one or a few views. The general write path (``_instance_writes``) builds an
intermediate item per node, merges its values into the stored ones and words an error for each
problem; here each node's rows are built as its values are checked, in one pass, and nothing is
worded. Whatever this path does not handle, or any problem at all, makes it decline the whole
request *before* anything is stored or the clock is read, and the general path then runs from the
start: it decides every request this path declines, and words its errors.

What it accepts, it stores exactly as the general path would: the same rows in the same key
order, the same auto-created direct relation targets in the same order, the same answer.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard

from pygen_runtime.testing._encoded_json import encode_string
from pygen_runtime.testing._errors import EmulatorRequestError
from pygen_runtime.testing._identifiers import check_space
from pygen_runtime.testing._project import Project
from pygen_runtime.testing._schema_store import ContainerKey, SchemaStore
from pygen_runtime.testing._store import InstanceKey, StoredInstance
from pygen_runtime.testing._value_types import NOT_DECIDED, ValueCheck, check_value
from pygen_runtime.testing._write_plans import container_write_plan
from pygen_runtime.testing._write_sources import WriteSource, resolve_source, source_key

__all__ = ["InsertedNodes", "auto_node", "insert_new_nodes", "slim_answer"]


def slim_answer(inst: StoredInstance, modified: bool) -> dict[str, Any]:
    """The item CDF answers an apply with."""
    return {
        "instanceType": inst.instance_type,
        "space": inst.space,
        "externalId": inst.external_id,
        "version": inst.version,
        "wasModified": modified,
        "createdTime": inst.created_time,
        "lastUpdatedTime": inst.last_updated_time,
    }


@dataclass(frozen=True, slots=True)
class InsertedNodes:
    """The nodes the fast path stored, in request order, all at version 1 and created at ``now``."""

    nodes: list[StoredInstance]
    keys: list[InstanceKey]
    now: int

    def answers(self) -> list[dict[str, Any]]:
        """The apply's answer items, as :func:`slim_answer` gives them."""
        return [slim_answer(inst, True) for inst in self.nodes]

    def answers_json(self) -> str:
        """The JSON array of :meth:`answers`, exactly as :func:`encode_json` writes it.

        The answer to an apply of 1,000 nodes is 1,000 objects that differ only in their
        identity; written from a template, it costs a tenth of encoding 1,000 dicts.
        """
        if not self.keys:
            return "[]"
        now = self.now
        tail = f',"version":1,"wasModified":true,"createdTime":{now},"lastUpdatedTime":{now}}}'
        heads: dict[str, str] = {}
        parts = []
        for space, external_id in self.keys:
            head = heads.get(space)
            if head is None:
                head = heads[space] = (
                    '{"instanceType":"node","space":' + encode_string(space) + ',"externalId":'
                )
            parts.append(head + encode_string(external_id))
        return "[" + (tail + ",").join(parts) + tail + "]"


def auto_node(space: str, external_id: str, now: int) -> StoredInstance:
    """A node without data, created because an edge or a direct relation points to it."""
    return StoredInstance(
        instance_type="node",
        space=space,
        external_id=external_id,
        version=1,
        created_time=now,
        last_updated_time=now,
        deleted_time=None,
        type=None,
        start_node=None,
        end_node=None,
        data={},
    )


_Target = tuple[InstanceKey, "ContainerKey | None"]


class _Declined(Exception):
    """The request is not one this path takes; the general path decides it."""


@dataclass(frozen=True, slots=True)
class _EntryPlan:
    """How the values of one ``{source, properties}`` entry, named in one order, land in rows."""

    # The rows the entry writes, in the order the general path creates them: by first value,
    # then the source's other containers.
    containers: tuple[ContainerKey, ...]
    # For each value in order: its row's position in ``containers``, identifier, check and type.
    steps: tuple[tuple[int, str, ValueCheck, Mapping[str, Any]], ...]
    # No row has defaults to fill in or required properties to look for.
    plain: bool
    # The direct relation properties among the values: container, identifier and the container
    # the target must have (if any), in the order of the rows and of each row's keys.
    direct_reads: tuple[tuple[ContainerKey, str, ContainerKey | None], ...]


class _EntryPlans:
    """The plan for each source and order of property names that a request's entries use.

    A client writes every item of a request the same way, so the few plans are worked out once
    per request, and each value then goes straight to its row.
    """

    def __init__(self, schema: SchemaStore) -> None:
        self.schema = schema
        self._last_ref: dict[str, Any] | None = None
        self._last_source: WriteSource | None = None
        self._plans: dict[tuple[str, tuple[str, ...]], _EntryPlan] = {}

    def source(self, ref: Any) -> WriteSource:
        """The write source an entry names."""
        # Equal to a reference whose values are all strings means the same strings, hence the
        # same source (an equal int, float or bool would name another version).
        if ref == self._last_ref and self._last_source is not None:
            return self._last_source
        if type(ref) is not dict or any(type(value) is not str for value in ref.values()):
            raise _Declined
        key = source_key(ref)
        if key is None:
            raise _Declined
        source = resolve_source(self.schema, key)
        if source is None or "node" not in source.used_for:
            raise _Declined
        self._last_ref = ref
        self._last_source = source
        return source

    def plan(self, source: WriteSource, names: tuple[str, ...]) -> _EntryPlan:
        """The plan for values of ``source`` named ``names``, in that order."""
        plan = self._plans.get((source.label, names))
        if plan is None:
            plan = self._plans[(source.label, names)] = self._build(source, names)
        return plan

    def _build(self, source: WriteSource, names: tuple[str, ...]) -> _EntryPlan:
        positions: dict[ContainerKey, int] = {}
        steps = []
        for name in names:
            field = source.fields.get(name)
            if field is None:
                raise _Declined
            container, identifier, check, prop_type = field
            position = positions.setdefault(container, len(positions))
            steps.append((position, identifier, check, prop_type))
        for container in source.containers:
            positions.setdefault(container, len(positions))
        containers = tuple(positions)
        writes = [container_write_plan(self.schema, container) for container in containers]
        direct_reads = {
            (containers[position], identifier, writes[position].direct[identifier]): None
            for position, identifier, _, _ in sorted(steps, key=lambda step: step[0])
            if identifier in writes[position].direct
        }
        return _EntryPlan(
            containers=containers,
            steps=tuple(steps),
            plain=not any(write.fills or write.required for write in writes),
            direct_reads=tuple(direct_reads),
        )


def _finish_rows(
    rows: dict[ContainerKey, dict[str, Any]], schema: SchemaStore, saw_null: bool, check_required: bool
) -> None:
    """Defaults first, then the written values without nulls: the row the general path builds."""
    for container, row in rows.items():
        plan = container_write_plan(schema, container)
        if plan.fills:
            filled: dict[str, Any] = {}
            for fill in plan.fills:
                if fill.identifier in row:
                    continue
                if fill.shared_default is NOT_DECIDED:
                    # Auto-increment numbers and defaults each row checks for itself.
                    raise _Declined
                filled[fill.identifier] = fill.shared_default
            if filled:
                filled.update(row)
                row = rows[container] = filled
        if saw_null:
            for identifier in [name for name, value in row.items() if value is None]:
                del row[identifier]
        if check_required:
            for identifier in plan.required:
                if row.get(identifier) is None:
                    raise _Declined


def _node_rows(
    raw: dict[str, Any], plans: _EntryPlans, check_required: bool, targets: list[_Target]
) -> dict[ContainerKey, dict[str, Any]]:
    """The node's rows; appends the nodes its direct relations point to (see ``_NewNodes``)."""
    sources = raw.get("sources") or []
    if type(sources) is not list:
        raise _Declined
    rows: dict[ContainerKey, dict[str, Any]] = {}
    saw_null = False
    plain = True
    plan = None
    for entry in sources:
        if type(entry) is not dict:
            raise _Declined
        source = plans.source(entry.get("source"))
        values = entry.get("properties") or {}
        if type(values) is not dict:
            raise _Declined
        plan = plans.plan(source, tuple(values))
        plain = plain and plan.plain
        if rows:
            # A later entry: its containers not written yet join the rows after the others.
            row_list = [rows.setdefault(container, {}) for container in plan.containers]
        else:
            rows = {container: {} for container in plan.containers}
            row_list = list(rows.values())
        # The plan was made for these names in this order: one step for each value. (A keyword
        # argument to zip costs more than the loop over eleven values it would check.)
        steps = zip(values.values(), plan.steps)  # noqa: B905
        for value, (position, identifier, check, prop_type) in steps:
            if value is None:
                checked = None
                saw_null = True
            else:
                checked = check(value)
                if checked is NOT_DECIDED:
                    try:
                        checked = check_value(prop_type, value, "")
                    except Exception:  # the general path words the error
                        raise _Declined from None
            row_list[position][identifier] = checked
    if saw_null or not plain:
        _finish_rows(rows, plans.schema, saw_null, check_required)
    if plan is not None and len(sources) == 1:
        # One entry: its plan knows where the direct relations are.
        for container, identifier, required in plan.direct_reads:
            value = rows[container].get(identifier)
            if type(value) is dict:
                targets.append(((value["space"], value["externalId"]), required))
            else:
                _add_targets(value, required, targets)
    elif len(sources) > 1:
        for container, row in rows.items():
            direct = container_write_plan(plans.schema, container).direct
            for identifier, value in row.items():
                if identifier in direct:
                    _add_targets(value, direct[identifier], targets)
    return rows


def _add_targets(value: Any, required: ContainerKey | None, targets: list[_Target]) -> None:
    if value is None:
        return
    for ref in value if type(value) is list else (value,):
        targets.append(((ref["space"], ref["externalId"]), required))


class _NewNodes:
    """The request's nodes as checked: identities, node types and rows, in request order.

    ``targets`` are the nodes that direct relations and node types point to, each with the
    container it must have data in (if any), in the order the general path checks them: node
    by node, direct relations in row order, then the node type.
    """

    def __init__(self) -> None:
        self.keys: list[InstanceKey] = []
        self.types: list[InstanceKey | None] = []
        self.data: list[dict[ContainerKey, dict[str, Any]]] = []
        self.targets: list[_Target] = []


def _checked_space(value: Any) -> str:
    try:
        # Interned: a space name repeats in every instance of the space.
        return sys.intern(check_space(value, ""))
    except EmulatorRequestError:
        raise _Declined from None


def _is_instance_external_id(value: Any) -> TypeGuard[str]:
    """What ``check_instance_external_id`` accepts."""
    return type(value) is str and 1 <= len(value) <= 256 and "\x00" not in value


def _new_nodes(project: Project, raw_items: list[Any], check_required: bool) -> _NewNodes:
    schema = project.schema
    plans = _EntryPlans(schema)
    # The spaces of this request's items that are valid and exist, each as its interned string.
    item_spaces: dict[str, str] = {}
    nodes = _NewNodes()
    slot_of = project.store.slot_of
    for raw in raw_items:
        if type(raw) is not dict or raw.get("instanceType") != "node":
            raise _Declined
        raw_space = raw.get("space")
        space = item_spaces.get(raw_space) if type(raw_space) is str else None
        if space is None:
            space = _checked_space(raw_space)
            if space not in schema.spaces:
                raise _Declined
            item_spaces[space] = space
        external_id = raw.get("externalId")
        if not _is_instance_external_id(external_id):
            raise _Declined
        key = (space, external_id)
        existing_version = raw.get("existingVersion")
        # A new node conflicts with no version but a negative one.
        if existing_version is not None and (type(existing_version) is not int or existing_version < 0):
            raise _Declined
        # Soft-deleted identities keep their slot, and an edge may hold the identity: both go
        # the general way.
        if slot_of(key) is not None:
            raise _Declined
        node_type = raw.get("type")
        if node_type is not None:
            if type(node_type) is not dict:
                raise _Declined
            type_external_id = node_type.get("externalId")
            if not _is_instance_external_id(type_external_id):
                raise _Declined
            node_type = (_checked_space(node_type.get("space")), type_external_id)
        nodes.keys.append(key)
        nodes.types.append(node_type)
        nodes.data.append(_node_rows(raw, plans, check_required, nodes.targets))
        if node_type is not None:
            nodes.targets.append((node_type, None))
    if len(set(nodes.keys)) != len(nodes.keys):
        raise _Declined
    return nodes


def _nodes_to_create(project: Project, nodes: _NewNodes, auto_create: bool) -> list[InstanceKey]:
    """The missing nodes that direct relations and node types point to, in the general order."""
    schema = project.schema
    store = project.store
    incoming = dict(zip(nodes.keys, nodes.data, strict=True))
    created: dict[InstanceKey, None] = {}
    for node, required in nodes.targets:
        if required is None:
            if node in incoming or node in created or store.is_live_node(node):
                continue
            if not auto_create:
                raise _Declined
            created[node] = None
            continue
        holder = incoming.get(node)
        if holder is None:
            stored = store.get("node", *node)
            holder = None if stored is None else stored.data
        if holder is None or required not in holder:
            raise _Declined
    if any(space not in schema.spaces for space, _ in created):
        raise _Declined
    return list(created)


def insert_new_nodes(
    project: Project, raw_items: list[Any], options: Mapping[str, Any], *, check_required: bool
) -> InsertedNodes | None:
    """Store the request's nodes as the general path would and return them, or None to leave
    the request to the general path.

    None (nothing stored, the clock not read) unless every item is a valid node that does not
    exist yet and every value is valid.
    """
    try:
        nodes = _new_nodes(project, raw_items, check_required)
        created = _nodes_to_create(project, nodes, bool(options.get("autoCreateDirectRelations", True)))
    except _Declined:
        return None
    now = project.now()
    store = project.store
    for space, external_id in created:
        store.put(auto_node(space, external_id, now))
    # Positional arguments, in StoredInstance's field order: a third of the keyword call's cost.
    stored = [
        StoredInstance("node", space, external_id, 1, now, now, None, node_type, None, None, rows)
        for (space, external_id), node_type, rows in zip(nodes.keys, nodes.types, nodes.data, strict=True)
    ]
    # Checked above: no identity of the request has a slot yet, and none comes twice.
    store.put_new(stored)
    return InsertedNodes(stored, nodes.keys, now)
