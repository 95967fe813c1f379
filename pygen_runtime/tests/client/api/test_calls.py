"""The sans-IO call descriptions: paging decisions, chunk bookkeeping and response-shape checks,
as values in and values out."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel, ValidationError
from pygen_runtime._api._calls import (
    Call,
    Chunk,
    Pager,
    UnexpectedResponseError,
    chunked,
    combine_chunk_results,
    describe_validation_error,
    expect_cursor,
    expect_items,
    items_of,
)
from pygen_runtime.schema import NodeId

from pygen_runtime import CDFServerError, InvalidArgumentError, Page


def pager(limit: int | None, page_size: int = 3, cursor: str | None = None) -> Pager[int]:
    def make_call(cursor: str | None, size: int) -> Call[Page[int]]:
        return Call("POST", "/x", lambda body: body, body={"cursor": cursor, "limit": size})

    return Pager(make_call, limit=limit, page_size=page_size, cursor=cursor)


def body_of(call: Call[Any] | None) -> Any:
    assert call is not None
    return call.body


def test_a_pager_asks_for_full_pages_until_the_cursor_runs_out() -> None:
    walk = pager(limit=None)

    assert body_of(walk.next_call()) == {"cursor": None, "limit": 3}
    walk.accept(Page([1, 2, 3], next_cursor="b"))
    assert body_of(walk.next_call()) == {"cursor": "b", "limit": 3}
    walk.accept(Page([4], next_cursor=None))
    assert walk.next_call() is None


def test_a_pager_asks_only_for_what_is_left_and_trims_to_the_limit() -> None:
    walk = pager(limit=5)

    walk.accept(Page([1, 2, 3], next_cursor="b"))
    assert body_of(walk.next_call())["limit"] == 2
    last = walk.accept(Page([4, 5, 6], next_cursor="c"))

    assert last.items == [4, 5]
    assert walk.next_call() is None


def test_a_pager_can_start_from_a_cursor_and_stops_on_a_repeated_one() -> None:
    walk = pager(limit=None, cursor="start")

    assert body_of(walk.next_call())["cursor"] == "start"
    walk.accept(Page([1], next_cursor="again"))
    walk.accept(Page([2], next_cursor="again"))
    assert walk.next_call() is None


@pytest.mark.parametrize("limit", [-1, 2.5, True, "10"])
def test_a_pager_refuses_a_limit_that_is_not_a_count(limit: Any) -> None:
    with pytest.raises(InvalidArgumentError, match="limit must be a whole number >= 0, or None"):
        pager(limit=limit)


def test_a_page_is_a_sized_iterable_of_its_items() -> None:
    page = Page(["a", "b"], next_cursor="c")

    assert (list(page), len(page)) == (["a", "b"], 2)


def test_query_parameters_leave_out_none_and_spell_booleans_in_lower_case() -> None:
    call = Call("GET", "/x", lambda body: body, params={"a": True, "b": False, "c": None, "d": 5, "e": "x"})

    assert call.query() == {"a": "true", "b": "false", "d": "5", "e": "x"}


def test_chunked_keeps_order_and_sizes() -> None:
    assert chunked([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
    assert chunked([], 2) == []


def chunks_of(*inputs: list[str]) -> list[Chunk[str]]:
    return [Chunk(Call("POST", "/x", lambda body: body), items) for items in inputs]


def test_chunk_results_come_back_in_input_order() -> None:
    chunks = chunks_of(["a"], ["b", "c"])

    assert combine_chunk_results(chunks, [["A"], ["B", "C"]], {}) == ["A", "B", "C"]


def test_the_first_chunk_error_is_raised_with_what_happened_to_every_item() -> None:
    chunks = chunks_of(["a"], ["b"], ["c"], ["d"])
    first = CDFServerError(method="POST", path="/x", status=503, message="busy")
    later = CDFServerError(method="POST", path="/x", status=503, message="busy")

    with pytest.raises(CDFServerError) as caught:
        combine_chunk_results(chunks, [["A"], None, None, None], {3: later, 1: first})

    assert caught.value is first
    assert (first.succeeded, first.failed, first.skipped) == (["A"], ["b", "d"], ["c"])


def test_an_error_that_is_not_from_cdf_is_raised_as_it_is() -> None:
    chunks = chunks_of(["a"], ["b"])

    with pytest.raises(KeyboardInterrupt):
        combine_chunk_results(chunks, [["A"], None], {1: KeyboardInterrupt()})


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (None, "expected a JSON object, got null"),
        (True, "expected a JSON object, got a boolean"),
        (3.5, "expected a JSON object, got a number"),
        ("items", "expected a JSON object, got a string"),
        ({"items": "x"}, "'items' should be a list, got a string"),
        ({"data": []}, "the 'items' key is missing (keys present: data)"),
        ({}, "the 'items' key is missing (keys present: none)"),
    ],
)
def test_expect_items_says_what_came_instead(body: Any, expected: str) -> None:
    with pytest.raises(UnexpectedResponseError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        expect_items(body)


def test_a_cursor_must_be_a_string_or_absent() -> None:
    assert expect_cursor({}) is None
    assert expect_cursor({"nextCursor": "abc"}) == "abc"
    with pytest.raises(UnexpectedResponseError, match="'nextCursor' should be a string, got a number"):
        expect_cursor({"nextCursor": 12})


class Point(BaseModel):
    x: int
    y: int
    z: int
    w: int


def test_validation_errors_are_summed_up_with_json_paths() -> None:
    with pytest.raises(ValidationError) as caught:
        Point.model_validate({"x": "a", "y": "b"})

    assert describe_validation_error(caught.value, "items[0]") == (
        "items[0].x: Input should be a valid integer, unable to parse string as an integer; "
        "items[0].y: Input should be a valid integer, unable to parse string as an integer; "
        "items[0].z: Field required; and 1 more"
    )


def test_items_of_takes_one_item_or_many() -> None:
    node = NodeId(space="s", external_id="n")

    assert items_of(node, NodeId, "f") == [node]
    assert items_of((node, node), NodeId, "f") == [node, node]
    assert items_of("abc", str, "f") == ["abc"]
    with pytest.raises(InvalidArgumentError, match=r"f expects NodeId \(or a list of them\); item 0 is dict"):
        items_of({"space": "s"}, NodeId, "f")
    with pytest.raises(InvalidArgumentError, match="item 0 is int 5"):
        items_of(5, NodeId, "f")
