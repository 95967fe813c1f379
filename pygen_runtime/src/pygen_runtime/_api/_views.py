"""``client.views``: create, retrieve, list and delete views."""

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
from pygen_runtime.schema import View, ViewId

if TYPE_CHECKING:
    from pygen_runtime._http._async import AsyncHTTPClient
    from pygen_runtime._http._sync import SyncHTTPClient

__all__ = ["AsyncViewsAPI", "ViewsAPI"]

_PATH = "/models/views"
_parse_views = items_parser(View)
_parse_view_page = page_parser(View)
_parse_ids = items_parser(ViewId)


def _apply(views: View | Sequence[View]) -> list[Chunk[View]]:
    items: list[View] = items_of(views, View, "views.apply")
    return apply_chunks(_PATH, [view.dump_apply() for view in items], _parse_views)


def _retrieve(ids: ViewId | Sequence[ViewId], include_inherited_properties: bool) -> list[Chunk[View]]:
    items: list[ViewId] = items_of(ids, ViewId, "views.retrieve")
    return by_ids_chunks(
        f"{_PATH}/byids",
        [item.dump(include_type=False) for item in items],
        _parse_views,
        params={"includeInheritedProperties": include_inherited_properties},
    )


def _delete(ids: ViewId | Sequence[ViewId]) -> list[Chunk[ViewId]]:
    items: list[ViewId] = items_of(ids, ViewId, "views.delete")
    return by_ids_chunks(
        f"{_PATH}/delete", [item.dump(include_type=False) for item in items], _parse_ids, kind="delete"
    )


def _pager(
    space: str | None,
    include_inherited_properties: bool,
    all_versions: bool,
    include_global: bool,
    limit: int | None,
) -> Pager[View]:
    params = {
        "space": space,
        "includeInheritedProperties": include_inherited_properties,
        "allVersions": all_versions,
        "includeGlobal": include_global,
    }
    return list_pager(_PATH, _parse_view_page, params, limit)


class ViewsAPI:
    """Views: typed windows onto containers, and the connections between them."""

    def __init__(self, http: SyncHTTPClient) -> None:
        self._http = http

    def apply(self, views: View | Sequence[View]) -> list[View]:
        """Create or update views, 100 per request."""
        return self._http.run_chunks(_apply(views))

    def retrieve(
        self, ids: ViewId | Sequence[ViewId], *, include_inherited_properties: bool = True
    ) -> list[View]:
        """The views with these ids; by default with the properties they inherit through ``implements``."""
        return self._http.run_chunks(_retrieve(ids, include_inherited_properties))

    def delete(self, ids: ViewId | Sequence[ViewId]) -> list[ViewId]:
        """Delete views; returns the ids CDF deleted."""
        return self._http.run_chunks(_delete(ids))

    def list(
        self,
        *,
        space: str | None = None,
        include_inherited_properties: bool = True,
        all_versions: bool = False,
        include_global: bool = False,
        limit: int | None = None,
    ) -> list[View]:
        """Views (the latest version of each unless ``all_versions``), up to ``limit``."""
        pager = _pager(space, include_inherited_properties, all_versions, include_global, limit)
        return [view for page in self._http.pages(pager) for view in page.items]

    def iterate(
        self,
        *,
        space: str | None = None,
        include_inherited_properties: bool = True,
        all_versions: bool = False,
        include_global: bool = False,
        limit: int | None = None,
    ) -> Iterator[Page[View]]:
        """Views page by page, each page fetched when the previous one has been used."""
        return self._http.pages(
            _pager(space, include_inherited_properties, all_versions, include_global, limit)
        )


class AsyncViewsAPI:
    """Views, for ``AsyncCDFClient``; the same methods as ``ViewsAPI``, awaited."""

    def __init__(self, http: AsyncHTTPClient) -> None:
        self._http = http

    async def apply(self, views: View | Sequence[View]) -> list[View]:
        """Create or update views, 100 per request."""
        return await self._http.run_chunks(_apply(views))

    async def retrieve(
        self, ids: ViewId | Sequence[ViewId], *, include_inherited_properties: bool = True
    ) -> list[View]:
        """The views with these ids; by default with the properties they inherit through ``implements``."""
        return await self._http.run_chunks(_retrieve(ids, include_inherited_properties))

    async def delete(self, ids: ViewId | Sequence[ViewId]) -> list[ViewId]:
        """Delete views; returns the ids CDF deleted."""
        return await self._http.run_chunks(_delete(ids))

    async def list(
        self,
        *,
        space: str | None = None,
        include_inherited_properties: bool = True,
        all_versions: bool = False,
        include_global: bool = False,
        limit: int | None = None,
    ) -> list[View]:
        """Views (the latest version of each unless ``all_versions``), up to ``limit``."""
        pager = _pager(space, include_inherited_properties, all_versions, include_global, limit)
        return [view async for page in self._http.pages(pager) for view in page.items]

    def iterate(
        self,
        *,
        space: str | None = None,
        include_inherited_properties: bool = True,
        all_versions: bool = False,
        include_global: bool = False,
        limit: int | None = None,
    ) -> AsyncIterator[Page[View]]:
        """Views page by page, each page fetched when the previous one has been used."""
        return self._http.pages(
            _pager(space, include_inherited_properties, all_versions, include_global, limit)
        )
