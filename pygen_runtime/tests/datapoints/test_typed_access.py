"""The golden CogniteCore SDK (tests/golden/python/CogniteCore, as the renderer emits it) reads and
writes data points and file content through ``client.datapoints`` and ``client.files``, taking its
own read and write objects, NodeIds, pairs and bare external ids as references."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from datapoints_testbed import SPACE, config_for
from pygen_runtime.errors import InvalidArgumentError
from pygen_runtime.schema import NodeId
from pygen_runtime.testing import Emulator

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
    written = CogniteTimeSeriesWrite(external_id="flow", type_="numeric", name="Flow")
    core.upsert(written)
    [read] = core.cognite_time_series.retrieve(["flow"])

    core.datapoints.insert(written, [(0, 1.0), (1000, 2.0), (2000, 4.0)])

    by_read = core.datapoints.retrieve(read, start=0, end=5000)
    by_name = core.datapoints.retrieve(["flow", (SPACE, "temperature")], start=0, end=5000)
    frame = core.datapoints.retrieve_dataframe(
        NodeId(space=SPACE, external_id="flow"), start=0, end=5000, aggregates=["sum"], granularity="2s"
    )
    assert by_read[0].values == [1.0, 2.0, 4.0]
    assert [result.instance_id.external_id for result in by_name] == ["flow", "temperature"]
    assert frame["plant:flow|sum"].tolist() == [3.0, 4.0]


def test_files_by_write_object_and_external_id(core: CogniteCoreClient, tmp_path: Path) -> None:
    drawing = CogniteFileWrite(external_id="drawing", name="drawing.svg")
    core.upsert(drawing)

    core.files.upload_bytes(drawing, b"<svg/>")

    assert core.files.download_bytes("drawing") == b"<svg/>"
    assert core.files.download(["drawing"], tmp_path) == [tmp_path / "drawing"]
    assert (tmp_path / "drawing").read_bytes() == b"<svg/>"
    assert list(core.files.download_urls(["drawing", drawing])) == [(SPACE, "drawing")]


def test_an_external_id_without_an_instance_space_is_refused(emulator: Emulator) -> None:
    with CogniteCoreClient(config_for(emulator), transport=emulator.transport()) as client:
        with pytest.raises(InvalidArgumentError, match="no instance space"):
            client.datapoints.retrieve("temperature", start=0, end=1)
        with pytest.raises(InvalidArgumentError, match="no instance space"):
            client.files.download_bytes("manual")


def test_what_the_docs_page_shows_a_generated_client_do(core: CogniteCoreClient, tmp_path: Path) -> None:
    # docs/datapoints-and-files.md, "From a generated SDK".
    core.upsert(
        [
            CogniteTimeSeriesWrite(external_id="pump-1-flow", type_="numeric", name="Flow"),
            CogniteFileWrite(external_id="pump-1-manual", name="manual.txt"),
        ]
    )
    # The emulator's clock (it stamps each write) says what "2d-ago" is.
    now = core.cognite_time_series.retrieve(["pump-1-flow"])[0].created_time
    hour = 3_600_000
    first_hour = (now // hour - 3) * hour
    points = [(first_hour, 1.0), (first_hour + hour // 2, 3.0), (first_hour + hour, 10.0)]
    core.datapoints.insert("pump-1-flow", points)
    core.files.upload_bytes("pump-1-manual", b"Check the seals.")
    downloads = tmp_path / "downloads"
    downloads.mkdir()

    frame = core.datapoints.retrieve_dataframe(
        core.cognite_time_series.retrieve(["pump-1-flow"]),
        start="2d-ago",
        aggregates=["average"],
        granularity="1h",
    )
    written = core.files.download(["pump-1-manual"], downloads)

    assert frame[f"{SPACE}:pump-1-flow|average"].tolist() == [2.0, 10.0]
    assert written == [downloads / "pump-1-manual"]
    assert (downloads / "pump-1-manual").read_bytes() == b"Check the seals."
