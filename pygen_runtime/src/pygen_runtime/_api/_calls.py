"""API calls as values: what to send, how to read the answer, how to split and page.

Endpoint groups describe each operation with the classes here and hand them to an HTTP shell
(sync or async) to run. Nothing in this module does I/O, so every decision about chunking,
paging and combining chunk results is the same for both shells and testable without a server.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

from pydantic import ValidationError

from pygen_runtime.errors import CDFError, InvalidArgumentError

__all__ = [
    "Call",
    "CallKind",
    "Chunk",
    "Page",
    "Pager",
    "UnexpectedResponseError",
    "chunked",
    "combine_chunk_results",
    "describe_validation_error",
    "expect_cursor",
    "expect_items",
    "expect_object",
    "items_of",
    "require_limit",
]

T = TypeVar("T")
R = TypeVar("R")

# Which concurrency limit a request counts against.
CallKind = Literal["read", "apply", "delete"]
QueryValue = str | int | float | bool


class UnexpectedResponseError(Exception):
    """A successful answer whose body is not what CDF sends; the shell turns it into a
    ``CDFResponseError`` naming the request."""


@dataclass(frozen=True)
class Call(Generic[T]):
    """One request: method, path (relative to the project), query, JSON body, and its parser.

    ``parse`` gets the decoded JSON body and returns the typed result; it raises
    ``UnexpectedResponseError`` (or lets a pydantic ``ValidationError`` through) when the body
    lacks what CDF always sends. ``parse_content``, when given, is tried first on the body's
    bytes: it reads the result in one step where it can and returns None to leave the answer to
    ``parse`` (which then also reports what is wrong with it).
    """

    method: Literal["GET", "POST"]
    path: str
    parse: Callable[[Any], T]
    body: Mapping[str, Any] | None = None
    params: Mapping[str, QueryValue | None] | None = None
    kind: CallKind = "read"
    parse_content: Callable[[bytes], T | None] | None = None
    # The body's values come from validated pydantic models (see ``encode_json_body``).
    model_values: bool = False

    def query(self) -> dict[str, str]:
        """The query parameters as strings, booleans spelled as CDF expects and ``None`` left out."""
        out: dict[str, str] = {}
        for key, value in (self.params or {}).items():
            if isinstance(value, bool):
                out[key] = "true" if value else "false"
            elif value is not None:
                out[key] = str(value)
        return out


@dataclass(frozen=True)
class Chunk(Generic[T]):
    """One request of a call that CDF's limits split into several; ``inputs`` are its items."""

    call: Call[list[T]]
    inputs: Sequence[Any]


def chunked(items: Sequence[T], size: int) -> list[Sequence[T]]:
    """``items`` in consecutive slices of at most ``size``."""
    return [items[start : start + size] for start in range(0, len(items), size)]


def combine_chunk_results(
    chunks: Sequence[Chunk[T]],
    results: Sequence[list[T] | None],
    errors: Mapping[int, BaseException],
) -> list[T]:
    """The chunks' results in input order, or the first chunk error, told what happened to the rest.

    (A call sent as one request raises its error unchanged.)
    ``results[i]`` is None for a chunk that failed or was never sent. The raised error's
    ``succeeded`` holds every result that came back, ``failed`` the inputs of failed chunks and
    ``skipped`` the inputs of chunks that were not sent.
    """
    if not errors:
        return [item for result in results if result is not None for item in result]
    first = errors[min(errors)]
    if isinstance(first, CDFError) and len(chunks) > 1:
        first.succeeded = [item for result in results if result is not None for item in result]
        first.failed = [item for index in sorted(errors) for item in chunks[index].inputs]
        first.skipped = [
            item
            for index, chunk in enumerate(chunks)
            if results[index] is None and index not in errors
            for item in chunk.inputs
        ]
    raise first


@dataclass
class Page(Generic[T]):
    """One page of a listing: its items, the cursor to the next page (None on the last page), and
    CDF's type information when it was asked for (``include_typing``)."""

    items: list[T]
    next_cursor: str | None = None
    typing: dict[str, Any] | None = None

    def __iter__(self) -> Iterator[T]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)


