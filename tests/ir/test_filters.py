"""Which filters each kind of property gets."""

from __future__ import annotations

import pytest

from hatch_pygen.ir import FilterKind, PrimitiveType, PropertyKind, supported_filters


@pytest.mark.parametrize(
    ("kind", "type_", "is_list", "expected"),
    [
        ("primitive", "text", False, ("equals", "in", "prefix")),
        ("primitive", "int32", False, ("range",)),
        ("primitive", "int64", False, ("range",)),
        ("primitive", "float32", False, ("range",)),
        ("primitive", "float64", False, ("range",)),
        ("primitive", "timestamp", False, ("range",)),
        ("primitive", "date", False, ("range",)),
        ("primitive", "boolean", False, ("equals",)),
        ("primitive", "json", False, ()),
        ("primitive", "timeseries", False, ()),
        ("primitive", "file", True, ()),
        ("primitive", "sequence", False, ()),
        ("primitive", "text", True, ("containsAny", "containsAll")),
        ("primitive", "float64", True, ("containsAny", "containsAll")),
        ("enum", None, False, ("equals",)),
        ("enum", None, True, ("containsAny", "containsAll")),
        ("direct_relation", None, False, ("equals", "in")),
        ("direct_relation", None, True, ("containsAny", "containsAll")),
        ("reverse_relation", None, True, ()),
        ("edge", None, False, ()),
    ],
)
def test_filters_by_kind_type_and_listness(
    kind: PropertyKind, type_: PrimitiveType | None, is_list: bool, expected: tuple[FilterKind, ...]
) -> None:
    assert supported_filters(kind, type_, is_list) == expected
