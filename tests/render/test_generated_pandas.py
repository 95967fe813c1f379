"""A generated SDK's read objects and lists in pandas and in notebooks, read back from the
emulator through the golden WindTurbine SDK: ``to_pandas(dropna_columns=True)`` and the HTML
table of one object."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from golden_sdks import import_sdk
from pygen_runtime.schema import Space
from pygen_runtime.testing import Emulator
from shared_cdf import model_file

from pygen_runtime import ClientConfig, Token

WIND_SPACE = "wind_instances"  # the golden WindTurbine case's instance space


@pytest.fixture
def turbines() -> Iterator[Any]:
    """Two turbines read back from the emulator: one with a name, a capacity and blades, one with
    only a name."""
    wind = import_sdk("WindTurbine")
    emulator = Emulator(project="wind")
    emulator.load_model(model_file("WindTurbine"))
    config = ClientConfig(base_url=emulator.base_url, project=emulator.project, credentials=Token("t"))
    with wind.WindTurbineClient(config, transport=emulator.transport()) as client:
        client.cdf.spaces.apply(Space(space=WIND_SPACE))
        client.upsert(
            [
                wind.WindTurbineWrite(
                    external_id="wt-1",
                    name="<script>alert('WT 1')</script> & co",
                    capacity=5.5,
                    blades=[wind.BladeWrite(external_id="wt-1-blade")],
                ),
                wind.WindTurbineWrite(external_id="wt-2", name="WT 2"),
            ]
        )
        yield client.wind_turbine.list(external_id_prefix="wt-", sort_by="external_id")


def test_dropna_columns_leaves_out_the_columns_no_turbine_fills(turbines: Any) -> None:
    every_column = turbines.to_pandas()
    filled_columns = turbines.to_pandas(dropna_columns=True)

    dropped = set(every_column.columns) - set(filled_columns.columns)
    assert {"capacity", "blades", "name", "external_id"} <= set(filled_columns.columns)
    assert {"description", "deleted_time", "power_curve", "windfarm"} <= dropped
    assert all(every_column[name].isna().all() for name in dropped)
    assert not any(filled_columns[name].isna().all() for name in filled_columns.columns)


def test_one_turbine_shows_as_an_escaped_table_and_drops_its_empty_fields(turbines: Any) -> None:
    first, second = turbines

    html = first._repr_html_()
    fields = second.to_pandas(dropna_columns=True)

    assert "<td>&lt;script&gt;alert('WT 1')&lt;/script&gt; &amp; co</td>" in html
    assert "<script>" not in html
    assert "<th>capacity</th>" in html
    assert "capacity" not in fields.index
    assert fields["name"] == "WT 2"
