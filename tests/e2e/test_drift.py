"""``mailfleet drift`` and ``mailfleet preview-comment`` end to end: the CLI as a subprocess in the project
directory with the project's Pulumi environment, the real ``pulumi`` through the Automation API, a real emulator."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mailfleet.smartlead.models import WarmupSettings
from mailfleet.testing.e2e import Project

pytestmark = pytest.mark.e2e

JANE = "jane@acme-mail.example"
ROGUE = "rogue@acme-mail.example"


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def mailfleet(project: Project, *args: str) -> Run:
    """``python -m mailfleet.cli ARGS`` in the project directory with the project's Pulumi environment."""
    result = subprocess.run(
        [sys.executable, "-m", "mailfleet.cli", *args, "--stack", project.pulumi.stack],
        cwd=project.directory,
        env=project.pulumi.env(),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return Run(result.returncode, result.stdout, result.stderr)


def secrets_of(project: Project) -> list[str]:
    """The API key and every mailbox password of the stack, in plain text."""
    config = json.loads(project.pulumi.run("config", "--show-secrets", "--json").stdout)
    secrets = [str(item["value"]) for item in config.values() if item.get("secret")]
    assert project.emulator.api_key in secrets and len(secrets) > 1
    return secrets


def assert_no_secret(project: Project, *texts: str) -> None:
    for secret in secrets_of(project):
        for text in texts:
            assert secret not in text


def drift(project: Project, reports: Path, *args: str) -> tuple[Run, str, dict[str, Any]]:
    run = mailfleet(project, "drift", *args, "--json", str(reports / "d.json"), "--markdown", str(reports / "d.md"))
    return run, (reports / "d.md").read_text(), json.loads((reports / "d.json").read_text())


def test_drift_is_clean_after_up_then_names_an_out_of_band_edit_and_an_unmanaged_account(
    project: Project, tmp_path: Path
) -> None:
    project.up()

    run, markdown, report = drift(project, tmp_path)

    assert run.code == 0, run.output
    assert "No drift detected" in run.stdout
    assert "No drift detected" in markdown
    assert report["drift"] is False
    assert report["summary"]["resources_checked"] >= 5
    assert report["tenants"] == []

    control, key = project.emulator.control, project.emulator.api_key
    accounts = {account["from_email"]: account for account in control.accounts(key)}
    control.edit_account(accounts[JANE]["id"], from_name="Janet Hacker")
    rogue = control.create_account(api_key=key, from_email=ROGUE, client_id=accounts[JANE]["client_id"])
    control.clear_requests()

    run, markdown, report = drift(project, tmp_path)

    assert run.code == 2, run.output
    # One read of every account (one page here) serves both the refresh and the unmanaged-account check.
    assert control.requests().count("GET /email-accounts/") == 1
    assert report["drift"] is True
    assert report["summary"]["changed_resources"] == 1
    assert report["summary"]["unmanaged_accounts"] == 1
    (acme,) = report["tenants"]
    assert acme["tenant"] == "acme"
    (changed,) = acme["changed"]
    assert (changed["kind"], changed["name"]) == ("Mailbox", JANE)
    assert changed["fields"] == [{"path": "from_name", "declared": "Jane Doe", "live": "Janet Hacker"}]
    assert acme["unmanaged"] == [{"email": ROGUE, "account_id": rogue["id"], "client_id": accounts[JANE]["client_id"]}]
    assert '`from_name`: "Jane Doe" -> "Janet Hacker"' in markdown
    assert ROGUE in markdown and "Unmanaged account" in markdown
    assert markdown.index("Drift detected") < markdown.index("#### tenant `acme`")
    assert 'from_name: "Jane Doe" -> "Janet Hacker"' in run.stdout
    assert_no_secret(project, run.output, markdown, json.dumps(report))


def test_preview_comment_from_events_and_from_a_digest_name_the_field(project: Project, tmp_path: Path) -> None:
    stack = project
    stack.up()
    stack.edit_spec("globex", "from_name: Hank Scorpio", "from_name: Hank S")
    digest = tmp_path / "preview.json"
    digest.write_text(stack.pulumi.run("preview", "--json").stdout)

    from_events = mailfleet(stack, "preview-comment", "--out", str(tmp_path / "events.md"))
    from_digest = mailfleet(stack, "preview-comment", "--input", str(digest), "--out", str(tmp_path / "digest.md"))

    assert from_events.code == 0, from_events.output
    assert from_digest.code == 0, from_digest.output
    for comment in ((tmp_path / "events.md").read_text(), (tmp_path / "digest.md").read_text()):
        assert comment.startswith("<!-- mailfleet-preview -->\n")
        assert "**1 to update** in 1 tenant: globex." in comment
        assert '`from_name`: "Hank Scorpio" -> "Hank S"' in comment
        assert_no_secret(stack, comment)


def test_warmup_volume_edited_live_is_named_by_drift_full_and_restored_by_the_nightly_up(
    project: Project, tmp_path: Path
) -> None:
    """The issue's scenario: Smartlead's UI sets jane's warmup to 5/day, rampup 5, reply rate 50."""
    project.up()
    control, key = project.emulator.control, project.emulator.api_key
    jane = next(a for a in control.accounts(key) if a["from_email"] == JANE)
    with project.client() as client:
        # The public endpoint Smartlead's UI uses for the warmup form.
        client.set_warmup(
            jane["id"],
            WarmupSettings(warmup_enabled=True, total_warmup_per_day=5, daily_rampup=5, reply_rate_percentage=50),
        )

    run = mailfleet(
        project, "drift", "--full", "--json", str(tmp_path / "d.json"), "--markdown", str(tmp_path / "d.md")
    )
    markdown, report = (tmp_path / "d.md").read_text(), json.loads((tmp_path / "d.json").read_text())

    assert run.code == 2, run.output
    (acme,) = report["tenants"]
    (changed,) = acme["changed"]
    assert changed["name"] == JANE
    assert changed["fields"] == [
        {"path": "warmup_per_day", "declared": 20, "live": 5},
        {"path": "warmup_reply_rate", "declared": 30, "live": 50},
    ]
    assert "`warmup_per_day`: 20 -> 5" in markdown
    # The rampup comes back in no Smartlead answer: listed as not checkable, with the reason, never as in sync.
    rampup = next(item for item in report["not_checkable"] if item["field"] == "warmup_rampup")
    assert rampup["spec"] == "warmup.rampup" and "rampup" in rampup["reason"]
    assert rampup["mailboxes"] == 5
    assert "Not checkable" in markdown and "`warmup.rampup` on 5 mailboxes" in markdown
    mailboxes = report["deep_checks"]["mailboxes"]
    assert report["deep_checks"]["full"] is True and report["deep_checks"]["checked_tonight"] == mailboxes == 5
    # pages + one read by id per mailbox + clients
    assert report["requests"] == 1 + mailboxes + 1
    assert f"Requests to Smartlead: {1 + mailboxes + 1}." in run.stdout

    project.pulumi.run("up", "--refresh", "--yes", "--skip-preview")

    stored = next(a for a in control.accounts(key) if a["from_email"] == JANE)["_emulator"]
    assert (stored["total_warmup_per_day"], stored["daily_rampup"], stored["reply_rate_percentage"]) == (20, 2, 30)
    run = mailfleet(project, "drift", "--full", "--json", str(tmp_path / "d.json"))
    assert run.code == 0, run.output
    assert json.loads((tmp_path / "d.json").read_text())["drift"] is False


def test_nightly_drift_deep_checks_a_slice_oldest_first(project: Project, tmp_path: Path) -> None:
    project.up()

    first = mailfleet(project, "drift", "--deep-budget", "2", "--json", str(tmp_path / "1.json"))
    second = mailfleet(project, "drift", "--deep-budget", "2", "--json", str(tmp_path / "2.json"))
    third = mailfleet(project, "drift", "--deep-budget", "2", "--json", str(tmp_path / "3.json"))

    assert (first.code, second.code, third.code) == (0, 0, 0), first.output + second.output + third.output
    reports = [json.loads((tmp_path / f"{n}.json").read_text())["deep_checks"] for n in (1, 2, 3)]
    assert [r["checked_tonight"] for r in reports] == [2, 2, 2]
    assert [r["never_checked"] for r in reports] == [3, 1, 0]
    assert reports[0]["nights_for_full_coverage"] == 3
    # Five mailboxes, two a night: the first two nights check four different ones, the third the last one first.
    assert not set(reports[0]["checked"]) & set(reports[1]["checked"])
    left = {m for r in reports[:2] for m in r["checked"]}
    assert len(left | set(reports[2]["checked"])) == 5
    assert "2 of 5 mailboxes were read by id tonight" in third.stdout
