"""Instantly's half of the field table: one row per field, the derived sets, the bodies and the projection."""

from __future__ import annotations

import pytest

from mailfleet.fields import FIELDS, PROVIDERS
from mailfleet.instantly.fields import (
    CREATE_ONLY,
    INSTANTLY_FIELDS,
    LIST_KEYS,
    MAPPED,
    PATCH_KEYS,
    PROVIDER_CODES,
    UNSUPPORTED,
    WARMUP_JOB_KEYS,
    WRITE_ONLY,
    create_body,
    live_fields,
    name_parts,
    patch_body,
)
from mailfleet.smartlead import fields as smartlead_fields
from mailfleet.spec.schema import load_schema

VALUES = {
    "username": "ann.login",
    "password": "pw-1",
    "smtp_host": "smtp.mail.example",
    "smtp_port": 465,
    "imap_host": "imap.mail.example",
    "imap_port": 993,
    "provider": "google",
    "from_name": "Ann van Example",
    "max_email_per_day": 40,
    "signature": "<b>Ann</b>",
    "reply_to": "replies@mail.example",
    "time_to_wait_in_mins": 7,
    "tracking_domain": "track.mail.example",
    "warmup_enabled": True,
    "warmup_per_day": 12,
    "warmup_rampup": 3,
    "warmup_reply_rate": 30,
}


def test_every_table_field_has_exactly_one_row() -> None:
    assert [m.key for m in INSTANTLY_FIELDS] == list(FIELDS)


def test_the_sets_partition_the_table() -> None:
    every = set(CREATE_ONLY) | set(PATCH_KEYS) | set(WARMUP_JOB_KEYS) | UNSUPPORTED
    assert every == set(FIELDS)
    assert len(CREATE_ONLY) + len(PATCH_KEYS) + len(WARMUP_JOB_KEYS) + len(UNSUPPORTED) == len(FIELDS)
    assert {"smtp_security", "imap_security", "client_id", "bcc"} == UNSUPPORTED
    assert set(WRITE_ONLY) == {"password", "imap_password"}
    assert {"username", "password", "smtp_host", "smtp_port", "imap_host", "imap_port", "provider"} <= set(CREATE_ONLY)
    assert not set(LIST_KEYS) & (UNSUPPORTED | set(WRITE_ONLY))


@pytest.mark.parametrize("key", sorted(UNSUPPORTED | set(WRITE_ONLY)))
def test_unreadable_and_unsupported_fields_say_why(key: str) -> None:
    assert len(MAPPED[key].reason) > 20
    assert MAPPED[key].read == ()


def test_provider_codes_cover_every_provider_and_the_schema() -> None:
    assert tuple(PROVIDER_CODES) == PROVIDERS
    assert dict(PROVIDER_CODES) == {"custom": 1, "google": 2, "microsoft": 3, "aws": 4, "airmail": 8}
    schema = load_schema()["$defs"]["mailbox"]["properties"]["provider"]
    assert tuple(schema["enum"]) == PROVIDERS and schema["default"] == FIELDS["provider"].default


def test_smartlead_cannot_honour_the_provider() -> None:
    assert "provider" in smartlead_fields.UNSUPPORTED
    assert "type" not in smartlead_fields.write_fields("save", {"provider": "google", "smtp_host": "h"})


def test_create_body_writes_nested_paths_and_splits_the_name() -> None:
    body = create_body(VALUES)
    assert (body["first_name"], body["last_name"]) == ("Ann", "van Example")
    assert body["provider_code"] == 2
    assert body["warmup"] == {"limit": 12, "increment": "3", "reply_rate": 0.3}
    assert (body["daily_limit"], body["sending_gap"], body["tracking_domain_name"]) == (40, 7, "track.mail.example")
    # Without a different IMAP login the SMTP one is sent for both (Instantly requires both).
    assert (body["smtp_username"], body["imap_username"]) == ("ann.login", "ann.login")
    assert (body["smtp_password"], body["imap_password"]) == ("pw-1", "pw-1")
    assert "warmup_status" not in body and "from_name" not in body


def test_create_body_defaults_the_provider_and_keeps_a_different_imap_login() -> None:
    body = create_body({**VALUES, "provider": None, "imap_username": "imap-ann", "imap_password": "pw-2"})
    assert body["provider_code"] == 1
    assert (body["imap_username"], body["imap_password"]) == ("imap-ann", "pw-2")


def test_patch_body_has_no_credentials() -> None:
    body = patch_body(VALUES)
    assert not {"smtp_username", "smtp_password", "smtp_host", "imap_host", "provider_code"} & set(body)
    assert body["warmup"] == {"limit": 12, "increment": "3", "reply_rate": 0.3}
    assert patch_body({"from_name": "Cher"}) == {"first_name": "Cher", "last_name": ""}


def test_live_fields_read_back_what_create_body_wrote() -> None:
    account = {**create_body(VALUES), "email": "ann@mail.example", "warmup_status": 1}
    account.pop("smtp_password")
    account.pop("imap_password")
    live = live_fields(account)
    for key in LIST_KEYS:
        expected = VALUES.get(key, VALUES["username"] if key == "imap_username" else None)
        assert live[key] == expected, key


def test_live_fields_decode_the_wire() -> None:
    live = live_fields(
        {"warmup_status": 0, "warmup": {"increment": "disabled"}, "provider_code": 8, "first_name": "Cher"}
    )
    assert live == {"warmup_enabled": False, "warmup_rampup": 0, "provider": "airmail", "from_name": "Cher"}
    assert live_fields({"provider_code": 99}) == {}  # an unknown code is not a value; no warmup_status, unknown


def test_name_parts() -> None:
    assert name_parts("  Jane  Doe ") == ("Jane", "Doe")
    assert name_parts("Cher") == ("Cher", "")
