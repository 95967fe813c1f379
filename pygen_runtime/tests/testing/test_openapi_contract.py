"""The test oracle itself: the patched spec accepts real CDF shapes and names the path of a mismatch."""

from __future__ import annotations

from typing import Any

import openapi_contract
import pytest
import yaml
from cdf_material import OMNI_READ_NODES

NODE: dict[str, Any] = {
    "instanceType": "node",
    "space": "s",
    "externalId": "x0-with-an-x",
    "version": 1,
    "createdTime": 1,
    "lastUpdatedTime": 1,
    "properties": {"s": {"View/1": {"tags": [], "empty": {}}}},
}


def test_real_read_format_nodes_validate_after_the_documented_patches() -> None:
    nodes = yaml.safe_load(OMNI_READ_NODES.read_text())
    openapi_contract.validate_response("POST", "/models/instances/list", 200, {"items": nodes})


def test_ids_with_x_and_zero_and_empty_lists_are_accepted() -> None:
    openapi_contract.validate_response(
        "POST", "/api/v1/projects/p/models/instances/list", 200, {"items": [NODE]}
    )


def test_a_mismatch_names_the_json_path_in_the_closest_union_branch() -> None:
    with pytest.raises(AssertionError, match=r"at \$\.items\[0\]\.version: '1' is not of type 'integer'"):
        openapi_contract.validate_response(
            "POST", "/models/instances/list", 200, {"items": [{**NODE, "version": "1"}]}
        )


def test_requests_are_checked_including_query_parameters() -> None:
    openapi_contract.validate_request(
        "GET", "http://host/api/v1/projects/p/models/spaces?limit=10&includeGlobal=true"
    )
    openapi_contract.validate_request(
        "POST",
        "/models/instances/list",
        {"limit": 10, "filter": {"equals": {"property": ["node", "externalId"], "value": "x"}}},
    )
    with pytest.raises(AssertionError, match="limit"):
        openapi_contract.validate_request("GET", "/models/spaces?limit=0")
    with pytest.raises(AssertionError, match="'foo', which the spec does not define"):
        openapi_contract.validate_request("GET", "/models/spaces?foo=1")
    with pytest.raises(AssertionError, match="requires one"):
        openapi_contract.validate_request("POST", "/models/instances/list")
    with pytest.raises(AssertionError, match="defines none"):
        openapi_contract.validate_request("GET", "/models/spaces", {"x": 1})
    with pytest.raises(AssertionError, match="usedFor"):
        openapi_contract.validate_request("GET", "/models/containers?usedFor=rows")


def test_unknown_operations_and_undeclared_statuses_fail() -> None:
    assert openapi_contract.is_specified("POST", "/models/instances/list")
    assert not openapi_contract.is_specified("POST", "/oauth2/token")
    with pytest.raises(AssertionError, match="not an endpoint"):
        openapi_contract.validate_response("POST", "/models/nothing", 200, {})
    with pytest.raises(AssertionError, match="DELETE is not allowed"):
        openapi_contract.validate_request("DELETE", "/models/spaces")
    with pytest.raises(AssertionError, match="declares no such status"):
        openapi_contract.validate_response("POST", "/models/instances/list", 201, {})


def test_error_statuses_the_spec_omits_use_cdfs_error_body() -> None:
    openapi_contract.validate_response(
        "POST", "/models/instances/list", 429, {"error": {"code": 429, "message": "slow down"}}
    )
    with pytest.raises(AssertionError, match="'code' is a required property"):
        openapi_contract.validate_response("POST", "/models/instances/list", 503, {"error": {"message": "x"}})


def test_null_property_values_are_accepted_on_write_and_read() -> None:
    nulled = {**NODE, "properties": {"s": {"View/1": {"name": None}}}}
    openapi_contract.validate_response("POST", "/models/instances/list", 200, {"items": [nulled]})
    view = {"type": "view", "space": "s", "externalId": "V", "version": "1"}
    source = {"source": view, "properties": {"a": None}}
    write = {"instanceType": "node", "space": "s", "externalId": "n", "sources": [source]}
    openapi_contract.validate_request("POST", "/models/instances", {"items": [write]})


def test_an_enum_value_without_name_or_description_is_accepted_but_an_empty_enum_is_not() -> None:
    def container(values: dict[str, Any]) -> dict[str, Any]:
        return {
            "space": "s",
            "externalId": "C",
            "properties": {"kind": {"type": {"type": "enum", "values": values}}},
        }

    openapi_contract.validate_request("POST", "/models/containers", {"items": [container({"a": {}})]})
    with pytest.raises(AssertionError, match="does not match the CDF API spec"):
        openapi_contract.validate_request("POST", "/models/containers", {"items": [container({})]})
