"""``client.datapoints`` and ``client.files`` of a generated SDK: the runtime's APIs, taking the
SDK's own objects as node references.

A time series or file can be given as a read object (``CogniteTimeSeries``), a write object, a
``NodeId``, a ``(space, external_id)`` pair, or a bare external id in the client's instance space.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pygen_runtime._api._datapoints import DatapointsAPI
    from pygen_runtime._api._files import FilesAPI
    from pygen_runtime.datapoints import DatapointsList
    from pygen_runtime.schema import NodeId

__all__ = ["TypedDatapointsAPI", "TypedFilesAPI"]

Time = int | str | datetime | None


def _node_id(value: Any, default_space: str | None, what: str) -> NodeId:
    from pygen_runtime.typed._instances import InstanceRead, NodeWrite, as_node_id

    if isinstance(value, InstanceRead):
        return value.as_id()  # type: ignore[return-value]  # a node's read object gives a NodeId
    if isinstance(value, NodeWrite):
        return value.as_id(default_space)
    return as_node_id(value, default_space, what)


def _is_many(value: Any) -> bool:
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        return False
    return not (len(value) == 2 and all(isinstance(part, str) for part in value) and isinstance(value, tuple))


def _node_ids(value: Any, default_space: str | None, what: str) -> list[NodeId]:
    items = list(value) if _is_many(value) else [value]
    return [_node_id(item, default_space, what) for item in items]


class TypedDatapointsAPI:
    """Data points of time series nodes (see ``DatapointsAPI``), by the SDK's objects."""

    def __init__(self, api: DatapointsAPI, instance_space: str | None) -> None:
        self._api = api
        self._space = instance_space

    def retrieve(
        self,
        time_series: Any,
        *,
        start: Time = None,
        end: Time = None,
        aggregates: str | Sequence[str] | None = None,
        granularity: str | None = None,
        limit: int | None = None,
    ) -> DatapointsList:
        """The points of one or more time series in ``[start, end)``, raw or aggregated."""
        ids = _node_ids(time_series, self._space, "datapoints.retrieve")
        return self._api.retrieve(
            ids, start=start, end=end, aggregates=aggregates, granularity=granularity, limit=limit
        )

    def retrieve_dataframe(
        self,
        time_series: Any,
        *,
        start: Time = None,
        end: Time = None,
        aggregates: str | Sequence[str] | None = None,
        granularity: str | None = None,
        limit: int | None = None,
    ) -> Any:
        """``retrieve(...).to_pandas()``: one DataFrame with a UTC timestamp index (needs pandas)."""
        return self.retrieve(
            time_series, start=start, end=end, aggregates=aggregates, granularity=granularity, limit=limit
        ).to_pandas()

    def insert(self, time_series: Any, points: Any) -> None:
        """Write ``[(timestamp, value), ...]`` to one time series."""
        self._api.insert(_node_id(time_series, self._space, "datapoints.insert"), points)


class TypedFilesAPI:
    """Content of file nodes (see ``FilesAPI``), by the SDK's objects."""

    def __init__(self, api: FilesAPI, instance_space: str | None) -> None:
        self._api = api
        self._space = instance_space

    def download(self, files: Any, directory: str | Path) -> list[Path]:
        """Write the content of file nodes into ``directory``, each named after its external id."""
        return self._api.download(_node_ids(files, self._space, "files.download"), directory)

    def download_urls(self, files: Any) -> dict[tuple[str, str], str]:
        """The (short-lived) download link of each file node, keyed by ``(space, external_id)``."""
        return self._api.download_urls(_node_ids(files, self._space, "files.download_urls"))

    def download_bytes(self, file: Any) -> bytes:
        """The content of one file node."""
        return self._api.download_bytes(_node_id(file, self._space, "files.download_bytes"))

    def upload_bytes(self, file: Any, content: bytes | str) -> None:
        """Upload the content of one file node."""
        self._api.upload_bytes(_node_id(file, self._space, "files.upload_bytes"), content)
