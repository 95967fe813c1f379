"""The typed layer that generated SDKs build on: base classes of read and write objects, their
list classes, the generic per-view APIs, filter builders and the client base.

A generated SDK subclasses these; nothing here knows a particular data model::

    from pygen_runtime.typed import NodeAPI, NodeRead, NodeReadList, NodeWrite, TypedClient, filters

See docs/python-sdk.md ("Runtime contract") for what a generated SDK declares.
"""

from __future__ import annotations

from pygen_runtime._api._aggregations import Aggregation, Avg, Count, Histogram, Max, Min, Sum
from pygen_runtime.typed import filters
from pygen_runtime.typed._client import TypedClient, UpsertResult
from pygen_runtime.typed._connections import Connection, Edges, ReverseDirectRelation
from pygen_runtime.typed._instance_api import (
    AggregateName,
    EdgeAPI,
    NodeAPI,
    RetrieveConnections,
    SortDirection,
)
from pygen_runtime.typed._instances import (
    EdgeRead,
    EdgeWrite,
    ExternalIdFactory,
    InstanceRead,
    InstanceWrite,
    NodeRead,
    NodeReference,
    NodeWrite,
    as_node_id,
    default_external_id_factory,
)
from pygen_runtime.typed._lists import (
    EdgeReadList,
    EdgeWriteList,
    NodeReadList,
    NodeWriteList,
    PandasMissingError,
)
from pygen_runtime.typed._parsing import parse_instances
from pygen_runtime.typed._split_filters import MAX_IN_FILTER_VALUES, split_filter

__all__ = [
    "MAX_IN_FILTER_VALUES",
    "AggregateName",
    "Aggregation",
    "Avg",
    "Connection",
    "Count",
    "EdgeAPI",
    "EdgeRead",
    "EdgeReadList",
    "EdgeWrite",
    "EdgeWriteList",
    "Edges",
    "ExternalIdFactory",
    "Histogram",
    "InstanceRead",
    "InstanceWrite",
    "Max",
    "Min",
    "NodeAPI",
    "NodeRead",
    "NodeReadList",
    "NodeReference",
    "NodeWrite",
    "NodeWriteList",
    "PandasMissingError",
    "RetrieveConnections",
    "ReverseDirectRelation",
    "SortDirection",
    "Sum",
    "TypedClient",
    "UpsertResult",
    "as_node_id",
    "default_external_id_factory",
    "filters",
    "parse_instances",
    "split_filter",
]
