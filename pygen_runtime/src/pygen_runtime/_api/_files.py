"""``client.files``: the content of ``CogniteFile`` nodes (download and upload).

CDF hands out links rather than content: ``POST /files/downloadlink`` answers a ``downloadUrl``
per file, ``POST /files/uploadlink`` an ``uploadUrl``; the content then travels with a plain GET or
PUT to that URL. Those URLs usually point at a cloud storage service and carry their own
signature, so CDF's credentials go only to URLs on CDF's own host.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from pygen_runtime._api._calls import (
    Call,
    Chunk,
    UnexpectedResponseError,
    chunked,
    expect_items,
    expect_object,
)
from pygen_runtime._api._node_refs import NodeKey, instance_id_json, node_key, node_keys
from pygen_runtime.errors import CDFAPIError, InvalidArgumentError, api_error_class

if TYPE_CHECKING:
    import httpx

    from pygen_runtime._http._async import AsyncHTTPClient
    from pygen_runtime._http._sync import SyncHTTPClient
    from pygen_runtime.config import ClientConfig

__all__ = ["AsyncFilesAPI", "FilesAPI"]

# Items per POST /files/downloadlink request.
LINKS_PER_REQUEST = 100


def _download_links(keys: list[NodeKey]) -> list[Chunk[tuple[NodeKey, str]]]:
    def parse_for(batch: Sequence[NodeKey]) -> Any:
        def parse(body: Any) -> list[tuple[NodeKey, str]]:
            items = [expect_object(raw) for raw in expect_items(body)]
            urls: dict[NodeKey, str] = {}
            for index, item in enumerate(items):
                url, instance_id = item.get("downloadUrl"), item.get("instanceId")
                if not isinstance(url, str):
                    raise UnexpectedResponseError(f"items[{index}] lacks 'downloadUrl'")
                if isinstance(instance_id, Mapping):
                    urls[(str(instance_id.get("space")), str(instance_id.get("externalId")))] = url
                elif len(items) == len(batch):
                    # The API reference's sample answers only the file's numeric id; CDF answers
                    # the items in the order asked for.
                    urls[batch[index]] = url
                else:
                    raise UnexpectedResponseError(
                        f"items[{index}] has no 'instanceId' and the answer holds {len(items)} links "
                        f"for {len(batch)} files"
                    )
            missing = [key for key in batch if key not in urls]
            if missing:
                raise UnexpectedResponseError(f"no download link for {missing[0][0]}:{missing[0][1]}")
            return [(key, urls[key]) for key in batch]

        return parse

    return [
        Chunk(
            Call(
                "POST",
                "/files/downloadlink",
                parse_for(batch),
                body={"items": [{"instanceId": instance_id_json(key)} for key in batch]},
            ),
            batch,
        )
        for batch in chunked(keys, LINKS_PER_REQUEST)
    ]


def _parse_upload_link(body: Any) -> tuple[str, str | None]:
    """The upload URL and the file's MIME type (if it has one) from the answer.

    The official cognite-sdk reads the file object from ``items[0]``; the API reference's sample
    shows the object itself. Both are taken.
    """
    obj = expect_object(body)
    if "uploadUrl" not in obj and isinstance(obj.get("items"), list) and obj["items"]:
        obj = expect_object(obj["items"][0])
    url, mime_type = obj.get("uploadUrl"), obj.get("mimeType")
    if not isinstance(url, str):
        raise UnexpectedResponseError("the answer has no 'uploadUrl'")
    return url, mime_type if isinstance(mime_type, str) else None


def _upload_link(key: NodeKey) -> Call[tuple[str, str | None]]:
    return Call(
        "POST",
        "/files/uploadlink",
        _parse_upload_link,
        body={"items": [{"instanceId": instance_id_json(key)}]},
        kind="apply",
    )


def _on_cdf_host(url: str, config: ClientConfig) -> bool:
    """Whether ``url`` is on CDF's own origin: the same scheme too, so a token never travels
    over plain HTTP to a host CDF itself is reached on over HTTPS."""
    link, cdf = urlsplit(url), urlsplit(config.base_url)
    return (link.scheme.lower(), link.netloc.lower()) == (cdf.scheme.lower(), cdf.netloc.lower())


def _absolute(url: str, config: ClientConfig) -> str:
    """``url``, or CDF's base URL joined with it when CDF answered a path without a host."""
    if urlsplit(url).netloc:
        return url
    return config.base_url.rstrip("/") + "/" + url.lstrip("/")


