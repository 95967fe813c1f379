"""Typed classes for CDF's data-modeling schema: spaces, containers, views and data models.

Every class loads both the raw API JSON and the cognite-sdk dump found in model files, keeps
fields it does not know, and dumps to the API's shape (``dump()`` as CDF returns it,
``dump_apply()`` as CDF's apply endpoints accept it).

Names are imported on first use, so that code needing only identifiers (every generated SDK)
does not pay for building the container, view and data-model classes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pygen_runtime._lazy import lazy_exports

if TYPE_CHECKING:
    from pygen_runtime.schema._containers import Container, ContainerProperty
    from pygen_runtime.schema._data_models import DataModel, Space, load_data_models
    from pygen_runtime.schema._ids import ContainerId, DataModelId, EdgeId, NodeId, ViewId
    from pygen_runtime.schema._instances import (
        AggregatedHistogram,
        AggregatedNumber,
        AggregatedValue,
        AggregateResult,
        AppliedInstance,
        Edge,
        EdgeApply,
        HistogramBucket,
        Instance,
        InstanceApply,
        InstanceId,
        InstanceType,
        Node,
        NodeApply,
        NodeOrEdgeData,
        QueryResult,
    )
    from pygen_runtime.schema._types import (
        BooleanType,
        DateType,
        DirectRelationType,
        EnumType,
        EnumValue,
        FileReferenceType,
        Float32Type,
        Float64Type,
        Int32Type,
        Int64Type,
        JsonType,
        PropertyType,
        SequenceReferenceType,
        TextType,
        TimeSeriesReferenceType,
        TimestampType,
        UnknownPropertyType,
    )
    from pygen_runtime.schema._views import (
        EdgeConnection,
        MappedProperty,
        PropertyReference,
        ReverseDirectRelation,
        UnknownViewProperty,
        View,
        ViewProperty,
    )

# Where each public name is defined.
_EXPORTS: dict[str, str] = {
    "AggregateResult": "pygen_runtime.schema._instances",
    "AggregatedHistogram": "pygen_runtime.schema._instances",
    "AggregatedNumber": "pygen_runtime.schema._instances",
    "AggregatedValue": "pygen_runtime.schema._instances",
    "AppliedInstance": "pygen_runtime.schema._instances",
    "BooleanType": "pygen_runtime.schema._types",
    "Container": "pygen_runtime.schema._containers",
    "ContainerId": "pygen_runtime.schema._ids",
    "ContainerProperty": "pygen_runtime.schema._containers",
    "DataModel": "pygen_runtime.schema._data_models",
    "DataModelId": "pygen_runtime.schema._ids",
    "DateType": "pygen_runtime.schema._types",
    "DirectRelationType": "pygen_runtime.schema._types",
    "Edge": "pygen_runtime.schema._instances",
    "EdgeApply": "pygen_runtime.schema._instances",
    "EdgeConnection": "pygen_runtime.schema._views",
    "EdgeId": "pygen_runtime.schema._ids",
    "EnumType": "pygen_runtime.schema._types",
    "EnumValue": "pygen_runtime.schema._types",
    "FileReferenceType": "pygen_runtime.schema._types",
    "Float32Type": "pygen_runtime.schema._types",
    "Float64Type": "pygen_runtime.schema._types",
    "HistogramBucket": "pygen_runtime.schema._instances",
    "Instance": "pygen_runtime.schema._instances",
    "InstanceApply": "pygen_runtime.schema._instances",
    "InstanceId": "pygen_runtime.schema._instances",
    "InstanceType": "pygen_runtime.schema._instances",
    "Int32Type": "pygen_runtime.schema._types",
    "Int64Type": "pygen_runtime.schema._types",
    "JsonType": "pygen_runtime.schema._types",
    "MappedProperty": "pygen_runtime.schema._views",
    "Node": "pygen_runtime.schema._instances",
    "NodeApply": "pygen_runtime.schema._instances",
    "NodeId": "pygen_runtime.schema._ids",
    "NodeOrEdgeData": "pygen_runtime.schema._instances",
    "PropertyReference": "pygen_runtime.schema._views",
    "PropertyType": "pygen_runtime.schema._types",
    "QueryResult": "pygen_runtime.schema._instances",
    "ReverseDirectRelation": "pygen_runtime.schema._views",
    "SequenceReferenceType": "pygen_runtime.schema._types",
    "Space": "pygen_runtime.schema._data_models",
    "TextType": "pygen_runtime.schema._types",
    "TimeSeriesReferenceType": "pygen_runtime.schema._types",
    "TimestampType": "pygen_runtime.schema._types",
    "UnknownPropertyType": "pygen_runtime.schema._types",
    "UnknownViewProperty": "pygen_runtime.schema._views",
    "View": "pygen_runtime.schema._views",
    "ViewId": "pygen_runtime.schema._ids",
    "ViewProperty": "pygen_runtime.schema._views",
    "load_data_models": "pygen_runtime.schema._data_models",
}

__all__ = [
    "AggregateResult",
    "AggregatedHistogram",
    "AggregatedNumber",
    "AggregatedValue",
    "AppliedInstance",
    "BooleanType",
    "Container",
    "ContainerId",
    "ContainerProperty",
    "DataModel",
    "DataModelId",
    "DateType",
    "DirectRelationType",
    "Edge",
    "EdgeApply",
    "EdgeConnection",
    "EdgeId",
    "EnumType",
    "EnumValue",
    "FileReferenceType",
    "Float32Type",
    "Float64Type",
    "HistogramBucket",
    "Instance",
    "InstanceApply",
    "InstanceId",
    "InstanceType",
    "Int32Type",
    "Int64Type",
    "JsonType",
    "MappedProperty",
    "Node",
    "NodeApply",
    "NodeId",
    "NodeOrEdgeData",
    "PropertyReference",
    "PropertyType",
    "QueryResult",
    "ReverseDirectRelation",
    "SequenceReferenceType",
    "Space",
    "TextType",
    "TimeSeriesReferenceType",
    "TimestampType",
    "UnknownPropertyType",
    "UnknownViewProperty",
    "View",
    "ViewId",
    "ViewProperty",
    "load_data_models",
]


__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())
