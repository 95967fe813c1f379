"""``POST /timeseries/data`` and ``POST /timeseries/data/list`` for time series nodes.

CDF keeps data points per time series; in data modeling a time series is a node with data in the
``cdf_cdm:CogniteTimeSeries`` container (``type`` numeric or string, ``isStep``, ``sourceUnit``,
``unit``), addressed by ``instanceId``. Requests naming other nodes are refused as CDF refuses
unknown time series: 400 with the offending ids under ``missing``.

Limits as CDF's API reference states them: 1-100 items per read, at most 100,000 raw or 10,000
aggregate points across a request's items (default limit 100); 1-10,000 items and 100,000 points
per write. Aggregates (see ``_datapoint_aggregates``) need a granularity and are refused for
string time series.
"""

from __future__ import annotations

import bisect
import json
import re
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pygen_runtime.testing._api_request import (
    ApiRequest,
    decode_cursor,
    encode_cursor,
    require_bool,
    require_int,
)
from pygen_runtime.testing._errors import EmulatorRequestError
from pygen_runtime.testing._identifiers import instance_id_key

if TYPE_CHECKING:
    from pygen_runtime.testing._emulator import Emulator
    from pygen_runtime.testing._project import Project

__all__ = ["insert_datapoints", "retrieve_datapoints", "seed_datapoints", "series_store"]

TIME_SERIES_CONTAINER = ("cdf_cdm", "CogniteTimeSeries")
READ_ITEMS_MAX = 100
RAW_POINTS_MAX = 100_000
AGGREGATE_POINTS_MAX = 10_000
DEFAULT_LIMIT = 100
WRITE_ITEMS_MAX = 10_000
WRITE_POINTS_MAX = 100_000
MIN_TIMESTAMP = -2_208_988_800_000
MAX_TIMESTAMP = 4_102_444_799_999

# Numeric values CDF stores (for points with a good status, the only kind emulated).
MAX_ABS_NUMERIC = 1e100
# Read options the emulator does not carry out, with the value that means "not asked for".
_NOT_EMULATED: dict[str, Any] = {
    "includeOutsidePoints": False,
    "targetUnit": None,
    "targetUnitSystem": None,
    "timeZone": "UTC",
}

_RELATIVE = re.compile(r"^(\d+)(w|d|h|m|s)-ago$")
_UNIT_MS = {"w": 604_800_000, "d": 86_400_000, "h": 3_600_000, "m": 60_000, "s": 1000}

NodeKey = tuple[str, str]


@dataclass
class Series:
    """The points of one time series, timestamps kept sorted."""

    timestamps: list[int] = field(default_factory=list)
    values: dict[int, Any] = field(default_factory=dict)

    def put(self, timestamp: int, value: Any) -> None:
        if timestamp not in self.values:
            bisect.insort(self.timestamps, timestamp)
        self.values[timestamp] = value

    def between(self, start: int, end: int) -> tuple[int, int]:
        """Positions of the first point at or after ``start`` and the first at or after ``end``."""
        return bisect.bisect_left(self.timestamps, start), bisect.bisect_left(self.timestamps, end)


_STORES: weakref.WeakKeyDictionary[Project, dict[NodeKey, Series]] = weakref.WeakKeyDictionary()


def series_store(project: Project) -> dict[NodeKey, Series]:
    """The data points of ``project``'s time series, by node."""
    return _STORES.setdefault(project, {})


@dataclass(frozen=True)
class TimeSeriesNode:
    """What the time series endpoints read from a ``CogniteTimeSeries`` node."""

    key: NodeKey
    is_string: bool
    is_step: bool
    unit: str | None
    unit_external_id: str | None

    def header(self) -> dict[str, Any]:
        """The fields every answer item carries about its time series."""
        out: dict[str, Any] = {
            "instanceId": {"space": self.key[0], "externalId": self.key[1]},
            "isString": self.is_string,
            "isStep": self.is_step,
            "type": "string" if self.is_string else "numeric",
        }
        if self.unit is not None:
            out["unit"] = self.unit
        if self.unit_external_id is not None:
            out["unitExternalId"] = self.unit_external_id
        return out


