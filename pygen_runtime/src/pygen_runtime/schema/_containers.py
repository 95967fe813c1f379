"""Containers: where CDF stores property values, and the type of each."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import Field

from pygen_runtime.schema._base import SchemaModel, dump_json
from pygen_runtime.schema._ids import ContainerId
from pygen_runtime.schema._types import PropertyType

__all__ = ["Container", "ContainerProperty"]


class ContainerProperty(SchemaModel):
    type: PropertyType
    nullable: bool = True
    immutable: bool = False
    auto_increment: bool = False
    default_value: Any = None
    name: str | None = None
    description: str | None = None

    def dump(self) -> dict[str, Any]:
        out = dump_json(self)
        out["type"] = self.type.dump()
        return out

    def dump_apply(self) -> dict[str, Any]:
        """The property as the container apply endpoint accepts it (read-only state left out)."""
        out = self.dump()
        out.pop("constraintState", None)
        return out


class Container(SchemaModel):
    space: str
    external_id: str
    name: str | None = None
    description: str | None = None
    used_for: str = "node"
    properties: dict[str, ContainerProperty] = Field(default_factory=dict)
    constraints: dict[str, Any] = Field(default_factory=dict)
    indexes: dict[str, Any] = Field(default_factory=dict)
    is_global: bool = False
    created_time: int | None = None
    last_updated_time: int | None = None

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Container:
        return cls.model_validate(data)

    def as_id(self) -> ContainerId:
        return ContainerId(space=self.space, external_id=self.external_id)

    def dump(self) -> dict[str, Any]:
        """The container as CDF returns it."""
        out = dump_json(self)
        out["properties"] = {key: prop.dump() for key, prop in self.properties.items()}
        return out

    def dump_apply(self) -> dict[str, Any]:
        """The container as the apply endpoint accepts it."""
        out = self.dump()
        for read_only in ("isGlobal", "createdTime", "lastUpdatedTime"):
            out.pop(read_only, None)
        out["properties"] = {key: prop.dump_apply() for key, prop in self.properties.items()}
        return out
