"""The emulator's GraphQL endpoint over HTTP: CDF's path and body, its answers to mistakes, and
the parts of the schema the typed client does not reach."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from graphql_testbed import ModelClient
from pygen_runtime.testing import Emulator

GRAPHQL = "/userapis/spaces/sp_pygen_power/datamodels/WindTurbine/versions/1/graphql"


@pytest.fixture
def http(emulator: Emulator, client: ModelClient) -> Iterator[httpx.Client]:
    """Plain HTTP to the emulator, after ``client`` wrote the wind farm."""
    del client
    with httpx.Client(transport=emulator.transport(), base_url=emulator.api_url()) as http:
        yield http


def run(http: httpx.Client, query: str, **variables: Any) -> dict[str, Any]:
    response = http.post(GRAPHQL, json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_single_reverse_relations_and_single_objects_answer_one_object_or_null(http: httpx.Client) -> None:
    answer = run(
        http,
        """{ listRotor(sort: [{externalId: DESC}], first: 2) {
               items { externalId wind_turbine { externalId name } }
             }
             listBlade(filter: {externalId: {eq: "blade-0-0"}}) { items { __typename externalId } } }""",
    )
    rotors = answer["data"]["listRotor"]["items"]
    assert rotors == [
        {"externalId": "rotor-4", "wind_turbine": {"externalId": "turbine-4", "name": "turbine 4"}},
        {"externalId": "rotor-3", "wind_turbine": {"externalId": "turbine-3", "name": "turbine 3"}},
    ]
    assert answer["data"]["listBlade"]["items"] == [{"__typename": "Blade", "externalId": "blade-0-0"}]


def test_nested_connections_page_with_first_and_after(http: httpx.Client) -> None:
    query = """
    query($after: String) {
      getWindTurbineById(instance: {space: "windfarm-data", externalId: "turbine-0"}) {
        items { blades(first: 1, after: $after) { items { externalId } pageInfo { hasNextPage endCursor } } }
      }
    }
    """
    seen: list[str] = []
    after = None
    for _ in range(3):  # bounded: two blades, one per page
        blades = run(http, query, after=after)["data"]["getWindTurbineById"]["items"][0]["blades"]
        seen.extend(blade["externalId"] for blade in blades["items"])
        if not blades["pageInfo"]["hasNextPage"]:
            break
        after = blades["pageInfo"]["endCursor"]
    assert seen == ["blade-0-0", "blade-0-1"]


def test_get_by_id_of_a_node_without_data_in_the_view_is_empty(http: httpx.Client) -> None:
    answer = run(
        http,
        '{ getBladeById(instance: {space: "windfarm-data", externalId: "turbine-1"}) '
        "{ items { externalId } } }",
    )
    assert answer["data"]["getBladeById"]["items"] == []


def test_a_syntax_error_is_a_graphql_error_with_its_location(http: httpx.Client) -> None:
    answer = run(http, "{ listBlade { items { name }")
    assert answer["data"] is None
    assert "Syntax Error" in answer["errors"][0]["message"]
    assert answer["errors"][0]["locations"]


def test_a_bad_timestamp_in_a_filter_is_named(http: httpx.Client) -> None:
    answer = run(http, '{ listBlade(filter: {createdTime: {gt: "yesterday"}}) { items { name } } }')
    assert "'yesterday' is not an ISO 8601 timestamp" in answer["errors"][0]["message"]


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "message"),
    [
        (
            "POST",
            "/userapis/spaces/sp_pygen_power/datamodels/Nope/versions/1/graphql",
            {"query": "{ a }"},
            404,
            "does not exist",
        ),
        ("GET", GRAPHQL, None, 405, "use POST"),
        ("POST", GRAPHQL, {"variables": {}}, 400, "needs 'query'"),
        (
            "POST",
            GRAPHQL,
            {"query": "{ listBlade { items { name } } }", "variables": [1]},
            400,
            "'variables' must be",
        ),
        ("POST", GRAPHQL, [1], 400, "needs a JSON object"),
    ],
)
def test_mistakes_in_the_request_are_http_errors(
    http: httpx.Client, method: str, path: str, body: Any, status: int, message: str
) -> None:
    response = http.request(method, path, json=body)
    assert response.status_code == status
    assert message in response.json()["error"]["message"]


def test_a_data_model_without_views_still_has_a_schema(emulator: Emulator, http: httpx.Client) -> None:
    emulator.load_model({"space": "sp_pygen_power", "externalId": "Empty", "version": "1", "views": []})
    response = http.post(
        "/userapis/spaces/sp_pygen_power/datamodels/Empty/versions/1/graphql", json={"query": "{ _empty }"}
    )
    assert response.json() == {"data": {"_empty": None}}


def test_the_schema_follows_the_data_model(emulator: Emulator, http: httpx.Client) -> None:
    assert "errors" in run(http, "{ listBlade { items { colour } } }")
    model = {
        "space": "sp_pygen_power",
        "externalId": "WindTurbine",
        "version": "1",
        "views": [
            {
                "space": "sp_pygen_power",
                "externalId": "Blade",
                "version": "1",
                "properties": {
                    "colour": {
                        "container": {"space": "sp_pygen_power", "externalId": "BladeColour"},
                        "containerPropertyIdentifier": "colour",
                    },
                    "tags": {
                        "container": {"space": "sp_pygen_power", "externalId": "BladeColour"},
                        "containerPropertyIdentifier": "tags",
                    },
                    "extra": {
                        "container": {"space": "sp_pygen_power", "externalId": "BladeColour"},
                        "containerPropertyIdentifier": "extra",
                    },
                    "maker": {
                        "container": {"space": "sp_pygen_power", "externalId": "BladeColour"},
                        "containerPropertyIdentifier": "maker",
                    },
                },
            }
        ],
        "containers": [
            {
                "space": "sp_pygen_power",
                "externalId": "BladeColour",
                "properties": {
                    "colour": {"type": {"type": "text"}},
                    "tags": {"type": {"type": "text", "list": True}},
                    "extra": {"type": {"type": "json"}},
                    "maker": {"type": {"type": "direct"}},
                },
            }
        ],
    }
    emulator.load_model({"containers": model.pop("containers"), "dataModels": [model]})
    http.post(
        "/models/instances",
        json={
            "items": [
                {
                    "instanceType": "node",
                    "space": "windfarm-data",
                    "externalId": "painted",
                    "sources": [
                        {
                            "source": {
                                "type": "view",
                                "space": "sp_pygen_power",
                                "externalId": "Blade",
                                "version": "1",
                            },
                            "properties": {
                                "colour": "red",
                                "tags": ["a", "b"],
                                "extra": {"k": 1},
                                "maker": {"space": "windfarm-data", "externalId": "m"},
                            },
                        }
                    ],
                }
            ]
        },
    ).raise_for_status()
    answer = run(http, '{ listBlade(filter: {colour: {eq: "red"}}) { items { colour tags extra maker } } }')
    assert answer == {
        "data": {
            "listBlade": {
                "items": [
                    {
                        "colour": "red",
                        "tags": ["a", "b"],
                        "extra": {"k": 1},
                        "maker": {"space": "windfarm-data", "externalId": "m"},
                    }
                ]
            }
        }
    }


def test_search_finds_words_in_text_properties_and_takes_a_filter(http: httpx.Client) -> None:
    answer = run(
        http,
        """{ hits: searchWindTurbine(query: "turbine", fields: ["name"], filter: {capacity: {lt: 2.0}},
                                    sort: [{name: ASC}]) { items { name } }
             none: searchBlade(query: "propeller") { items { name } } }""",
    )
    assert answer["data"]["hits"]["items"] == [{"name": "turbine 0"}, {"name": "turbine 1"}]
    assert answer["data"]["none"]["items"] == []


def test_inward_edges_answer_the_nodes_at_their_start(http: httpx.Client) -> None:
    answer = run(
        http,
        '{ getMetmastById(instance: {space: "windfarm-data", externalId: "mast"}) '
        "{ items { wind_turbines { items { externalId } } } } }",
    )
    turbines = answer["data"]["getMetmastById"]["items"][0]["wind_turbines"]["items"]
    assert sorted(turbine["externalId"] for turbine in turbines) == ["turbine-0", "turbine-2", "turbine-4"]


def test_a_view_for_edges_lists_edges(http: httpx.Client) -> None:
    answer = run(
        http, "{ listDistance(sort: [{externalId: ASC}]) { items { __typename space externalId } } }"
    )
    edges = answer["data"]["listDistance"]["items"]
    assert len(edges) == 3  # the metmast edges of turbines 0, 2 and 4
    assert {edge["__typename"] for edge in edges} == {"Distance"}
    assert [edge["externalId"] for edge in edges] == sorted(edge["externalId"] for edge in edges)
