"""A server whose model moved on after the SDK was generated: the WindTurbine view gained a
property and the SensorTimeSeries ``type`` enum gained a value. Instances written with the newer
model (by another client) are read through the golden WindTurbine SDK: the unknown property and
enum value are kept, reachable, and written back unchanged by an ``as_write()`` round trip."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import pytest
import yaml
from functional_clients import golden_sdk, typed_client
from pygen_runtime.schema import NodeApply, NodeOrEdgeData, ViewId
from pygen_runtime.testing import Emulator
from shared_cdf import model_file

SPACE = "newer-server"
NEW_PROPERTY = "hubHeight"
NEW_ENUM_VALUE = "state"
TURBINE_VIEW = ViewId(space="sp_pygen_power", external_id="WindTurbine", version="1")
SERIES_VIEW = ViewId(space="sp_pygen_power", external_id="SensorTimeSeries", version="1")


def newer_model() -> dict[str, Any]:
    """The shared WindTurbine model with one more WindTurbine property and one more enum value."""
    model: dict[str, Any] = yaml.safe_load(model_file("WindTurbine").read_text(encoding="utf-8"))
    views = {view["externalId"]: view for view in model["views"]}
    windfarm = views["WindTurbine"]["properties"]["windfarm"]
    added = copy.deepcopy(windfarm)
    added.update(
        containerPropertyIdentifier=NEW_PROPERTY,
        type={"list": False, "type": "float64"},
        name=NEW_PROPERTY,
    )
    views["WindTurbine"]["properties"][NEW_PROPERTY] = added
    enum = views["SensorTimeSeries"]["properties"]["type"]["type"]
    enum["values"][NEW_ENUM_VALUE] = {"name": NEW_ENUM_VALUE, "description": "Added after the SDK."}
    return model


@dataclass
class Newer:
    sdk: ModuleType
    client: Any


@pytest.fixture(scope="module")
def newer() -> Iterator[Newer]:
    with golden_sdk("WindTurbine", "wind_turbine_sdk") as sdk:
        emulator = Emulator(project="newer-server")
        emulator.load_model(newer_model())
        with typed_client(sdk.WindTurbineClient, emulator, SPACE) as client:
            # Written by a client that knows the newer model.
            client.cdf.instances.apply(
                [
                    NodeApply(
                        space=SPACE,
                        external_id="wt-new",
                        sources=[
                            NodeOrEdgeData(
                                source=TURBINE_VIEW,
                                properties={"name": "WT new", "capacity": 6.0, NEW_PROPERTY: 92.5},
                            )
                        ],
                    ),
                    NodeApply(
                        space=SPACE,
                        external_id="series-new",
                        sources=[
                            NodeOrEdgeData(
                                source=SERIES_VIEW, properties={"name": "Series", "type": NEW_ENUM_VALUE}
                            )
                        ],
                    ),
                ]
            )
            yield Newer(sdk, client)


def test_an_unknown_property_is_kept_and_reachable(newer: Newer) -> None:
    turbine = newer.client.wind_turbine.retrieve("wt-new")
    assert isinstance(turbine, newer.sdk.WindTurbine)
    assert (turbine.name, turbine.capacity) == ("WT new", 6.0)
    assert turbine.model_extra == {NEW_PROPERTY: 92.5}
    assert turbine.property_values()[NEW_PROPERTY] == 92.5
    listed = newer.client.wind_turbine.list(limit=None)
    assert [item.model_extra for item in listed] == [{NEW_PROPERTY: 92.5}]
    assert listed.to_pandas()[NEW_PROPERTY].tolist() == [92.5]


def test_an_unknown_enum_value_is_kept_and_reachable(newer: Newer) -> None:
    series = newer.client.sensor_time_series.retrieve("series-new")
    assert isinstance(series, newer.sdk.SensorTimeSeries)
    assert series.type_ == NEW_ENUM_VALUE
    assert [item.external_id for item in newer.client.sensor_time_series.list(limit=None)] == ["series-new"]


def test_as_write_round_trip_writes_the_unknown_values_back_unchanged(newer: Newer) -> None:
    turbine = newer.client.wind_turbine.retrieve("wt-new")
    series = newer.client.sensor_time_series.retrieve("series-new")
    # replace=True clears whatever is not sent: the unknown values survive only if written back.
    result = newer.client.upsert([turbine.as_write(), series.as_write()], replace=True)
    assert not any(item.was_modified for item in result.items)
    stored = newer.client.cdf.instances.retrieve(
        [turbine.as_id(), series.as_id()], sources=[TURBINE_VIEW, SERIES_VIEW]
    )
    by_id = {item.external_id: item for item in stored}
    assert by_id["wt-new"].properties_of(TURBINE_VIEW)[NEW_PROPERTY] == 92.5
    assert by_id["series-new"].properties_of(SERIES_VIEW)["type"] == NEW_ENUM_VALUE
    again = newer.client.wind_turbine.retrieve("wt-new")
    assert again.model_extra == {NEW_PROPERTY: 92.5}
    assert newer.client.sensor_time_series.retrieve("series-new").type_ == NEW_ENUM_VALUE
