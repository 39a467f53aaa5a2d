"""The health gate's decisions, and reading the report the program is pointed at."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailfleet.health.gate import HealthReportError, critical_reason, hold_campaigns, hold_cap, load_health_report

CRITICAL = {"class": "critical", "reason": "inbox 62 %"}


def test_only_critical_holds() -> None:
    assert critical_reason(CRITICAL) == "critical (inbox 62 %)"
    assert critical_reason({"class": "critical", "reason": ""}) == "critical"
    for health in ({"class": "warning", "reason": "inbox 80 %"}, {"class": "healthy"}, {"class": "unknown"}, None, "x"):
        assert critical_reason(health) is None


def test_a_held_mailbox_keeps_its_previous_cap_and_says_why() -> None:
    cap, step = hold_cap("critical (inbox 62 %)", 10, 20, "standard step 2/7: days 6-10 at 20/day")
    assert cap == 10
    assert step.startswith("held: critical (inbox 62 %): stays at 10/day")
    assert "standard step 2/7" in step
    assert hold_cap("critical", 10.0, 20, "s") == (10, "held: critical: stays at 10/day; ramp today: s")


def test_the_gate_never_raises_a_cap_nor_holds_without_cause() -> None:
    assert hold_cap(None, 10, 20, "step 2") == (20, "step 2")
    assert hold_cap("critical", 30, 20, "step 2") == (20, "step 2")  # a lower ramp still applies
    assert hold_cap("critical", 20, 20, "step 2") == (20, "step 2")
    assert hold_cap("critical", None, 10, "step 1") == (10, "step 1")  # new mailbox: nothing to hold at


def test_a_held_mailbox_joins_no_new_campaign_but_stays_in_its_own() -> None:
    kept, text = hold_campaigns("critical (inbox 62 %)", [1], [1, 2, 3], "")
    assert kept == [1]
    assert text == "held: critical (inbox 62 %): not attached to campaign(s) 2, 3 until it is no longer critical"
    assert hold_campaigns("critical", [1, 2], [1], "") == ([1], "")  # leaving a campaign is never held
    assert hold_campaigns(None, [], [1, 2], "") == ([1, 2], "")
    assert hold_campaigns("critical", None, [], "joins later") == ([], "joins later")


def test_report_loading(tmp_path: Path) -> None:
    path = tmp_path / "health.json"
    path.write_text(
        json.dumps(
            {
                "mailboxes": [
                    {"email": "Jane@Acme.example", "class": "critical", "reason": "inbox 55 %"},
                    {"email": "john@acme.example", "class": "healthy", "reason": ""},
                    {"email": 3, "class": "healthy"},
                ]
            }
        )
    )
    report = load_health_report(path)
    assert set(report) == {"jane@acme.example", "john@acme.example"}
    assert report["jane@acme.example"].as_input() == {"class": "critical", "reason": "inbox 55 %"}


@pytest.mark.parametrize(("text", "message"), [("{", "not JSON"), ("[]", "no 'mailboxes' list")])
def test_unreadable_reports_fail_clearly(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "health.json"
    path.write_text(text)
    with pytest.raises(HealthReportError, match=message):
        load_health_report(path)
    with pytest.raises(HealthReportError, match="cannot read"):
        load_health_report(tmp_path / "missing.json")
