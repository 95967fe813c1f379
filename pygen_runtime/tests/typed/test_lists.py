"""List classes: dump, ids, conversion to writes, and pandas DataFrames (pandas is optional)."""

from __future__ import annotations

import sys

import pytest
from pygen_runtime.schema import EdgeId, NodeId
from pygen_runtime.typed import PandasMissingError
from reference_sdk import (
    Distance,
    DistanceList,
    DistanceWrite,
    DistanceWriteList,
    WindTurbine,
    WindTurbineList,
    WindTurbineWrite,
    WindTurbineWriteList,
)

SPACE = "windfarm-data"
INSTANCE = {"space": SPACE, "version": 2, "created_time": 1, "last_updated_time": 2}


def turbines() -> WindTurbineList:
    return WindTurbineList(
        [
            WindTurbine(external_id="wt-1", name="WT 1", capacity=5.5, **INSTANCE),
            WindTurbine(external_id="wt-2", name="WT 2", **INSTANCE),
        ]
    )


def test_a_read_list_dumps_converts_and_names_its_ids() -> None:
    items = turbines()

    writes = items.as_write()

    assert isinstance(writes, WindTurbineWriteList)
    assert [write.existing_version for write in writes] == [2, 2]
    assert items.as_ids() == [
        NodeId(space=SPACE, external_id="wt-1"),
        NodeId(space=SPACE, external_id="wt-2"),
    ]
    assert writes.as_ids() == items.as_ids()
    assert [item["externalId"] for item in items.dump()] == ["wt-1", "wt-2"]
    assert [item["externalId"] for item in writes.dump()] == ["wt-1", "wt-2"]
    assert items.next_cursor is None
    assert repr(WindTurbineList()) == "WindTurbineList([])"


def test_edge_lists_convert_and_name_their_ids() -> None:
    edge = Distance(
        external_id="d-1",
        type=NodeId(space="sp_pygen_power_enterprise", external_id="Distance"),
        start_node=NodeId(space=SPACE, external_id="a"),
        end_node=NodeId(space=SPACE, external_id="b"),
        distance=4.0,
        **INSTANCE,
    )
    edges = DistanceList([edge])

    writes = edges.as_write()

    assert isinstance(writes, DistanceWriteList)
    assert isinstance(writes[0], DistanceWrite)
    assert edges.as_ids() == [EdgeId(space=SPACE, external_id="d-1")]
    assert writes.as_ids() == [EdgeId(space=SPACE, external_id="d-1")]


def test_to_pandas_has_a_row_per_item_and_a_column_per_field() -> None:
    frame = turbines().to_pandas()

    assert list(frame["external_id"]) == ["wt-1", "wt-2"]
    assert list(frame["name"]) == ["WT 1", "WT 2"]
    assert frame["capacity"].iloc[0] == 5.5
    assert {"space", "version", "blades", "power_curve"} <= set(frame.columns)


def test_an_empty_list_gives_an_empty_frame_with_the_columns() -> None:
    frame = WindTurbineWriteList().to_pandas()

    assert len(frame) == 0
    assert "power_curve" in frame.columns
    assert "existing_version" in frame.columns


def test_to_pandas_without_pandas_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes ``import pandas`` fail

    with pytest.raises(PandasMissingError, match=r"pip install 'pygen-runtime\[pandas\]'"):
        turbines().to_pandas()


def test_unknown_properties_become_columns() -> None:
    turbine = WindTurbine(external_id="wt-1", **INSTANCE, newProperty=1)  # type: ignore[call-arg]
    write = WindTurbineWrite(external_id="wt-1")

    assert list(WindTurbineList([turbine]).to_pandas()["newProperty"]) == [1]
    assert WindTurbineWriteList([write]).to_pandas()["external_id"].tolist() == ["wt-1"]


