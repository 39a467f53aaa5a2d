"""The whole path with the real ``pulumi`` CLI: tenant YAML -> pulumi up -> the emulator's HTTP API, and back."""

from __future__ import annotations

import pytest

from mailfleet.testing.e2e import Project, changed_steps

pytestmark = pytest.mark.e2e

EXAMPLE_MAILBOXES = {
    "jane@acme-mail.example",
    "john@acme-mail.example",
    "max@acme-mail.example",
    "hank@globex-mail.example",
    "frank@globex-mail.example",
}


def live_accounts(project: Project) -> dict[str, object]:
    with project.client() as client:
        return {account.from_email: account for account in client.list_email_accounts()}


def test_up_creates_every_mailbox_with_warmup_under_its_tenant_client(project: Project) -> None:
    changes = project.up()

    assert changes.get("create", 0) >= len(EXAMPLE_MAILBOXES)
    with project.client() as client:
        clients = {record.name: record.id for record in client.list_clients()}
        accounts = {account.from_email: account for account in client.list_email_accounts()}
    assert set(accounts) == EXAMPLE_MAILBOXES
    for email, account in accounts.items():
        assert account.warmup is not None and account.warmup.status == "ACTIVE", email
        tenant_client = "Acme Corp" if email.endswith("@acme-mail.example") else "Globex Corporation"
        assert account.client_id == clients[tenant_client], email
    assert accounts["frank@globex-mail.example"].smtp_port == 587
    # Day 1 of the standard ramp.
    assert {account.max_email_per_day for account in accounts.values()} == {10}


def test_preview_after_up_is_clean_and_a_yaml_edit_shows_exactly_that_field(project: Project) -> None:
    project.up()

    assert set(project.preview()["changeSummary"]) == {"same"}

    project.edit_spec("acme", "from_name: Jane Doe", "from_name: Jane Smith")
    digest = project.preview()

    steps = changed_steps(digest)
    assert list(steps) == ["jane@acme-mail.example"]
    assert steps["jane@acme-mail.example"]["op"] == "update"
    assert set(steps["jane@acme-mail.example"]["detailedDiff"]) == {"from_name"}

    changes = project.up()
    assert changes == {"same": changes["same"], "update": 1}
    assert live_accounts(project)["jane@acme-mail.example"].from_name == "Jane Smith"  # type: ignore[attr-defined]
    assert set(project.preview()["changeSummary"]) == {"same"}


def test_a_second_up_makes_no_api_writes(project: Project) -> None:
    project.up()
    project.emulator.control.clear_requests()

    changes = project.up()

    assert set(changes) == {"same"}
    writes = [entry for entry in project.emulator.control.requests().entries if entry.method != "GET"]
    assert writes == []


def test_a_no_change_preview_makes_no_api_request(project: Project) -> None:
    project.up()
    project.emulator.control.clear_requests()

    project.preview()

    assert project.emulator.control.requests().entries == []


def test_preview_refuses_invalid_specs_with_the_validate_messages_once(project: Project) -> None:
    import subprocess
    import sys

    project.edit_spec("acme", "per_day: 20", "per_day: 80")
    project.edit_spec("globex", "from_name: Hank Scorpio", "from_nme: Hank Scorpio")
    validate = subprocess.run(
        [sys.executable, "-m", "mailfleet.cli", "validate", "specs/tenants"],
        cwd=project.directory,
        capture_output=True,
        text=True,
    )
    expected = validate.stdout.splitlines()
    assert validate.returncode == 1 and len(expected) >= 3

    result = project.pulumi.run("preview", check=False)

    assert result.returncode != 0
    # Non-interactive output streams each diagnostic as it happens, then summarises them: check the summary.
    summary = result.stdout.split("Diagnostics:", 1)[1]
    for line in expected:
        assert summary.count(line) == 1, line
    assert "Traceback" not in result.stdout + result.stderr
    assert project.emulator.control.requests().entries == []
