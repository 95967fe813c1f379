"""Data models and spaces."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated, Any

from pydantic import Discriminator, Field, Tag

from pygen_runtime.schema._base import SchemaModel, dump_json
from pygen_runtime.schema._ids import DataModelId, ViewId
from pygen_runtime.schema._views import View

__all__ = ["DataModel", "Space", "load_data_models"]


def _view_or_reference(value: Any) -> str:
    if isinstance(value, dict):
        return "view" if "properties" in value else "reference"
    return "view" if isinstance(value, View) else "reference"


class DataModel(SchemaModel):
    """A data model: a versioned list of views, inline (with their properties) or as references."""

    space: str
    external_id: str
    version: str
    name: str | None = None
    description: str | None = None
    views: list[
        Annotated[
            Annotated[View, Tag("view")] | Annotated[ViewId, Tag("reference")],
            Discriminator(_view_or_reference),
        ]
    ] = Field(default_factory=list)
    is_global: bool = False
    created_time: int | None = None
    last_updated_time: int | None = None

    model_config = SchemaModel.model_config | {"coerce_numbers_to_str": True}

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> DataModel:
        return cls.model_validate(data)

    def as_id(self) -> DataModelId:
        return DataModelId(space=self.space, external_id=self.external_id, version=self.version)

    @property
    def view_ids(self) -> list[ViewId]:
        return [view.as_id() if isinstance(view, View) else view for view in self.views]

    @property
    def inline_views(self) -> list[View]:
        """The views given with their definitions (references are left out)."""
        return [view for view in self.views if isinstance(view, View)]

    def dump(self) -> dict[str, Any]:
        """The data model as CDF returns it."""
        out = dump_json(self)
        out["views"] = [view.dump() for view in self.views]
        return out

    def dump_apply(self) -> dict[str, Any]:
        """The data model as the apply endpoint accepts it; inline views become apply bodies."""
        out = self.dump()
        for read_only in ("isGlobal", "createdTime", "lastUpdatedTime"):
            out.pop(read_only, None)
        out["views"] = [view.dump_apply() if isinstance(view, View) else view.dump() for view in self.views]
        return out


class Space(SchemaModel):
    space: str
    name: str | None = None
    description: str | None = None
    is_global: bool = False
    created_time: int | None = None
    last_updated_time: int | None = None

    @classmethod
    def load(cls, data: Mapping[str, Any]) -> Space:
        return cls.model_validate(data)

    def dump(self) -> dict[str, Any]:
        return dump_json(self)

    def dump_apply(self) -> dict[str, Any]:
        out = self.dump()
        for read_only in ("isGlobal", "createdTime", "lastUpdatedTime"):
            out.pop(read_only, None)
        return out


def load_data_models(data: Any) -> list[DataModel]:
    """Data models from a parsed model file or API response.

    Accepts one data model (a mapping), a list of them, or an API response ``{"items": [...]}``,
    in either the API's JSON shape or the cognite-sdk dump shape.

    >>> response = {"items": [{"space": "s", "externalId": "M", "version": "1"}]}
    >>> [model.external_id for model in load_data_models(response)]
    ['M']
    """
    if isinstance(data, Mapping) and "items" in data and "externalId" not in data:
        data = data["items"]
    items: Iterable[Any] = [data] if isinstance(data, Mapping) else data
    if not isinstance(items, list):
        raise TypeError(
            f"expected a data model, a list of data models or {{'items': [...]}}, got {type(data).__name__}"
        )
    return [DataModel.model_validate(item) for item in items]
