"""Reading a page of nodes or edges straight from the response's bytes (``instances.list`` and
``instances.iterate``).

Decoding the JSON and then validating the decoded dicts makes every value a Python object twice;
pydantic reads the bytes into ``Node`` or ``Edge`` objects in one step, in about 60% of the time.
The decoded path stays the judge of anything unusual: this reader gives None for a page it cannot
vouch for, and the call's ``parse`` then reads the decoded body (and says what is wrong with it).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from pydantic import TypeAdapter, ValidationError
from typing_extensions import Required, TypedDict

from pygen_runtime._api._calls import Page
from pygen_runtime._gc import collection_paused
from pygen_runtime.schema._instances import Edge, InstanceType, Node

__all__ = ["instance_page_content"]


class _NodePage(TypedDict, total=False):
    items: Required[list[Node]]
    nextCursor: str | None
    typing: dict[str, Any]


class _EdgePage(TypedDict, total=False):
    items: Required[list[Edge]]
    nextCursor: str | None
    typing: dict[str, Any]


@functools.cache
def _page_adapter(instance_type: InstanceType) -> TypeAdapter[Any]:
    return TypeAdapter(_NodePage if instance_type == "node" else _EdgePage)


def instance_page_content(instance_type: InstanceType) -> Callable[[bytes], Page[Node | Edge] | None]:
    """A reader of a listing's bytes into a page of ``instance_type``; None leaves the page to the
    decoded path."""

    def read(content: bytes) -> Page[Node | Edge] | None:
        try:
            with collection_paused():
                page = _page_adapter(instance_type).validate_json(content)
        except ValidationError:
            return None
        items: list[Node | Edge] = page["items"]
        # CDF names each item's type; the decoded path refuses an item that does not, and so does
        # this one, by handing the page over (the models would take their default silently).
        if not all("instance_type" in item.model_fields_set for item in items):
            return None
        return Page(items=items, next_cursor=page.get("nextCursor"), typing=page.get("typing"))

    return read
