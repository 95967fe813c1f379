"""The golden CogniteCore SDK (tests/golden/python/CogniteCore, as the renderer emits it) with data
points and file content: its client's ``cdf.datapoints`` and ``cdf.files`` take the SDK's read
objects as they are, and ``TypedDatapointsAPI``/``TypedFilesAPI`` over them also take write
objects and bare external ids in the instance space."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from datapoints_testbed import SPACE, config_for
from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.schema import NodeId
from pygen_runtime.testing import Emulator
from pygen_runtime.typed._content_apis import TypedDatapointsAPI, TypedFilesAPI

GOLDEN = Path(__file__).resolve().parents[3] / "tests" / "golden" / "python" / "CogniteCore"
sys.path.insert(0, str(GOLDEN))

from cognite_core_sdk import CogniteCoreClient  # noqa: E402
from cognite_core_sdk.data_classes._cognite_file import CogniteFileWrite  # noqa: E402
from cognite_core_sdk.data_classes._cognite_time_series import CogniteTimeSeriesWrite  # noqa: E402


@pytest.fixture
def core(emulator: Emulator) -> Iterator[CogniteCoreClient]:
    with CogniteCoreClient(
        config_for(emulator), instance_space=SPACE, transport=emulator.transport()
    ) as client:
        yield client


def test_the_runtime_apis_take_the_sdks_read_objects(core: CogniteCoreClient) -> None:
    core.upsert(CogniteTimeSeriesWrite(external_id="flow", type_="numeric", name="Flow"))
    [read] = core.cognite_time_series.retrieve(["flow"])

    core.cdf.datapoints.insert(read, [(0, 1.0), (1000, 2.0)])

    assert core.cdf.datapoints.retrieve([read], start=0, end=5000)[0].values == [1.0, 2.0]


def test_read_and_write_objects_name_the_time_series(core: CogniteCoreClient) -> None:
    datapoints = TypedDatapointsAPI(core.cdf.datapoints, core.instance_space)
    written = CogniteTimeSeriesWrite(external_id="flow", type_="numeric", name="Flow")
    core.upsert(written)
    [read] = core.cognite_time_series.retrieve(["flow"])

    datapoints.insert(written, [(0, 1.0), (1000, 2.0), (2000, 4.0)])

    by_read = datapoints.retrieve(read, start=0, end=5000)
    by_name = datapoints.retrieve(["flow", (SPACE, "temperature")], start=0, end=5000)
    frame = datapoints.retrieve_dataframe(
        NodeId(space=SPACE, external_id="flow"), start=0, end=5000, aggregates=["sum"], granularity="2s"
    )
    assert by_read[0].values == [1.0, 2.0, 4.0]
    assert [result.instance_id.external_id for result in by_name] == ["flow", "temperature"]
    assert frame["plant:flow|sum"].tolist() == [3.0, 4.0]


def test_files_by_write_object_and_external_id(core: CogniteCoreClient, tmp_path: Path) -> None:
    files = TypedFilesAPI(core.cdf.files, core.instance_space)
    drawing = CogniteFileWrite(external_id="drawing", name="drawing.svg")
    core.upsert(drawing)

    files.upload_bytes(drawing, b"<svg/>")

    assert files.download_bytes("drawing") == b"<svg/>"
    assert files.download(["drawing"], tmp_path) == [tmp_path / "drawing"]
    assert (tmp_path / "drawing").read_bytes() == b"<svg/>"


def test_an_external_id_without_an_instance_space_is_refused(emulator: Emulator) -> None:
    with CogniteCoreClient(config_for(emulator), transport=emulator.transport()) as client:
        with pytest.raises(InvalidArgumentError, match="no instance space"):
            TypedDatapointsAPI(client.cdf.datapoints, None).retrieve("temperature", start=0, end=1)
        with pytest.raises(InvalidArgumentError, match="no instance space"):
            TypedFilesAPI(client.cdf.files, None).download_bytes("manual")
