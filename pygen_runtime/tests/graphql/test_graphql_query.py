"""``graphql_query`` of a generated client against the emulator's GraphQL endpoint: the answer
read into the SDK's classes, filters and paging as CDF has them, errors with CDF's messages."""

from __future__ import annotations

from typing import Any

import pytest
from graphql_testbed import TURBINES, ModelClient
from pygen_runtime.errors import CDFError, InvalidArgumentError
from pygen_runtime.schema import NodeId
from pygen_runtime.testing import Emulator
from pygen_runtime.typed._graphql import GraphQLQueryError
from reference_sdk import WindTurbineClient
from reference_sdk.data_classes import Blade, Metmast, Rotor, SensorPosition, WindTurbine
from typed_testbed import INSTANCE_SPACE, make_config

PAGE_QUERY = """
query Turbines($filter: _ListWindTurbineFilter, $after: String) {
  listWindTurbine(filter: $filter, first: 2, after: $after, sort: [{capacity: ASC}]) {
    items { __typename space externalId name capacity createdTime lastUpdatedTime }
    pageInfo { hasNextPage endCursor }
  }
}
"""


def names(client: ModelClient, filter: dict[str, Any]) -> list[str]:
    """The turbines ``filter`` matches, in page order."""
    query = "query($f: _ListWindTurbineFilter) { listWindTurbine(filter: $f) { items { name } } }"
    return [
        item["name"]
        for item in client.graphql_query(query, {"filter": filter, "f": filter})["listWindTurbine"]["items"]
    ]


