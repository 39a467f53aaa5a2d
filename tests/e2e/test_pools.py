"""Campaign pools end to end on the emulator's clock: the real CLI, ``mailfleet health`` and ``pulumi``.

A pool of 3 active mailboxes and 1 reserve. One active mailbox's campaign mail bounces (critical); the next ``up``
detaches it and attaches the reserve, the request log shows both and the preview says why. Its mail recovers, it
rests until 3 healthy nightly reports have passed, then it is re-admitted, the reserve goes back to reserve, and the
pool is at its target. A no-change preview after that makes no request.
"""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from mailfleet.reports.comment import Preview, render_comment
from mailfleet.testing.e2e import Project, changed_steps
from tests.e2e.test_health import mailfleet_health

pytestmark = pytest.mark.e2e

JANE, JOHN, MAX, DORA = (f"{name}@acme-mail.example" for name in ("jane", "john", "max", "dora"))
CAMPAIGN = 48213
POOL = f"""\
campaign_min_warmup_days: 1
pools:
  - campaign: {CAMPAIGN}
    active: 3
    mailboxes: [{JANE}, {JOHN}, {MAX}]
    reserves: [{DORA}]
    rest_per_day: 5
mailboxes:
  - email: {DORA}
    from_name: Dora Reserve
    password: {{secret: acme-dora}}
"""


def senders(project: Project) -> list[str]:
    with project.client() as client:
        return sorted(a.from_email for a in client.list_campaign_accounts(CAMPAIGN))


def pool_note(step: dict[str, Any]) -> str:
    return str(step["newState"]["inputs"]["pool"]["note"])


def test_a_burned_mailbox_rests_its_reserve_stands_in_and_it_is_readmitted_after_three_healthy_nights(
    project: Project, tmp_path: Path
) -> None:
    control = project.emulator.control
    control.seed_campaign(api_key=project.emulator.api_key, id=CAMPAIGN, name="Outbound", status="ACTIVE")
    project.edit_spec("acme", "mailboxes:\n", POOL)
    project.pulumi.fill_missing_secrets(["acme-dora"])
    # Campaign bounces over the last 2 days, from 5 mails: a resting mailbox reads "not enough data" soon.
    project.pulumi.set_config({"mailfleet:bounceWindowDays": "2", "mailfleet:bounceMinSent": "5"})
    report = tmp_path / "health.json"
    start = date.fromisoformat(control.today())
    night = 0

    def env() -> dict[str, str]:
        return {"MAILFLEET_TODAY": (start + timedelta(days=night)).isoformat(), "MAILFLEET_HEALTH_REPORT": str(report)}

    def next_night() -> dict[str, Any]:
        """Advance the clock a day, run the nightly report, return tonight's row for jane."""
        nonlocal night
        night += 1
        control.advance_days(1)
        result = mailfleet_health(project, env(), "--json", str(report))
        assert result.returncode in (0, 2), result.stderr
        rows: dict[str, dict[str, Any]] = {row["email"]: row for row in json.loads(report.read_text())["mailboxes"]}
        return rows[JANE]

    project.up(env=env())  # no report yet: the declared senders join, the reserve waits
    assert senders(project) == [JANE, JOHN, MAX]
    ids = {str(a["from_email"]): int(a["id"]) for a in control.accounts(project.emulator.api_key)}
    next_night()
    project.up(env=env())

    # 1. Jane's campaign mail bounces: critical.
    control.set_health(ids[JANE], {"name": "healthy", "bounce_rate": 0.3})
    jane = next_night()
    assert jane["class"] == "critical" and jane["reason"].startswith("bounce "), jane
    rested_on = (start + timedelta(days=night)).isoformat()

    # 2. The preview says why; the up detaches jane and attaches dora.
    preview = project.preview(env=env())
    steps = changed_steps(preview)
    assert pool_note(steps[JANE]).startswith(f"resting: {jane['reason']} > 5 % since {rested_on}; replaced by {DORA}")
    assert pool_note(steps[DORA]) == f"active: replaces {JANE} in campaign {CAMPAIGN}"
    assert steps[JANE]["newState"]["inputs"]["attached_campaigns"] == []
    assert steps[JANE]["newState"]["inputs"]["ramp_step"].startswith("resting (pool of campaign 48213): 5/day")
    text = project.pulumi.run("preview", "--diff", extra_env=env()).stdout
    assert "resting: bounce" in text and f"replaced by {DORA}" in text
    comment, _ = render_comment(Preview.of_digest("e2e", preview))
    assert f"- `{JANE}`: resting: {jane['reason']} > 5 % since {rested_on}; replaced by {DORA} in campaign" in comment
    control.clear_requests()
    project.up(env=env())
    log = control.requests().entries
    assert sorted(e.endpoint for e in log if "/campaigns/" in e.endpoint) == [
        "DELETE /campaigns/{campaign_id}/email-accounts",
        "POST /campaigns/{campaign_id}/email-accounts",
    ]
    assert senders(project) == [DORA, JOHN, MAX]
    accounts = {str(a["from_email"]): a for a in control.accounts(project.emulator.api_key)}
    assert accounts[JANE]["message_per_day"] == 5  # the pool's rest level
    assert accounts[JANE]["warmup_details"]["status"] == "ACTIVE"  # warmup stays on

    # 3. Its mail recovers; it rests until three healthy reports in a row have followed its last critical one.
    control.set_health(ids[JANE], "healthy")
    healthy = 0
    while healthy < 3:
        jane = next_night()
        healthy = healthy + 1 if jane["class"] in ("healthy", "unknown") else 0
        project.up(env=env())
        if healthy < 3:
            assert senders(project) == [DORA, JOHN, MAX], (night, jane["class"])
        assert night < 12, "jane never read healthy"

    # 4. Re-admitted: back in the campaign, dora back to reserve, the pool at its target.
    assert senders(project) == [JANE, JOHN, MAX]
    control.clear_requests()
    assert changed_steps(project.preview(env=env())) == {}
    assert control.requests().entries == []
