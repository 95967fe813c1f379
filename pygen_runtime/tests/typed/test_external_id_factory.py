"""Write objects created without an external id get one from their class's factory."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pytest
from pygen_runtime.typed import InstanceWrite, NodeWrite, default_external_id_factory
from reference_sdk import BladeWrite, WindTurbineClient, WindTurbineWrite

UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def test_the_default_factory_gives_the_class_in_snake_case_and_a_random_uuid() -> None:
    first, second = WindTurbineWrite(name="WT"), WindTurbineWrite(name="WT")
    assert re.fullmatch(f"wind_turbine:{UUID}", first.external_id)
    assert first.external_id != second.external_id
    assert re.fullmatch(f"blade:{UUID}", default_external_id_factory(BladeWrite, {}))


def test_a_given_external_id_is_kept() -> None:
    assert WindTurbineWrite(external_id="wt-1").external_id == "wt-1"
    assert WindTurbineWrite.model_validate({"external_id": "wt-2"}).external_id == "wt-2"


def test_a_factory_set_on_a_class_applies_to_it_and_one_set_on_node_write_to_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def by_name(cls: type[InstanceWrite], values: Mapping[str, Any]) -> str:
        return f"{cls.__name__}-{values.get('name')}"

    monkeypatch.setattr(WindTurbineWrite, "external_id_factory", by_name)
    assert WindTurbineWrite(name="north").external_id == "WindTurbineWrite-north"
    assert re.fullmatch(f"blade:{UUID}", BladeWrite().external_id)
    monkeypatch.setattr(NodeWrite, "external_id_factory", lambda cls, values: "everywhere")
    assert BladeWrite().external_id == "everywhere"
    assert WindTurbineWrite(name="south").external_id == "WindTurbineWrite-south"


def test_nodes_written_without_external_ids_are_stored_under_the_made_ones(client: WindTurbineClient) -> None:
    blade = BladeWrite(is_damaged=True)
    turbine = WindTurbineWrite(name="WT", blades=[blade])
    client.upsert([turbine])
    stored = client.wind_turbine.retrieve(turbine.external_id, retrieve_connections="full")
    assert stored is not None
    assert stored.name == "WT"
    assert [(type(item).__name__, item.external_id) for item in stored.blades or []] == [
        ("Blade", blade.external_id)
    ]
