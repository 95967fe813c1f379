"""Listing pages read straight from bytes (``pygen_runtime.typed._page_reader``, the fast path of
list and iterate) are the objects the tolerant path makes from the decoded JSON: on CDF's own
instance JSON for every Omni view (``shared/cdf/instances/Omni.nodes.yaml``, served by the
emulator with its ``typing``), and every answer the fast path cannot vouch for is left to the
tolerant path."""

from __future__ import annotations

import json
from collections.abc import Iterator
from types import ModuleType
from typing import Any, ClassVar

import httpx
import pytest
from functional_clients import golden_sdk
from pydantic import Field, PrivateAttr, model_validator
from pygen_runtime.schema import ViewId
from pygen_runtime.testing import Emulator
from pygen_runtime.typed import EdgeRead, NodeRead
from pygen_runtime.typed._instances import InstanceRead
from pygen_runtime.typed._page_reader import page_content_reader
from pygen_runtime.typed._parsing import parse_instances
from shared_cdf import SHARED_CDF, model_file

OMNI_NODES = SHARED_CDF / "instances" / "Omni.nodes.yaml"
OMNI_SPACE = "sp_pygen_models"


@pytest.fixture(scope="module")
def omni() -> Iterator[ModuleType]:
    with golden_sdk("Omni", "omni_sdk") as sdk:
        yield sdk


@pytest.fixture(scope="module")
def server() -> Iterator[httpx.Client]:
    """The emulator holding the Omni model and CDF's Omni instances, spoken to as CDF."""
    emulator = Emulator(project="page-reader")
    emulator.load_model(model_file("Omni"))
    emulator.load_instances(OMNI_NODES)
    with httpx.Client(
        transport=emulator.transport(), base_url=f"{emulator.base_url}/api/v1/projects/{emulator.project}"
    ) as client:
        yield client


def listing(server: httpx.Client, view: str, **body: Any) -> bytes:
    """The bytes of CDF's answer to a listing of ``view``'s nodes, with its typing."""
    source = {"type": "view", "space": OMNI_SPACE, "externalId": view, "version": "1"}
    request = {"sources": [{"source": source}], "limit": 1000, "includeTyping": True, **body}
    response = server.post("/models/instances/list", json=request)
    response.raise_for_status()
    return response.content


def read_classes(sdk: ModuleType, kind: type[InstanceRead] = NodeRead) -> dict[str, type[InstanceRead]]:
    """The SDK's node (or edge) read classes by view (a view may have both)."""
    classes = (getattr(sdk, name) for name in sdk.__all__)
    return {
        cls.view_id().external_id: cls
        for cls in classes
        if isinstance(cls, type) and issubclass(cls, kind) and "_view_id" in cls.__dict__
    }


def assert_same_objects(fast: list[Any], tolerant: list[Any]) -> None:
    assert [type(item) for item in fast] == [type(item) for item in tolerant]
    assert fast == tolerant
    assert [repr(item) for item in fast] == [repr(item) for item in tolerant]
    assert [item.model_fields_set for item in fast] == [item.model_fields_set for item in tolerant]
    assert [item.model_extra for item in fast] == [item.model_extra for item in tolerant]
    assert [item.model_dump(mode="json") for item in fast] == [
        item.model_dump(mode="json") for item in tolerant
    ]


def with_typing(items: list[dict[str, Any]], view: str, properties: list[str]) -> bytes:
    typing = {OMNI_SPACE: {f"{view}/1": {name: {"type": {"type": "text"}} for name in properties}}}
    return json.dumps({"items": items, "nextCursor": "next-page", "typing": typing}).encode()


def test_every_omni_view_reads_the_same_on_both_paths(omni: ModuleType, server: httpx.Client) -> None:
    compared = []
    for view, cls in sorted(read_classes(omni).items()):
        content = listing(server, view)
        items = json.loads(content)["items"]
        if not items:
            continue
        read = page_content_reader(cls)
        assert read is not None, f"{cls.__name__} should be readable from bytes"

        page = read(content)

        assert page is not None, f"{view}: CDF's own instances should take the fast path"
        assert page.next_cursor == json.loads(content).get("nextCursor")
        assert_same_objects(page.items, parse_instances(cls, items))
        compared.append(view)
    # Every kind of property Omni has: primitives, lists, enums, timestamps, JSON, relations,
    # CDF references, views with no properties of their own, interfaces.
    assert len(compared) == 20


def test_the_next_cursor_is_read(omni: ModuleType, server: httpx.Client) -> None:
    read = page_content_reader(read_classes(omni)["Implementation1"])
    assert read is not None

    first = read(listing(server, "Implementation1", limit=4))
    assert first is not None
    assert first.next_cursor is not None
    rest = read(listing(server, "Implementation1", limit=1000, cursor=first.next_cursor))

    assert rest is not None
    assert rest.next_cursor is None
    assert len(first.items) + len(rest.items) == 10


