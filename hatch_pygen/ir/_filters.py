"""Which filters a property supports, by its kind, type and whether it is a list.

CDF can filter on more than this; these are the filters a generated method offers as typed
parameters, chosen to be useful and cheap on CDF's indexes.
"""

from __future__ import annotations

from hatch_pygen.ir._model import FilterKind, PrimitiveType, PropertyKind

_SCALAR_FILTERS: dict[str, tuple[FilterKind, ...]] = {
    "text": ("equals", "in", "prefix"),
    "boolean": ("equals",),
    "int32": ("range",),
    "int64": ("range",),
    "float32": ("range",),
    "float64": ("range",),
    "timestamp": ("range",),
    "date": ("range",),
    # References to other CDF resources and free-form JSON get no typed filters.
    "json": (),
    "timeseries": (),
    "file": (),
    "sequence": (),
}
_LIST_FILTERS: tuple[FilterKind, ...] = ("containsAny", "containsAll")


def supported_filters(
    kind: PropertyKind, type_: PrimitiveType | None, is_list: bool
) -> tuple[FilterKind, ...]:
    """The filter kinds for a property, e.g. ``("equals", "in", "prefix")`` for a text property."""
    if kind in ("reverse_relation", "edge"):
        return ()
    if kind == "primitive":
        scalar = _SCALAR_FILTERS.get(type_ or "", ())
        return _LIST_FILTERS if is_list and scalar else scalar
    if is_list:
        return _LIST_FILTERS
    return ("equals", "in") if kind == "direct_relation" else ("equals",)
