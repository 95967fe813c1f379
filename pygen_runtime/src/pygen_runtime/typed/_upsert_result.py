"""What ``TypedClient.upsert`` returns: CDF's answer about each written node and edge."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Annotated, Literal

from pydantic import Field, TypeAdapter, ValidationError
from typing_extensions import TypedDict

from pygen_runtime._api._schema_calls import items_parser
from pygen_runtime.schema import EdgeId, NodeId

__all__ = ["UpsertResult", "UpsertedInstance", "parse_upserted", "read_upserted"]


@dataclass(frozen=True, slots=True)
class UpsertedInstance:
    """What CDF said about one written node or edge: its new version, whether the write changed
    it, and when it was created and last updated (milliseconds since the epoch).

    A plain frozen object rather than a schema model: an upsert of many instances keeps one per
    instance, and at about 100 bytes (a schema model took over 1 KB) they stay small beside the
    write objects. Fields of the answer this class does not know are left out."""

    instance_type: Annotated[Literal["node", "edge"], Field(alias="instanceType")]
    space: str
    external_id: Annotated[str, Field(alias="externalId")]
    version: int
    was_modified: Annotated[bool, Field(alias="wasModified")]
    created_time: Annotated[int, Field(alias="createdTime")]
    last_updated_time: Annotated[int, Field(alias="lastUpdatedTime")]

    def as_id(self) -> NodeId | EdgeId:
        if self.instance_type == "edge":
            return EdgeId(space=self.space, external_id=self.external_id)
        return NodeId(space=self.space, external_id=self.external_id)


# The apply endpoint's answer, validated by pydantic in one call per page.
parse_upserted = items_parser(UpsertedInstance)


class _UpsertedPage(TypedDict):
    items: list[UpsertedInstance]


@functools.cache
def _page_adapter() -> TypeAdapter[_UpsertedPage]:
    return TypeAdapter(_UpsertedPage)


def read_upserted(content: bytes) -> list[UpsertedInstance] | None:
    """The apply endpoint's answer read from its bytes: pydantic parses and validates them in
    one step, without the dicts and lists ``json.loads`` would build first (about half the CPU
    of decoding and then validating). None leaves an answer that is not as expected to
    ``parse_upserted``, which says what is wrong with it."""
    try:
        return _page_adapter().validate_json(content)["items"]
    except ValidationError:
        return None


@dataclass
class UpsertResult:
    """What CDF said about each written node and edge: its new version and whether it changed."""

    items: list[UpsertedInstance] = field(default_factory=list)

    @property
    def nodes(self) -> list[UpsertedInstance]:
        return [item for item in self.items if item.instance_type == "node"]

    @property
    def edges(self) -> list[UpsertedInstance]:
        return [item for item in self.items if item.instance_type == "edge"]

    def __len__(self) -> int:
        return len(self.items)
