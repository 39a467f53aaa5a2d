"""Joi look-alike messages and conversions."""

from __future__ import annotations

import pytest

from mailfleet.emulator.exceptions import Invalid
from mailfleet.emulator.validation import F, validate

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
