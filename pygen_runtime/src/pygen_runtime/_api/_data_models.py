"""``client.data_models``: create, retrieve, list and delete data models."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING

from pygen_runtime._api._calls import Chunk, Page, Pager, items_of
from pygen_runtime._api._schema_calls import (
    apply_chunks,
    by_ids_chunks,
    items_parser,
    list_pager,
    page_parser,
)
from pygen_runtime.schema import DataModel, DataModelId

if TYPE_CHECKING:
    from pygen_runtime._http._async import AsyncHTTPClient
    from pygen_runtime._http._sync import SyncHTTPClient

__all__ = ["AsyncDataModelsAPI", "DataModelsAPI"]

_PATH = "/models/datamodels"
_parse_models = items_parser(DataModel)
_parse_model_page = page_parser(DataModel)
_parse_ids = items_parser(DataModelId)


def _apply(models: DataModel | Sequence[DataModel]) -> list[Chunk[DataModel]]:
    items: list[DataModel] = items_of(models, DataModel, "data_models.apply")
    return apply_chunks(_PATH, [model.dump_apply() for model in items], _parse_models)


def _retrieve(ids: DataModelId | Sequence[DataModelId], inline_views: bool) -> list[Chunk[DataModel]]:
    items: list[DataModelId] = items_of(ids, DataModelId, "data_models.retrieve")
    return by_ids_chunks(
        f"{_PATH}/byids", [item.dump() for item in items], _parse_models, params={"inlineViews": inline_views}
    )


def _delete(ids: DataModelId | Sequence[DataModelId]) -> list[Chunk[DataModelId]]:
    items: list[DataModelId] = items_of(ids, DataModelId, "data_models.delete")
    return by_ids_chunks(f"{_PATH}/delete", [item.dump() for item in items], _parse_ids, kind="delete")


def _pager(
    space: str | None, all_versions: bool, inline_views: bool, include_global: bool, limit: int | None
) -> Pager[DataModel]:
    params = {
        "space": space,
        "allVersions": all_versions,
        "inlineViews": inline_views,
        "includeGlobal": include_global,
    }
    return list_pager(_PATH, _parse_model_page, params, limit)


class DataModelsAPI:
    """Data models: versioned sets of views."""

    def __init__(self, http: SyncHTTPClient) -> None:
        self._http = http

    def apply(self, models: DataModel | Sequence[DataModel]) -> list[DataModel]:
        """Create or update data models (views given inline are applied with them), 100 per request."""
        return self._http.run_chunks(_apply(models))

    def retrieve(
        self, ids: DataModelId | Sequence[DataModelId], *, inline_views: bool = True
    ) -> list[DataModel]:
        """The data models with these ids; with ``inline_views`` each view comes with its properties.

        >>> client.data_models.retrieve(DataModelId(space="cdf_cdm", external_id="CogniteCore", version="v1"))
        ... # doctest: +SKIP
        """
        return self._http.run_chunks(_retrieve(ids, inline_views))

    def delete(self, ids: DataModelId | Sequence[DataModelId]) -> list[DataModelId]:
        """Delete data models (their views stay); returns the ids CDF deleted."""
        return self._http.run_chunks(_delete(ids))

    def list(
        self,
        *,
        space: str | None = None,
        all_versions: bool = False,
        inline_views: bool = False,
        include_global: bool = False,
        limit: int | None = None,
    ) -> list[DataModel]:
        """Data models (the latest version of each unless ``all_versions``), up to ``limit``."""
        pager = _pager(space, all_versions, inline_views, include_global, limit)
        return [model for page in self._http.pages(pager) for model in page.items]

    def iterate(
        self,
        *,
        space: str | None = None,
        all_versions: bool = False,
        inline_views: bool = False,
        include_global: bool = False,
        limit: int | None = None,
    ) -> Iterator[Page[DataModel]]:
        """Data models page by page, each page fetched when the previous one has been used."""
        return self._http.pages(_pager(space, all_versions, inline_views, include_global, limit))


class AsyncDataModelsAPI:
    """Data models, for ``AsyncCDFClient``; the same methods as ``DataModelsAPI``, awaited."""

    def __init__(self, http: AsyncHTTPClient) -> None:
        self._http = http

    async def apply(self, models: DataModel | Sequence[DataModel]) -> list[DataModel]:
        """Create or update data models (views given inline are applied with them), 100 per request."""
        return await self._http.run_chunks(_apply(models))

    async def retrieve(
        self, ids: DataModelId | Sequence[DataModelId], *, inline_views: bool = True
    ) -> list[DataModel]:
        """The data models with these ids; with ``inline_views`` each view comes with its properties."""
        return await self._http.run_chunks(_retrieve(ids, inline_views))

    async def delete(self, ids: DataModelId | Sequence[DataModelId]) -> list[DataModelId]:
        """Delete data models (their views stay); returns the ids CDF deleted."""
        return await self._http.run_chunks(_delete(ids))

    async def list(
        self,
        *,
        space: str | None = None,
        all_versions: bool = False,
        inline_views: bool = False,
        include_global: bool = False,
        limit: int | None = None,
    ) -> list[DataModel]:
        """Data models (the latest version of each unless ``all_versions``), up to ``limit``."""
        pager = _pager(space, all_versions, inline_views, include_global, limit)
        return [model async for page in self._http.pages(pager) for model in page.items]

    def iterate(
        self,
        *,
        space: str | None = None,
        all_versions: bool = False,
        inline_views: bool = False,
        include_global: bool = False,
        limit: int | None = None,
    ) -> AsyncIterator[Page[DataModel]]:
        """Data models page by page, each page fetched when the previous one has been used."""
        return self._http.pages(_pager(space, all_versions, inline_views, include_global, limit))
