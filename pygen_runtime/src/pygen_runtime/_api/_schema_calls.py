"""The calls the four schema endpoint groups (spaces, containers, views, data models) share:
apply, retrieve by ids and delete in chunks of CDF's 100-item limit, and cursor-paged listing."""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from pygen_runtime._api._calls import (
    Call,
    CallKind,
    Chunk,
    Page,
    Pager,
    QueryValue,
    UnexpectedResponseError,
    chunked,
    describe_validation_error,
    expect_cursor,
    expect_items,
    expect_object,
)

__all__ = [
    "LIST_PAGE_SIZE",
    "SCHEMA_ITEMS_PER_REQUEST",
    "apply_chunks",
    "by_ids_chunks",
    "items_parser",
    "list_pager",
    "page_parser",
]

T = TypeVar("T")
I = TypeVar("I")  # noqa: E741 - an item of a request

# CDF takes at most this many items per schema apply, byids and delete request.
SCHEMA_ITEMS_PER_REQUEST = 100
# The largest page the schema list endpoints serve.
LIST_PAGE_SIZE = 1000


@functools.cache
def _adapter(item_type: Any) -> TypeAdapter[list[Any]]:
    return TypeAdapter(list[item_type])


def items_parser(
    item_type: Any, key: str = "items", convert: Callable[[Any], Any] | None = None
) -> Callable[[Any], list[Any]]:
    """A parser of ``{"items": [...]}`` into a list of ``item_type`` (each passed through
    ``convert``, when given)."""

    def parse(body: Any) -> list[Any]:
        try:
            items = _adapter(item_type).validate_python(expect_items(body, key))
        except ValidationError as error:
            raise UnexpectedResponseError(describe_validation_error(error, key)) from None
        return items if convert is None else [convert(item) for item in items]

    return parse


def page_parser(item_type: Any) -> Callable[[Any], Page[Any]]:
    """A parser of one page of a listing: its items, ``nextCursor`` and ``typing``."""
    parse_items = items_parser(item_type)

    def parse(body: Any) -> Page[Any]:
        typing = expect_object(body).get("typing")
        return Page(
            items=parse_items(body),
            next_cursor=expect_cursor(expect_object(body)),
            typing=typing if isinstance(typing, dict) else None,
        )

    return parse


def apply_chunks(
    path: str, bodies: Sequence[Mapping[str, Any]], parse: Callable[[Any], list[T]]
) -> list[Chunk[T]]:
    """Apply requests of at most 100 items each."""
    return [
        Chunk(Call("POST", path, parse, body={"items": list(chunk)}, kind="apply"), chunk)
        for chunk in chunked(bodies, SCHEMA_ITEMS_PER_REQUEST)
    ]


def by_ids_chunks(
    path: str,
    ids: Sequence[Mapping[str, Any]],
    parse: Callable[[Any], list[T]],
    *,
    params: Mapping[str, QueryValue | None] | None = None,
    kind: CallKind = "read",
) -> list[Chunk[T]]:
    """``byids`` (or ``delete``) requests of at most 100 ids each."""
    return [
        Chunk(
            Call("POST", path, parse, body={"items": list(chunk)}, params=params, kind=kind),
            chunk,
        )
        for chunk in chunked(ids, SCHEMA_ITEMS_PER_REQUEST)
    ]


def list_pager(
    path: str, parse: Callable[[Any], Page[T]], params: Mapping[str, QueryValue | None], limit: int | None
) -> Pager[T]:
    """A pager over ``GET path`` with ``limit`` and ``cursor`` query parameters."""

    def make_call(cursor: str | None, size: int) -> Call[Page[T]]:
        return Call("GET", path, parse, params={**params, "limit": size, "cursor": cursor})

    return Pager(make_call, limit=limit, page_size=LIST_PAGE_SIZE)