def time_series_node(project: Project, key: NodeKey) -> TimeSeriesNode | None:
    """The time series node ``key``, or None if there is no live node with time series data."""
    node = project.store.get("node", key[0], key[1])
    data = node.data.get(TIME_SERIES_CONTAINER) if node is not None else None
    if data is None:
        return None
    unit = data.get("unit")
    return TimeSeriesNode(
        key=key,
        is_string=data.get("type") == "string",
        is_step=bool(data.get("isStep")),
        unit=data.get("sourceUnit") if isinstance(data.get("sourceUnit"), str) else None,
        unit_external_id=unit.get("externalId") if isinstance(unit, Mapping) else None,
    )


def _instance_key(item: Mapping[str, Any], where: str) -> NodeKey:
    return instance_id_key(item, where, "time series")


def _nodes_or_missing(
    project: Project, keys: list[NodeKey], ignore_unknown: bool
) -> dict[NodeKey, TimeSeriesNode]:
    found: dict[NodeKey, TimeSeriesNode] = {}
    missing = []
    for key in keys:
        node = time_series_node(project, key)
        if node is None:
            if {"instanceId": {"space": key[0], "externalId": key[1]}} not in missing:
                missing.append({"instanceId": {"space": key[0], "externalId": key[1]}})
        else:
            found[key] = node
    if missing and not ignore_unknown:
        raise EmulatorRequestError("Time series not found.", missing=missing)
    return found


def parse_time(value: Any, name: str, now: int) -> int:
    """Epoch ms from CDF's time forms: an integer, ``"now"`` or ``"<N><unit>-ago"``."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if value == "now":
        return now
    match = _RELATIVE.match(value) if isinstance(value, str) else None
    if match is None:
        raise EmulatorRequestError(
            f"{name} must be epoch milliseconds, 'now' or '<N><unit>-ago' (unit w, d, h, m, s); "
            f"got {json.dumps(value)}."
        )
    return now - int(match.group(1)) * _UNIT_MS[match.group(2)]


def retrieve_datapoints(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /timeseries/data/list``."""
    from pygen_runtime.testing._datapoint_aggregates import aggregate_page, parse_aggregate_query

    body = request.json_body()
    items = request.items(READ_ITEMS_MAX)
    ignore_unknown = require_bool(body.get("ignoreUnknownIds", False), "ignoreUnknownIds")
    keys = [_instance_key(item, f"items[{index}]") for index, item in enumerate(items)]
    nodes = _nodes_or_missing(project, keys, ignore_unknown)
    now = project.now()
    queries = []
    total: dict[bool, int] = {False: 0, True: 0}
    for index, (item, key) in enumerate(zip(items, keys, strict=True)):
        if key not in nodes:
            continue

        def setting(name: str, item: Mapping[str, Any] = item) -> Any:
            return item[name] if item.get(name) is not None else body.get(name)

        for option, default in _NOT_EMULATED.items():
            if setting(option) not in (None, default):
                # Refused rather than ignored: a test would otherwise pass on wrong points.
                raise EmulatorRequestError(
                    f"The emulator does not carry out {option} (items[{index}] asks for "
                    f"{json.dumps(setting(option))}); leave it out."
                )
        aggregates = setting("aggregates")
        aggregated = aggregates is not None and aggregates != []
        maximum = AGGREGATE_POINTS_MAX if aggregated else RAW_POINTS_MAX
        limit = setting("limit")
        limit = (
            DEFAULT_LIMIT
            if limit is None
            else require_int(limit, f"items[{index}].limit", low=1, high=maximum)
        )
        total[aggregated] += limit
        start = parse_time(setting("start") if setting("start") is not None else 0, "start", now)
        end = parse_time(setting("end") if setting("end") is not None else "now", "end", now)
        if end <= start:
            raise EmulatorRequestError(f"items[{index}]: end ({end}) must be later than start ({start}).")
        cursor = item.get("cursor")
        position = decode_cursor(cursor, "datapoints")["t"] if cursor is not None else None
        spec = parse_aggregate_query(aggregates, setting("granularity"), nodes[key]) if aggregated else None
        queries.append((nodes[key], start, end, limit, position, spec))
    if total[False] > RAW_POINTS_MAX or total[True] > AGGREGATE_POINTS_MAX:
        raise EmulatorRequestError(
            f"The items ask for more than {RAW_POINTS_MAX} raw or {AGGREGATE_POINTS_MAX} aggregate "
            "data points in total; lower the limits."
        )
    store = series_store(project)
    out = []
    for node, start, end, limit, position, spec in queries:
        series = store.get(node.key, Series())
        if spec is None:
            points, next_start = _raw_page(
                series, start if position is None else max(start, position), end, limit
            )
        else:
            points, next_start = aggregate_page(series, spec, start, end, limit, position)
        item_out = node.header()
        item_out["datapoints"] = points
        if next_start is not None:
            item_out["nextCursor"] = encode_cursor("datapoints", t=next_start)
        out.append(item_out)
    return {"items": out}


