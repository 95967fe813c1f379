"""Identifiers of spaces' contents: containers, views, data models, nodes and edges.

Identifiers are frozen and hashable so that they can key dicts and sets. They ignore unknown
fields (a reference's ``"type": "view"`` marker, for instance) so that two references to the same
thing always compare equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel
from typing_extensions import Self

__all__ = ["ContainerId", "DataModelId", "EdgeId", "NodeId", "ViewId"]


class _Identifier(BaseModel):
    model_config = ConfigDict(
        alias_generator=to_camel,
        populate_by_name=True,
        extra="ignore",
        frozen=True,
        coerce_numbers_to_str=True,
        defer_build=True,
    )
    # The value of the ``type`` key CDF expects when this identifier is used as a reference.
    reference_type: ClassVar[str | None] = None

    space: str
    external_id: str

    @classmethod
    def load(cls, data: Mapping[str, Any] | Self) -> Self:
        """Load from a CDF reference such as ``{"space": "s", "externalId": "x"}``."""
        if isinstance(data, cls):
            return data
        return cls.model_validate(data)

    def dump(self, *, include_type: bool = True) -> dict[str, Any]:
        """The camelCase reference CDF accepts, with its ``type`` marker where CDF expects one."""
        out: dict[str, Any] = {}
        if include_type and self.reference_type is not None:
            out["type"] = self.reference_type
        out.update(self.model_dump(by_alias=True))
        return out


class ContainerId(_Identifier):
    """A container: ``space`` and ``external_id``."""

    reference_type: ClassVar[str | None] = "container"

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}"


class ViewId(_Identifier):
    """A view: ``space``, ``external_id`` and ``version``."""

    reference_type: ClassVar[str | None] = "view"
    version: str

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}(version={self.version})"


class DataModelId(_Identifier):
    """A data model: ``space``, ``external_id`` and ``version``."""

    version: str

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}(version={self.version})"


class NodeId(_Identifier):
    """A node, or a direct-relation reference to one."""

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}"


class EdgeId(_Identifier):
    """An edge."""

    def __str__(self) -> str:
        return f"{self.space}:{self.external_id}"
