"""Typed classes for CDF's data-modeling schema: spaces, containers, views and data models.

Every class loads both the raw API JSON and the cognite-sdk dump found in model files, keeps
fields it does not know, and dumps to the API's shape (``dump()`` as CDF returns it,
``dump_apply()`` as CDF's apply endpoints accept it).
"""

from pygen_runtime.schema._containers import Container, ContainerProperty
from pygen_runtime.schema._data_models import DataModel, Space, load_data_models
from pygen_runtime.schema._ids import ContainerId, DataModelId, EdgeId, NodeId, ViewId
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

__all__ = [
    "BooleanType",
    "Container",
    "ContainerId",
    "ContainerProperty",
    "DataModel",
    "DataModelId",
    "DateType",
    "DirectRelationType",
    "EdgeConnection",
    "EdgeId",
    "EnumType",
    "EnumValue",
    "FileReferenceType",
    "Float32Type",
    "Float64Type",
    "Int32Type",
    "Int64Type",
    "JsonType",
    "MappedProperty",
    "NodeId",
    "PropertyReference",
    "PropertyType",
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
