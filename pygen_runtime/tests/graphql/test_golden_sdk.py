"""The golden WindTurbine SDK (tests/golden/python/WindTurbine, as the renderer emits it) runs
``graphql_query`` against the emulator with no help: its client names its data model, and the
answer is read into its own classes."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from graphql_testbed import wind_farm
from pygen_runtime.schema import Space
from pygen_runtime.testing import Emulator
from pygen_runtime.typed._graphql import GraphQLQueryError
from typed_testbed import INSTANCE_SPACE, make_config

GOLDEN = Path(__file__).resolve().parents[3] / "tests" / "golden" / "python" / "WindTurbine"
sys.path.insert(0, str(GOLDEN))

from wind_turbine_sdk import WindTurbineClient  # noqa: E402
from wind_turbine_sdk.data_classes._blade import Blade  # noqa: E402
from wind_turbine_sdk.data_classes._wind_turbine import WindTurbine  # noqa: E402


@pytest.fixture
def golden(emulator: Emulator) -> Iterator[WindTurbineClient]:
    config = make_config(emulator)
    with WindTurbineClient(config, instance_space=INSTANCE_SPACE, transport=emulator.transport()) as client:
        client.cdf.spaces.apply(Space(space=INSTANCE_SPACE))
        # The reference SDK's write objects carry the same views; any SDK may write them.
        client.upsert(wind_farm())
        yield client


def test_the_golden_client_names_its_data_model() -> None:
    assert WindTurbineClient.data_model_ids == (("sp_pygen_power", "WindTurbine", "1"),)


def test_list_with_filter_and_paging_and_nested_blades_are_the_golden_sdks_classes(
    golden: WindTurbineClient,
) -> None:
    query = """
    query($after: String) {
      listWindTurbine(filter: {name: {prefix: "turbine"}}, first: 3, after: $after, sort: [{name: DESC}]) {
        items { __typename space externalId name blades { items { __typename space externalId is_damaged } } }
        pageInfo { hasNextPage endCursor }
      }
    }
    """
    turbines: list[WindTurbine] = []
    after = None
    for _ in range(5):  # bounded: two pages of three
        page = golden.graphql_query(query, {"after": after})["listWindTurbine"]
        turbines.extend(page["items"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [turbine.name for turbine in turbines] == [f"turbine {n}" for n in (4, 3, 2, 1, 0)]
    assert all(type(turbine) is WindTurbine for turbine in turbines)
    blades = [blade for turbine in turbines for blade in turbine.blades or []]
    assert len(blades) == 10
    assert all(type(blade) is Blade for blade in blades)
    assert sum(1 for blade in blades if blade.is_damaged) == 5


def test_an_error_from_the_golden_client_carries_cdfs_message(golden: WindTurbineClient) -> None:
    with pytest.raises(GraphQLQueryError, match=r"Unknown argument 'limit' on field 'Query\.listBlade'"):
        golden.graphql_query("{ listBlade(limit: 3) { items { name } } }")
