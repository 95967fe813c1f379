"""``client.spaces``: create, retrieve, list and delete spaces."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from pygen_runtime._api._calls import Chunk, Page, Pager, items_of
from pygen_runtime._api._schema_calls import (
    apply_chunks,
    by_ids_chunks,
    items_parser,
    list_pager,
    page_parser,
)
from pygen_runtime.schema import Space

if TYPE_CHECKING:
    from pygen_runtime._http._async import AsyncHTTPClient
    from pygen_runtime._http._sync import SyncHTTPClient

__all__ = ["AsyncSpacesAPI", "SpacesAPI"]

_PATH = "/models/spaces"


_parse_spaces = items_parser(Space)
_parse_space_page = page_parser(Space)
# A deleted space comes back as {"space": name}, which loads as a Space without the rest.
_parse_names = items_parser(Space, convert=lambda space: space.space)


def _apply(spaces: Space | Sequence[Space]) -> list[Chunk[Space]]:
    items: list[Space] = items_of(spaces, Space, "spaces.apply")
    return apply_chunks(_PATH, [space.dump_apply() for space in items], _parse_spaces)


def _space_names(spaces: str | Sequence[str], what: str) -> list[dict[str, Any]]:
    return [{"space": name} for name in items_of(spaces, str, what)]


def _retrieve(spaces: str | Sequence[str]) -> list[Chunk[Space]]:
    return by_ids_chunks(f"{_PATH}/byids", _space_names(spaces, "spaces.retrieve"), _parse_spaces)


def _delete(spaces: str | Sequence[str]) -> list[Chunk[str]]:
    return by_ids_chunks(
        f"{_PATH}/delete", _space_names(spaces, "spaces.delete"), _parse_names, kind="delete"
    )


def _pager(include_global: bool, limit: int | None) -> Pager[Space]:
    return list_pager(_PATH, _parse_space_page, {"includeGlobal": include_global}, limit)


class SpacesAPI:
    """Spaces: the namespaces that hold containers, views, data models and instances."""

    def __init__(self, http: SyncHTTPClient) -> None:
        self._http = http

    def apply(self, spaces: Space | Sequence[Space]) -> list[Space]:
        """Create or update spaces, 100 per request.

        >>> client.spaces.apply(Space(space="my-space", name="My space"))  # doctest: +SKIP
        """
        return self._http.run_chunks(_apply(spaces))

    def retrieve(self, spaces: str | Sequence[str]) -> list[Space]:
        """The spaces with these names; names that do not exist are left out."""
        return self._http.run_chunks(_retrieve(spaces))

    def delete(self, spaces: str | Sequence[str]) -> list[str]:
        """Delete spaces (they must be empty); returns the names CDF deleted."""
        return self._http.run_chunks(_delete(spaces))

    def list(self, *, include_global: bool = False, limit: int | None = None) -> list[Space]:
        """Every space (up to ``limit``), following cursors as needed."""
        return [space for page in self._http.pages(_pager(include_global, limit)) for space in page.items]

    def iterate(self, *, include_global: bool = False, limit: int | None = None) -> Iterator[Page[Space]]:
        """The spaces page by page, each page fetched when the previous one has been used."""
        return self._http.pages(_pager(include_global, limit))


class AsyncSpacesAPI:
    """Spaces, for ``AsyncCDFClient``; the same methods as ``SpacesAPI``, awaited."""

    def __init__(self, http: AsyncHTTPClient) -> None:
        self._http = http

    async def apply(self, spaces: Space | Sequence[Space]) -> list[Space]:
        """Create or update spaces, 100 per request."""
        return await self._http.run_chunks(_apply(spaces))

    async def retrieve(self, spaces: str | Sequence[str]) -> list[Space]:
        """The spaces with these names; names that do not exist are left out."""
        return await self._http.run_chunks(_retrieve(spaces))

    async def delete(self, spaces: str | Sequence[str]) -> list[str]:
        """Delete spaces (they must be empty); returns the names CDF deleted."""
        return await self._http.run_chunks(_delete(spaces))

    async def list(self, *, include_global: bool = False, limit: int | None = None) -> list[Space]:
        """Every space (up to ``limit``), following cursors as needed."""
        return [
            space async for page in self._http.pages(_pager(include_global, limit)) for space in page.items
        ]

    def iterate(
        self, *, include_global: bool = False, limit: int | None = None
    ) -> AsyncIterator[Page[Space]]:
        """The spaces page by page, each page fetched when the previous one has been used."""
        return self._http.pages(_pager(include_global, limit))
