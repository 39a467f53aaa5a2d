"""The vendor-neutral field table: defaults, sections, and how a mailbox's settings are merged."""

from __future__ import annotations

from mailfleet.fields import (
    DECLARED_FIELDS,
    EMAIL_DEFAULT,
    FIELDS,
    REQUIRED,
    SECTIONS,
    declared_settings,
    default_of,
    section_defaults,
)


def test_sections_and_their_defaults() -> None:
    assert SECTIONS == ("smtp", "imap", "warmup")
    assert section_defaults("warmup") == {"enabled": True, "per_day": 20, "rampup": 2, "reply_rate": 30}
    assert section_defaults("smtp") == {"security": "SSL"}


def test_declared_settings_merge_mailbox_over_defaults_over_table() -> None:
    defaults = {"smtp": {"host": "s.example", "port": 465}, "warmup": {"per_day": 15}}
    mailbox = {"from_name": "Jane", "password": {"secret": "k"}, "smtp": {"port": 587}, "warmup": {"rampup": 4}}

    settings = declared_settings(mailbox, defaults, "jane@a.example", lambda ref: ("ref", ref["secret"]))

    assert settings["smtp_host"] == "s.example"
    assert settings["smtp_port"] == 587
    assert settings["smtp_security"] == "SSL"
    assert (settings["warmup_per_day"], settings["warmup_rampup"], settings["warmup_reply_rate"]) == (15, 4, 30)
    assert settings["username"] == "jane@a.example"
    assert settings["password"] == ("ref", "k")
    assert "signature" not in settings and "imap_username" not in settings  # optional and unset


def test_top_level_fields_do_not_merge_from_defaults() -> None:
    settings = declared_settings({"from_name": "A"}, {"signature": "x"}, "a@b.example", lambda ref: ref)
    assert "signature" not in settings


def test_defaults_of_special_fields() -> None:
    assert default_of(FIELDS["username"], "a@b.example") == "a@b.example"
    assert default_of(FIELDS["from_name"], "a@b.example") is None
    assert FIELDS["username"].default is EMAIL_DEFAULT and FIELDS["password"].default is REQUIRED
    assert FIELDS["bcc"].same("Audit@A.example", "audit@a.example")
    assert not FIELDS["from_name"].same("Jane", "jane")


def test_derived_fields_have_no_spec_path() -> None:
    derived = {f.key for f in FIELDS.values() if f.spec_path is None}
    assert derived == {"max_email_per_day", "client_id"}
    assert all(f.spec_path for f in DECLARED_FIELDS)
