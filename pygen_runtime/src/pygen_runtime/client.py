"""``CDFClient`` and ``AsyncCDFClient``: CDF's data-modeling API, one endpoint group per attribute.

>>> from pygen_runtime import CDFClient, ClientConfig
>>> from pygen_runtime.schema import DataModelId
>>> core = DataModelId(space="cdf_cdm", external_id="CogniteCore", version="v1")
>>> with CDFClient(ClientConfig.from_env()) as client:  # doctest: +SKIP
...     [model] = client.data_models.retrieve(core, inline_views=True)

A client for the project an existing cognite-sdk ``CogniteClient`` talks to, with its credentials:
``CDFClient.from_cognite_client(cognite_client)``.

Endpoint groups are created on first use, so a client that only reads views never imports the
instance machinery.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, Any

from pygen_runtime.config import ClientConfig, CogniteClientLike, CogniteConfigLike
from pygen_runtime.errors import ConfigurationError

if TYPE_CHECKING:
    import httpx

    from pygen_runtime._api._containers import AsyncContainersAPI, ContainersAPI
    from pygen_runtime._api._data_models import AsyncDataModelsAPI, DataModelsAPI
    from pygen_runtime._api._datapoints import AsyncDatapointsAPI, DatapointsAPI
    from pygen_runtime._api._files import AsyncFilesAPI, FilesAPI
    from pygen_runtime._api._instances import AsyncInstancesAPI, InstancesAPI
    from pygen_runtime._api._spaces import AsyncSpacesAPI, SpacesAPI
    from pygen_runtime._api._views import AsyncViewsAPI, ViewsAPI

__all__ = ["AsyncCDFClient", "CDFClient"]


def _require_config(config: object, client: str) -> ClientConfig:
    if not isinstance(config, ClientConfig):
        raise ConfigurationError(
            [f"{client} expects a ClientConfig (e.g. ClientConfig.from_env()), got {type(config).__name__}."]
        )
    return config


class CDFClient:
    """A synchronous client for CDF's data-modeling API.

    ``transport`` replaces the network, e.g. with the in-process emulator of
    ``pygen_runtime.testing``. The client holds a connection pool: use it as a context manager or
    call ``close()``. It is safe to share between threads.
    """

    def __init__(self, config: ClientConfig, *, transport: httpx.BaseTransport | None = None) -> None:
        from pygen_runtime._http._sync import SyncHTTPClient

        self.config = _require_config(config, "CDFClient")
        self._http = SyncHTTPClient(self.config, transport)

    @classmethod
    def from_cognite_client(
        cls,
        client: CogniteClientLike | CogniteConfigLike,
        *,
        transport: httpx.BaseTransport | None = None,
        **overrides: Any,
    ) -> CDFClient:
        """A client for the project a cognite-sdk ``CogniteClient`` talks to, asking its credential
        provider for every request's token; ``overrides`` are ``ClientConfig`` fields (see
        ``ClientConfig.from_cognite_client``)."""
        return cls(ClientConfig.from_cognite_client(client, **overrides), transport=transport)

    def __repr__(self) -> str:
        return f"CDFClient(project={self.config.project!r}, base_url={self.config.base_url!r})"

    @cached_property
    def spaces(self) -> SpacesAPI:
        """Spaces: create, retrieve, list, delete."""
        from pygen_runtime._api._spaces import SpacesAPI

        return SpacesAPI(self._http)

    @cached_property
    def data_models(self) -> DataModelsAPI:
        """Data models: create, retrieve (with inline views), list (all versions), delete."""
        from pygen_runtime._api._data_models import DataModelsAPI

        return DataModelsAPI(self._http)

    @cached_property
    def views(self) -> ViewsAPI:
        """Views: create, retrieve (with inherited properties), list, delete."""
        from pygen_runtime._api._views import ViewsAPI

        return ViewsAPI(self._http)

    @cached_property
    def containers(self) -> ContainersAPI:
        """Containers: create, retrieve, list, delete."""
        from pygen_runtime._api._containers import ContainersAPI

        return ContainersAPI(self._http)

    @cached_property
    def instances(self) -> InstancesAPI:
        """Nodes and edges: apply, delete, retrieve, list, iterate, search, aggregate, query, sync."""
        from pygen_runtime._api._instances import InstancesAPI

        return InstancesAPI(self._http)

    @cached_property
    def datapoints(self) -> DatapointsAPI:
        """Data points of time series nodes (``CogniteTimeSeries``): retrieve, retrieve_dataframe, insert."""
        from pygen_runtime._api._datapoints import DatapointsAPI

        return DatapointsAPI(self._http)

    @cached_property
    def files(self) -> FilesAPI:
        """Content of file nodes (``CogniteFile``): download, download_bytes, upload_bytes."""
        from pygen_runtime._api._files import FilesAPI

        return FilesAPI(self._http)

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    def __enter__(self) -> CDFClient:
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()


class AsyncCDFClient:
    """An asyncio client for CDF's data-modeling API: the same endpoint groups as ``CDFClient``,
    with methods to await (and ``async for`` over ``iterate``).

    Use it as an async context manager or ``await client.close()``.
    """

    def __init__(self, config: ClientConfig, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        from pygen_runtime._http._async import AsyncHTTPClient

        self.config = _require_config(config, "AsyncCDFClient")
        self._http = AsyncHTTPClient(self.config, transport)

    @classmethod
    def from_cognite_client(
        cls,
        client: CogniteClientLike | CogniteConfigLike,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        **overrides: Any,
    ) -> AsyncCDFClient:
        """A client for the project a cognite-sdk ``CogniteClient`` talks to, asking its credential
        provider for every request's token; ``overrides`` are ``ClientConfig`` fields (see
        ``ClientConfig.from_cognite_client``)."""
        return cls(ClientConfig.from_cognite_client(client, **overrides), transport=transport)

    def __repr__(self) -> str:
        return f"AsyncCDFClient(project={self.config.project!r}, base_url={self.config.base_url!r})"

    @cached_property
    def spaces(self) -> AsyncSpacesAPI:
        """Spaces: create, retrieve, list, delete."""
        from pygen_runtime._api._spaces import AsyncSpacesAPI

        return AsyncSpacesAPI(self._http)

    @cached_property
    def data_models(self) -> AsyncDataModelsAPI:
        """Data models: create, retrieve (with inline views), list (all versions), delete."""
        from pygen_runtime._api._data_models import AsyncDataModelsAPI

        return AsyncDataModelsAPI(self._http)

    @cached_property
    def views(self) -> AsyncViewsAPI:
        """Views: create, retrieve (with inherited properties), list, delete."""
        from pygen_runtime._api._views import AsyncViewsAPI

        return AsyncViewsAPI(self._http)

    @cached_property
    def containers(self) -> AsyncContainersAPI:
        """Containers: create, retrieve, list, delete."""
        from pygen_runtime._api._containers import AsyncContainersAPI

        return AsyncContainersAPI(self._http)

    @cached_property
    def instances(self) -> AsyncInstancesAPI:
        """Nodes and edges: apply, delete, retrieve, list, iterate, search, aggregate, query, sync."""
        from pygen_runtime._api._instances import AsyncInstancesAPI

        return AsyncInstancesAPI(self._http)

    @cached_property
    def datapoints(self) -> AsyncDatapointsAPI:
        """Data points of time series nodes (``CogniteTimeSeries``): retrieve, retrieve_dataframe, insert."""
        from pygen_runtime._api._datapoints import AsyncDatapointsAPI

        return AsyncDatapointsAPI(self._http)

    @cached_property
    def files(self) -> AsyncFilesAPI:
        """Content of file nodes (``CogniteFile``): download, download_bytes, upload_bytes."""
        from pygen_runtime._api._files import AsyncFilesAPI

        return AsyncFilesAPI(self._http)

    async def close(self) -> None:
        """Close the connection pool."""
        await self._http.close()

    async def __aenter__(self) -> AsyncCDFClient:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.close()