def _content_request(method: str, url: str, content: bytes | None, mime_type: str | None) -> httpx.Request:
    import httpx

    # The file's own MIME type or none at all: a storage service's signed URL may have the
    # content type signed into it, and one the file was not created with would not match.
    headers = {"content-type": mime_type} if content is not None and mime_type is not None else {}
    return httpx.Request(method, url, content=content, headers=headers)


def _checked(response: httpx.Response, method: str, url: str) -> httpx.Response:
    """``response`` if it succeeded, else the ``CDFAPIError`` for its status (the URL without its
    query, which holds the link's signature)."""
    if response.status_code < 400:
        return response
    text = " ".join(response.content[:300].decode("utf-8", errors="replace").split())
    error: CDFAPIError = api_error_class(response.status_code)(
        method=method,
        path=url.split("?", 1)[0],
        status=response.status_code,
        message=f"the file content transfer failed ({text or 'no body'})",
        request_id=response.headers.get("x-request-id"),
    )
    raise error


# Most file systems take names of at most 255 bytes.
_MAX_NAME_BYTES = 255


def _file_path(directory: str | Path, key: NodeKey) -> Path:
    """Where ``download`` writes ``key``'s content: its external id as one name inside
    ``directory``. Path separators become ``_`` and an all-dots name gets a prefix, so no
    external id ("../x", "/etc/x", "..") can name a place outside the directory."""
    name = key[1].replace("/", "_").replace("\\", "_")
    if name.strip(".") == "":
        name = f"file_{name}"
    if len(name.encode("utf-8")) > _MAX_NAME_BYTES:
        raise InvalidArgumentError(
            f"files.download names each file after its node's external id, and {key[1]!r} is longer "
            f"than a file name may be ({_MAX_NAME_BYTES} bytes); use files.download_bytes for it."
        )
    return Path(directory) / name


def _download_targets(instance_ids: Any, directory: str | Path) -> list[NodeKey]:
    keys = node_keys(instance_ids, "files.download")
    # Compared without case: on a case-insensitive file system "Manual" would overwrite "manual".
    names = [_file_path(directory, key).name.casefold() for key in keys]
    if len(set(names)) != len(names):
        raise InvalidArgumentError(
            "files.download names each file after its node's external id, and two of the nodes share "
            "one (letter case aside); download them into different directories."
        )
    if not Path(directory).is_dir():
        raise InvalidArgumentError(f"files.download: {str(directory)!r} is not an existing directory.")
    inside = Path(directory).resolve()
    for key in keys:
        # A symbolic link already in the directory could still lead elsewhere.
        if not _file_path(directory, key).resolve().is_relative_to(inside):
            raise InvalidArgumentError(
                f"files.download: {str(_file_path(directory, key))!r} leads outside {str(directory)!r} "
                "(a symbolic link?); remove it or download into another directory."
            )
    return keys


def _content_of(content: Any) -> bytes:
    if isinstance(content, str):
        return content.encode("utf-8")
    if isinstance(content, (bytes, bytearray, memoryview)):
        return bytes(content)
    raise InvalidArgumentError(
        f"files.upload_bytes expects bytes (or str, sent as UTF-8); got {type(content).__name__}."
    )


