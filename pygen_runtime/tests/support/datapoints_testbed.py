"""For the datapoints and files tests: an emulated project with CDF's core model and a few time
series and file nodes.

``plant`` holds ``temperature`` (numeric, unit degC), ``pressure`` (numeric, step), ``status``
(string) and ``manual`` (a CogniteFile); ``not-a-series`` is a plain node with no time series data.
Clients reach it in process (sync and async) or over loopback.
"""

from __future__ import annotations

from typing import Any

from cdf_material import SHARED_CDF
from pygen_runtime.schema import NodeApply, NodeOrEdgeData, Space, ViewId
from pygen_runtime.testing import Emulator

from pygen_runtime import CDFClient, ClientConfig, Token

__all__ = ["NOW_MS", "SPACE", "config_for", "make_emulator", "time_series"]

SPACE = "plant"
TIME_SERIES = ViewId(space="cdf_cdm", external_id="CogniteTimeSeries", version="v1")
FILE = ViewId(space="cdf_cdm", external_id="CogniteFile", version="v1")
DESCRIBABLE = ViewId(space="cdf_cdm", external_id="CogniteDescribable", version="v1")
# A fixed "now" for the emulator: 2026-01-01T00:00:00Z.
NOW_MS = 1_767_225_600_000


def time_series(external_id: str, **properties: Any) -> NodeApply:
    return NodeApply(
        space=SPACE,
        external_id=external_id,
        sources=[NodeOrEdgeData(source=TIME_SERIES, properties=properties)],
    )


def make_emulator(**options: Any) -> Emulator:
    emulator = Emulator(clock=lambda: NOW_MS, **options)
    emulator.load_model(SHARED_CDF / "models" / "CogniteCore.yaml")
    with CDFClient(config_for(emulator), transport=emulator.transport()) as client:
        client.spaces.apply(Space(space=SPACE))
        client.instances.apply(
            [
                time_series("temperature", type="numeric", sourceUnit="degC", name="Temperature"),
                time_series("pressure", type="numeric", isStep=True),
                time_series("status", type="string"),
                NodeApply(
                    space=SPACE,
                    external_id="manual",
                    sources=[
                        NodeOrEdgeData(
                            source=FILE, properties={"name": "manual.pdf", "mimeType": "application/pdf"}
                        )
                    ],
                ),
                NodeApply(
                    space=SPACE,
                    external_id="not-a-series",
                    sources=[NodeOrEdgeData(source=DESCRIBABLE, properties={"name": "plain"})],
                ),
            ]
        )
    return emulator


def config_for(emulator: Emulator, base_url: str | None = None) -> ClientConfig:
    return ClientConfig(
        base_url=base_url or emulator.base_url,
        project=emulator.project,
        credentials=Token(emulator.issue_token()),
        max_retries=0,
    )