def test_edges_read_the_same_on_both_paths(omni: ModuleType) -> None:
    cls = read_classes(omni, EdgeRead)["ConnectionItemC"]
    edges: list[dict[str, Any]] = [
        {
            "instanceType": "edge",
            "space": "sp_omni_instances",
            "externalId": f"edge-{index}",
            "version": 2,
            "createdTime": 1729354706630,
            "lastUpdatedTime": 1729354706631,
            "type": {"space": OMNI_SPACE, "externalId": "unidirectional"},
            "startNode": {"space": "sp_omni_instances", "externalId": f"ConnectionItemC:{index}"},
            "endNode": {"space": "sp_omni_instances", "externalId": f"ConnectionItemA:{index}"},
            "properties": {OMNI_SPACE: {"ConnectionItemC/1": {}}},
        }
        for index in range(3)
    ]
    edges[1]["deletedTime"] = 1729354706632
    read = page_content_reader(cls)
    assert read is not None

    page = read(with_typing(edges, "ConnectionItemC", []))

    assert page is not None
    assert [edge.end_node.external_id for edge in page.items] == [f"ConnectionItemA:{i}" for i in range(3)]
    assert_same_objects(page.items, parse_instances(cls, edges))
    # An edge without its end nodes is not what CDF sends.
    del edges[0]["endNode"]
    assert read(with_typing(edges, "ConnectionItemC", [])) is None


def test_a_view_with_a_property_the_sdk_does_not_know_is_left_to_the_tolerant_path(
    omni: ModuleType, server: httpx.Client
) -> None:
    # The tolerant path keeps such a property in model_extra; the fast path would not see it.
    cls = read_classes(omni)["PrimitiveNullable"]
    read = page_content_reader(cls)
    assert read is not None
    items = json.loads(listing(server, "PrimitiveNullable"))["items"]
    known = list(cls._property_wire_names.values())

    assert read(with_typing(items, "PrimitiveNullable", known)) is not None
    assert read(with_typing(items, "PrimitiveNullable", [*known, "addedLater"])) is None


def test_a_page_without_typing_is_left_to_the_tolerant_path(omni: ModuleType, server: httpx.Client) -> None:
    read = page_content_reader(read_classes(omni)["PrimitiveNullable"])
    assert read is not None
    content = listing(server, "PrimitiveNullable", includeTyping=False)

    assert read(content) is None
    # Without instances there is nothing to vouch for.
    empty = read(b'{"items": []}')
    assert empty is not None
    assert (empty.items, empty.next_cursor) == ([], None)


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"<html>gateway timeout</html>", id="not JSON"),
        pytest.param(b'{"items": 5}', id="items not a list"),
        pytest.param(b'{"items": [7]}', id="an item not an object"),
        pytest.param(b'{"items": [{"space": "s", "externalId": "x"}]}', id="instance fields missing"),
        pytest.param(b'{"items": [], "nextCursor": 12}', id="cursor not a string"),
    ],
)
def test_an_answer_cdf_would_not_send_is_left_to_the_tolerant_path(omni: ModuleType, content: bytes) -> None:
    read = page_content_reader(read_classes(omni)["PrimitiveNullable"])
    assert read is not None

    assert read(content) is None


def test_a_value_that_does_not_fit_its_field_is_left_to_the_tolerant_path(
    omni: ModuleType, server: httpx.Client
) -> None:
    # The tolerant path keeps the value in model_extra and warns, which needs Python per value.
    cls = read_classes(omni)["PrimitiveNullable"]
    items = json.loads(listing(server, "PrimitiveNullable"))["items"]
    items[0]["properties"][OMNI_SPACE]["PrimitiveNullable/1"]["int32"] = "not a number"

    assert page_content_reader(cls)(with_typing(items, "PrimitiveNullable", ["int32"])) is None


class _Validated(NodeRead):
    _view_id: ClassVar[ViewId] = ViewId(space="s", external_id="Validated", version="1")
    name: str | None = None

    @model_validator(mode="after")
    def _checked(self) -> _Validated:
        return self


class _RequiredProperty(NodeRead):
    _view_id: ClassVar[ViewId] = ViewId(space="s", external_id="Required", version="1")
    name: str


class _MadeDefault(NodeRead):
    _view_id: ClassVar[ViewId] = ViewId(space="s", external_id="MadeDefault", version="1")
    tags: list[str] = Field(default_factory=list)


class _SharedDefault(NodeRead):
    _view_id: ClassVar[ViewId] = ViewId(space="s", external_id="SharedDefault", version="1")
    tags: list[str] = []  # noqa: RUF012


class _Private(NodeRead):
    _view_id: ClassVar[ViewId] = ViewId(space="s", external_id="Private", version="1")
    _note: str = PrivateAttr(default="")


@pytest.mark.parametrize(
    "cls",
    [_Validated, _RequiredProperty, _MadeDefault, _SharedDefault, _Private],
    ids=lambda cls: cls.__name__,
)
def test_classes_whose_instances_need_python_to_be_made_are_not_read_from_bytes(cls: type[NodeRead]) -> None:
    assert page_content_reader(cls) is None
