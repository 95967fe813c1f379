"""The shortcuts that make an upsert's items and read its answer: each says exactly what the
general path it stands in for says (timestamps as ``isoformat`` writes them, each class's own
properties and view, the answer as the decoded path reads it), and leaves what it cannot read to
that path."""

from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from typing import Any, ClassVar

import pytest
from pygen_runtime.schema import EdgeId, NodeId, ViewId
from pygen_runtime.typed import NodeWrite
from pygen_runtime.typed._instances import _timestamp_json
from pygen_runtime.typed._upsert_result import parse_upserted, read_upserted
from reference_sdk import BladeWrite, DataSheetWrite, WindTurbineClient

from pygen_runtime import InvalidArgumentError

SPACE = "windfarm-data"


def isoformat_reference(value: datetime) -> str:
    """How a timestamp was always written: a value without a zone as UTC, then ``isoformat``."""
    zoned = value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value
    return zoned.isoformat(timespec="milliseconds")


class LaterDatetime(datetime):
    """A datetime subclass (as pandas' Timestamp is one) that writes itself its own way."""

    def isoformat(self, sep: str = "T", timespec: str = "auto") -> str:
        return "custom:" + super().isoformat(sep, timespec)


def timestamps() -> list[datetime]:
    generator = random.Random(20261201)
    first, last = datetime.min, datetime.max - timedelta(days=1)
    span = int((last - first).total_seconds())
    values = [datetime.min, datetime.max, datetime(999, 12, 31, 23, 59, 59, 999)]
    for _ in range(2000):
        naive = first + timedelta(
            seconds=generator.randint(0, span), microseconds=generator.randint(0, 999_999)
        )
        values += [naive, naive.replace(tzinfo=timezone.utc), naive.replace(fold=1)]
    values += [
        datetime(2024, 5, 31, 2, 12, 29, 999_999, tzinfo=timezone(timedelta(hours=2))),
        datetime(2024, 5, 31, 2, 12, 29, 1_000, tzinfo=timezone(-timedelta(hours=5, minutes=30))),
    ]
    return values


def test_timestamps_are_written_as_isoformat_writes_them_in_utc() -> None:
    values = timestamps()

    assert [_timestamp_json(value) for value in values] == [isoformat_reference(value) for value in values]


def test_a_datetime_subclass_is_written_by_its_own_isoformat() -> None:
    naive = LaterDatetime(2024, 1, 2, 3, 4, 5, 6_000)
    aware = LaterDatetime(2024, 1, 2, 3, 4, 5, tzinfo=timezone.utc)

    assert _timestamp_json(naive) == "custom:2024-01-02T03:04:05.006+00:00"
    assert _timestamp_json(aware) == "custom:2024-01-02T03:04:05.000+00:00"
    sheet = DataSheetWrite(external_id="s", uploaded_time=aware)
    assert sheet.dump(SPACE)["sources"][0]["properties"]["uploadedTime"] == _timestamp_json(aware)


class ColouredBladeWrite(BladeWrite):
    """A write class made from a generated one, with a property of its own."""

    _view_id: ClassVar[ViewId] = ViewId(space="sp_pygen_power", external_id="ColouredBlade", version="2")

    colour: str | None = None


def test_a_subclass_writes_its_own_properties_in_its_own_view() -> None:
    blade = BladeWrite(external_id="b-1", name="B", is_damaged=True)
    coloured = ColouredBladeWrite(external_id="b-2", name="C", colour="red", is_damaged=False)

    [plain_source] = blade.dump(SPACE)["sources"]
    [coloured_source] = coloured.dump(SPACE)["sources"]

    assert plain_source == {
        "source": {"type": "view", "space": "sp_pygen_power", "externalId": "Blade", "version": "1"},
        "properties": {"is_damaged": True, "name": "B"},
    }
    assert coloured_source == {
        "source": {"type": "view", "space": "sp_pygen_power", "externalId": "ColouredBlade", "version": "2"},
        "properties": {"is_damaged": False, "name": "C", "colour": "red"},
    }


def test_each_item_names_its_view_in_a_dict_of_its_own() -> None:
    first, second = BladeWrite(external_id="b-1").dump(SPACE), BladeWrite(external_id="b-2").dump(SPACE)

    first["sources"][0]["source"]["version"] = "changed"

    assert second["sources"][0]["source"]["version"] == "1"
    assert BladeWrite(external_id="b-3").dump(SPACE)["sources"][0]["source"]["version"] == "1"


class ViewlessWrite(NodeWrite):
    name: str | None = None


def test_a_write_class_without_a_view_says_so_when_written() -> None:
    with pytest.raises(InvalidArgumentError, match="ViewlessWrite has no view"):
        ViewlessWrite(space=SPACE, external_id="x", name="n").dump()
    # Without a space, the missing space is named first, as before.
    with pytest.raises(InvalidArgumentError, match="'x' has no space"):
        ViewlessWrite(external_id="x").dump()


def test_upsert_names_the_first_item_that_is_no_write_object(client: WindTurbineClient) -> None:
    items: list[Any] = [BladeWrite(external_id="b-1"), BladeWrite(external_id="b-2"), "b-3", 4]

    with pytest.raises(InvalidArgumentError, match="item 2 is str"):
        client.upsert(items)


def apply_answer(*items: dict[str, Any]) -> bytes:
    return json.dumps({"items": list(items)}).encode()


NODE = {
    "instanceType": "node",
    "space": SPACE,
    "externalId": "b-1",
    "version": 2,
    "wasModified": True,
    "createdTime": 1700000000000,
    "lastUpdatedTime": 1700000001000,
}
EDGE = {**NODE, "instanceType": "edge", "externalId": "e-1", "wasModified": False, "newField": {"x": [1]}}


def test_an_answer_read_from_its_bytes_is_what_the_decoded_path_reads() -> None:
    content = apply_answer(NODE, EDGE)

    read = read_upserted(content)

    assert read == parse_upserted(json.loads(content))
    assert read is not None
    assert [item.as_id() for item in read] == [
        NodeId(space=SPACE, external_id="b-1"),
        EdgeId(space=SPACE, external_id="e-1"),
    ]
    assert [(item.instance_type, item.was_modified) for item in read] == [("node", True), ("edge", False)]


@pytest.mark.parametrize(
    "content",
    [
        apply_answer({key: value for key, value in NODE.items() if key != "version"}),
        apply_answer({**NODE, "instanceType": "view"}),
        b'{"things": []}',
        b'{"items": null}',
        b"<html>busy</html>",
        b'{"items": [',
    ],
)
def test_an_answer_not_as_cdf_sends_it_is_left_to_the_decoded_path(content: bytes) -> None:
    assert read_upserted(content) is None
