"""CDF's sort specifications: ``[{"property": [...], "direction": ..., "nullsFirst": ...}]``.

At most five properties; ``direction`` is ``ascending`` (the default) or ``descending``; nulls go
last in both directions unless ``nullsFirst`` is true. Values compare by property type (see
:mod:`._filter_values`). Instances equal on every sort property keep the order they came in, so a
caller that passes instances in a stable order gets a stable result, which is what cursors need.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import total_ordering
from typing import TYPE_CHECKING, Any

from pygen_runtime.testing._errors import QueryError
from pygen_runtime.testing._filter_properties import (
    PropertyAccess,
    PropertyReferenceError,
    resolve_property,
)
from pygen_runtime.testing._filter_values import describe_json
from pygen_runtime.testing._limits import SORT_MAX

if TYPE_CHECKING:
    from pygen_runtime.testing._schema_store import SchemaStore
    from pygen_runtime.testing._store import StoredInstance

__all__ = ["InstanceOrder", "SortKey", "compile_sort", "sort_instances", "sort_key"]

SortKey = Callable[["StoredInstance"], tuple[Any, ...]]


@total_ordering
class _Descending:
    """Wraps a value so that it orders in reverse (strings cannot simply be negated)."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Descending) and bool(self.value == other.value)

    def __lt__(self, other: _Descending) -> bool:
        return bool(other.value < self.value)

    def __hash__(self) -> int:
        return hash(self.value)


@dataclass(frozen=True, slots=True)
class _SortProperty:
    access: PropertyAccess
    descending: bool
    nulls_first: bool

    def key(self, instance: StoredInstance) -> tuple[int, Any]:
        value = self.access.canonical(instance)
        if value is None:
            # The rank alone orders a null against any value; nulls compare equal to each other.
            return (0 if self.nulls_first else 2, 0)
        return (1, _Descending(value) if self.descending else value)


def _sort_property(spec: Any, schema: SchemaStore, where: str) -> _SortProperty:
    if not isinstance(spec, Mapping) or "property" not in spec:
        raise QueryError(
            f"{where}: a sort is an object with 'property' (and optional 'direction', 'nullsFirst'), "
            f"got {describe_json(spec)}"
        )
    unknown = sorted(set(spec) - {"property", "direction", "nullsFirst"})
    if unknown:
        raise QueryError(f"{where}: unknown sort field(s) {', '.join(unknown)}; use direction and nullsFirst")
    direction = spec.get("direction", "ascending")
    if direction not in ("ascending", "descending"):
        raise QueryError(
            f"{where}.direction: expected 'ascending' or 'descending', got {describe_json(direction)}"
        )
    nulls_first = spec.get("nullsFirst", False)
    if not isinstance(nulls_first, bool):
        raise QueryError(f"{where}.nullsFirst: expected true or false, got {describe_json(nulls_first)}")
    try:
        access = resolve_property(spec["property"], schema)
    except PropertyReferenceError as error:
        raise QueryError(f"{where}.property: {error}") from None
    if access.is_list:
        raise QueryError(f"{where}.property: {access.label} is a list property; sort on a single-valued one")
    return _SortProperty(access, direction == "descending", nulls_first)


class InstanceOrder:
    """A validated sort specification: key function, sorting, and keys that survive JSON.

    Cursors carry the key of the last item they returned; :meth:`dump_key` and :meth:`load_key`
    turn a key into JSON and back so a later request resumes right after that item.
    """

    def __init__(self, properties: Sequence[_SortProperty]) -> None:
        self._properties = tuple(properties)

    def __bool__(self) -> bool:
        return bool(self._properties)

    def key(self, instance: StoredInstance) -> tuple[Any, ...]:
        """The instance's sort key; keys compare in the specification's order."""
        return tuple(prop.key(instance) for prop in self._properties)

    def sort(self, instances: Iterable[StoredInstance]) -> list[StoredInstance]:
        """The instances in this order (stable: ties keep their incoming order)."""
        if not self._properties:
            return list(instances)
        return sorted(instances, key=self.key)

    def dump_key(self, key: tuple[Any, ...]) -> list[Any]:
        """A key as JSON-compatible data."""
        dumped: list[Any] = []
        for rank, value in key:
            raw = value.value if isinstance(value, _Descending) else value
            dumped.append([rank, list(raw) if isinstance(raw, tuple) else raw])
        return dumped

    def load_key(self, data: Any) -> tuple[Any, ...] | None:
        """The key :meth:`dump_key` produced, or None if ``data`` does not fit this order."""
        if not isinstance(data, list) or len(data) != len(self._properties):
            return None
        key: list[tuple[int, Any]] = []
        for prop, part in zip(self._properties, data, strict=True):
            if not (isinstance(part, list) and len(part) == 2 and part[0] in (0, 1, 2)):
                return None
            rank, raw = part
            if rank != 1:
                key.append((rank, 0))
                continue
            value = _loaded_value(prop.access.kind, raw)
            if value is None:
                return None
            key.append((1, _Descending(value) if prop.descending else value))
        return tuple(key)


def _loaded_value(kind: str, raw: Any) -> Any:
    if kind == "direct":
        if isinstance(raw, list) and len(raw) == 2 and all(isinstance(part, str) for part in raw):
            return (raw[0], raw[1])
        return None
    expected: dict[str, tuple[type, ...]] = {
        "number": (int, float),
        "timestamp": (int,),
        "boolean": (bool,),
    }
    types = expected.get(kind, (str,))
    if isinstance(raw, bool) and bool not in types:
        return None
    return raw if isinstance(raw, types) else None


def compile_sort(
    sort: Sequence[Mapping[str, Any]] | None, schema: SchemaStore, *, location: str = "sort"
) -> InstanceOrder:
    """Validate a sort specification once; raises :class:`QueryError` naming what is wrong."""
    if sort is None:
        return InstanceOrder(())
    if not isinstance(sort, Sequence) or isinstance(sort, (str, bytes)):
        raise QueryError(f"{location}: expected a list of sort objects, got {describe_json(sort)}")
    if len(sort) > SORT_MAX:
        raise QueryError(f"{location}: at most {SORT_MAX} sort properties are allowed, got {len(sort)}")
    return InstanceOrder(
        [_sort_property(spec, schema, f"{location}[{index}]") for index, spec in enumerate(sort)]
    )


def sort_key(
    sort: Sequence[Mapping[str, Any]] | None, schema: SchemaStore, *, location: str = "sort"
) -> SortKey:
    """A key function ordering instances by a sort specification; raises :class:`QueryError`.

    ``sorted(instances, key=sort_key(spec, schema))`` applies every sort property at once; an
    empty or missing specification gives every instance the same key.
    """
    return compile_sort(sort, schema, location=location).key


def sort_instances(
    instances: Iterable[StoredInstance], sort: Sequence[Mapping[str, Any]] | None, schema: SchemaStore
) -> list[StoredInstance]:
    """The instances ordered by a CDF sort specification (stable; see the module docstring).

    >>> newest_first = [{"property": ["node", "createdTime"], "direction": "descending"}]
    >>> sort_instances(store.live(), newest_first, schema)  # doctest: +SKIP
    """
    return compile_sort(sort, schema).sort(instances)
