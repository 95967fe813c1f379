"""Property values are checked against their container types and stored in CDF's read form."""

from __future__ import annotations

from typing import Any

import pytest
from pygen_runtime.testing._errors import EmulatorRequestError
from pygen_runtime.testing._value_types import NOT_DECIDED, check_value, fast_value_check, normalize_timestamp

DIRECT = {"space": "s", "externalId": "n1"}
ENUM = {"type": "enum", "values": {"open": {}, "closed": {}}}


VALID_VALUES: list[tuple[dict[str, Any], Any, Any]] = [
    ({"type": "text"}, "hello", "hello"),
    ({"type": "boolean"}, False, False),
    ({"type": "int32"}, 2**31 - 1, 2**31 - 1),
    ({"type": "int64"}, 3.0, 3),
    ({"type": "float32"}, 2, 2.0),
    ({"type": "float64"}, 1.5, 1.5),
    ({"type": "timestamp"}, "2024-08-18T10:22:27", "2024-08-18T10:22:27.000+00:00"),
    ({"type": "timestamp"}, "2024-08-18T12:22:27.5+02:00", "2024-08-18T10:22:27.500+00:00"),
    ({"type": "timestamp"}, "2024-08-18T10:22:27.123Z", "2024-08-18T10:22:27.123+00:00"),
    ({"type": "date"}, "2024-02-29", "2024-02-29"),
    ({"type": "json"}, {"a": [1, 2]}, {"a": [1, 2]}),
    ({"type": "timeseries"}, "ts-1", "ts-1"),
    ({"type": "file"}, "file-1", "file-1"),
    ({"type": "sequence"}, "seq-1", "seq-1"),
    ({"type": "direct"}, DIRECT, DIRECT),
    (ENUM, "open", "open"),
    ({"type": "text", "list": True}, ["a", "b"], ["a", "b"]),
    ({"type": "int64", "list": True}, [], []),
    ({"type": "direct", "list": True}, [DIRECT], [DIRECT]),
    ({"type": "json", "list": True}, [{"a": 1}], [{"a": 1}]),
    ({"type": "text"}, None, None),
]


@pytest.mark.parametrize(("prop_type", "value", "stored"), VALID_VALUES)
def test_valid_values_are_stored_in_read_form(prop_type: dict[str, Any], value: Any, stored: Any) -> None:
    assert check_value(prop_type, value, "node s:x property 'p'") == stored


INVALID_VALUES: list[tuple[dict[str, Any], Any, str]] = [
    ({"type": "text"}, 5, "expected a string"),
    ({"type": "text", "maxTextSize": 3}, "long", "longer than 3 bytes"),
    ({"type": "text"}, "a\x00b", "NUL"),
    ({"type": "boolean"}, "true", "true or false"),
    ({"type": "int32"}, 2**31, "outside the range of int32"),
    ({"type": "int64"}, True, "an integer (int64)"),
    ({"type": "int64"}, 1.5, "an integer (int64)"),
    ({"type": "float64"}, "1.0", "a number (float64)"),
    ({"type": "timestamp"}, "2024-08-18", "a timestamp string"),
    ({"type": "timestamp"}, "2024-02-30T00:00:00", "a timestamp string"),
    ({"type": "timestamp"}, 1700000000000, "a timestamp string"),
    ({"type": "date"}, "2024-13-01", "an existing calendar date"),
    ({"type": "date"}, "01.02.2024", "a date string"),
    ({"type": "json"}, {"k": "x" * 41_000}, "larger than 40960 bytes"),
    ({"type": "file"}, "", "the external id of a file"),
    ({"type": "direct"}, "n1", "a node reference"),
    ({"type": "direct"}, {"space": "s", "externalId": "n", "extra": 1}, "a node reference"),
    (ENUM, "ajar", "one of 'open', 'closed'"),
    ({"type": "text", "list": True}, "a", "a list of text values"),
    ({"type": "text", "list": True, "maxListSize": 1}, ["a", "b"], "at most 1 are allowed"),
    ({"type": "direct", "list": True}, [DIRECT] * 101, "at most 100 are allowed"),
    ({"type": "int32", "list": True}, [1, "2"], "property 'p'[1]"),
    ({"type": "vector"}, [1.0], "type 'vector'"),
    ({"type": "text", "maxTextSize": 3}, "\u00e9\u00e9", "longer than 3 bytes"),
    ({"type": "int32", "list": True}, [1, True], "property 'p'[1]"),
    ({"type": "direct", "list": True}, [DIRECT, {"space": "s"}], "property 'p'[1]"),
    ({"type": "text", "list": True}, ["a", 5], "property 'p'[1]: 5 is not a valid value; expected a string"),
    ({"type": "text", "list": True}, ["a", None], "property 'p'[1]: null is not a valid value"),
    ({"type": "text", "list": True}, ["a", "b\x00"], "property 'p'[1]: text values cannot contain the NUL"),
    (
        {"type": "text", "list": True, "maxTextSize": 3},
        ["ab", "\u00e9\u00e9"],
        "[1]: the text is longer than 3",
    ),
]


