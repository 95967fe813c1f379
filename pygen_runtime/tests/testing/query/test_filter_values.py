"""Values compare by what they mean: timestamps as instants, direct relations as pairs."""

from __future__ import annotations

import pytest
from pygen_runtime.testing._filter_values import (
    canonical_stored,
    canonical_stored_list,
    coerce_request_value,
    describe_json,
    kind_of_type,
    parse_timestamp_ms,
)


class TestParseTimestamp:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("1970-01-01T00:00:00Z", 0),
            ("1970-01-01T00:00:00.000+00:00", 0),
            ("1970-01-01T01:00:00+01:00", 0),
            ("1969-12-31T23:00:00-0100", 0),
            ("1970-01-01T00:00:01.5Z", 1500),
            ("1970-01-01T00:00:00.123456789Z", 123),
            ("1970-01-01 00:00:02", 2000),
            ("2024-02-29T12:00:00Z", 1709208000000),
        ],
    )
    def test_reads_every_iso_spelling_as_the_same_instant(self, text: str, expected: int) -> None:
        assert parse_timestamp_ms(text) == expected

    @pytest.mark.parametrize(
        "text", ["2024-02-30T00:00:00Z", "2024-01-01", "yesterday", "2024-01-01T25:00:00Z"]
    )
    def test_rejects_what_is_not_a_timestamp(self, text: str) -> None:
        assert parse_timestamp_ms(text) is None


class TestKindOfType:
    @pytest.mark.parametrize(
        ("property_type", "kind"),
        [
            ({"type": "text"}, "text"),
            ({"type": "enum", "values": {}}, "text"),
            ({"type": "timeseries"}, "text"),
            ({"type": "int64"}, "number"),
            ({"type": "float32", "list": True}, "number"),
            ({"type": "boolean"}, "boolean"),
            ({"type": "timestamp"}, "timestamp"),
            ({"type": "date"}, "date"),
            ({"type": "direct"}, "direct"),
            ({"type": "json"}, "json"),
            ({"list": False, "collation": "ucs_basic"}, "text"),
            ({"type": "vector"}, "json"),
            (None, "json"),
        ],
    )
    def test_maps_each_property_type_to_its_comparison(
        self, property_type: dict[str, object] | None, kind: str
    ) -> None:
        assert kind_of_type(property_type) == kind


class TestCanonicalStored:
    def test_a_direct_relation_is_its_pair_whether_stored_as_object_or_tuple(self) -> None:
        assert canonical_stored("direct", {"space": "s", "externalId": "x"}) == ("s", "x")
        assert canonical_stored("direct", ("s", "x")) == ("s", "x")

    def test_a_boolean_is_never_a_number(self) -> None:
        assert canonical_stored("number", True) is None
        assert canonical_stored("boolean", 1) is None

    def test_json_compares_by_content_not_key_order(self) -> None:
        assert canonical_stored("json", {"a": 1, "b": [1, 2]}) == canonical_stored(
            "json", {"b": [1, 2], "a": 1}
        )

    def test_a_value_of_the_wrong_shape_reads_as_missing(self) -> None:
        assert canonical_stored("timestamp", "not a time") is None
        assert canonical_stored("date", "2024-13-01") is None
        assert canonical_stored("text", 3) is None

    def test_a_list_keeps_the_elements_that_fit(self) -> None:
        assert canonical_stored_list("number", [1, "x", 2.5]) == [1, 2.5]
        assert canonical_stored_list("number", "not a list") is None


class TestCoerceRequestValue:
    def test_accepts_epoch_milliseconds_for_timestamps(self) -> None:
        assert coerce_request_value("timestamp", 1500, "here") == 1500
        assert coerce_request_value("timestamp", "1970-01-01T00:00:01.500Z", "here") == 1500

    def test_a_direct_relation_value_has_exactly_space_and_external_id(self) -> None:
        assert coerce_request_value("direct", {"space": "s", "externalId": "x"}, "here") == ("s", "x")
        with pytest.raises(ValueError, match=r"here: expected a direct relation reference"):
            coerce_request_value("direct", {"space": "s", "externalId": "x", "extra": 1}, "here")

    def test_says_where_and_what_was_expected(self) -> None:
        with pytest.raises(ValueError, match=r"^equals on \[x\]: expected a number, got \"3\"$"):
            coerce_request_value("number", "3", "equals on [x]")

    def test_null_is_refused_with_the_way_to_match_missing_values(self) -> None:
        with pytest.raises(ValueError, match="use `exists` inside `not`"):
            coerce_request_value("text", None, "here")


def test_long_values_are_shortened_in_messages() -> None:
    text = describe_json("x" * 200)
    assert len(text) == 80
    assert text.endswith("...")
