"""The golden CogniteCore SDK against the emulator: an asset hierarchy (parent, root and path)
and time series on its assets, described in plain Python, written through the SDK's write
classes and read back through typed filters, reverse relations and connection retrieval.

The emulator does not compute ``path`` and ``root`` from ``parent`` as CDF does, so the
description gives them (root first, the asset itself last) and the tests check they are kept."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import pytest
from functional_clients import emulator_for, golden_sdk, typed_client
from pygen_runtime.schema import NodeId

SPACE = "core-instances"
ROOT = "site"


@dataclass
class Hierarchy:
    """Assets by external id with their parent (None for the root), and time series."""

    parents: dict[str, str | None] = field(default_factory=dict)
    tags: dict[str, list[str]] = field(default_factory=dict)
    series: dict[str, dict[str, Any]] = field(default_factory=dict)

    def path(self, asset: str) -> list[str]:
        parent = self.parents[asset]
        return [*self.path(parent), asset] if parent is not None else [asset]

    def children(self, asset: str) -> list[str]:
        return sorted(child for child, parent in self.parents.items() if parent == asset)

    def under(self, asset: str) -> list[str]:
        return sorted(other for other in self.parents if asset in self.path(other))


def describe_hierarchy() -> Hierarchy:
    hierarchy = Hierarchy(parents={ROOT: None}, tags={ROOT: ["site"]})
    for area in range(3):
        area_id = f"{ROOT}-area-{area}"
        hierarchy.parents[area_id] = ROOT
        hierarchy.tags[area_id] = ["area", f"zone-{area % 2}"]
        for unit in range(4):
            unit_id = f"{area_id}-unit-{unit}"
            hierarchy.parents[unit_id] = area_id
            hierarchy.tags[unit_id] = ["unit", f"zone-{area % 2}", *(["critical"] if unit == 0 else [])]
    units = sorted(asset for asset in hierarchy.parents if "-unit-" in asset)
    for number in range(10):
        hierarchy.series[f"ts-{number}"] = {
            "type_": "string" if number % 3 == 0 else "numeric",
            "is_step": number % 2 == 0,
            "source_unit": "kW" if number < 6 else "m/s",
            "assets": [units[number], units[(number + 5) % len(units)]],
            "name": f"{'power' if number < 6 else 'wind'} sensor {number}",
        }
    return hierarchy


def write_objects(sdk: ModuleType, hierarchy: Hierarchy) -> list[Any]:
    items: list[Any] = []
    for asset, parent in hierarchy.parents.items():
        items.append(
            sdk.CogniteAssetWrite(
                external_id=asset,
                name=f"Asset {asset}",
                parent=None if parent is None else (SPACE, parent),
                root=(SPACE, ROOT),
                path=[(SPACE, step) for step in hierarchy.path(asset)],
                tags=hierarchy.tags[asset],
            )
        )
    for series, values in hierarchy.series.items():
        items.append(
            sdk.CogniteTimeSeriesWrite(
                external_id=series,
                name=values["name"],
                type_=values["type_"],
                is_step=values["is_step"],
                source_unit=values["source_unit"],
                assets=[(SPACE, asset) for asset in values["assets"]],
            )
        )
    return items


@dataclass
class Core:
    sdk: ModuleType
    client: Any
    hierarchy: Hierarchy


@pytest.fixture(scope="module")
def core() -> Iterator[Core]:
    hierarchy = describe_hierarchy()
    with golden_sdk("CogniteCore", "cognite_core_sdk") as sdk:
        emulator = emulator_for("CogniteCore", "core-hierarchy")
        with typed_client(sdk.CogniteCoreClient, emulator, SPACE) as client:
            client.upsert(write_objects(sdk, hierarchy))
            yield Core(sdk, client, hierarchy)


def ids(items: Any) -> list[str]:
    return sorted(item.external_id for item in items or [])


def test_retrieve_gives_parent_root_and_path_as_written(core: Core) -> None:
    hierarchy = core.hierarchy
    found = core.client.cognite_asset.retrieve(sorted(hierarchy.parents))
    assert isinstance(found, core.sdk.CogniteAssetList)
    assert [asset.external_id for asset in found] == sorted(hierarchy.parents)
    for asset in found:
        parent = hierarchy.parents[asset.external_id]
        assert asset.parent == (None if parent is None else NodeId(space=SPACE, external_id=parent))
        assert asset.root == NodeId(space=SPACE, external_id=ROOT)
        assert [step.external_id for step in asset.path] == hierarchy.path(asset.external_id)
        assert asset.tags == hierarchy.tags[asset.external_id]


def test_children_and_time_series_are_filled_as_reverse_relations(core: Core) -> None:
    hierarchy = core.hierarchy
    assets = core.client.cognite_asset.list(limit=None, retrieve_connections="identifier")
    assert len(assets) == len(hierarchy.parents)
    for asset in assets:
        assert ids(asset.children) == hierarchy.children(asset.external_id)
        assert ids(asset.time_series) == sorted(
            series for series, values in hierarchy.series.items() if asset.external_id in values["assets"]
        )


def test_asset_filters_match_the_description(core: Core) -> None:
    hierarchy, api = core.hierarchy, core.client.cognite_asset

    def assets(**filters: Any) -> list[str]:
        return ids(api.list(limit=None, **filters))

    assert assets(parent=f"{ROOT}-area-1") == hierarchy.children(f"{ROOT}-area-1")
    assert assets(parent=[f"{ROOT}-area-0", (SPACE, f"{ROOT}-area-2")]) == sorted(
        hierarchy.children(f"{ROOT}-area-0") + hierarchy.children(f"{ROOT}-area-2")
    )
    assert assets(path_contains_any=[f"{ROOT}-area-2"]) == hierarchy.under(f"{ROOT}-area-2")
    assert assets(path_contains_all=[ROOT, f"{ROOT}-area-0-unit-3"]) == [f"{ROOT}-area-0-unit-3"]
    assert assets(root=ROOT) == sorted(hierarchy.parents)
    assert assets(tags_contains_any=["critical"]) == sorted(
        a for a, tags in hierarchy.tags.items() if "critical" in tags
    )
    assert assets(tags_contains_all=["unit", "zone-0"]) == sorted(
        a for a, tags in hierarchy.tags.items() if {"unit", "zone-0"} <= set(tags)
    )
    assert assets(name_prefix=f"Asset {ROOT}-area-1") == hierarchy.under(f"{ROOT}-area-1")
    assert assets(name=f"Asset {ROOT}") == [ROOT]
    assert assets(external_id_prefix=f"{ROOT}-area-0-") == hierarchy.under(f"{ROOT}-area-0")[1:]


def test_time_series_filters_with_an_enum_match_the_description(core: Core) -> None:
    series, api = core.hierarchy.series, core.client.cognite_time_series

    def listed(**filters: Any) -> list[str]:
        return ids(api.list(limit=None, **filters))

    def expected(keep: Any) -> list[str]:
        return sorted(key for key, values in series.items() if keep(values))

    assert listed(type_="string") == expected(lambda v: v["type_"] == "string")
    assert listed(type_=["numeric", "string"]) == sorted(series)
    assert listed(is_step=False, source_unit="kW") == expected(
        lambda v: not v["is_step"] and v["source_unit"] == "kW"
    )
    assert listed(source_unit_prefix="m/") == expected(lambda v: v["source_unit"].startswith("m/"))
    unit = f"{ROOT}-area-1-unit-2"
    assert listed(assets_contains_any=[unit]) == expected(lambda v: unit in v["assets"])
    first = series["ts-4"]["assets"]
    assert listed(assets_contains_all=first) == expected(lambda v: set(first) <= set(v["assets"]))
    counted = {
        group.group["type"]: group.value("count") for group in api.aggregate("count", group_by="type_")
    }
    assert counted == dict(Counter(values["type_"] for values in series.values()))
    assert ids(api.search("wind", properties="name", limit=100)) == expected(
        lambda v: v["name"].startswith("wind")
    )
    read = api.retrieve("ts-3")
    assert (read.type_, read.is_step) == (series["ts-3"]["type_"], series["ts-3"]["is_step"])


def test_as_write_round_trip_upserts_unchanged_data(core: Core) -> None:
    before = core.client.cognite_asset.list(limit=None)
    series_before = core.client.cognite_time_series.list(limit=None)
    result = core.client.upsert([*before.as_write(), *series_before.as_write()])
    assert len(result.nodes) == len(before) + len(series_before)
    assert not any(item.was_modified for item in result.items)
    after = core.client.cognite_asset.list(limit=None)
    assert [item.property_values() for item in after] == [item.property_values() for item in before]


def test_delete_an_asset_empties_its_parents_children(core: Core) -> None:
    # Runs last in this module: it changes the hierarchy the other tests read.
    leaf = f"{ROOT}-area-2-unit-3"
    deleted = core.client.delete(leaf)
    assert [item.external_id for item in deleted] == [leaf]
    assert core.client.cognite_asset.retrieve(leaf) is None
    area = core.client.cognite_asset.retrieve(f"{ROOT}-area-2", retrieve_connections="identifier")
    assert ids(area.children) == [
        child for child in core.hierarchy.children(f"{ROOT}-area-2") if child != leaf
    ]


def test_retrieve_connections_full_gives_parent_children_and_time_series_as_read_objects(core: Core) -> None:
    hierarchy, sdk = core.hierarchy, core.sdk
    area = f"{ROOT}-area-0"
    asset = core.client.cognite_asset.retrieve(area, retrieve_connections="full")
    assert isinstance(asset.parent, sdk.CogniteAsset)
    assert (asset.parent.external_id, asset.parent.name) == (ROOT, f"Asset {ROOT}")
    assert all(isinstance(child, sdk.CogniteAsset) for child in asset.children)
    assert ids(asset.children) == hierarchy.children(area)
    unit = f"{ROOT}-area-1-unit-1"
    with_series = core.client.cognite_asset.retrieve(unit, retrieve_connections="full")
    assert all(isinstance(series, sdk.CogniteTimeSeries) for series in with_series.time_series)
    assert sorted((series.external_id, series.type_) for series in with_series.time_series) == sorted(
        (key, values["type_"]) for key, values in hierarchy.series.items() if unit in values["assets"]
    )
