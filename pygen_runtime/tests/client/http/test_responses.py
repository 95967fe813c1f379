"""Answers that are not what the client asked for: CDF's error bodies, and whatever a proxy, a
gateway or a broken connection puts in their place. Each gives a clear error, never a KeyError,
and never the token."""

from __future__ import annotations

from typing import Any

import pytest
from pygen_runtime.schema import NodeId

from pygen_runtime import (
    CDFAPIError,
    CDFAuthenticationError,
    CDFBadRequestError,
    CDFNotFoundError,
    CDFPermissionError,
    CDFResponseError,
    CDFServerError,
)

BYIDS = "/models/instances/byids"


def retrieve(client: Any) -> Any:
    return client.instances.retrieve(NodeId(space="plant", external_id="pump-1"))


def test_401_is_an_authentication_error_saying_what_to_check(cdf: Any, run: Any) -> None:
    cdf.on("POST", BYIDS, cdf.error(401, "Unauthorized", {"x-request-id": "r-401"}))

    with pytest.raises(CDFAuthenticationError) as caught:
        run(retrieve)

    text = str(caught.value)
    assert caught.value.status == 401
    assert "CDF answered 401: Unauthorized (request id r-401)" in text
    assert "has not expired" in text
    assert f"{cdf.base_url}/.default" in text
    assert cdf.TOKEN not in text
    # A fixed token cannot be renewed, so the request is not repeated.
    assert len(cdf.sent(BYIDS)) == 1


def test_403_is_a_permission_error_naming_the_capabilities(cdf: Any, run: Any) -> None:
    cdf.on(
        "POST",
        BYIDS,
        cdf.error(403, "Resource not found. This may also be due to insufficient access rights."),
    )

    with pytest.raises(CDFPermissionError) as caught:
        run(retrieve)

    text = str(caught.value)
    assert "insufficient access rights" in text
    assert "dataModelInstancesAcl" in text
    assert repr(cdf.PROJECT) in text
    assert cdf.TOKEN not in text


def test_404_points_at_the_url_and_project(cdf: Any, run: Any) -> None:
    cdf.on("POST", BYIDS, cdf.error(404, "Project not found"))

    with pytest.raises(CDFNotFoundError) as caught:
        run(retrieve)

    assert f"Check the CDF URL and the project name ({cdf.base_url}/api/v1/projects/{cdf.PROJECT})" in str(
        caught.value
    )


def test_a_cdf_error_body_is_read_into_the_error(cdf: Any, run: Any) -> None:
    missing = [{"space": "plant", "externalId": f"pump-{n}"} for n in range(7)]
    duplicated = [{"space": "plant", "externalId": "pump-1"}]
    cdf.on(
        "POST",
        BYIDS,
        cdf.error(
            400, "Instances not found", {"x-request-id": "abc-123"}, missing=missing, duplicated=duplicated
        ),
    )

    with pytest.raises(CDFBadRequestError) as caught:
        run(retrieve)

    error = caught.value
    assert (error.status, error.code, error.message) == (400, 400, "Instances not found")
    assert error.missing == missing
    assert error.duplicated == duplicated
    assert error.request_id == "abc-123"
    assert (error.method, error.path) == ("POST", f"/api/v1/projects/{cdf.PROJECT}/models/instances/byids")
    text = str(error)
    assert '{"externalId": "pump-0", "space": "plant"}' in text
    assert "and 2 more" in text
    assert "duplicated:" in text


def test_an_error_code_different_from_the_status_is_shown(cdf: Any, client: Any) -> None:
    cdf.on("POST", BYIDS, cdf.answer({"error": {"code": 4001, "message": "odd"}}, status=422))

    with pytest.raises(CDFBadRequestError) as caught:
        retrieve(client)

    assert caught.value.code == 4001
    assert "(code 4001)" in str(caught.value)


