"""``client.containers``: create, retrieve, list and delete containers."""

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
from pygen_runtime.schema import Container, ContainerId

if TYPE_CHECKING:
    from pygen_runtime._http._async import AsyncHTTPClient
    from pygen_runtime._http._sync import SyncHTTPClient

__all__ = ["AsyncContainersAPI", "ContainersAPI"]

_PATH = "/models/containers"
_parse_containers = items_parser(Container)
_parse_container_page = page_parser(Container)
_parse_ids = items_parser(ContainerId)


def _apply(containers: Container | Sequence[Container]) -> list[Chunk[Container]]:
    items: list[Container] = items_of(containers, Container, "containers.apply")
    return apply_chunks(_PATH, [container.dump_apply() for container in items], _parse_containers)


def _id_bodies(ids: ContainerId | Sequence[ContainerId], what: str) -> list[dict[str, str]]:
    items: list[ContainerId] = items_of(ids, ContainerId, what)
    return [item.dump(include_type=False) for item in items]


def _retrieve(ids: ContainerId | Sequence[ContainerId]) -> list[Chunk[Container]]:
    return by_ids_chunks(f"{_PATH}/byids", _id_bodies(ids, "containers.retrieve"), _parse_containers)


def _delete(ids: ContainerId | Sequence[ContainerId]) -> list[Chunk[ContainerId]]:
    return by_ids_chunks(f"{_PATH}/delete", _id_bodies(ids, "containers.delete"), _parse_ids, kind="delete")


def _pager(space: str | None, include_global: bool, limit: int | None) -> Pager[Container]:
    return list_pager(_PATH, _parse_container_page, {"space": space, "includeGlobal": include_global}, limit)


class ContainersAPI:
    """Containers: where CDF stores property values."""

    def __init__(self, http: SyncHTTPClient) -> None:
        self._http = http

    def apply(self, containers: Container | Sequence[Container]) -> list[Container]:
        """Create or update containers, 100 per request."""
        return self._http.run_chunks(_apply(containers))

    def retrieve(self, ids: ContainerId | Sequence[ContainerId]) -> list[Container]:
        """The containers with these ids; ids that do not exist are left out."""
        return self._http.run_chunks(_retrieve(ids))

    def delete(self, ids: ContainerId | Sequence[ContainerId]) -> list[ContainerId]:
        """Delete containers and the values they hold; returns the ids CDF deleted."""
        return self._http.run_chunks(_delete(ids))

    def list(
        self, *, space: str | None = None, include_global: bool = False, limit: int | None = None
    ) -> list[Container]:
        """Containers, up to ``limit``, following cursors as needed."""
        return [
            item for page in self._http.pages(_pager(space, include_global, limit)) for item in page.items
        ]

    def iterate(
        self, *, space: str | None = None, include_global: bool = False, limit: int | None = None
    ) -> Iterator[Page[Container]]:
        """Containers page by page, each page fetched when the previous one has been used."""
        return self._http.pages(_pager(space, include_global, limit))


class AsyncContainersAPI:
    """Containers, for ``AsyncCDFClient``; the same methods as ``ContainersAPI``, awaited."""

    def __init__(self, http: AsyncHTTPClient) -> None:
        self._http = http

    async def apply(self, containers: Container | Sequence[Container]) -> list[Container]:
        """Create or update containers, 100 per request."""
        return await self._http.run_chunks(_apply(containers))

    async def retrieve(self, ids: ContainerId | Sequence[ContainerId]) -> list[Container]:
        """The containers with these ids; ids that do not exist are left out."""
        return await self._http.run_chunks(_retrieve(ids))

    async def delete(self, ids: ContainerId | Sequence[ContainerId]) -> list[ContainerId]:
        """Delete containers and the values they hold; returns the ids CDF deleted."""
        return await self._http.run_chunks(_delete(ids))

    async def list(
        self, *, space: str | None = None, include_global: bool = False, limit: int | None = None
    ) -> list[Container]:
        """Containers, up to ``limit``, following cursors as needed."""
        pager = _pager(space, include_global, limit)
        return [item async for page in self._http.pages(pager) for item in page.items]

    def iterate(
        self, *, space: str | None = None, include_global: bool = False, limit: int | None = None
    ) -> AsyncIterator[Page[Container]]:
        """Containers page by page, each page fetched when the previous one has been used."""
        return self._http.pages(_pager(space, include_global, limit))
