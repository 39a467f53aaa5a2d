"""Picking the managed mailboxes out of an exported stack state, and the command's clean failures."""

from __future__ import annotations

from datetime import date

from click.testing import CliRunner

from mailfleet.cli import main
from mailfleet.health.stack import _mailbox_outputs, mailbox_from_outputs

MAILBOX_TYPE = "pulumi-python:dynamic/mailfleet:Mailbox"
OUTPUTS = {
    "tenant": "acme",
    "email": "jane@acme-mail.example",
    "account_id": 7,
    "warmup_started_on": "2026-03-01",
    "ramp": {"name": "standard", "steps": [[1, 10], [6, 20]]},
    "max_email_per_day": 10,
    "password": {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "plaintext": '"hunter2"'},
}


def test_only_live_mailbox_resources_are_read() -> None:
    deployment = {
        "resources": [
            {"type": "pulumi:pulumi:Stack", "outputs": {}},
            {"type": MAILBOX_TYPE, "outputs": OUTPUTS},
            {"type": MAILBOX_TYPE, "outputs": {**OUTPUTS, "email": "old@x.example"}, "delete": True},
            {"type": "pulumi-python:dynamic/mailfleet:TenantClient", "outputs": {"client_id": 3}},
        ]
    }
    assert list(_mailbox_outputs(deployment)) == [OUTPUTS]


def test_only_the_fields_health_needs_are_kept() -> None:
    mailbox = mailbox_from_outputs(OUTPUTS)
    assert mailbox is not None
    assert (mailbox.tenant, mailbox.email, mailbox.account_id, mailbox.max_email_per_day) == (
        "acme",
        "jane@acme-mail.example",
        7,
        10,
    )
    assert mailbox.warmup_started_on == date(2026, 3, 1)
    assert mailbox.ramp is not None and mailbox.ramp.per_day_on(6) == 20
    assert "hunter2" not in repr(mailbox)


def test_incomplete_outputs_are_skipped_or_degrade() -> None:
    assert mailbox_from_outputs({"email": "a@x.example"}) is None  # never created: no account id
    partial = mailbox_from_outputs({"email": "a@x.example", "account_id": 1, "ramp": {"name": "x"}})
    assert partial is not None and partial.ramp is None and partial.warmup_started_on is None


def test_a_wrong_chart_extension_is_one_clean_line_and_exit_1() -> None:
    result = CliRunner().invoke(main, ["health", "--chart", "health.jpg"])
    assert result.exit_code == 1
    assert result.output.strip() == "error: chart file health.jpg must end in .png or .svg"
