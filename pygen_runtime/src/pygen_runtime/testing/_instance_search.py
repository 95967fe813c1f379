"""``POST /models/instances/search`` and ``POST /models/instances/aggregate``.

Both work on one view's instances (those with data in it) narrowed by an optional ``filter`` and
an optional free-text ``query``. Text matching is deliberately simple and documented, not a copy
of CDF's search engine: the query and the searched text properties are split into lower-case
words; a query word matches when some word of the text starts with it. ``operator: OR`` (the
default) keeps instances matching any query word, ``AND`` those matching all of them. Search hits
are ranked by the number of query words matched, ties in storage order, unless ``sort`` is given.

Aggregates: ``count`` (of instances, or of instances with a value for ``property``, which may
also be the instance's ``externalId`` or ``space``), ``avg``,
``min``, ``max``, ``sum`` (numeric properties) and ``histogram`` (fixed-width buckets from the
lowest value's bucket to the highest's, empty buckets included). ``groupBy`` splits the matches by
the values of up to five properties; instances without a value for a group property are left out.
A request with ``groupBy`` but no aggregates answers with a ``count`` per group, so that every
result item carries at least one aggregate as the API requires.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any

from pygen_runtime.testing._api_request import ApiRequest
from pygen_runtime.testing._errors import EmulatorRequestError
from pygen_runtime.testing._filters import compile_filter
from pygen_runtime.testing._instance_reads import instance_type_of, require_view
from pygen_runtime.testing._limits import (
    AGGREGATE_LIMIT_DEFAULT,
    AGGREGATE_LIMIT_MAX,
    AGGREGATES_MAX,
    GROUP_BY_MAX,
    SEARCH_LIMIT_DEFAULT,
    SEARCH_LIMIT_MAX,
    SORT_MAX,
)
from pygen_runtime.testing._project import Project
from pygen_runtime.testing._serialize import instances_to_json, typing_for
from pygen_runtime.testing._sorting import sort_key
from pygen_runtime.testing._store import StoredInstance

__all__ = ["aggregate_instances", "search_instances"]

ViewKey = tuple[str, str, str]
_WORD = re.compile(r"\w+", re.UNICODE)
_NUMERIC = frozenset({"int32", "int64", "float32", "float64"})
# Aggregates may name the instance's own text fields besides the view's properties (CDF's
# documentation counts instances with ``{"count": {"property": "externalId"}}``).
_INSTANCE_FIELDS: dict[str, Mapping[str, Any]] = {
    "externalId": {"type": {"type": "text", "list": False}},
    "space": {"type": {"type": "text", "list": False}},
}
_GROUPABLE = frozenset({"text", "direct", "int32", "int64", "float32", "float64", "boolean", "enum"})


class _ViewReader:
    """Reads one view's properties from stored instances."""

    def __init__(self, project: Project, view: ViewKey) -> None:
        properties = project.schema.view_properties(*view) or {}
        self.view = view
        self.mapped = {name: prop for name, prop in properties.items() if "container" in prop}

    def prop(self, name: Any, where: str) -> Mapping[str, Any]:
        if name in _INSTANCE_FIELDS and name not in self.mapped:
            return _INSTANCE_FIELDS[name]
        if not isinstance(name, str) or name not in self.mapped:
            raise EmulatorRequestError(
                f"{where}: view {self.view[0]}:{self.view[1]}/{self.view[2]} "
                f"has no property {json.dumps(name)} "
                f"(it has: {', '.join(sorted(self.mapped)) or 'none'})."
            )
        return self.mapped[name]

    def value(self, inst: StoredInstance, name: str) -> Any:
        prop = self.mapped.get(name)
        if prop is None:  # an instance field, as prop() allowed
            return inst.external_id if name == "externalId" else inst.space
        container = (prop["container"]["space"], prop["container"]["externalId"])
        return inst.data.get(container, {}).get(prop["containerPropertyIdentifier"])


