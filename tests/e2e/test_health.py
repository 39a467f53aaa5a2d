"""``mailfleet health`` and the health gate, end to end: the real CLI, pulumi and the emulator.

One story on one stack: a mailbox made critical is reported (exit 2, named in the table, the JSON and the chart); fed
that report, the next ``up`` keeps it on its ramp step and the preview says why, while the others move on (also a
critical one in a tenant with ``health_gate: false``); once healthy again it moves; a no-change preview with the
report makes no API request.
"""

from __future__ import annotations

import json
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from mailfleet.testing.e2e import Project, changed_steps
from mailfleet.testing.projects import mailfleet_command

pytestmark = pytest.mark.e2e

JANE = "jane@acme-mail.example"
JOHN = "john@acme-mail.example"
HANK = "hank@globex-mail.example"


def caps(project: Project) -> dict[str, int]:
    accounts = project.emulator.control.accounts(project.emulator.api_key)
    return {str(a["from_email"]): int(a["message_per_day"]) for a in accounts}


def mailfleet_health(project: Project, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        mailfleet_command("health", "--stack", project.pulumi.stack, *args),
        cwd=project.directory,
        env={**project.pulumi.env(), **env},
        text=True,
        capture_output=True,
        timeout=300,
        check=False,
    )


def test_a_critical_mailbox_is_reported_and_held_on_its_ramp_until_healthy(project: Project, tmp_path: Path) -> None:
    control = project.emulator.control
    start = date.fromisoformat(control.today())
    project.edit_spec("globex", "mailboxes:", "health_gate: false\nmailboxes:")
    project.up(env={"MAILFLEET_TODAY": start.isoformat()})
    ids = {str(a["from_email"]): int(a["id"]) for a in control.accounts(project.emulator.api_key)}
    control.set_health(ids[JANE], "critical")
    control.set_health(ids[HANK], "critical")
    control.advance_days(5)
    later = {"MAILFLEET_TODAY": (start + timedelta(days=5)).isoformat()}

    report, chart = tmp_path / "health.json", tmp_path / "health.png"
    result = mailfleet_health(project, later, "--json", str(report), "--chart", str(chart))
    assert result.returncode == 2, result.stderr
    assert f"Critical: {JANE}, {HANK}" in result.stdout.splitlines()[0]
    assert project.emulator.api_key not in result.stdout + result.stderr + report.read_text()
    data = json.loads(report.read_text())
    assert data["critical"] == [JANE, HANK]
    assert data["summary"]["mailboxes"] == 5 and data["summary"]["critical"] == 2
    jane = next(m for m in data["mailboxes"] if m["email"] == JANE)
    assert jane["class"] == "critical" and jane["reason"].startswith("inbox ")
    assert (jane["warmup_day"], jane["ramp_step"], jane["warmup_complete"], jane["bounce_rate"]) == (6, 2, False, None)
    assert len(jane["days"]) == 6
    assert chart.read_bytes().startswith(b"\x89PNG")

    gated = {**later, "MAILFLEET_HEALTH_REPORT": str(report)}
    steps = changed_steps(project.preview(env=gated))
    assert "max_email_per_day" not in steps[JANE]["detailedDiff"]
    held_step = steps[JANE]["newState"]["inputs"]["ramp_step"]
    assert held_step.startswith("held: critical (inbox ") and "stays at 10/day" in held_step
    assert "max_email_per_day" in steps[HANK]["detailedDiff"]  # its tenant turned the gate off

    project.up(env=gated)
    after = caps(project)
    assert after[JANE] == 10
    assert after[JOHN] == after[HANK] == 20

    control.set_health(ids[JANE], "healthy")
    control.set_health(ids[HANK], "healthy")
    assert mailfleet_health(project, later, "--json", str(report)).returncode == 0
    project.up(env=gated)
    assert set(caps(project).values()) == {20}

    control.clear_requests()
    assert changed_steps(project.preview(env=gated)) == {}
    assert control.requests().entries == []
