"""The httpx client settings both shells share: timeouts, the connection pool, HTTP/2."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import httpx

from pygen_runtime.errors import ConfigurationError

if TYPE_CHECKING:
    from pygen_runtime.config import ClientConfig

__all__ = ["client_settings", "http2_missing"]


def client_settings(config: ClientConfig, *, injected_transport: bool) -> dict[str, Any]:
    """Keyword arguments for ``httpx.Client``/``httpx.AsyncClient``.

    An injected transport decides its own protocol, so ``http2`` only applies to the network.
    CDF never redirects; following a redirect would carry the token to wherever it points.
    """
    return {
        "http2": config.http2 and not injected_transport,
        "timeout": httpx.Timeout(config.timeout),
        "limits": httpx.Limits(
            max_connections=config.max_connections, max_keepalive_connections=config.max_connections
        ),
        "follow_redirects": False,
    }


def http2_missing() -> ConfigurationError:
    """The error for ``http2=True`` on a machine without the ``h2`` package."""
    return ConfigurationError(["http2=True needs the h2 package: pip install 'pygen-runtime[http2]'."])