@dataclass
class Pager(Generic[T]):
    """Walks a cursor-paged listing up to ``limit`` items (all of them when ``limit`` is None).

    A shell asks ``next_call()`` for the request to send, gives the parsed page to ``accept()``
    (which trims it to the limit), and stops when ``next_call()`` returns None.
    """

    make_call: Callable[[str | None, int], Call[Page[T]]]
    limit: int | None
    page_size: int
    cursor: str | None = None
    _seen: int = 0
    _done: bool = False
    _cursors: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        limit = self.limit
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int) or limit < 0):
            raise InvalidArgumentError(
                f"limit must be a whole number >= 0, or None for everything; got {limit!r}."
            )
        if self.limit == 0:
            self._done = True

    def next_call(self) -> Call[Page[T]] | None:
        if self._done:
            return None
        size = self.page_size if self.limit is None else min(self.page_size, self.limit - self._seen)
        return self.make_call(self.cursor, size)

    def accept(self, page: Page[T]) -> Page[T]:
        if self.limit is not None:
            page.items = page.items[: self.limit - self._seen]
        self._seen += len(page.items)
        # A cursor seen before would page forever; a server that repeats one has nothing new.
        repeated = page.next_cursor is not None and page.next_cursor in self._cursors
        if page.next_cursor is not None:
            self._cursors.add(page.next_cursor)
        self.cursor = page.next_cursor
        self._done = (
            page.next_cursor is None or repeated or (self.limit is not None and self._seen >= self.limit)
        )
        return page


def expect_object(body: Any) -> Mapping[str, Any]:
    """``body`` if it is a JSON object, else an ``UnexpectedResponseError``."""
    if not isinstance(body, Mapping):
        raise UnexpectedResponseError(f"expected a JSON object, got {_json_kind(body)}")
    return body


def expect_items(body: Any, key: str = "items") -> list[Any]:
    """The list under ``key`` in a JSON object, else an ``UnexpectedResponseError``."""
    obj = expect_object(body)
    if key not in obj:
        keys = ", ".join(sorted(map(str, obj))) or "none"
        raise UnexpectedResponseError(f"the {key!r} key is missing (keys present: {keys})")
    items = obj[key]
    if not isinstance(items, list):
        raise UnexpectedResponseError(f"{key!r} should be a list, got {_json_kind(items)}")
    return items


def expect_cursor(body: Mapping[str, Any], key: str = "nextCursor") -> str | None:
    """The cursor under ``key`` (None when absent or null)."""
    cursor = body.get(key)
    if cursor is not None and not isinstance(cursor, str):
        raise UnexpectedResponseError(f"{key!r} should be a string, got {_json_kind(cursor)}")
    return cursor


def describe_validation_error(error: ValidationError, prefix: str = "") -> str:
    """A one-line account of the first few problems pydantic found, each with its JSON path."""
    parts = []
    for problem in error.errors()[:3]:
        path = prefix
        for part in problem["loc"]:
            path += f"[{part}]" if isinstance(part, int) else f".{part}"
        parts.append(f"{path.lstrip('.') or 'body'}: {problem['msg']}")
    more = error.error_count() - len(parts)
    if more > 0:
        parts.append(f"and {more} more")
    return "; ".join(parts)


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    return "an object"


def require_limit(value: int, name: str, maximum: int) -> None:
    """Refuse a limit CDF would refuse, naming the argument and the allowed range."""
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= maximum:
        raise InvalidArgumentError(f"{name} must be between 1 and {maximum}, got {value!r}.")


def items_of(value: Any, expected: type | tuple[type, ...], what: str) -> list[Any]:
    """One item or a sequence of them, as a list, refusing items of the wrong type before
    anything is sent (naming the first one and what was expected)."""
    items = [value] if isinstance(value, expected) else value
    if not isinstance(items, Iterable) or isinstance(items, (str, bytes, Mapping)):
        items = [items]
    items = list(items)
    names = " or ".join(kind.__name__ for kind in (expected if isinstance(expected, tuple) else (expected,)))
    for index, item in enumerate(items):
        if not isinstance(item, expected):
            raise InvalidArgumentError(
                f"{what} expects {names} (or a list of them); item {index} is {type(item).__name__} {item!r}."
            )
    return items
