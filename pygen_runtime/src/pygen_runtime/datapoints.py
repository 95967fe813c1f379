"""What ``client.datapoints.retrieve`` returns: the points of each time series, as columns.

One :class:`Datapoints` per time series node: its identity and kind (string or numeric, step or
not, unit) and either raw points (``timestamps`` and ``values``) or, for an aggregate query, one
column per aggregate (``aggregates["average"]`` ...) beside the bucket start ``timestamps``.
:class:`DatapointsList` holds several and turns them into one pandas DataFrame.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pygen_runtime._pandas import import_pandas
from pygen_runtime.schema import NodeId

if TYPE_CHECKING:
    import pandas  # type: ignore[import-untyped, import-not-found, unused-ignore]

__all__ = ["Datapoints", "DatapointsList"]


@dataclass
class Datapoints:
    """The points of one time series node in the asked-for range.

    Raw queries fill ``values`` (floats for numeric time series, strings for string ones);
    aggregate queries fill ``aggregates`` (aggregate name to one value per bucket, None where CDF
    left the aggregate out) and leave ``values`` empty. ``timestamps`` are epoch milliseconds
    (bucket starts for aggregates).
    """

    instance_id: NodeId
    is_string: bool = False
    is_step: bool = False
    unit: str | None = None
    unit_external_id: str | None = None
    timestamps: list[int] = field(default_factory=list)
    values: list[Any] = field(default_factory=list)
    aggregates: dict[str, list[Any]] = field(default_factory=dict)
    granularity: str | None = None

    def __len__(self) -> int:
        return len(self.timestamps)

    @property
    def column_name(self) -> str:
        """``space:externalId``: the name of this time series' column(s) in a DataFrame."""
        return f"{self.instance_id.space}:{self.instance_id.external_id}"

    def columns(self) -> dict[str, list[Any]]:
        """The DataFrame columns: ``space:externalId`` for raw points, ``space:externalId|<aggregate>``
        for each aggregate."""
        if self.granularity is None:
            return {self.column_name: self.values}
        return {f"{self.column_name}|{name}": column for name, column in self.aggregates.items()}

    def to_pandas(self) -> pandas.DataFrame:
        """A DataFrame indexed by UTC timestamps, with the columns of :meth:`columns`."""
        return _frame([self])


class DatapointsList(list[Datapoints]):
    """The results of one retrieve, in the order the time series were asked for."""

    def get(self, instance_id: Any) -> Datapoints | None:
        """The result for one node (a NodeId, ``(space, external_id)`` or a node object), or None."""
        from pygen_runtime._api._node_refs import node_key

        key = node_key(instance_id, "DatapointsList.get")
        for item in self:
            if (item.instance_id.space, item.instance_id.external_id) == key:
                return item
        return None

    def to_pandas(self) -> pandas.DataFrame:
        """One DataFrame: the union of every series' timestamps as a UTC index, one column per series
        (per series and aggregate for aggregate queries), missing values as NaN."""
        return _frame(self)


def _frame(items: list[Datapoints]) -> pandas.DataFrame:
    pd = import_pandas()
    frames = []
    for item in items:
        # Nanoseconds whatever pandas' default unit is (pandas 3 picks microseconds here, 2 ns),
        # so a frame has the same index dtype under every supported pandas.
        index = pd.DatetimeIndex(
            pd.to_datetime(pd.Series(item.timestamps, dtype="int64"), unit="ms", utc=True)
        ).as_unit("ns")
        columns: Mapping[str, list[Any]] = item.columns()
        data = {
            name: pd.Series(column, index=index, dtype="object" if item.is_string else "float64")
            for name, column in columns.items()
        }
        frames.append(pd.DataFrame(data, index=index))
    if not frames:
        frame = pd.DataFrame(index=pd.DatetimeIndex([], tz="UTC").as_unit("ns"))
    else:
        frame = pd.concat(frames, axis=1, sort=True) if len(frames) > 1 else frames[0]
    frame.index.name = "timestamp"
    return frame