class FilesAPI:
    """The content of ``CogniteFile`` nodes: download to bytes or a directory, upload bytes."""

    def __init__(self, http: SyncHTTPClient) -> None:
        self._http = http

    def _transfer(
        self, method: str, url: str, content: bytes | None = None, mime_type: str | None = None
    ) -> bytes:
        url = _absolute(url, self._http.config)
        request = _content_request(method, url, content, mime_type)
        if _on_cdf_host(url, self._http.config):
            request.headers["authorization"] = self._http.config.auth.authorization(
                self._http.send_unauthenticated
            )
        return _checked(self._http.send_unauthenticated(request), method, url).content

    def download_urls(self, instance_ids: Any) -> dict[NodeKey, str]:
        """The (short-lived) download link of each file node, keyed by ``(space, external_id)``."""
        keys = node_keys(instance_ids, "files.download_urls")
        return dict(self._http.run_chunks(_download_links(keys)))

    def download_bytes(self, instance_id: Any) -> bytes:
        """The content of one file node."""
        key = node_key(instance_id, "files.download_bytes")
        [(_, url)] = self._http.run_chunks(_download_links([key]))
        return self._transfer("GET", url)

    def download(self, instance_ids: Any, directory: str | Path) -> list[Path]:
        """Write the content of file nodes into ``directory`` (which must exist), each file named
        after its node's external id; returns the paths written, in the order given."""
        keys = _download_targets(instance_ids, directory)
        paths = []
        for key in keys:
            # One link at a time, asked for just before its use: CDF's links expire after 30
            # seconds, sooner than a batch of large files can be fetched.
            [(_, url)] = self._http.run_chunks(_download_links([key]))
            path = _file_path(directory, key)
            path.write_bytes(self._transfer("GET", url))
            paths.append(path)
        return paths

    def upload_bytes(self, instance_id: Any, content: bytes | str) -> None:
        """Upload the content of one file node (it must exist, with ``CogniteFile`` data)."""
        key = node_key(instance_id, "files.upload_bytes")
        data = _content_of(content)
        url, mime_type = self._http.run(_upload_link(key))
        self._transfer("PUT", url, data, mime_type)


class AsyncFilesAPI:
    """File content, for ``AsyncCDFClient``: the same methods as ``FilesAPI``, awaited."""

    def __init__(self, http: AsyncHTTPClient) -> None:
        self._http = http

    async def _transfer(
        self, method: str, url: str, content: bytes | None = None, mime_type: str | None = None
    ) -> bytes:
        url = _absolute(url, self._http.config)
        request = _content_request(method, url, content, mime_type)
        if _on_cdf_host(url, self._http.config):
            request.headers["authorization"] = await self._http.config.auth.authorization_async(
                self._http.send_unauthenticated
            )
        return _checked(await self._http.send_unauthenticated(request), method, url).content

    async def download_urls(self, instance_ids: Any) -> dict[NodeKey, str]:
        """The (short-lived) download link of each file node, keyed by ``(space, external_id)``."""
        keys = node_keys(instance_ids, "files.download_urls")
        return dict(await self._http.run_chunks(_download_links(keys)))

    async def download_bytes(self, instance_id: Any) -> bytes:
        """The content of one file node."""
        key = node_key(instance_id, "files.download_bytes")
        [(_, url)] = await self._http.run_chunks(_download_links([key]))
        return await self._transfer("GET", url)

    async def download(self, instance_ids: Any, directory: str | Path) -> list[Path]:
        """Write the content of file nodes into ``directory`` (see ``FilesAPI.download``)."""
        keys = _download_targets(instance_ids, directory)
        paths = []
        for key in keys:
            # One link at a time, asked for just before its use (see FilesAPI.download).
            [(_, url)] = await self._http.run_chunks(_download_links([key]))
            path = _file_path(directory, key)
            content = await self._transfer("GET", url)
            # In a worker thread: a large file's write would otherwise stall the event loop.
            await asyncio.to_thread(path.write_bytes, content)
            paths.append(path)
        return paths

    async def upload_bytes(self, instance_id: Any, content: bytes | str) -> None:
        """Upload the content of one file node (see ``FilesAPI.upload_bytes``)."""
        key = node_key(instance_id, "files.upload_bytes")
        data = _content_of(content)
        url, mime_type = await self._http.run(_upload_link(key))
        await self._transfer("PUT", url, data, mime_type)
