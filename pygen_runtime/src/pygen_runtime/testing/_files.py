"""File content for ``CogniteFile`` nodes: ``POST /files/uploadlink``, ``POST /files/downloadlink``
and the links themselves.

As in CDF, the API answers links and the content travels with a plain PUT (upload) or GET
(download) to them. The links carry a random token and need no credentials, like the signed
URLs of the storage service CDF hands out. They point at the host the link request came to, or
at ``Emulator.content_url`` when that is set; in that case a content request that carries an
``Authorization`` header is refused (a storage service refuses a second credential), so a test can
check that a client does not send CDF's token to a third party.
"""

from __future__ import annotations

import secrets
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pygen_runtime.testing._errors import EmulatorRequestError
from pygen_runtime.testing._identifiers import instance_id_key

if TYPE_CHECKING:
    from pygen_runtime.testing._api_request import ApiRequest
    from pygen_runtime.testing._emulator import Emulator, EmulatorResponse
    from pygen_runtime.testing._project import Project

__all__ = [
    "CONTENT_PATH",
    "download_links",
    "remember_link_base",
    "seed_file_content",
    "serve_content",
    "stored_file_content",
    "upload_link",
]

FILE_CONTAINER = ("cdf_cdm", "CogniteFile")
CONTENT_PATH = "/_emulator/files/"
LINK_ITEMS_MAX = 100

NodeKey = tuple[str, str]


@dataclass
class FileContents:
    """Uploaded content by node, the links handed out, and where links point."""

    content: dict[NodeKey, bytes] = field(default_factory=dict)
    links: dict[str, tuple[str, NodeKey]] = field(default_factory=dict)  # token -> (GET or PUT, node)
    link_base: str = "http://emulator.invalid"
    foreign_host: bool = False


_STORES: weakref.WeakKeyDictionary[Project, FileContents] = weakref.WeakKeyDictionary()


def file_contents(project: Project) -> FileContents:
    """The file content of ``project``."""
    return _STORES.setdefault(project, FileContents())


def remember_link_base(project: Project, content_url: str | None, host: str | None) -> None:
    """Where the next links point: ``content_url`` if set, else the host the request came to."""
    store = file_contents(project)
    with project.lock:
        store.foreign_host = content_url is not None
        store.link_base = (content_url or f"http://{host or 'emulator.invalid'}").rstrip("/")


def _file_keys(project: Project, request: ApiRequest, maximum: int) -> list[NodeKey]:
    keys: list[NodeKey] = []
    missing: list[dict[str, Any]] = []
    for index, item in enumerate(request.items(maximum)):
        key = instance_id_key(item, f"items[{index}]", "files")
        node = project.store.get("node", key[0], key[1])
        if node is None or FILE_CONTAINER not in node.data:
            missing.append({"instanceId": {"space": key[0], "externalId": key[1]}})
        keys.append(key)
    if missing:
        raise EmulatorRequestError("Files not found.", missing=missing)
    return keys


def _link(store: FileContents, method: str, key: NodeKey) -> str:
    token = secrets.token_urlsafe(16)
    store.links[token] = (method, key)
    return f"{store.link_base}{CONTENT_PATH}{token}"


def download_links(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /files/downloadlink``: a link per file node that has content."""
    keys = _file_keys(project, request, LINK_ITEMS_MAX)
    store = file_contents(project)
    not_uploaded = [key for key in keys if key not in store.content]
    if not_uploaded:
        space, external_id = not_uploaded[0]
        raise EmulatorRequestError(f"File {space}:{external_id} has no content: upload it first.")
    return {
        "items": [
            {"instanceId": {"space": key[0], "externalId": key[1]}, "downloadUrl": _link(store, "GET", key)}
            for key in keys
        ]
    }


def upload_link(project: Project, request: ApiRequest) -> dict[str, Any]:
    """``POST /files/uploadlink``: the file object with an ``uploadUrl``, under ``items`` as the
    official cognite-sdk reads it (the API reference's sample shows the bare object)."""
    [key] = _file_keys(project, request, 1)
    node = project.store.get("node", key[0], key[1])
    assert node is not None  # _file_keys refused missing nodes
    data = node.data.get(FILE_CONTAINER, {})
    described = node.data.get(("cdf_cdm", "CogniteDescribable"), {})
    store = file_contents(project)
    out: dict[str, Any] = {
        # CDF's files API also numbers each file; the node's store slot serves as that number.
        "id": (project.store.slot_of(key) or 0) + 1,
        "instanceId": {"space": key[0], "externalId": key[1]},
        "name": described.get("name") or key[1],
        "uploaded": key in store.content,
        "createdTime": node.created_time,
        "lastUpdatedTime": node.last_updated_time,
        "uploadUrl": _link(store, "PUT", key),
    }
    if isinstance(data.get("mimeType"), str):
        out["mimeType"] = data["mimeType"]
    return {"items": [out]}


def serve_content(
    emulator: Emulator, method: str, path: str, headers: Mapping[str, str], body: bytes
) -> EmulatorResponse:
    """Answer a GET or PUT to a link from :func:`download_links` or :func:`upload_link`."""
    from pygen_runtime.testing._emulator import EmulatorResponse

    def refuse(status: int, message: str) -> EmulatorResponse:
        return EmulatorResponse(status, [("content-type", "text/plain")], message.encode())

    store = file_contents(emulator.state)
    with emulator.state.lock:
        link = store.links.get(path[len(CONTENT_PATH) :])
        if link is None:
            return refuse(
                404, "No such file link (links are handed out by /files/downloadlink and /files/uploadlink)."
            )
        if method != link[0]:
            return refuse(405, f"This link accepts {link[0]} only.")
        if store.foreign_host and "authorization" in headers:
            return refuse(400, "A signed link takes no Authorization header.")
        if method == "PUT":
            store.content[link[1]] = body
            return EmulatorResponse(200)
        return EmulatorResponse(200, [("content-type", "application/octet-stream")], store.content[link[1]])


def seed_file_content(emulator: Emulator, instance_id: tuple[str, str], content: bytes) -> None:
    """Store content for a file node directly (the node must exist with CogniteFile data)."""
    project = emulator.state
    with project.lock:
        node = project.store.get("node", instance_id[0], instance_id[1])
        if node is None or FILE_CONTAINER not in node.data:
            raise EmulatorRequestError(f"{instance_id[0]}:{instance_id[1]} is not a file node.")
        file_contents(project).content[(instance_id[0], instance_id[1])] = bytes(content)


def stored_file_content(emulator: Emulator, instance_id: tuple[str, str]) -> bytes | None:
    """The content uploaded for a file node, or None."""
    with emulator.state.lock:
        return file_contents(emulator.state).content.get((instance_id[0], instance_id[1]))
