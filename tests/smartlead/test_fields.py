"""Smartlead's half of the field table: write bodies, the live projection, and what it says about itself."""

from __future__ import annotations

from dataclasses import fields as dataclass_fields

import pytest

from mailfleet.fields import FIELDS
from mailfleet.smartlead.fields import (
    CREDENTIAL_KEYS,
    DEEP_KEYS,
    MAPPED,
    READ_NAMES,
    SETTINGS_KEYS,
    SMARTLEAD_FIELDS,
    WARMUP_KEYS,
    WRITE_ONLY,
    live_fields,
    write_fields,
)
from mailfleet.smartlead.models import AccountSettings, EmailAccountWrite, WarmupSettings

from ._support import account_row


def test_every_table_field_has_exactly_one_mapping() -> None:
    assert [m.key for m in SMARTLEAD_FIELDS] == list(FIELDS)


def test_each_call_writes_names_its_request_model_has() -> None:
    """The write names are the client's request models' own: a typo would be a TypeError at the first write."""
    models = {"save": EmailAccountWrite, "settings": AccountSettings, "warmup": WarmupSettings}
    for mapped in SMARTLEAD_FIELDS:
        names = {f.name for f in dataclass_fields(models[mapped.call])}
        assert mapped.write in names, mapped.key
        if mapped.call == "settings":
            # A full save carries every setting too (credentials change only through it).
            assert mapped.write in {f.name for f in dataclass_fields(EmailAccountWrite)}, mapped.key


def test_key_sets_partition_the_table() -> None:
    assert set(CREDENTIAL_KEYS) | set(SETTINGS_KEYS) | set(WARMUP_KEYS) == set(FIELDS)
    assert not set(CREDENTIAL_KEYS) & set(SETTINGS_KEYS)
    assert "warmup_per_day" in DEEP_KEYS
    assert {"password", "imap_password", "warmup_rampup"} == set(WRITE_ONLY)


@pytest.mark.parametrize("key", sorted(WRITE_ONLY))
def test_write_only_fields_say_why(key: str) -> None:
    assert len(WRITE_ONLY[key]) > 20
    assert MAPPED[key].read == ()


def test_read_names_differ_from_write_names_where_smartlead_renames() -> None:
    assert READ_NAMES == {
        "user_name": "username",
        "imap_user_name": "imap_username",
        "max_email_per_day": "message_per_day",
        "bcc": "bcc_email",
        "time_to_wait_in_mins": "minTimeToWaitInMins",
        "custom_tracking_url": "custom_tracking_domain",
    }


def test_write_fields_use_write_names() -> None:
    values = {"from_name": "Jane", "bcc": "a@b.example", "tracking_domain": "t.example", "warmup_per_day": 12}
    assert write_fields("settings", values) == {
        "from_name": "Jane",
        "bcc": "a@b.example",
        "custom_tracking_url": "t.example",
    }
    assert write_fields("warmup", values) == {"total_warmup_per_day": 12}


def test_list_projection_reads_read_names_and_normalises() -> None:
    row = account_row(
        7,
        "jane@acme.example",
        smtp_port="587",
        smtp_port_type="tls",
        bcc_email="",
        signature=None,
        custom_tracking_domain="track.acme.example",
        warmup_details={"status": "ACTIVE", "reply_rate": "30%", "warmup_max_count": 12},
    )
    live = live_fields(row, deep=False)
    assert live["smtp_port"] == 587
    assert live["smtp_security"] == "TLS"
    assert live["max_email_per_day"] == 40  # message_per_day
    assert live["time_to_wait_in_mins"] == 3  # minTimeToWaitInMins
    assert live["tracking_domain"] == "track.acme.example"
    assert live["warmup_enabled"] is True
    assert live["warmup_reply_rate"] == 30
    assert "bcc" not in live and "signature" not in live  # "" and null both mean "not set"
    assert "warmup_per_day" not in live  # only GET by id carries it
    assert live_fields(row, deep=True)["warmup_per_day"] == 12
    assert not set(live) & set(WRITE_ONLY)


def test_projection_reads_write_names_as_aliases() -> None:
    row = {"id": 1, "from_email": "a@b.example", "max_email_per_day": 25, "bcc": "x@b.example"}
    live = live_fields(row, deep=False)
    assert (live["max_email_per_day"], live["bcc"]) == (25, "x@b.example")


def test_no_warmup_details_reads_as_warmup_off() -> None:
    assert live_fields(account_row(1, "a@b.example"), deep=True)["warmup_enabled"] is False
