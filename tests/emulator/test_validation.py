"""Joi look-alike messages and conversions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mailfleet.emulator.exceptions import Invalid
from mailfleet.emulator.validation import F, parse_iso, validate

SCHEMA = {
    "name": F("str", required=True, empty=False),
    "port": F("int", min_value=1, max_value=65535),
    "on": F("bool"),
    "email": F("email"),
    "ids": F("array", items=F("int"), max_items=2),
    "kind": F("str", choices=("A", "B")),
    "maybe": F("int", nullable=True),
}


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, '"name" is required'),
        ({"name": ""}, '"name" is not allowed to be empty'),
        ({"name": "x", "extra": 1}, '"extra" is not allowed'),
        ({"name": "x", "port": "abc"}, '"port" must be a number'),
        ({"name": "x", "port": 1.5}, '"port" must be an integer'),
        ({"name": "x", "port": 0}, '"port" must be greater than or equal to 1'),
        ({"name": "x", "on": "yes"}, '"on" must be a boolean'),
        ({"name": "x", "email": "nope"}, '"email" must be a valid email'),
        ({"name": "x", "ids": [1, 2, 3]}, '"ids" must contain less than or equal to 2 items'),
        ({"name": "x", "ids": ["a"]}, '"ids[0]" must be a number'),
        ({"name": "x", "kind": "C"}, '"kind" must be one of [A, B]'),
        ({"name": "x", "port": None}, '"port" must be a number'),
        ("text", '"value" must be of type object'),
    ],
)
def test_joi_messages(body: object, message: str) -> None:
    with pytest.raises(Invalid) as error:
        validate(SCHEMA, body)
    assert error.value.message == message
    assert error.value.body()["validation"]["body"]["message"] == message


def test_conversion_like_joi() -> None:
    assert validate(SCHEMA, {"name": "x", "port": "465", "on": "true", "maybe": None}) == {
        "name": "x",
        "port": 465,
        "on": True,
        "maybe": None,
    }


def test_missing_required_key_is_reported_before_an_unknown_key() -> None:
    # Joi checks the schema's keys first (in schema order), then looks for unknown keys.
    with pytest.raises(Invalid) as error:
        validate(SCHEMA, {"extra": 1})
    assert error.value.message == '"name" is required' and error.value.key == "name"


def test_known_keys_are_checked_in_schema_order_not_body_order() -> None:
    with pytest.raises(Invalid) as error:
        validate(SCHEMA, {"port": "abc", "name": ""})
    assert error.value.message == '"name" is not allowed to be empty'


def test_unknown_keys_pass_when_allowed_and_required_keys_still_count() -> None:
    assert validate(SCHEMA, {"name": "x", "api_key": "k"}, allow_unknown=True) == {"name": "x"}
    with pytest.raises(Invalid, match='"name" is required'):
        validate(SCHEMA, {"api_key": "k"}, allow_unknown=True)


def test_pattern_uses_joi_message() -> None:
    schema = {"keyName": F("str", pattern=r"^[a-zA-Z0-9 _-]+$")}
    assert validate(schema, {"keyName": "Prod key_1-a"}) == {"keyName": "Prod key_1-a"}
    with pytest.raises(Invalid) as error:
        validate(schema, {"keyName": "bad!"})
    assert error.value.message == '"keyName" with value "bad!" fails to match the required pattern: /^[a-zA-Z0-9 _-]+$/'


def test_iso_dates_become_aware_datetimes() -> None:
    schema = {"at": F("isodate", required=True)}
    assert validate(schema, {"at": "2024-01-31T23:59:59.999Z"})["at"] == datetime(
        2024, 1, 31, 23, 59, 59, 999000, tzinfo=UTC
    )
    assert validate(schema, {"at": "2024-01-31"})["at"] == datetime(2024, 1, 31, tzinfo=UTC)
    for bad in ("yesterday", "2024-13-01", 1706745599, " 2024-01-31", None):
        with pytest.raises(Invalid) as error:
            validate(schema, {"at": bad})
        assert error.value.message in ('"at" must be in ISO 8601 date format', '"at" must be a valid date')
    assert parse_iso("2024-01-31T10:00:00+02:00") == datetime(2024, 1, 31, 8, tzinfo=UTC)