def _text_matcher(reader: _ViewReader, body: Mapping[str, Any]) -> Callable[[StoredInstance], int] | None:
    """A function giving the number of query words an instance matches, or None for no query."""
    query = body.get("query")
    if query is None:
        return None
    if not isinstance(query, str):
        raise EmulatorRequestError("query must be a string.")
    words = [word.lower() for word in _WORD.findall(query)]
    if not words:
        return None
    names = body.get("properties")
    if names is None:
        names = [name for name, prop in reader.mapped.items() if prop["type"].get("type") == "text"]
    elif not isinstance(names, list):
        raise EmulatorRequestError("properties must be a list of text property names of the view.")
    for name in names:
        prop = reader.prop(name, "properties")
        if prop["type"].get("type") != "text":
            raise EmulatorRequestError(
                f"properties: {name!r} is a {prop['type'].get('type')} property; "
                "only text properties can be searched."
            )
    operator = body.get("operator", "OR")
    if operator not in ("AND", "OR"):
        raise EmulatorRequestError(f"operator must be 'AND' or 'OR', got {json.dumps(operator)}.")
    required = len(words) if operator == "AND" else 1

    def score(inst: StoredInstance) -> int:
        text_words: list[str] = []
        for name in names:
            value = reader.value(inst, name)
            for text in value if isinstance(value, list) else [value]:
                if isinstance(text, str):
                    text_words.extend(word.lower() for word in _WORD.findall(text))
        matched = sum(1 for word in words if any(candidate.startswith(word) for candidate in text_words))
        return matched if matched >= required else 0

    return score


def _candidates(
    project: Project, request: ApiRequest
) -> tuple[ViewKey, _ViewReader, list[tuple[StoredInstance, int]]]:
    body = request.json_body()
    view = require_view(project, body.get("view"), "view")
    reader = _ViewReader(project, view)
    instance_type = instance_type_of(body)
    has_data = {"hasData": [{"type": "view", "space": view[0], "externalId": view[1], "version": view[2]}]}
    flt = body.get("filter")
    predicate = compile_filter(
        has_data if flt is None else {"and": [has_data, flt]}, project.schema, store=project.store
    )
    matcher = _text_matcher(reader, body)
    hits = []
    for inst in project.store.live():
        if inst.instance_type != instance_type or not predicate(inst):
            continue
        score = 1 if matcher is None else matcher(inst)
        if score:
            hits.append((inst, score))
    return view, reader, hits


