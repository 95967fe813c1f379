"""The language-neutral intermediate representation every renderer reads.

``build_ir()`` turns a validated schema into an :class:`IR`; ``IR.to_json()`` is what
``pygen ir`` prints. ``docs/ir.md`` describes the format.
"""

from hatch_pygen.ir._build import build_ir
from hatch_pygen.ir._filters import supported_filters
from hatch_pygen.ir._model import (
    IR,
    IR_VERSION,
    ContainerRef,
    DataModelIR,
    DataModelRef,
    EdgeIR,
    EnumValueIR,
    FilterKind,
    NodeRef,
    PrimitiveType,
    PropertyIR,
    PropertyKind,
    ThroughIR,
    ViewIR,
    ViewRef,
)

__all__ = [
    "IR",
    "IR_VERSION",
    "ContainerRef",
    "DataModelIR",
    "DataModelRef",
    "EdgeIR",
    "EnumValueIR",
    "FilterKind",
    "NodeRef",
    "PrimitiveType",
    "PropertyIR",
    "PropertyKind",
    "ThroughIR",
    "ViewIR",
    "ViewRef",
    "build_ir",
    "supported_filters",
]
