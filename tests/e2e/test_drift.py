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


def drift(project: Project, reports: Path) -> tuple[Run, str, dict[str, Any]]:
    run = mailfleet(project, "drift", "--json", str(reports / "d.json"), "--markdown", str(reports / "d.md"))
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
