"""``client.datapoints``: read and write the data points of time series nodes.

CDF keeps data points outside data modeling (``/timeseries/data``) but addresses a
``CogniteTimeSeries`` node by its ``instanceId``. Reading follows each series' ``nextCursor`` until
its limit, within CDF's per-request limits: at most 100 series, 100,000 raw or 10,000 aggregate
points across all of them. The planning is sans-IO (:class:`DatapointsFetch`); the shells only
send what it asks for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pygen_runtime._api._calls import (
    Call,
    Chunk,
    UnexpectedResponseError,
    expect_cursor,
    expect_items,
    expect_object,
)
from pygen_runtime._api._datapoint_arguments import (
    aggregate_names,
    check_granularity,
    points_json,
    time_argument,
)
from pygen_runtime._api._node_refs import NodeKey, instance_id_json, node_key, node_keys
from pygen_runtime.errors import InvalidArgumentError

if TYPE_CHECKING:
    from pygen_runtime._http._async import AsyncHTTPClient
    from pygen_runtime._http._sync import SyncHTTPClient
    from pygen_runtime.datapoints import Datapoints, DatapointsList

__all__ = ["AsyncDatapointsAPI", "DatapointsAPI", "DatapointsFetch", "budget_shares"]

# CDF's limits for POST /timeseries/data/list (API reference, "Retrieve data points").
ITEMS_PER_REQUEST = 100
RAW_POINTS_PER_REQUEST = 100_000
AGGREGATE_POINTS_PER_REQUEST = 10_000
# POST /timeseries/data: up to 100,000 points per request.
INSERT_POINTS_PER_REQUEST = 100_000


@dataclass
class _Series:
    """One time series being read: what came back so far and where to continue."""

    key: NodeKey
    remaining: int | None
    result: Datapoints
    cursor: str | None = None
    done: bool = False
    # Every cursor CDF has handed out for this series: one coming back means the server is
    # going round in circles, and following it would never end.
    seen_cursors: set[str] = field(default_factory=set)


def budget_shares(needs: Sequence[int | None], budget: int) -> list[int]:
    """Split ``budget`` points among series needing ``needs`` (None: all they have).

    Series that need less than an even share get what they need, and what they leave goes to
    the others, so a request never asks for fewer points than it may while any series wants more.
    """
    shares = [0] * len(needs)
    left = budget
    order = sorted(range(len(needs)), key=lambda index: (needs[index] is None, needs[index] or 0))
    for position, index in enumerate(order):
        fair = left // (len(needs) - position)
        need = needs[index]
        shares[index] = fair if need is None else min(need, fair)
        left -= shares[index]
    return shares


@dataclass
class DatapointsFetch:
    """The requests of one retrieve, planned without I/O.

    A shell sends ``next_call()`` until it returns None, handing each answer's items to
    ``accept()``; ``result()`` then holds one :class:`Datapoints` per series, in request order.
    Each request carries up to 100 unfinished series, each with its cursor and a share of the
    per-request point budget (never more than what the series still needs).
    """

    keys: list[NodeKey]
    start: int | str | None
    end: int | str | None
    aggregates: list[str] | None
    granularity: str | None
    limit: int | None
    _series: list[_Series] = field(default_factory=list, init=False)
    _sent: list[_Series] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        from pygen_runtime.datapoints import Datapoints
        from pygen_runtime.schema import NodeId

        limit = self.limit
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise InvalidArgumentError(
                f"limit must be a whole number >= 0, or None for all points; got {limit!r}."
            )
        if len(set(self.keys)) != len(self.keys):
            raise InvalidArgumentError("datapoints.retrieve was given the same time series twice.")
        self._series = [
            _Series(
                key,
                limit,
                Datapoints(
                    NodeId(space=key[0], external_id=key[1]),
                    granularity=self.granularity,
                    # Every asked-for aggregate has its column, also for a series without points.
                    aggregates={name: [] for name in self.aggregates or ()},
                ),
                done=limit == 0,
            )
            for key in self.keys
        ]

    @property
    def _budget(self) -> int:
        return RAW_POINTS_PER_REQUEST if self.aggregates is None else AGGREGATE_POINTS_PER_REQUEST

    def next_call(self) -> Call[list[Any]] | None:
        pending = [series for series in self._series if not series.done][:ITEMS_PER_REQUEST]
        if not pending:
            return None
        limits = budget_shares([series.remaining for series in pending], self._budget)
        items = []
        for series, limit in zip(pending, limits, strict=True):
            item: dict[str, Any] = {"instanceId": instance_id_json(series.key), "limit": limit}
            if series.cursor is not None:
                item["cursor"] = series.cursor
            items.append(item)
        body: dict[str, Any] = {"items": items}
        if self.start is not None:
            body["start"] = self.start
        if self.end is not None:
            body["end"] = self.end
        if self.aggregates is not None:
            body["aggregates"] = self.aggregates
            body["granularity"] = self.granularity
        self._sent = pending
        asked = [
            _Asked(series.key, limit, frozenset(series.seen_cursors))
            for series, limit in zip(pending, limits, strict=True)
        ]
        return Call("POST", "/timeseries/data/list", lambda answer: _checked_items(answer, asked), body=body)

    def accept(self, items: list[Any]) -> None:
        """Take in one answer's items (already checked by the call's parser)."""
        for series, item in zip(self._sent, items, strict=True):
            points = item["datapoints"]
            _read_points(series.result, item, points, self.aggregates)
            if series.remaining is not None:
                series.remaining -= len(points)
            series.cursor = item.get("nextCursor")
            if series.cursor is not None:
                series.seen_cursors.add(series.cursor)
            # An empty page ends a series even with a cursor: it would bring nothing new.
            series.done = (
                series.cursor is None
                or not points
                or (series.remaining is not None and series.remaining <= 0)
            )

    def result(self) -> DatapointsList:
        from pygen_runtime.datapoints import DatapointsList

        return DatapointsList(series.result for series in self._series)


@dataclass(frozen=True)
class _Asked:
    """What one request asked of one series, for judging the answer."""

    key: NodeKey
    limit: int
    seen_cursors: frozenset[str]


def _checked_items(body: Any, asked: list[_Asked]) -> list[Any]:
    """The answer's items if each is for the series asked for at its position (when it names
    one) and has a ``datapoints`` list of at most the asked-for number of objects with integer
    timestamps, and at most a string cursor not handed out before for its series; else an
    ``UnexpectedResponseError`` saying what is off."""
    items = expect_items(body)
    if len(items) != len(asked):
        raise UnexpectedResponseError(f"asked for {len(asked)} time series, got {len(items)} back")
    for position, (raw, question) in enumerate(zip(items, asked, strict=True)):
        item = expect_object(raw)
        instance_id = item.get("instanceId")
        named = (
            (instance_id.get("space"), instance_id.get("externalId"))
            if isinstance(instance_id, dict)
            else None
        )
        if named is not None and named != question.key:
            raise UnexpectedResponseError(
                f"items[{position}] is for {instance_id!r}; the request asked for "
                f"{question.key[0]}:{question.key[1]} there"
            )
        points = item.get("datapoints")
        if not isinstance(points, list):
            raise UnexpectedResponseError(f"items[{position}] lacks its 'datapoints' list")
        if len(points) > question.limit:
            raise UnexpectedResponseError(
                f"items[{position}] has {len(points)} data points; the request asked for at most "
                f"{question.limit}"
            )
        cursor = expect_cursor(item)
        if cursor is not None and cursor in question.seen_cursors:
            raise UnexpectedResponseError(
                f"items[{position}] repeats a nextCursor it was given before; following it would never end"
            )
        for index, point in enumerate(points):
            timestamp = expect_object(point).get("timestamp")
            if isinstance(timestamp, bool) or not isinstance(timestamp, int):
                raise UnexpectedResponseError(
                    f"items[{position}].datapoints[{index}] has no integer 'timestamp'"
                )
    return items


def _read_points(result: Datapoints, item: Any, points: list[Any], aggregates: list[str] | None) -> None:
    result.is_string = bool(item.get("isString", False))
    result.is_step = bool(item.get("isStep", False))
    unit, unit_external_id = item.get("unit"), item.get("unitExternalId")
    result.unit = unit if isinstance(unit, str) else None
    result.unit_external_id = unit_external_id if isinstance(unit_external_id, str) else None
    for point in points:
        result.timestamps.append(point["timestamp"])
        if aggregates is None:
            result.values.append(point.get("value"))
        else:
            for name in aggregates:
                result.aggregates[name].append(point.get(name))


def _insert_chunks(instance_id: Any, points: Any) -> list[Chunk[Any]]:
    key = node_key(instance_id, "datapoints.insert")
    body_points = points_json(points)

    def parse(body: Any) -> list[Any]:
        expect_object(body)
        return []

    chunks: list[Chunk[Any]] = []
    for start in range(0, len(body_points), INSERT_POINTS_PER_REQUEST):
        part = body_points[start : start + INSERT_POINTS_PER_REQUEST]
        body = {"items": [{"instanceId": instance_id_json(key), "datapoints": part}]}
        chunks.append(Chunk(Call("POST", "/timeseries/data", parse, body=body, kind="apply"), part))
    return chunks


def _fetch(
    instance_ids: Any,
    start: Any,
    end: Any,
    aggregates: Any,
    granularity: Any,
    limit: int | None,
) -> DatapointsFetch:
    keys = node_keys(instance_ids, "datapoints.retrieve")
    names = aggregate_names(aggregates)
    if (names is None) != (granularity is None):
        raise InvalidArgumentError(
            "aggregates and granularity go together: give both (e.g. aggregates=['average'], "
            "granularity='1h') or neither for raw points."
        )
    start_ms = None if start is None else time_argument(start, "start")
    end_ms = None if end is None else time_argument(end, "end")
    # Only absolute times can be compared here; CDF judges relative ones against its clock.
    if isinstance(start_ms, int) and isinstance(end_ms, int) and end_ms <= start_ms:
        raise InvalidArgumentError(f"end ({end!r}) must be later than start ({start!r}).")
    return DatapointsFetch(
        keys,
        start_ms,
        end_ms,
        names,
        None if granularity is None else check_granularity(granularity),
        limit,
    )


class DatapointsAPI:
    """Data points of ``CogniteTimeSeries`` nodes: retrieve (raw or aggregated) and insert."""

    def __init__(self, http: SyncHTTPClient) -> None:
        self._http = http

    def retrieve(
        self,
        instance_ids: Any,
        *,
        start: int | str | datetime | None = None,
        end: int | str | datetime | None = None,
        aggregates: str | Sequence[str] | None = None,
        granularity: str | None = None,
        limit: int | None = None,
    ) -> DatapointsList:
        """The points of one or more time series nodes in ``[start, end)``.

        ``start`` and ``end`` are epoch ms, datetimes or CDF's relative times (``"2d-ago"``,
        ``"now"``); CDF's defaults are epoch 0 and now. ``aggregates`` with a ``granularity``
        (``"1h"``) reads one aggregate point per bucket instead of raw points. ``limit`` caps the
        points per time series (None: all of them, following cursors).
        """
        fetch = _fetch(instance_ids, start, end, aggregates, granularity, limit)
        while (call := fetch.next_call()) is not None:
            fetch.accept(self._http.run(call))
        return fetch.result()

    def retrieve_dataframe(
        self,
        instance_ids: Any,
        *,
        start: int | str | datetime | None = None,
        end: int | str | datetime | None = None,
        aggregates: str | Sequence[str] | None = None,
        granularity: str | None = None,
        limit: int | None = None,
    ) -> Any:
        """``retrieve(...).to_pandas()``: one DataFrame with a UTC timestamp index (needs pandas)."""
        return self.retrieve(
            instance_ids, start=start, end=end, aggregates=aggregates, granularity=granularity, limit=limit
        ).to_pandas()

    def insert(self, instance_id: Any, points: Any) -> None:
        """Write points to one time series node: ``[(timestamp, value), ...]`` or
        ``[{"timestamp": ..., "value": ...}, ...]``; a point at an existing timestamp replaces it."""
        self._http.run_chunks(_insert_chunks(instance_id, points))


class AsyncDatapointsAPI:
    """Data points, for ``AsyncCDFClient``: the same methods as ``DatapointsAPI``, awaited."""

    def __init__(self, http: AsyncHTTPClient) -> None:
        self._http = http

    async def retrieve(
        self,
        instance_ids: Any,
        *,
        start: int | str | datetime | None = None,
        end: int | str | datetime | None = None,
        aggregates: str | Sequence[str] | None = None,
        granularity: str | None = None,
        limit: int | None = None,
    ) -> DatapointsList:
        """The points of one or more time series nodes in ``[start, end)`` (see ``DatapointsAPI``)."""
        fetch = _fetch(instance_ids, start, end, aggregates, granularity, limit)
        while (call := fetch.next_call()) is not None:
            fetch.accept(await self._http.run(call))
        return fetch.result()

    async def retrieve_dataframe(
        self,
        instance_ids: Any,
        *,
        start: int | str | datetime | None = None,
        end: int | str | datetime | None = None,
        aggregates: str | Sequence[str] | None = None,
        granularity: str | None = None,
        limit: int | None = None,
    ) -> Any:
        """``(await retrieve(...)).to_pandas()`` (needs pandas)."""
        result = await self.retrieve(
            instance_ids, start=start, end=end, aggregates=aggregates, granularity=granularity, limit=limit
        )
        return result.to_pandas()

    async def insert(self, instance_id: Any, points: Any) -> None:
        """Write points to one time series node (see ``DatapointsAPI.insert``)."""
        await self._http.run_chunks(_insert_chunks(instance_id, points))