def test_a_filtered_list_is_read_into_typed_turbines_page_by_page(client: ModelClient) -> None:
    seen: list[WindTurbine] = []
    after = None
    for _ in range(TURBINES):  # bounded: at most one page per turbine
        data = client.graphql_query(PAGE_QUERY, {"filter": {"capacity": {"gte": 1.0}}, "after": after})
        page = data["listWindTurbine"]
        seen.extend(page["items"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert [type(item) for item in seen] == [WindTurbine] * 4
    assert [item.capacity for item in seen] == [1.0, 2.0, 3.0, 4.0]
    assert {item.space for item in seen} == {INSTANCE_SPACE}
    # Timestamps arrive as ISO 8601 and are read back into epoch milliseconds.
    assert all(item.created_time > 1_600_000_000_000 for item in seen)
    assert after is not None  # it took more than one page


def test_nested_blades_are_blade_objects_and_take_their_own_filter(client: ModelClient) -> None:
    query = """
    {
      getWindTurbineById(instance: {space: "windfarm-data", externalId: "turbine-2"}) {
        items {
          __typename space externalId name
          blades { items { __typename space externalId name is_damaged } }
          damaged: blades(filter: {is_damaged: {eq: true}}) { items { __typename space externalId } }
        }
      }
    }
    """
    turbine = client.graphql_query(query)["getWindTurbineById"]["items"][0]
    assert isinstance(turbine, WindTurbine)
    assert turbine.name == "turbine 2"
    assert all(isinstance(blade, Blade) for blade in turbine.blades or [])
    assert [(blade.external_id, blade.is_damaged) for blade in turbine.blades or []] == [
        ("blade-2-0", False),
        ("blade-2-1", True),
    ]
    # A field the SDK's class does not have (an alias) is kept in model_extra, typed as well.
    damaged = turbine.model_extra["damaged"]["items"] if turbine.model_extra else []
    assert [blade.external_id for blade in damaged] == ["blade-2-1"]


def test_direct_relations_edges_and_reverse_relations_hold_typed_objects(client: ModelClient) -> None:
    query = """
    {
      listWindTurbine(filter: {externalId: {in: ["turbine-0", "turbine-1"]}}, sort: [{externalId: ASC}]) {
        items {
          __typename space externalId
          rotor { __typename space externalId }
          metmast { items { __typename space externalId position } }
          blades(first: 1) {
            items { __typename space externalId sensor_positions { items { __typename space externalId } } }
          }
        }
      }
    }
    """
    first, second = client.graphql_query(query)["listWindTurbine"]["items"]
    assert isinstance(first.rotor, Rotor)
    assert first.rotor.external_id == "rotor-0"
    assert [(type(mast), mast.external_id, mast.position) for mast in first.metmast] == [
        (Metmast, "mast", 1.5)
    ]
    assert second.metmast == []  # only the even turbines have the metmast edge
    blade = (first.blades or [])[0]
    assert [type(position) for position in blade.sensor_positions] == [SensorPosition]
    assert blade.sensor_positions[0].external_id == "position-0"


def test_objects_without_typename_or_id_stay_as_cdf_sent_them(client: ModelClient) -> None:
    query = """
    {
      listWindTurbine(filter: {externalId: {eq: "turbine-1"}}) {
        items { __typename space externalId rotor { space externalId } blades { items { name } } }
      }
      other: listBlade(first: 1, filter: {externalId: {prefix: "blade-1"}}) { items { name } }
    }
    """
    data = client.graphql_query(query)
    turbine = data["listWindTurbine"]["items"][0]
    assert turbine.rotor == NodeId(space=INSTANCE_SPACE, external_id="rotor-1")  # no __typename: an id
    assert turbine.blades == [{"name": "blade 0"}, {"name": "blade 1"}]  # no id: plain dicts
    assert data["other"] == {"items": [{"name": "blade 0"}]}


@pytest.mark.parametrize(
    ("filter", "expected"),
    [
        ({"name": {"eq": "turbine 3"}}, ["turbine 3"]),
        ({"name": {"in": ["turbine 1", "turbine 4"]}}, ["turbine 1", "turbine 4"]),
        (
            {"externalId": {"prefix": "turbine-"}, "capacity": {"gt": 2.0, "lte": 4.0}},
            ["turbine 3", "turbine 4"],
        ),
        ({"or": [{"capacity": {"lt": 1.0}}, {"name": {"eq": "turbine 2"}}]}, ["turbine 0", "turbine 2"]),
        ({"not": {"capacity": {"gte": 1.0}}}, ["turbine 0"]),
        ({"and": [{"capacity": {"gte": 1.0}}, {"capacity": {"lt": 2.0}}]}, ["turbine 1"]),
        ({"description": {"isNull": False}}, []),
        ({"rotor": {"externalId": {"eq": "rotor-2"}}}, ["turbine 2"]),
        (
            {"createdTime": {"gt": "2000-01-01T00:00:00Z"}, "space": {"eq": INSTANCE_SPACE}},
            [f"turbine {n}" for n in range(5)],
        ),
    ],
)
def test_filters_select_what_cdf_would(
    client: ModelClient, filter: dict[str, Any], expected: list[str]
) -> None:
    assert sorted(names(client, filter)) == expected


def test_an_unknown_field_raises_with_cdfs_message(client: ModelClient) -> None:
    with pytest.raises(GraphQLQueryError) as caught:
        client.graphql_query("{ listWindTurbine { items { horsepower } } }")
    assert "Cannot query field 'horsepower' on type 'WindTurbine'" in str(caught.value)
    assert caught.value.errors[0]["locations"]
    assert isinstance(caught.value, CDFError)


def test_an_error_while_running_names_the_argument(client: ModelClient) -> None:
    with pytest.raises(GraphQLQueryError, match="first must be between 1 and 1000"):
        client.graphql_query("{ listWindTurbine(first: 0) { items { name } } }")
    with pytest.raises(GraphQLQueryError, match="Invalid cursor"):
        client.graphql_query('{ listWindTurbine(after: "nonsense") { items { name } } }')


def test_the_data_model_comes_from_the_client_or_the_caller(emulator: Emulator, client: ModelClient) -> None:
    del client  # writes the wind farm
    config = make_config(emulator)
    with WindTurbineClient(config, instance_space=INSTANCE_SPACE, transport=emulator.transport()) as plain:
        with pytest.raises(InvalidArgumentError, match="does not name its data model"):
            plain.graphql_query("{ listBlade { items { name } } }")
        data = plain.graphql_query(
            "{ listRotor { items { __typename space externalId } } }",
            data_model=("sp_pygen_power", "WindTurbine", "1"),
        )
        assert len(data["listRotor"]["items"]) == TURBINES
        with pytest.raises(InvalidArgumentError, match="tuple of strings"):
            plain.graphql_query("{ listRotor { items { name } } }", data_model=("a", "b"))  # type: ignore[arg-type]
        with pytest.raises(InvalidArgumentError, match="non-empty string"):
            plain.graphql_query("  ")


def test_a_client_serving_several_models_asks_which(emulator: Emulator) -> None:
    class TwoModels(WindTurbineClient):
        data_model_ids = (("a", "A", "1"), ("b", "B", "1"))

    with (
        TwoModels(make_config(emulator), transport=emulator.transport()) as client,
        pytest.raises(InvalidArgumentError, match="several data models"),
    ):
        client.graphql_query("{ listRotor { items { name } } }")
