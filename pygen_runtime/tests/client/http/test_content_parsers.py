"""A call's ``parse_content`` reads the answer's bytes first; when it gives None (it cannot read
them), ``parse`` reads the decoded JSON and reports what is wrong with it. Error answers never
reach either."""

from __future__ import annotations

from typing import Any

import pytest
from pygen_runtime._api._calls import Call, UnexpectedResponseError

from pygen_runtime import CDFNotFoundError, CDFResponseError

PATH = "/models/spaces/list"


def listing(seen: list[bytes], answer_from_bytes: Any) -> Call[Any]:
    def parse_content(content: bytes) -> Any:
        seen.append(content)
        return answer_from_bytes

    def parse(body: Any) -> Any:
        if not isinstance(body, dict) or "items" not in body:
            raise UnexpectedResponseError("the 'items' key is missing")
        return ("decoded", body["items"])

    return Call("GET", PATH, parse, parse_content=parse_content)


def test_the_bytes_reader_answers_when_it_can(cdf: Any, run: Any) -> None:
    cdf.on("GET", PATH, cdf.answer({"items": [1, 2]}))
    seen: list[bytes] = []

    result = run(lambda client: client._http.run(listing(seen, "read from bytes")))

    assert result == "read from bytes"
    assert [b"".join(content.split()) for content in seen] == [b'{"items":[1,2]}']


def test_the_decoded_json_is_read_when_the_bytes_reader_gives_up(cdf: Any, run: Any) -> None:
    cdf.on("GET", PATH, cdf.answer({"items": [1, 2]}))
    seen: list[bytes] = []

    result = run(lambda client: client._http.run(listing(seen, None)))

    assert result == ("decoded", [1, 2])
    assert len(seen) == 1


def test_what_neither_can_read_is_reported_as_not_what_cdf_sends(cdf: Any, run: Any) -> None:
    cdf.on("GET", PATH, cdf.answer({"itemz": []}))

    with pytest.raises(CDFResponseError) as caught:
        run(lambda client: client._http.run(listing([], None)))

    assert "the body is not what CDF sends: the 'items' key is missing" in str(caught.value)


def test_an_error_answer_reaches_neither_reader(cdf: Any, run: Any) -> None:
    cdf.on("GET", PATH, cdf.error(404, "Not found"))
    seen: list[bytes] = []

    with pytest.raises(CDFNotFoundError):
        run(lambda client: client._http.run(listing(seen, "read from bytes")))

    assert seen == []
