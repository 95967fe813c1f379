"""Building requests: URL, query, headers and the (gzipped) JSON body. Pure functions."""

from __future__ import annotations

import gzip
import json
import math
import platform
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeAlias

from pygen_runtime._version import __version__
from pygen_runtime.errors import InvalidArgumentError

if TYPE_CHECKING:
    import httpx

    from pygen_runtime._api._calls import Call
    from pygen_runtime.config import ClientConfig

__all__ = [
    "COMPRESSION_THRESHOLD",
    "RETRY_COUNT_HEADER",
    "PreparedRequest",
    "TryBuilder",
    "encode_json_body",
    "prepare_call",
    "retry_counting",
    "static_headers",
    "url_for_messages",
    "user_agent",
]

# Builds the request for one try from the try's Authorization value and retry count.
TryBuilder: TypeAlias = "Callable[[str | None, int], httpx.Request]"

# Bodies smaller than this are sent as they are: gzip would cost more than it saves.
COMPRESSION_THRESHOLD = 1024
# How many times this request was tried before; 0 on the first try.
RETRY_COUNT_HEADER = "x-pygen-retry-count"


@dataclass(frozen=True)
class PreparedRequest:
    """Everything about a request that stays the same from one try to the next."""

    method: str
    url: str
    path: str  # the URL's path, for messages
    params: Mapping[str, str]
    content: bytes | None
    headers: Mapping[str, str]

    def headers_for_try(self, authorization: str | None, retry_count: int) -> dict[str, str]:
        """The headers of one try: the fixed ones, the credential's, and the retry count."""
        headers = dict(self.headers)
        if authorization is not None:
            headers["Authorization"] = authorization
        headers[RETRY_COUNT_HEADER] = str(retry_count)
        return headers

    def builder(self, client: httpx.Client | httpx.AsyncClient) -> TryBuilder:
        """A function giving the request for each try, built by ``client`` (so with its base
        settings) from this request and the try's credential and retry count."""

        def build(authorization: str | None, retry_count: int) -> httpx.Request:
            return client.build_request(
                self.method,
                self.url,
                params=self.params,
                content=self.content,
                headers=self.headers_for_try(authorization, retry_count),
            )

        return build


def retry_counting(request: httpx.Request) -> TryBuilder:
    """A try builder that resends ``request`` as it is (it carries its own credentials), with the
    retry count and this package's user agent."""

    def build(authorization: str | None, retry_count: int) -> httpx.Request:
        request.headers["user-agent"] = user_agent()
        request.headers[RETRY_COUNT_HEADER] = str(retry_count)
        return request

    return build


def url_for_messages(request: httpx.Request) -> str:
    """The URL without its query string: what errors and logs name for a request to a third party."""
    return str(request.url.copy_with(query=None, fragment=None))


def user_agent() -> str:
    """``pygen-runtime/<version> httpx/<version> Python/<version> (<system>)``."""
    import httpx

    return (
        f"pygen-runtime/{__version__} httpx/{httpx.__version__} "
        f"Python/{platform.python_version()} ({platform.system() or 'unknown'})"
    )


def static_headers(config: ClientConfig) -> dict[str, str]:
    """The headers every CDF request carries."""
    return {
        **dict(config.extra_headers),
        "user-agent": user_agent(),
        "x-cdp-sdk": f"pygen-runtime:{__version__}",
        "x-cdp-app": config.client_name,
        "cdf-version": config.cdf_version,
        "accept": "application/json",
    }


def encode_json_body(body: Any, *, where: str, model_values: bool = False) -> bytes:
    """``body`` as compact UTF-8 JSON.

    ``model_values`` says the body's values come from validated pydantic models (the typed SDK's
    apply items): they are written by pydantic's encoder, about four times faster than
    ``json.dumps`` on CDF instance JSON, and as the models' own ``model_dump_json`` writes them
    (a date inside a JSON property becomes its ISO text, where ``json.dumps`` refuses it).

    Raises ``InvalidArgumentError`` naming the first value JSON cannot carry (NaN, infinity, or an
    object that is not a JSON value) and where in the body it sits.
    """
    if model_values:
        content = _encode_with_pydantic(body)
        if content is not None:
            return content
    try:
        return json.dumps(body, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode("utf-8")
    except (TypeError, ValueError):
        location, value = _first_unencodable(body, "body")
        raise InvalidArgumentError(
            f"The request to {where} cannot be sent: {location} is {value!r}, which JSON (and so CDF) cannot "
            "carry. Use None for a missing number and plain JSON values (str, int, float, bool, list, dict)."
        ) from None


def _encode_with_pydantic(body: Any) -> bytes | None:
    """``body`` as pydantic's encoder writes it, or None to leave it to ``json.dumps`` (which
    decides, and names, what JSON cannot carry)."""
    from pydantic_core import PydanticSerializationError, to_json

    try:
        content = to_json(body, inf_nan_mode="constants", fallback=_refuse)
    except (PydanticSerializationError, TypeError, ValueError):
        return None
    # NaN and infinities are written as the constants JSON lacks. Elsewhere those words can only
    # be inside strings, so the (slow) look for such a number is needed only when they occur.
    if (b"NaN" in content or b"Infinity" in content) and _holds_non_finite(body):
        return None
    return content


def _holds_non_finite(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, Mapping):
        return any(_holds_non_finite(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_non_finite(item) for item in value)
    return False


def _refuse(value: Any) -> Any:
    raise TypeError(f"{type(value).__name__} is not a JSON value")


def _first_unencodable(value: Any, path: str) -> tuple[str, Any]:
    if isinstance(value, float) and not math.isfinite(value):
        return path, value
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not (key is None or isinstance(key, (str, int, float, bool))):
                return f"{path} key {key!r}", key
            found = _first_unencodable(item, f"{path}.{key}")
            if found[0]:
                return found
        return "", None
    if isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            found = _first_unencodable(item, f"{path}[{index}]")
            if found[0]:
                return found
        return "", None
    if value is None or isinstance(value, (str, int, float, bool)):
        return "", None
    return path, value


def prepare_call(call: Call[Any], config: ClientConfig) -> PreparedRequest:
    """The request for ``call``: project URL, query, headers, and its body encoded (and gzipped
    when ``config.compress_requests`` and the body is large enough to be worth it)."""
    url = config.project_url + call.path
    path = url.split("://", 1)[-1]
    path = path[path.find("/") :]
    headers = static_headers(config)
    content = None
    if call.body is not None:
        content = encode_json_body(call.body, where=f"{call.method} {path}", model_values=call.model_values)
        headers["content-type"] = "application/json"
        if config.compress_requests and len(content) >= COMPRESSION_THRESHOLD:
            # Level 1, zlib's fastest: on CDF instance JSON it took 2 to 3 times less CPU than
            # level 5 for 5-15% more bytes (the Omni test nodes: 8 against 18 ms per MB, 24%
            # against 21.5% of the size; 1,000 benchmark assets: 2.4 against 6.6 ms per MB).
            # The client's CPU is what bounds a large upsert; the bytes travel while it works.
            # mtime=0 keeps the bytes the same for the same body, which eases debugging.
            content = gzip.compress(content, compresslevel=1, mtime=0)
            headers["content-encoding"] = "gzip"
    return PreparedRequest(
        method=call.method, url=url, path=path, params=call.query(), content=content, headers=headers
    )
