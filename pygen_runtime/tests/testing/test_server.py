"""The loopback server: real sockets on 127.0.0.1, keep-alive, chunked bodies, dropped connections."""

from __future__ import annotations

import http.client
import socket
import struct
import time
from collections.abc import Iterator

import httpx
import pytest
from http_expectations import error_of, ok
from pygen_runtime.testing import EmulatorServer, Fault
from spec_checked import SpecCheckedEmulator


@pytest.fixture
def server(emulator: SpecCheckedEmulator) -> Iterator[EmulatorServer]:
    with emulator.serve() as running:
        yield running


def test_it_listens_on_a_free_loopback_port(server: EmulatorServer) -> None:
    assert server.host == "127.0.0.1"
    assert server.port > 0
    assert server.url == f"http://127.0.0.1:{server.port}"
    assert server.token_url == server.url + "/oauth2/token"


def test_requests_over_one_kept_alive_connection(
    server: EmulatorServer, emulator: SpecCheckedEmulator
) -> None:
    with httpx.Client(base_url=f"{server.url}/api/v1/projects/{emulator.project}", timeout=5) as client:
        ok(client.post("/models/spaces", json={"items": [{"space": "s"}]}))
        for _ in range(3):
            assert [space["space"] for space in ok(client.get("/models/spaces"))["items"]] == ["s"]
        error_of(client.post("/models/spaces", json={"items": "bad"}))
    assert emulator.checked_responses == 5


def test_chunked_request_bodies_are_read(server: EmulatorServer, emulator: SpecCheckedEmulator) -> None:
    def body() -> Iterator[bytes]:
        yield b'{"items": ['
        yield b'{"space": "chunky"}'
        yield b"]}"

    with httpx.Client(timeout=5) as client:
        response = client.post(
            f"{server.url}/api/v1/projects/{emulator.project}/models/spaces", content=body()
        )
    assert ok(response)["items"][0]["space"] == "chunky"


def test_a_dropped_connection_closes_the_socket_without_an_answer(
    server: EmulatorServer, emulator: SpecCheckedEmulator
) -> None:
    emulator.faults.add(Fault.dropped_connection(times=1))
    connection = http.client.HTTPConnection(server.host, server.port, timeout=5)
    connection.request("GET", f"/api/v1/projects/{emulator.project}/models/spaces")
    with pytest.raises((http.client.RemoteDisconnected, ConnectionResetError)):
        connection.getresponse()
    connection.close()

    with httpx.Client(timeout=5) as client:  # the server itself is fine
        ok(client.get(f"{server.url}/api/v1/projects/{emulator.project}/models/spaces"))


def test_stopping_releases_the_port(emulator: SpecCheckedEmulator) -> None:
    server = EmulatorServer(emulator).start()
    port = server.port
    server.start()  # starting twice is harmless
    server.stop()
    server.stop()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", port))  # free again


def test_a_client_that_hangs_up_early_is_logged_quietly(
    server: EmulatorServer,
    emulator: SpecCheckedEmulator,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    emulator.faults.add(Fault.latency(0.3, times=1))
    caplog.set_level("DEBUG", logger="pygen_runtime.testing.server")
    request = f"GET /api/v1/projects/{emulator.project}/models/spaces HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection((server.host, server.port), timeout=5) as client:
        # Linger 0: closing sends a reset, so the server's answer fails to go out.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.sendall(request.encode())
    for _ in range(100):  # bounded: the answer is due after the 0.3 s latency
        if any("went away" in record.getMessage() for record in caplog.records):
            break
        time.sleep(0.02)
    assert any("went away" in record.getMessage() for record in caplog.records)
    assert "Traceback" not in capfd.readouterr().err