@pytest.mark.parametrize(("prop_type", "value", "fragment"), INVALID_VALUES)
def test_invalid_values_are_refused_with_a_message_naming_the_property(
    prop_type: dict[str, Any], value: Any, fragment: str
) -> None:
    with pytest.raises(EmulatorRequestError) as caught:
        check_value(prop_type, value, "node s:x property 'p'")

    assert caught.value.status == 400
    assert "node s:x property 'p'" in caught.value.message
    assert fragment in caught.value.message


@pytest.mark.parametrize(
    "text", ["2024-08-18T10:22", "0001-01-01T00:30:00+01:00", "x2024-08-18T10:22:27", "2024-08-18T25:00:00"]
)
def test_timestamps_outside_cdfs_format_or_range_are_not_normalized(text: str) -> None:
    assert normalize_timestamp(text) is None


@pytest.mark.parametrize(("prop_type", "value", "stored"), VALID_VALUES)
def test_the_fast_check_stores_what_the_full_check_stores_or_leaves_it_undecided(
    prop_type: dict[str, Any], value: Any, stored: Any
) -> None:
    fast = fast_value_check(prop_type)(value)

    assert fast is NOT_DECIDED or (fast == stored and type(fast) is type(stored))


@pytest.mark.parametrize(("prop_type", "value", "fragment"), INVALID_VALUES)
def test_the_fast_check_never_accepts_what_the_full_check_refuses(
    prop_type: dict[str, Any], value: Any, fragment: str
) -> None:
    assert fast_value_check(prop_type)(value) is NOT_DECIDED


@pytest.mark.parametrize(
    ("prop_type", "value", "stored"),
    [
        ({"type": "text"}, "hello", "hello"),
        ({"type": "text", "maxTextSize": 4}, "\u00e9\u00e9", "\u00e9\u00e9"),
        ({"type": "int64"}, 7, 7),
        ({"type": "float32"}, 2, 2.0),
        ({"type": "timestamp"}, "2024-08-18T12:22:27.5+02:00", "2024-08-18T10:22:27.500+00:00"),
        ({"type": "direct"}, DIRECT, DIRECT),
        ({"type": "direct", "list": True}, [DIRECT, DIRECT], [DIRECT, DIRECT]),
        (ENUM, "closed", "closed"),
        ({"type": "boolean", "list": True}, [True, False], [True, False]),
        ({"type": "text", "list": True}, ["pump", "", "north"], ["pump", "", "north"]),
        # Too long together to be sure of at a glance; each item is measured.
        (
            {"type": "text", "list": True, "maxTextSize": 8},
            ["abc", "\u00e9\u00e9\u00e9"],
            ["abc", "\u00e9\u00e9\u00e9"],
        ),
    ],
)
def test_the_fast_check_decides_the_common_values_itself(
    prop_type: dict[str, Any], value: Any, stored: Any
) -> None:
    check = fast_value_check(prop_type)

    # Twice: the second timestamp comes from the remembered normal forms.
    assert check(value) == stored
    assert check(value) == stored


def test_a_text_list_is_stored_as_a_new_list() -> None:
    written = ["pump", "north"]

    stored = fast_value_check({"type": "text", "list": True})(written)

    assert stored == written
    assert stored is not written


def test_a_direct_relation_is_stored_as_a_new_object_each_time() -> None:
    check = fast_value_check({"type": "direct"})

    first = check(DIRECT)

    assert first == DIRECT
    assert first is not DIRECT
    assert check(DIRECT) is not first