def search_instances(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/instances/search``."""
    body = request.json_body()
    limit = request.limit(SEARCH_LIMIT_DEFAULT, SEARCH_LIMIT_MAX)
    sort = body.get("sort") or None
    if sort is not None and (not isinstance(sort, list) or len(sort) > SORT_MAX):
        raise EmulatorRequestError(f"sort must be a list of at most {SORT_MAX} sort objects.")
    view, _, hits = _candidates(project, request)
    if sort is None:
        ranked = [inst for inst, _ in sorted(hits, key=lambda hit: -hit[1])]
    else:
        ranked = sorted((inst for inst, _ in hits), key=sort_key(sort, project.schema))
    response: dict[str, Any] = {"items": instances_to_json(ranked[:limit], [view], project.schema)}
    if body.get("includeTyping"):
        response["typing"] = typing_for([view], project.schema)
    return response


def _aggregate_specs(reader: _ViewReader, raw: Any) -> list[tuple[str, str | None, float | None]]:
    if raw is None:
        return []
    if not isinstance(raw, list) or len(raw) > AGGREGATES_MAX:
        raise EmulatorRequestError(
            f"aggregates must be a list of at most {AGGREGATES_MAX} aggregate objects."
        )
    specs: list[tuple[str, str | None, float | None]] = []
    for index, spec in enumerate(raw):
        where = f"aggregates[{index}]"
        if not isinstance(spec, Mapping) or len(spec) != 1:
            raise EmulatorRequestError(
                f"{where} must hold exactly one aggregate: {{count|avg|min|max|sum: {{property}}}} "
                "or {histogram: {property, interval}}."
            )
        ((kind, args),) = spec.items()
        if kind not in ("count", "avg", "min", "max", "sum", "histogram") or not isinstance(args, Mapping):
            raise EmulatorRequestError(
                f"{where}: unknown aggregate {kind!r}; use count, avg, min, max, sum or histogram."
            )
        name = args.get("property")
        if name is None and kind != "count":
            raise EmulatorRequestError(f"{where}.{kind} needs a 'property'.")
        interval = None
        if name is not None:
            prop = reader.prop(name, f"{where}.{kind}.property")
            if kind != "count" and prop["type"].get("type") not in _NUMERIC:
                raise EmulatorRequestError(
                    f"{where}: {kind} needs a numeric property; {name!r} is {prop['type'].get('type')}."
                )
        if kind == "histogram":
            interval = args.get("interval")
            if isinstance(interval, bool) or not isinstance(interval, (int, float)) or interval <= 0:
                raise EmulatorRequestError(f"{where}.histogram.interval must be a positive number.")
        specs.append((kind, name, interval))
    return specs


def _numbers(reader: _ViewReader, instances: list[StoredInstance], name: str) -> list[float]:
    values = []
    for inst in instances:
        value = reader.value(inst, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, (int, float)) and not isinstance(item, bool):
                values.append(item)
    return values


def _compute(
    reader: _ViewReader, instances: list[StoredInstance], spec: tuple[str, str | None, float | None]
) -> dict[str, Any]:
    kind, name, interval = spec
    result: dict[str, Any] = {"aggregate": kind}
    if name is not None:
        result["property"] = name
    if kind == "count":
        result["value"] = (
            len(instances)
            if name is None
            else sum(1 for inst in instances if reader.value(inst, name) is not None)
        )
        return result
    assert name is not None
    values = _numbers(reader, instances, name)
    if kind == "histogram":
        assert interval is not None
        result["interval"] = interval
        buckets: list[dict[str, Any]] = []
        if values:
            first = math.floor(min(values) / interval)
            last = math.floor(max(values) / interval)
            counts = [0] * (last - first + 1)
            for value in values:
                counts[math.floor(value / interval) - first] += 1
            buckets = [
                {"start": (first + offset) * interval, "count": count} for offset, count in enumerate(counts)
            ]
        result["buckets"] = buckets
        return result
    if values:
        if kind == "avg":
            result["value"] = sum(values) / len(values)
        elif kind == "sum":
            result["value"] = sum(values)
        elif kind == "min":
            result["value"] = min(values)
        else:
            result["value"] = max(values)
    return result


def _group_key(value: Any) -> Any:
    return json.dumps(value, sort_keys=True)


def aggregate_instances(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /models/instances/aggregate``."""
    body = request.json_body()
    limit = request.limit(AGGREGATE_LIMIT_DEFAULT, AGGREGATE_LIMIT_MAX)
    view, reader, hits = _candidates(project, request)
    instance_type = instance_type_of(body)
    specs = _aggregate_specs(reader, body.get("aggregates"))
    group_by = body.get("groupBy")
    if group_by is not None:
        if not isinstance(group_by, list) or not 1 <= len(group_by) <= GROUP_BY_MAX:
            raise EmulatorRequestError(f"groupBy must list 1 to {GROUP_BY_MAX} property names.")
        for name in group_by:
            prop = reader.prop(name, "groupBy")
            if prop["type"].get("type") not in _GROUPABLE or prop["type"].get("list"):
                raise EmulatorRequestError(
                    f"groupBy: {name!r} cannot be grouped on; use single-valued text, direct, number, "
                    "boolean or enum properties."
                )
    if not specs:
        if group_by is None:
            raise EmulatorRequestError(
                "Give at least one aggregate (count, avg, min, max, sum, histogram) or a groupBy."
            )
        specs = [("count", None, None)]
    instances = [inst for inst, _ in hits]
    items: list[dict[str, Any]] = []
    if group_by is None:
        items.append(
            {"instanceType": instance_type, "aggregates": [_compute(reader, instances, s) for s in specs]}
        )
    else:
        groups: dict[str, tuple[dict[str, Any], list[StoredInstance]]] = {}
        for inst in instances:
            values = {name: reader.value(inst, name) for name in group_by}
            if any(value is None for value in values.values()):
                continue
            groups.setdefault(_group_key(values), (values, []))[1].append(inst)
        for values, members in list(groups.values())[:limit]:
            items.append(
                {
                    "instanceType": instance_type,
                    "group": values,
                    "aggregates": [_compute(reader, members, s) for s in specs],
                }
            )
    response: dict[str, Any] = {"items": items}
    if body.get("includeTyping"):
        response["typing"] = typing_for([view], project.schema)
    return response
