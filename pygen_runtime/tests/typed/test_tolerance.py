"""A server newer than the SDK: the model gained a property and an enum value, and changed a
property's type. The reference SDK (generated from the old model) still reads every node, and
what it does not know stays reachable."""

from __future__ import annotations

import copy
import logging
from collections.abc import Iterator
from typing import Any

import pytest
import yaml
from pygen_runtime.schema import NodeApply, NodeOrEdgeData, Space, ViewId
from pygen_runtime.testing import Emulator
from reference_sdk import SensorTimeSeries, WindTurbine, WindTurbineClient
from typed_testbed import INSTANCE_SPACE, WIND_TURBINE_MODEL, make_config

SERIES = ViewId(space="sp_pygen_power", external_id="SensorTimeSeries", version="1")
TURBINE = ViewId(space="sp_pygen_power", external_id="WindTurbine", version="1")


def newer_model() -> dict[str, Any]:
    """WindTurbine as a later release of it: ``SensorTimeSeries`` has a new ``calibratedAt``
    property and a new ``type`` value, ``WindTurbine.windfarm`` became a number."""
    model = copy.deepcopy(yaml.safe_load(WIND_TURBINE_MODEL.read_text()))
    views = {view["externalId"]: view for view in model["views"]}
    series = views["SensorTimeSeries"]["properties"]
    series["type"]["type"]["values"]["complex"] = {"name": "complex", "description": "Complex numbers."}
    series["calibratedAt"] = {
        **series["sourceUnit"],
        "container": {"space": "sp_pygen_power_enterprise", "externalId": "SensorCalibration"},
        "containerPropertyIdentifier": "calibratedAt",
        "name": "calibratedAt",
    }
    windfarm = views["WindTurbine"]["properties"]["windfarm"]
    windfarm["type"] = {"list": False, "type": "int64"}
    return model


@pytest.fixture
def newer_server() -> Iterator[WindTurbineClient]:
    emulator = Emulator(project="newer")
    emulator.load_model(newer_model())
    with WindTurbineClient(
        make_config(emulator), instance_space=INSTANCE_SPACE, transport=emulator.transport()
    ) as client:
        client.cdf.spaces.apply(Space(space=INSTANCE_SPACE))
        client.cdf.instances.apply(
            [
                NodeApply(
                    space=INSTANCE_SPACE,
                    external_id="ts-new",
                    sources=[
                        NodeOrEdgeData(
                            source=SERIES,
                            properties={
                                "isStep": False,
                                "type": "complex",
                                "calibratedAt": "yesterday",
                                "name": "New",
                            },
                        )
                    ],
                ),
                NodeApply(
                    space=INSTANCE_SPACE,
                    external_id="wt-7",
                    sources=[NodeOrEdgeData(source=TURBINE, properties={"name": "WT 7", "windfarm": 7})],
                ),
            ]
        )
        yield client


def test_an_unknown_property_and_enum_value_are_kept(newer_server: WindTurbineClient) -> None:
    [series] = newer_server.sensor_time_series.list()

    assert isinstance(series, SensorTimeSeries)
    assert series.type_ == "complex"
    assert series.name == "New"
    assert series.model_extra == {"calibratedAt": "yesterday"}


def test_an_unknown_property_survives_a_round_trip_through_as_write(newer_server: WindTurbineClient) -> None:
    [series] = newer_server.sensor_time_series.list()
    write = series.as_write()
    write.name = "Renamed"

    newer_server.upsert(write)
    [again] = newer_server.sensor_time_series.list()

    assert again.name == "Renamed"
    assert again.model_extra == {"calibratedAt": "yesterday"}
    assert write.dump()["sources"][0]["properties"]["calibratedAt"] == "yesterday"


def test_a_value_of_a_changed_type_is_kept_aside_with_a_warning(
    newer_server: WindTurbineClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pygen_runtime.typed import _parsing

    monkeypatch.setattr(_parsing, "_warned", set())  # the warning comes once per process
    with caplog.at_level(logging.WARNING, logger="pygen_runtime.typed"):
        turbine = newer_server.wind_turbine.retrieve("wt-7")

    assert isinstance(turbine, WindTurbine)
    assert turbine.name == "WT 7"
    assert turbine.windfarm is None
    assert turbine.model_extra == {"windfarm": 7}
    assert "WindTurbine.windfarm" in caplog.text
    assert "regenerate the SDK" in caplog.text