@pytest.mark.parametrize(
    ("content", "content_type", "expected"),
    [
        pytest.param(
            b"<!DOCTYPE html><html><body><h1>Sign in to continue</h1></body></html>",
            "text/html",
            "text/html instead of JSON, which usually means a proxy or gateway answered instead of CDF",
            id="a proxy's HTML page",
        ),
        pytest.param(b"", "application/json", "with an empty body where JSON was expected", id="empty body"),
        pytest.param(
            b"   \n", "application/json", "with an empty body where JSON was expected", id="blank body"
        ),
        pytest.param(
            b'{"items": [{"instanceType": "node", "space": "pla',
            "application/json",
            "JSON that is cut off or malformed",
            id="truncated JSON",
        ),
        pytest.param(b"\xff\xfe", "", "unlabelled content instead of JSON", id="binary without a type"),
    ],
)
def test_a_200_that_is_not_json_gives_a_response_error(
    cdf: Any, run: Any, content: bytes, content_type: str, expected: str
) -> None:
    cdf.on("POST", BYIDS, cdf.raw(content, 200, content_type))

    with pytest.raises(CDFResponseError) as caught:
        run(retrieve)

    assert expected in str(caught.value)
    assert caught.value.status == 200
    assert len(cdf.sent(BYIDS)) == 1


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        pytest.param({"itemz": []}, "the 'items' key is missing (keys present: itemz)", id="no items"),
        pytest.param({"items": {"a": 1}}, "'items' should be a list, got an object", id="items not a list"),
        pytest.param([1, 2], "expected a JSON object, got a list", id="a list, not an object"),
        pytest.param(
            {
                "items": [
                    {
                        "instanceType": "node",
                        "space": "plant",
                        "version": 1,
                        "createdTime": 0,
                        "lastUpdatedTime": 0,
                    }
                ]
            },
            "externalId: Field required",
            id="a node without externalId",
        ),
        pytest.param(
            {"items": [{"instanceType": "thing", "space": "plant"}]},
            "items[0]",
            id="an instance neither node nor edge",
        ),
    ],
)
def test_a_200_missing_what_cdf_always_sends_gives_a_response_error(
    cdf: Any, run: Any, body: Any, expected: str
) -> None:
    cdf.on("POST", BYIDS, cdf.answer(body))

    with pytest.raises(CDFResponseError) as caught:
        run(retrieve)

    text = str(caught.value)
    assert "CDF answered 200 OK, but the body is not what CDF sends" in text
    assert expected in text


def test_an_html_error_page_from_a_gateway_is_described_and_retried(cdf: Any, run: Any) -> None:
    page = b"<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>"
    cdf.on("POST", BYIDS, cdf.raw(page, 502, "text/html"))

    with pytest.raises(CDFServerError) as caught:
        run(retrieve, max_retries=1)

    assert "not a CDF error body (text/html: '<html><head><title>502 Bad Gateway" in str(caught.value)
    assert len(cdf.sent(BYIDS)) == 2


def test_a_status_without_a_name_is_shown_by_number(cdf: Any, client: Any) -> None:
    cdf.on("POST", BYIDS, cdf.raw(b"", 599, "text/plain"))

    with pytest.raises(CDFServerError) as caught:
        retrieve(client)

    assert "CDF answered 599: 599, with an empty body" in str(caught.value)


def test_a_response_error_carries_the_request_id(cdf: Any, client: Any) -> None:
    from werkzeug import Response

    cdf.on("POST", BYIDS, Response(b"<html/>", content_type="text/html", headers={"x-request-id": "rid-7"}))

    with pytest.raises(CDFResponseError) as caught:
        retrieve(client)

    assert caught.value.request_id == "rid-7"
    assert str(caught.value).endswith("(request id rid-7)")


def test_a_query_answer_of_the_wrong_shape_is_a_response_error(cdf: Any, client: Any) -> None:
    cdf.on("POST", "/models/instances/query", cdf.answer({"items": {"pumps": [{"instanceType": "node"}]}}))
    query = {"with": {"pumps": {"nodes": {}}}, "select": {"pumps": {}}}

    with pytest.raises(CDFResponseError) as caught:
        client.instances.query(query)

    assert "items.pumps[0].node.space: Field required" in str(caught.value)


def test_an_error_with_an_empty_body_says_so(cdf: Any, client: Any) -> None:
    cdf.on("POST", BYIDS, cdf.raw(b"", 418, "text/plain"))

    with pytest.raises(CDFAPIError) as caught:
        retrieve(client)

    assert type(caught.value) is CDFAPIError
    assert "418 I'm a Teapot, with an empty body" in str(caught.value)


def test_a_page_echoing_the_request_never_puts_the_token_in_the_error(cdf: Any, client: Any) -> None:
    # Some debugging proxies echo the request headers into their error page.
    page = f"<pre>Authorization: Bearer {cdf.TOKEN}\nX-Other: eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl</pre>"
    cdf.on("POST", BYIDS, cdf.raw(page.encode(), 400, "text/html"))

    with pytest.raises(CDFBadRequestError) as caught:
        retrieve(client)

    text = str(caught.value)
    assert cdf.TOKEN not in text
    assert "eyJhbGciOi" not in text
    assert "Bearer <hidden>" in text
