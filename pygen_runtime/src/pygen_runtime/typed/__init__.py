"""The typed layer that generated SDKs build on: base classes of read and write objects, their
list classes, the generic per-view APIs, filter builders and the client base.

A generated SDK subclasses these; nothing here knows a particular data model::

    from pygen_runtime.typed import NodeAPI, NodeRead, NodeReadList, NodeWrite, TypedClient, filters

Names are imported on first use: ``from pygen_runtime.typed import TypedClient`` (all a generated
package's client module needs) loads neither the per-view APIs, the filter builders nor the
thread pool behind prefetching cursors.

See docs/python-sdk.md ("Runtime contract") for what a generated SDK declares.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pygen_runtime._lazy import lazy_exports

if TYPE_CHECKING:
    from pygen_runtime._api._aggregations import Aggregation, Avg, Count, Histogram, Max, Min, Sum
    from pygen_runtime._pandas import PandasMissingError
    from pygen_runtime.typed import filters
    from pygen_runtime.typed._client import TypedClient
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
    )
    from pygen_runtime.typed._parsing import parse_instances
    from pygen_runtime.typed._split_filters import MAX_IN_FILTER_VALUES, split_filter
    from pygen_runtime.typed._upsert_result import UpsertedInstance, UpsertResult

# Where each public name is defined; ``filters`` is the submodule itself.
_EXPORTS: dict[str, str] = {
    "AggregateName": "pygen_runtime.typed._instance_api",
    "Aggregation": "pygen_runtime._api._aggregations",
    "Avg": "pygen_runtime._api._aggregations",
    "Connection": "pygen_runtime.typed._connections",
    "Count": "pygen_runtime._api._aggregations",
    "EdgeAPI": "pygen_runtime.typed._instance_api",
    "EdgeRead": "pygen_runtime.typed._instances",
    "EdgeReadList": "pygen_runtime.typed._lists",
    "EdgeWrite": "pygen_runtime.typed._instances",
    "EdgeWriteList": "pygen_runtime.typed._lists",
    "Edges": "pygen_runtime.typed._connections",
    "ExternalIdFactory": "pygen_runtime.typed._instances",
    "Histogram": "pygen_runtime._api._aggregations",
    "InstanceRead": "pygen_runtime.typed._instances",
    "InstanceWrite": "pygen_runtime.typed._instances",
    "MAX_IN_FILTER_VALUES": "pygen_runtime.typed._split_filters",
    "Max": "pygen_runtime._api._aggregations",
    "Min": "pygen_runtime._api._aggregations",
    "NodeAPI": "pygen_runtime.typed._instance_api",
    "NodeRead": "pygen_runtime.typed._instances",
    "NodeReadList": "pygen_runtime.typed._lists",
    "NodeReference": "pygen_runtime.typed._instances",
    "NodeWrite": "pygen_runtime.typed._instances",
    "NodeWriteList": "pygen_runtime.typed._lists",
    "PandasMissingError": "pygen_runtime._pandas",
    "RetrieveConnections": "pygen_runtime.typed._instance_api",
    "ReverseDirectRelation": "pygen_runtime.typed._connections",
    "SortDirection": "pygen_runtime.typed._instance_api",
    "Sum": "pygen_runtime._api._aggregations",
    "TypedClient": "pygen_runtime.typed._client",
    "UpsertResult": "pygen_runtime.typed._upsert_result",
    "UpsertedInstance": "pygen_runtime.typed._upsert_result",
    "as_node_id": "pygen_runtime.typed._instances",
    "default_external_id_factory": "pygen_runtime.typed._instances",
    "filters": "pygen_runtime.typed.filters",
    "parse_instances": "pygen_runtime.typed._parsing",
    "split_filter": "pygen_runtime.typed._split_filters",
}

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
    "UpsertedInstance",
    "as_node_id",
    "default_external_id_factory",
    "filters",
    "parse_instances",
    "split_filter",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
