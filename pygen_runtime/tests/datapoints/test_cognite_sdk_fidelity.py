"""The official cognite-sdk, a client nobody here wrote, against the emulator's time series and
files endpoints on loopback: what it writes, the runtime reads, and the other way round.

(The SDK reads data points as protobuf, which the emulator does not speak; it writes them as JSON.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cognite.client import ClientConfig, CogniteClient
from cognite.client.credentials import Token
from cognite.client.data_classes.data_modeling import NodeId
from datapoints_testbed import SPACE, config_for
from pygen_runtime.testing import Emulator, EmulatorServer

from pygen_runtime import CDFClient


@pytest.fixture
def server(emulator: Emulator) -> Iterator[EmulatorServer]:
    emulator.require_auth = True
    with emulator.serve() as running:
        yield running


@pytest.fixture
def sdk(emulator: Emulator, server: EmulatorServer) -> CogniteClient:
    return CogniteClient(
        ClientConfig(
            client_name="fidelity",
            project=emulator.project,
            credentials=Token(emulator.issue_token()),
            base_url=server.url,
        )
    )


def test_points_the_sdk_inserts_are_what_the_runtime_reads(
    emulator: Emulator, server: EmulatorServer, sdk: CogniteClient
) -> None:
    sdk.time_series.data.insert([(0, 1.5), (1000, 2.5)], instance_id=NodeId(SPACE, "temperature"))
    sdk.time_series.data.insert([(0, "open")], instance_id=NodeId(SPACE, "status"))

    with CDFClient(config_for(emulator, server.url)) as client:
        temperature, status = client.datapoints.retrieve(
            [(SPACE, "temperature"), (SPACE, "status")], start=0, end=5000
        )

    assert (temperature.timestamps, temperature.values) == ([0, 1000], [1.5, 2.5])
    assert status.values == ["open"]


def test_file_content_travels_between_the_sdk_and_the_runtime(
    emulator: Emulator, server: EmulatorServer, sdk: CogniteClient
) -> None:
    manual = NodeId(SPACE, "manual")
    sdk.files.upload_content_bytes(b"from the sdk", instance_id=manual)

    with CDFClient(config_for(emulator, server.url)) as client:
        assert client.files.download_bytes((SPACE, "manual")) == b"from the sdk"
        client.files.upload_bytes((SPACE, "manual"), b"from the runtime")

    assert sdk.files.download_bytes(instance_id=manual) == b"from the runtime"
