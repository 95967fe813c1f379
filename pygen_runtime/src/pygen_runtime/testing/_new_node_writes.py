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
from typing import Any

from pygen_runtime.testing._encoded_json import encode_string
from pygen_runtime.testing._errors import EmulatorRequestError
from pygen_runtime.testing._identifiers import check_space
from pygen_runtime.testing._project import Project
from pygen_runtime.testing._schema_store import ContainerKey, SchemaStore
from pygen_runtime.testing._store import InstanceKey, StoredInstance
from pygen_runtime.testing._value_types import NOT_DECIDED, check_value
from pygen_runtime.testing._write_plans import ContainerWritePlan, container_write_plan
from pygen_runtime.testing._write_sources import Field, WriteSource, resolve_source, source_key

__all__ = ["answers_json", "auto_node", "insert_new_nodes", "slim_answer"]


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


def answers_json(nodes: list[StoredInstance]) -> str:
    """The JSON array of :func:`slim_answer` for new nodes, as :func:`encode_json` writes it.

    The answer to an apply of 1,000 nodes is 1,000 objects that differ only in their identity;
    written from a template, it costs a tenth of encoding 1,000 dicts.
    """
    spaces: dict[str, str] = {}
    parts = []
    for inst in nodes:
        head = spaces.get(inst.space)
        if head is None:
            head = spaces[inst.space] = '{"instanceType":"node","space":' + encode_string(inst.space)
        parts.append(
            f'{head},"externalId":{encode_string(inst.external_id)},"version":{inst.version},'
            f'"wasModified":true,"createdTime":{inst.created_time},"lastUpdatedTime":{inst.last_updated_time}}}'
        )
    return "[" + ",".join(parts) + "]"


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


class _Declined(Exception):
    """The request is not one this path takes; the general path decides it."""


class _SourceLookup:
    """Resolves an item's source reference, reusing the previous answer for an equal reference."""

    def __init__(self, schema: SchemaStore) -> None:
        self.schema = schema
        self._last_ref: dict[str, Any] | None = None
        self._last: tuple[WriteSource, dict[str, Field]] | None = None

    def __call__(self, ref: Any) -> tuple[WriteSource, dict[str, Field]]:
        # Equal to a reference whose values are all strings means the same strings, hence the
        # same source (an equal int, float or bool would name another version).
        if ref == self._last_ref and self._last is not None:
            return self._last
        if type(ref) is not dict or any(type(value) is not str for value in ref.values()):
            raise _Declined
        key = source_key(ref)
        if key is None:
            raise _Declined
        source = resolve_source(self.schema, key)
        if source is None or "node" not in source.used_for:
            raise _Declined
        self._last_ref = ref
        self._last = (source, source.fields)
        return self._last


def _finish_rows(
    rows: dict[ContainerKey, dict[str, Any]],
    plans: dict[ContainerKey, ContainerWritePlan],
    schema: SchemaStore,
    saw_null: bool,
    check_required: bool,
) -> None:
    """Defaults first, then the written values without nulls: the row the general path builds."""
    for container, row in rows.items():
        plan = plans.get(container)
        if plan is None:
            plan = plans[container] = container_write_plan(schema, container)
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
    raw: Any,
    lookup: _SourceLookup,
    plans: dict[ContainerKey, ContainerWritePlan],
    schema: SchemaStore,
    check_required: bool,
) -> dict[ContainerKey, dict[str, Any]]:
    sources = raw.get("sources") or []
    if type(sources) is not list:
        raise _Declined
    rows: dict[ContainerKey, dict[str, Any]] = {}
    saw_null = False
    for entry in sources:
        if type(entry) is not dict:
            raise _Declined
        source, fields = lookup(entry.get("source"))
        values = entry.get("properties") or {}
        if type(values) is not dict:
            raise _Declined
        for name, value in values.items():
            field = fields.get(name)
            if field is None:
                raise _Declined
            container, identifier, check, prop_type = field
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
            row = rows.get(container)
            if row is None:
                row = rows[container] = {}
            row[identifier] = checked
        for container in source.containers:
            if container not in rows:
                rows[container] = {}
    _finish_rows(rows, plans, schema, saw_null, check_required)
    return rows