def test_the_generic_list_classes_convert_through_their_items() -> None:
    from pygen_runtime.typed import EdgeReadList, EdgeWriteList, NodeReadList, NodeWriteList

    nodes = NodeReadList(turbines())
    edge = Distance(
        external_id="d-1",
        type=NodeId(space="sp_pygen_power_enterprise", external_id="Distance"),
        start_node=NodeId(space=SPACE, external_id="a"),
        end_node=NodeId(space=SPACE, external_id="b"),
        **INSTANCE,
    )

    assert isinstance(nodes.as_write(), NodeWriteList)
    assert [write.external_id for write in nodes.as_write()] == ["wt-1", "wt-2"]
    assert isinstance(EdgeReadList([edge]).as_write(), EdgeWriteList)


def test_one_item_is_a_series_and_a_list_shows_as_a_table_in_notebooks(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    items = turbines()

    series = items[0].to_pandas()
    html = items._repr_html_()

    assert series["name"] == "WT 1"
    assert series["external_id"] == "wt-1"
    assert html is not None
    assert "<table" in html
    assert "WT 2" in html
    monkeypatch.setitem(sys.modules, "pandas", None)
    assert items._repr_html_() is None
    with pytest.raises(PandasMissingError):
        items[0].to_pandas()


def test_an_int64_column_with_a_gap_keeps_every_value_exact() -> None:
    big = 8238506972502594227  # above 2**53: float64 would round it
    with_value = WindTurbine(external_id="wt-1", **INSTANCE, counter=big)  # type: ignore[call-arg]
    without = WindTurbine(external_id="wt-2", **INSTANCE, counter=None)  # type: ignore[call-arg]

    frame = WindTurbineList([with_value, without]).to_pandas()

    assert frame["counter"].iloc[0] == big
    assert frame["counter"].isna().tolist() == [False, True]
    assert frame["version"].dtype == "Int64"
    assert list(frame["name"]) == [with_value.name, without.name]


# The fields of a WindTurbine that turbines() leaves empty in every row.
NEVER_SET = {
    "blades",
    "datasheets",
    "deleted_time",
    "description",
    "metmast",
    "nacelle",
    "power_curve",
    "rotor",
    "type",
    "windfarm",
}


def test_dropna_columns_leaves_out_exactly_the_columns_empty_in_every_row() -> None:
    items = turbines()  # capacity is set on the first turbine only

    every_column = items.to_pandas()
    filled_columns = items.to_pandas(dropna_columns=True)

    assert set(every_column.columns) - set(filled_columns.columns) == NEVER_SET
    assert list(filled_columns.columns) == [name for name in every_column.columns if name not in NEVER_SET]
    assert filled_columns["capacity"].isna().tolist() == [False, True]
    assert list(filled_columns["name"]) == ["WT 1", "WT 2"]


def test_dropna_columns_keeps_an_empty_list_s_columns_and_a_column_of_empty_lists() -> None:
    with_empty_list = WindTurbine(external_id="wt-1", **INSTANCE, tags=[])  # type: ignore[call-arg]

    assert list(WindTurbineList().to_pandas(dropna_columns=True).columns) == list(WindTurbine.model_fields)
    assert "tags" in WindTurbineList([with_empty_list]).to_pandas(dropna_columns=True).columns


def test_dropna_columns_on_one_item_leaves_out_exactly_its_empty_fields() -> None:
    turbine = turbines()[1]  # no capacity

    every_field = turbine.to_pandas()
    filled_fields = turbine.to_pandas(dropna_columns=True)

    assert set(every_field.index) - set(filled_fields.index) == NEVER_SET | {"capacity"}
    assert filled_fields["name"] == "WT 2"
    assert filled_fields["version"] == 2


def test_one_item_shows_as_a_table_of_its_fields_with_its_values_escaped(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    turbine = WindTurbine(external_id="wt-1", name="<b>WT</b> & co", capacity=5.5, **INSTANCE)
    write = WindTurbineWrite(external_id="wt-<2>")

    html = turbine._repr_html_()
    write_html = write._repr_html_()

    assert html is not None
    assert "<table" in html
    assert "&lt;b&gt;WT&lt;/b&gt; &amp; co" in html
    assert "<b>WT" not in html
    assert "<th>capacity</th>" in html
    assert "5.5" in html
    assert write_html is not None
    assert "wt-&lt;2&gt;" in write_html
    monkeypatch.setitem(sys.modules, "pandas", None)  # makes ``import pandas`` fail
    assert turbine._repr_html_() is None
