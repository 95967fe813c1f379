"""client.files against the emulator: upload and download content of CogniteFile nodes."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from datapoints_testbed import FILE, SPACE, config_for, make_emulator
from pygen_runtime.errors import CDFBadRequestError, CDFNotFoundError, CDFResponseError, InvalidArgumentError
from pygen_runtime.schema import NodeApply, NodeId, NodeOrEdgeData
from pygen_runtime.testing import Emulator, Fault, seed_file_content, stored_file_content
from pytest_httpserver import HTTPServer

from pygen_runtime import AsyncCDFClient, CDFClient

MANUAL = (SPACE, "manual")
CONTENT = bytes(range(256)) * 40  # 10 kB, every byte value, above the emulator's gzip threshold


def test_uploaded_content_downloads_unchanged(emulator: Emulator, client: CDFClient) -> None:
    client.files.upload_bytes(MANUAL, CONTENT)

    assert stored_file_content(emulator, MANUAL) == CONTENT
    assert client.files.download_bytes(NodeId(space=SPACE, external_id="manual")) == CONTENT


def test_text_uploads_as_utf8(client: CDFClient) -> None:
    client.files.upload_bytes({"space": SPACE, "externalId": "manual"}, "blåbær")

    assert client.files.download_bytes(MANUAL) == "blåbær".encode()


def test_download_writes_each_file_named_after_its_node(
    emulator: Emulator, client: CDFClient, tmp_path: Path
) -> None:
    client.instances.apply(
        NodeApply(
            space=SPACE,
            external_id="drawings/p-101",
            sources=[NodeOrEdgeData(source=FILE, properties={"name": "p-101.dwg"})],
        )
    )
    seed_file_content(emulator, MANUAL, b"manual")
    seed_file_content(emulator, (SPACE, "drawings/p-101"), b"drawing")

    paths = client.files.download([MANUAL, (SPACE, "drawings/p-101")], tmp_path)

    assert paths == [tmp_path / "manual", tmp_path / "drawings_p-101"]
    assert [path.read_bytes() for path in paths] == [b"manual", b"drawing"]
    assert client.files.download_urls(MANUAL)[MANUAL].startswith("http")


def test_links_on_another_host_get_no_cdf_credentials(tmp_path: Path) -> None:
    # The emulator's links then act as a storage service's signed URLs: they refuse a request
    # that carries an Authorization header, so these calls pass only if none is sent.
    emulator = make_emulator(require_auth=True)
    emulator.content_url = "http://storage.emulator.invalid"
    with CDFClient(config_for(emulator), transport=emulator.transport()) as client:
        client.files.upload_bytes(MANUAL, b"signed")
        [url] = client.files.download_urls(MANUAL).values()
        assert url.startswith("http://storage.emulator.invalid/")
        assert client.files.download_bytes(MANUAL) == b"signed"
        with httpx.Client(transport=emulator.transport()) as http:
            refused = http.get(url, headers={"authorization": "Bearer x"})
        assert refused.status_code == 400


def test_links_on_cdfs_own_host_carry_the_credentials(emulator: Emulator) -> None:
    seen: list[tuple[str, str | None]] = []

    class Recording(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if "/_emulator/files/" in request.url.path:
                seen.append((request.method, request.headers.get("authorization")))
            return emulator.transport().handle_request(request)

    config = config_for(emulator)
    token = config.auth.authorization(lambda request: httpx.Response(500))
    with CDFClient(config, transport=Recording()) as client:
        client.files.upload_bytes(MANUAL, b"same host")
        assert client.files.download_bytes(MANUAL) == b"same host"
    assert seen == [("PUT", token), ("GET", token)]


def test_a_node_without_file_data_is_cdfs_bad_request_naming_it(client: CDFClient) -> None:
    for call in (
        lambda: client.files.download_bytes((SPACE, "temperature")),
        lambda: client.files.upload_bytes((SPACE, "nowhere"), b"x"),
    ):
        with pytest.raises(CDFBadRequestError) as raised:
            call()
        assert [item["instanceId"]["space"] for item in raised.value.missing] == [SPACE]


def test_a_file_without_content_cannot_be_downloaded(client: CDFClient) -> None:
    with pytest.raises(CDFBadRequestError, match="has no content"):
        client.files.download_bytes(MANUAL)


def test_a_link_that_fails_is_an_error_naming_the_url_without_its_query(emulator: Emulator) -> None:
    seed_file_content(emulator, MANUAL, b"x")
    with CDFClient(config_for(emulator), transport=emulator.transport()) as client:
        [url] = client.files.download_urls(MANUAL).values()
        bad_url = url.rsplit("/", 1)[0] + "/not-a-token?signature=secret"
        with pytest.raises(CDFNotFoundError) as raised:
            client.files._transfer("GET", bad_url)
    assert "secret" not in str(raised.value)
    assert raised.value.path.endswith("/not-a-token")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda client, tmp: client.files.upload_bytes(MANUAL, 12), "expects bytes"),
        (lambda client, tmp: client.files.download_bytes("manual"), "expects a node"),
        (lambda client, tmp: client.files.download(MANUAL, tmp / "missing"), "not an existing directory"),
        (lambda client, tmp: client.files.download([MANUAL, ("other", "manual")], tmp), "share one"),
    ],
)
def test_bad_arguments_are_named(client: CDFClient, tmp_path: Path, call: object, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        call(client, tmp_path)  # type: ignore[operator]


async def test_the_async_client_uploads_and_downloads(
    emulator: Emulator, async_client: AsyncCDFClient, tmp_path: Path
) -> None:
    await async_client.files.upload_bytes(MANUAL, CONTENT)

    assert await async_client.files.download_bytes(MANUAL) == CONTENT
    assert await async_client.files.download(MANUAL, tmp_path) == [tmp_path / "manual"]
    assert (tmp_path / "manual").read_bytes() == CONTENT
    assert list(await async_client.files.download_urls([MANUAL])) == [MANUAL]


async def test_the_async_download_writes_files_off_the_event_loop(
    async_client: AsyncCDFClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    await async_client.files.upload_bytes(MANUAL, CONTENT)
    loop_thread = threading.current_thread()
    writers: list[threading.Thread] = []
    write_bytes = Path.write_bytes

    def recording_write(path: Path, data: bytes) -> int:
        writers.append(threading.current_thread())
        return write_bytes(path, data)

    monkeypatch.setattr(Path, "write_bytes", recording_write)

    await async_client.files.download(MANUAL, tmp_path)

    assert len(writers) == 1
    assert writers[0] is not loop_thread
    assert (tmp_path / "manual").read_bytes() == CONTENT


async def test_the_async_client_sends_credentials_only_to_cdfs_host() -> None:
    emulator = make_emulator(require_auth=True)
    async with AsyncCDFClient(config_for(emulator), transport=emulator.async_transport()) as client:
        await client.files.upload_bytes(MANUAL, b"own host")
        emulator.content_url = "http://storage.emulator.invalid"
        assert await client.files.download_bytes(MANUAL) == b"own host"


def test_transient_failures_of_the_apis_and_the_links_are_retried(emulator: Emulator) -> None:
    seed_file_content(emulator, MANUAL, b"kept")
    listing = emulator.faults.add(Fault.server_error(503, endpoint="/timeseries/data/list", times=1))
    link = emulator.faults.add(Fault.server_error(503, endpoint="/_emulator/files/*", method="GET", times=1))
    config = replace(config_for(emulator), max_retries=2, retry_backoff_base=0.001)
    with CDFClient(config, transport=emulator.transport()) as client:
        assert client.datapoints.retrieve((SPACE, "temperature"), start=0, end=1)[0].timestamps == []
        assert client.files.download_bytes(MANUAL) == b"kept"
    assert (emulator.faults.fired(listing), emulator.faults.fired(link)) == (1, 1)


def test_an_upload_path_without_a_host_goes_to_cdf_with_the_credentials_and_mime_type(
    emulator: Emulator, httpserver: HTTPServer
) -> None:
    api = f"/api/v1/projects/{emulator.project}"
    httpserver.expect_request(f"{api}/files/uploadlink", method="POST").respond_with_json(
        {
            "items": [
                {
                    "instanceId": {"space": SPACE, "externalId": "manual"},
                    "uploadUrl": "/upload/manual",
                    "mimeType": "application/pdf",
                }
            ]
        }
    )
    httpserver.expect_request("/upload/manual", method="PUT").respond_with_data("")
    config = config_for(emulator, httpserver.url_for("").rstrip("/"))

    with CDFClient(config) as client:
        client.files.upload_bytes(MANUAL, b"%PDF")

    put = httpserver.log[-1][0]
    assert (put.method, put.data, put.headers["content-type"]) == ("PUT", b"%PDF", "application/pdf")
    assert put.headers["authorization"] == config.auth.authorization(lambda request: httpx.Response(500))


def file_node(external_id: str) -> NodeApply:
    return NodeApply(
        space=SPACE, external_id=external_id, sources=[NodeOrEdgeData(source=FILE, properties={"name": "x"})]
    )


UNSAFE_NAMES = ["../escape", "/etc/evil", "..", ".", "a\\..\\..\\b", "sub/../../up"]


def test_no_external_id_writes_outside_the_download_directory(
    emulator: Emulator, client: CDFClient, tmp_path: Path
) -> None:
    client.instances.apply([file_node(name) for name in UNSAFE_NAMES])
    for name in UNSAFE_NAMES:
        seed_file_content(emulator, (SPACE, name), name.encode())
    inside = tmp_path / "downloads" / "inside"
    inside.mkdir(parents=True)

    paths = client.files.download([(SPACE, name) for name in UNSAFE_NAMES], inside)

    assert [path.parent for path in paths] == [inside] * len(UNSAFE_NAMES)
    # Nor on Windows, where a backslash separates too.
    assert not any("\\" in path.name or "/" in path.name for path in paths)
    assert [path.read_bytes() for path in paths] == [name.encode() for name in UNSAFE_NAMES]
    assert sorted(path.relative_to(tmp_path) for path in tmp_path.rglob("*") if path.is_file()) == sorted(
        path.relative_to(tmp_path) for path in paths
    )


def test_a_symbolic_link_in_the_directory_is_not_followed_outside(
    emulator: Emulator, client: CDFClient, tmp_path: Path
) -> None:
    seed_file_content(emulator, MANUAL, b"content")
    inside, outside = tmp_path / "inside", tmp_path / "outside.txt"
    inside.mkdir()
    (inside / "manual").symlink_to(outside)

    with pytest.raises(InvalidArgumentError, match="leads outside"):
        client.files.download(MANUAL, inside)
    assert not outside.exists()


@pytest.mark.parametrize(
    ("external_ids", "message"),
    [
        (["Manual", "manual"], "share one \\(letter case aside\\)"),
        (["a/b", "a_b"], "share one"),
        (["ø" * 200], "longer than a file name may be"),
    ],
)
def test_names_a_file_system_cannot_keep_apart_or_hold_are_refused(
    client: CDFClient, tmp_path: Path, external_ids: list[str], message: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        client.files.download([(SPACE, external_id) for external_id in external_ids], tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_no_credentials_go_to_cdfs_host_over_another_scheme(emulator: Emulator) -> None:
    """CDF is reached over https here; the emulator's links say http on the same host."""
    seen: list[tuple[str, str | None]] = []

    class Recording(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if "/_emulator/files/" in request.url.path:
                seen.append((request.url.scheme, request.headers.get("authorization")))
            return emulator.transport().handle_request(request)

    config = config_for(emulator, emulator.base_url.replace("http://", "https://"))
    with CDFClient(config, transport=Recording()) as client:
        client.files.upload_bytes(MANUAL, b"plain http")
        assert client.files.download_bytes(MANUAL) == b"plain http"
    assert seen == [("http", None), ("http", None)]


def test_an_upload_carries_the_files_mime_type_or_none(emulator: Emulator) -> None:
    content_types: list[str | None] = []

    class Recording(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.method == "PUT":
                content_types.append(request.headers.get("content-type"))
            return emulator.transport().handle_request(request)

    with CDFClient(config_for(emulator), transport=Recording()) as client:
        client.instances.apply(file_node("untyped"))
        client.files.upload_bytes(MANUAL, b"%PDF")  # created with mimeType application/pdf
        client.files.upload_bytes((SPACE, "untyped"), b"?")

    assert content_types == ["application/pdf", None]


@pytest.mark.parametrize(
    ("endpoint", "answer", "problem"),
    [
        (
            "downloadlink",
            {"items": [{"instanceId": {"space": SPACE, "externalId": "manual"}}]},
            "lacks 'downloadUrl'",
        ),
        (
            "downloadlink",
            {"items": [{"instanceId": {"space": SPACE, "externalId": "other"}, "downloadUrl": "x"}]},
            "no download link for plant:manual",
        ),
        (
            "uploadlink",
            {"items": [{"instanceId": {"space": SPACE, "externalId": "manual"}}]},
            "has no 'uploadUrl'",
        ),
    ],
)
def test_a_link_answer_that_is_not_cdfs_shape_is_a_response_error(
    emulator: Emulator, httpserver: HTTPServer, endpoint: str, answer: object, problem: str
) -> None:
    httpserver.expect_request(f"/api/v1/projects/{emulator.project}/files/{endpoint}").respond_with_json(
        answer
    )

    with CDFClient(config_for(emulator, httpserver.url_for("").rstrip("/"))) as client:
        call = (
            (lambda: client.files.download_bytes(MANUAL))
            if endpoint == "downloadlink"
            else (lambda: client.files.upload_bytes(MANUAL, b"x"))
        )
        with pytest.raises(CDFResponseError, match=problem):
            call()


def test_an_upload_link_answered_as_the_bare_file_object_works(
    emulator: Emulator, httpserver: HTTPServer
) -> None:
    # The API reference's sample shows the file object itself rather than under "items".
    api = f"/api/v1/projects/{emulator.project}"
    httpserver.expect_request(f"{api}/files/uploadlink").respond_with_json({"uploadUrl": "/bare"})
    httpserver.expect_request("/bare", method="PUT").respond_with_data("")

    with CDFClient(config_for(emulator, httpserver.url_for("").rstrip("/"))) as client:
        client.files.upload_bytes(MANUAL, b"bare")

    assert httpserver.log[-1][0].data == b"bare"


def test_download_asks_for_each_link_just_before_fetching_it(emulator: Emulator, tmp_path: Path) -> None:
    """CDF's links expire after 30 seconds: a batch of links asked for up front could expire
    while earlier files are still coming in."""
    external_ids = ["first", "second", "third"]
    steps: list[str] = []

    class Recording(httpx.BaseTransport):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.path.endswith("/files/downloadlink"):
                [item] = json.loads(request.read())["items"]
                steps.append(f"link {item['instanceId']['externalId']}")
            elif "/_emulator/files/" in request.url.path:
                steps.append("content")
            return emulator.transport().handle_request(request)

    with CDFClient(config_for(emulator), transport=Recording()) as client:
        client.instances.apply([file_node(external_id) for external_id in external_ids])
        for external_id in external_ids:
            seed_file_content(emulator, (SPACE, external_id), external_id.encode())
        paths = client.files.download([(SPACE, external_id) for external_id in external_ids], tmp_path)

    assert steps == ["link first", "content", "link second", "content", "link third", "content"]
    assert [path.read_bytes() for path in paths] == [b"first", b"second", b"third"]


def test_download_links_answered_by_numeric_id_only_are_matched_by_position(
    emulator: Emulator, httpserver: HTTPServer
) -> None:
    # The API reference's sample answers {"downloadUrl", "id"} per item, in the order asked for.
    api = f"/api/v1/projects/{emulator.project}"
    links = {"items": [{"id": 1, "downloadUrl": "/one"}, {"id": 2, "downloadUrl": "/two"}]}
    httpserver.expect_request(f"{api}/files/downloadlink").respond_with_json(links)

    with CDFClient(config_for(emulator, httpserver.url_for("").rstrip("/"))) as client:
        urls = client.files.download_urls([MANUAL, (SPACE, "other")])
        httpserver.clear()
        httpserver.expect_request(f"{api}/files/downloadlink").respond_with_json(
            {"items": links["items"][:1]}
        )
        with pytest.raises(CDFResponseError, match="has no 'instanceId' and the answer holds 1 links for 2"):
            client.files.download_urls([MANUAL, (SPACE, "other")])

    assert urls == {MANUAL: "/one", (SPACE, "other"): "/two"}