class _NewNodes:
    """The request's nodes as checked: identities, node types and rows, in request order."""

    def __init__(self) -> None:
        self.keys: list[InstanceKey] = []
        self.types: list[InstanceKey | None] = []
        self.data: list[dict[ContainerKey, dict[str, Any]]] = []


def _checked_space(value: Any, valid: dict[str, str]) -> str:
    space = valid.get(value) if type(value) is str else None
    if space is None:
        try:
            # Interned: a space name repeats in every instance of the space.
            space = valid[value] = sys.intern(check_space(value, ""))
        except EmulatorRequestError:
            raise _Declined from None
    return space


def _checked_external_id(value: Any) -> str:
    if type(value) is not str or not 1 <= len(value) <= 256 or "\x00" in value:
        raise _Declined
    return value


def _new_nodes(project: Project, raw_items: list[Any], check_required: bool) -> _NewNodes:
    schema = project.schema
    lookup = _SourceLookup(schema)
    plans: dict[ContainerKey, ContainerWritePlan] = {}
    valid_spaces: dict[str, str] = {}
    nodes = _NewNodes()
    slot_of = project.store.slot_of
    for raw in raw_items:
        if type(raw) is not dict or raw.get("instanceType") != "node":
            raise _Declined
        space = _checked_space(raw.get("space"), valid_spaces)
        if space not in schema.spaces:
            raise _Declined
        key = (space, _checked_external_id(raw.get("externalId")))
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
            node_type = (
                _checked_space(node_type.get("space"), valid_spaces),
                _checked_external_id(node_type.get("externalId")),
            )
        nodes.keys.append(key)
        nodes.types.append(node_type)
        nodes.data.append(_node_rows(raw, lookup, plans, schema, check_required))
    if len(set(nodes.keys)) != len(nodes.keys):
        raise _Declined
    return nodes


def _nodes_to_create(project: Project, nodes: _NewNodes, auto_create: bool) -> list[InstanceKey]:
    """The missing nodes that direct relations and node types point to, in the general order."""
    schema = project.schema
    store = project.store
    incoming = dict(zip(nodes.keys, nodes.data, strict=True))
    direct_of: dict[ContainerKey, Mapping[str, ContainerKey | None]] = {}
    created: dict[InstanceKey, None] = {}

    def create_if_missing(node: InstanceKey) -> None:
        if node in incoming or node in created or store.get("node", *node) is not None:
            return
        if not auto_create:
            raise _Declined
        created[node] = None

    for rows, node_type in zip(nodes.data, nodes.types, strict=True):
        for container, row in rows.items():
            direct = direct_of.get(container)
            if direct is None:
                direct = direct_of[container] = container_write_plan(schema, container).direct
            if not direct:
                continue
            found: tuple[tuple[Any, ContainerKey | None], ...]
            if len(direct) == 1:
                # One direct relation property (as in most containers): one look-up, not a scan.
                ((identifier, required),) = direct.items()
                value = row.get(identifier)
                found = () if value is None else ((value, required),)
            else:
                found = tuple((value, direct[name]) for name, value in row.items() if name in direct)
            for value, required in found:
                for ref in value if type(value) is list else (value,):
                    node = (ref["space"], ref["externalId"])
                    if required is None:
                        create_if_missing(node)
                        continue
                    holder = incoming.get(node)
                    if holder is None:
                        stored = store.get("node", *node)
                        holder = None if stored is None else stored.data
                    if holder is None or required not in holder:
                        raise _Declined
        if node_type is not None:
            create_if_missing(node_type)
    if any(space not in schema.spaces for space, _ in created):
        raise _Declined
    return list(created)


def insert_new_nodes(
    project: Project, raw_items: list[Any], options: Mapping[str, Any], *, check_required: bool
) -> list[StoredInstance] | None:
    """Store the request's nodes as the general path would and return them, or None to leave
    the request to the general path. Each node's answer is ``slim_answer(node, True)``.

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
    stored = [
        StoredInstance(
            instance_type="node",
            space=space,
            external_id=external_id,
            version=1,
            created_time=now,
            last_updated_time=now,
            deleted_time=None,
            type=node_type,
            start_node=None,
            end_node=None,
            data=rows,
        )
        for (space, external_id), node_type, rows in zip(nodes.keys, nodes.types, nodes.data, strict=True)
    ]
    # Checked above: no identity of the request has a slot yet, and none comes twice.
    store.put_new(stored)
    return stored
