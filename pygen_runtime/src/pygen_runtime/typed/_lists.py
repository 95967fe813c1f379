"""List classes of typed instances: plain Python lists with ``dump()``, ``as_write()``,
``as_ids()`` and ``to_pandas()``.

A page from ``iterate`` is one of these too, with the cursor that resumes the listing after it in
``next_cursor``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from pydantic import BaseModel

from pygen_runtime._pandas import PandasMissingError, import_pandas, notebook_table
from pygen_runtime.schema import EdgeId, NodeId
from pygen_runtime.typed._instances import (
    EdgeRead,
    EdgeWrite,
    InstanceRead,
    InstanceWrite,
    NodeRead,
    NodeWrite,
)

if TYPE_CHECKING:
    import pandas  # type: ignore[import-untyped, import-not-found, unused-ignore]

__all__ = ["EdgeReadList", "EdgeWriteList", "NodeReadList", "NodeWriteList", "PandasMissingError"]

NodeReadT = TypeVar("NodeReadT", bound=NodeRead)
NodeWriteT = TypeVar("NodeWriteT", bound=NodeWrite)
EdgeReadT = TypeVar("EdgeReadT", bound=EdgeRead)
EdgeWriteT = TypeVar("EdgeWriteT", bound=EdgeWrite)
ItemT = TypeVar("ItemT", bound=InstanceRead | InstanceWrite)
ListT = TypeVar("ListT", bound="NodeReadList[Any]")


def _row(item: BaseModel) -> dict[str, Any]:
    # Python field names as columns: unique within a class, unlike wire identifiers, which may
    # repeat an instance field's name (a ``type`` property beside the node's ``type``).
    row = {name: getattr(item, name) for name in type(item).model_fields}
    row.update(item.model_extra or {})
    return row


def _column(pd: Any, values: list[Any]) -> Any:
    # An integer column with a gap would become float64 and round int64 values above 2**53;
    # pandas' nullable Int64 keeps every value exact.
    present = [value for value in values if value is not None]
    if present and all(type(value) is int for value in present):
        return pd.array(values, dtype="Int64")
    return values


class _TypedList(list[ItemT], Generic[ItemT]):
    """A list of typed instances; ``next_cursor`` is set on pages from ``iterate``."""

    _item_class: type[InstanceRead | InstanceWrite]

    next_cursor: str | None = None

    def __init__(self, items: Iterable[ItemT] = (), next_cursor: str | None = None) -> None:
        super().__init__(items)
        self.next_cursor = next_cursor

    def dump(self) -> list[dict[str, Any]]:
        """Each item's ``dump()``: CDF's JSON for it."""
        return [item.dump() for item in self]  # type: ignore[union-attr]

    def to_pandas(self, dropna_columns: bool = False) -> pandas.DataFrame:
        """A DataFrame with one row per item and one column per field (needs
        ``pip install 'pygen-runtime[pandas]'``).

        ``dropna_columns=True`` leaves out the columns with no value in any row (None, or NaN);
        an empty list keeps every column, so that code picking columns still finds them.
        """
        pd = import_pandas()
        if not self:
            return pd.DataFrame(columns=self._columns())
        rows = [_row(item) for item in self]
        columns: dict[str, list[Any]] = {}
        for row in rows:
            for name in row:
                columns.setdefault(name, [])
        for name, values in columns.items():
            values.extend(row.get(name) for row in rows)
        frame = pd.DataFrame({name: _column(pd, values) for name, values in columns.items()})
        if dropna_columns:
            frame = frame.dropna(axis="columns", how="all")
        return frame

    def _columns(self) -> list[str]:
        return list(self._item_class.model_fields)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({list.__repr__(self)})"

    def _repr_html_(self) -> str | None:
        """A table in notebooks, when pandas is installed."""
        return notebook_table(self.to_pandas)


class NodeReadList(_TypedList[NodeReadT], Generic[NodeReadT]):
    """Nodes read from CDF."""

    _item_class: type[NodeRead] = NodeRead

    def as_ids(self) -> list[NodeId]:
        return [item.as_id() for item in self]

    def as_write(self) -> NodeWriteList[Any]:
        """Write objects of every node (generated lists return their own write list class)."""
        return NodeWriteList([item.as_write() for item in self])

    def _connected(self, name: str, list_class: type[ListT]) -> ListT | list[Any]:
        """What relation field ``name`` of every node holds, in order, each node or id once: a
        ``list_class`` when every one is a read object (filled with ``retrieve_connections=
        "full"``), else a plain list (ids, or a mix)."""
        seen: set[tuple[str, str]] = set()
        values: list[Any] = []
        for item in self:
            value = getattr(item, name)
            for one in value if isinstance(value, list) else ([] if value is None else [value]):
                key = (one.space, one.external_id)
                if key not in seen:
                    seen.add(key)
                    values.append(one)
        if all(isinstance(value, NodeRead) for value in values):
            return list_class(values)
        return values


class NodeWriteList(_TypedList[NodeWriteT], Generic[NodeWriteT]):
    """Nodes to write to CDF."""

    _item_class: type[NodeWrite] = NodeWrite

    def as_ids(self, default_space: str | None = None) -> list[NodeId]:
        return [item.as_id(default_space) for item in self]


class EdgeReadList(_TypedList[EdgeReadT], Generic[EdgeReadT]):
    """Edges read from CDF."""

    _item_class: type[EdgeRead] = EdgeRead

    def as_ids(self) -> list[EdgeId]:
        return [item.as_id() for item in self]

    def as_write(self) -> EdgeWriteList[Any]:
        """Write objects of every edge (generated lists return their own write list class)."""
        return EdgeWriteList([item.as_write() for item in self])


class EdgeWriteList(_TypedList[EdgeWriteT], Generic[EdgeWriteT]):
    """Edges to write to CDF."""

    _item_class: type[EdgeWrite] = EdgeWrite

    def as_ids(self, default_space: str | None = None) -> list[EdgeId]:
        return [item.as_id(default_space) for item in self]