def _raw_page(series: Series, start: int, end: int, limit: int) -> tuple[list[dict[str, Any]], int | None]:
    first, stop = series.between(start, end)
    chosen = series.timestamps[first : min(stop, first + limit)]
    points = [{"timestamp": stamp, "value": series.values[stamp]} for stamp in chosen]
    more = first + limit < stop
    return points, (series.timestamps[first + limit] if more else None)


def insert_datapoints(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /timeseries/data``."""
    items = request.items(WRITE_ITEMS_MAX)
    keys = [_instance_key(item, f"items[{index}]") for index, item in enumerate(items)]
    duplicated = [
        {"instanceId": {"space": s, "externalId": x}} for s, x in {k for k in keys if keys.count(k) > 1}
    ]
    if duplicated:
        raise EmulatorRequestError("Duplicate time series in the request.", status=422, duplicated=duplicated)
    nodes = _nodes_or_missing(project, keys, ignore_unknown=False)
    checked: list[tuple[NodeKey, list[tuple[int, Any]]]] = []
    count = 0
    for index, (item, key) in enumerate(zip(items, keys, strict=True)):
        points = item.get("datapoints")
        if not isinstance(points, list) or not points:
            raise EmulatorRequestError(f"items[{index}].datapoints must be a non-empty list of data points.")
        count += len(points)
        checked.append(
            (
                key,
                [
                    _checked_point(point, nodes[key], f"items[{index}].datapoints[{n}]")
                    for n, point in enumerate(points)
                ],
            )
        )
    if count > WRITE_POINTS_MAX:
        raise EmulatorRequestError(
            f"The request holds {count} data points; CDF accepts at most {WRITE_POINTS_MAX}."
        )
    store = series_store(project)
    for key, points in checked:
        series = store.setdefault(key, Series())
        for stamp, value in points:
            series.put(stamp, value)
    return {}


def _checked_point(point: Any, node: TimeSeriesNode, where: str) -> tuple[int, Any]:
    if not isinstance(point, Mapping):
        raise EmulatorRequestError(f"{where} must be an object with 'timestamp' and 'value'.")
    stamp = point.get("timestamp")
    if isinstance(stamp, bool) or not isinstance(stamp, int) or not MIN_TIMESTAMP <= stamp <= MAX_TIMESTAMP:
        raise EmulatorRequestError(
            f"{where}.timestamp must be epoch milliseconds between {MIN_TIMESTAMP} and {MAX_TIMESTAMP}, "
            f"got {json.dumps(stamp)}."
        )
    value = point.get("value")
    if node.is_string:
        if not isinstance(value, str):
            raise EmulatorRequestError(
                f"{where}.value must be a string: the time series is a string time series."
            )
        return stamp, value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise EmulatorRequestError(f"{where}.value must be a number: the time series is numeric.")
    if not -MAX_ABS_NUMERIC <= value <= MAX_ABS_NUMERIC:
        raise EmulatorRequestError(f"{where}.value must be between -1e100 and 1e100, got {value!r}.")
    return stamp, float(value)


def seed_datapoints(emulator: Emulator, instance_id: tuple[str, str], points: list[tuple[int, Any]]) -> None:
    """Store points for a time series node directly (the node must exist with CogniteTimeSeries data).

    >>> seed_datapoints(emulator, ("my-space", "temperature"), [(0, 20.5), (60_000, 21.0)])  # doctest: +SKIP
    """
    project = emulator.state
    with project.lock:
        node = time_series_node(project, instance_id)
        if node is None:
            raise EmulatorRequestError(f"{instance_id[0]}:{instance_id[1]} is not a time series node.")
        checked = [
            _checked_point({"timestamp": t, "value": v}, node, f"point {n}")
            for n, (t, v) in enumerate(points)
        ]
        series = series_store(project).setdefault(node.key, Series())
        for stamp, value in checked:
            series.put(stamp, value)
