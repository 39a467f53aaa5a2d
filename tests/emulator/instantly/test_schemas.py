"""Ajv-style messages in Ajv's order: required (in list order), unknown properties, then properties."""

from __future__ import annotations

import pytest

from mailfleet.emulator.instantly import schemas
from mailfleet.emulator.instantly.schemas import Invalid, coerce_query, validate

from .conftest import account_body


def message(schema: dict[str, object], value: object, where: str = "body") -> str:
    with pytest.raises(Invalid) as error:
        validate(schema, value, where=where)
    return error.value.message


def test_missing_provider_code_is_named_like_ajv() -> None:
    body = account_body()
    del body["provider_code"]
    assert message(schemas.CREATE_ACCOUNT, body) == "body must have required property 'provider_code'"


def test_required_comes_first_in_the_required_lists_order() -> None:
    body = {"email": "x@y.example", "smtp_port": "bad", "extra": 1}
    assert message(schemas.CREATE_ACCOUNT, body) == "body must have required property 'first_name'"


def test_unknown_properties_before_property_errors() -> None:
    assert message(schemas.PATCH_ACCOUNT, {"daily_limit": "x", "smtp_password": "p"}) == (
        "body must NOT have additional properties"
    )


def test_nested_paths_and_keywords() -> None:
    assert message(schemas.PATCH_ACCOUNT, {"warmup": {"increment": 2}}) == "body/warmup/increment must be string"
    assert message(schemas.PATCH_ACCOUNT, {"warmup": {"increment": "9"}}) == (
        "body/warmup/increment must be equal to one of the allowed values"
    )
    assert message(schemas.PATCH_ACCOUNT, {"sending_gap": 2000}) == "body/sending_gap must be <= 1440"
    assert message(schemas.PATCH_ACCOUNT, {"daily_limit": "10"}) == "body/daily_limit must be integer,null"
    too_many = {"emails": [f"m{i}@x.example" for i in range(101)]}
    assert message(schemas.WARMUP_ANALYTICS, too_many) == "body/emails must NOT have more than 100 items"
    assert message(schemas.WARMUP_ANALYTICS, {"emails": []}) == "body/emails must NOT have fewer than 1 items"


def test_query_is_coerced_then_checked() -> None:
    query = coerce_query(schemas.LIST_ACCOUNTS, {"limit": "100", "include_tags": "true", "search": "7"})
    assert query == {"limit": 100, "include_tags": True, "search": "7"}
    assert message(schemas.LIST_ACCOUNTS, coerce_query(schemas.LIST_ACCOUNTS, {"limit": "0"}), "querystring") == (
        "querystring/limit must be >= 1"
    )
    assert message(schemas.LIST_ACCOUNTS, coerce_query(schemas.LIST_ACCOUNTS, {"limit": "ten"}), "querystring") == (
        "querystring/limit must be integer"
    )


def test_a_valid_body_passes_unchanged() -> None:
    body = account_body()
    assert validate(schemas.CREATE_ACCOUNT, body) is body
