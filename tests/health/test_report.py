"""The health report: assessment, JSON, the terminal table and the chart."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from rich.console import Console

from mailfleet.health.assess import ramp_standing
from mailfleet.health.chart import ChartError, write_chart
from mailfleet.health.report import build_report, render, summary_line, write_json
from mailfleet.health.thresholds import HealthClass
from mailfleet.spec.ramps import STANDARD
from tests.health._support import TODAY, fleet, mailbox, stats, with_stats


def test_assessment_uses_seven_day_totals_and_per_day_rates() -> None:
    result = with_stats(mailbox("a@x.example"), stats([1.0, 0.5]))
    assert (result.sent, result.inbox, result.spam) == (40, 30, 10)
    assert result.inbox_rate == 0.75
    assert result.spam_placement_rate == 0.25
    assert result.health is HealthClass.WARNING
    assert [p.inbox_rate for p in result.days] == [1.0, 0.5]


def test_no_warmup_mail_is_unknown_not_critical() -> None:
    result = fleet()[-1]
    assert result.health is HealthClass.UNKNOWN
    assert result.inbox_rate is None


@pytest.mark.parametrize(
    ("days_ago", "day", "step", "per_day", "complete"),
    [(0, 1, 1, 10, False), (5, 6, 2, 20, False), (29, 30, 6, 60, False), (30, 31, 7, 75, True)],
)
def test_ramp_standing(days_ago: int, day: int, step: int, per_day: int, complete: bool) -> None:
    from datetime import timedelta

    standing = ramp_standing(STANDARD, TODAY - timedelta(days=days_ago), TODAY)
    assert (standing.warmup_day, standing.step, standing.steps, standing.per_day, standing.complete) == (
        day,
        step,
        7,
        per_day,
        complete,
    )


def test_held_means_the_applied_cap_is_below_the_ramp() -> None:
    jane, john = fleet()[:2]
    assert jane.held and not john.held


def test_json_report(tmp_path: Path) -> None:
    path = tmp_path / "out" / "health.json"
    write_json(build_report(fleet(), stack="local", today=TODAY.isoformat()), path)
    report = json.loads(path.read_text())
    assert report["summary"] == {"mailboxes": 5, "unknown": 1, "healthy": 2, "warning": 1, "critical": 1}
    assert report["critical"] == ["jane@acme.example"]
    jane = report["mailboxes"][0]
    assert jane["class"] == "critical" and jane["reason"].startswith("inbox ")
    assert jane["bounce_rate"] is None and jane["spam_rate"] is None
    assert jane["warmup_day"] == 10 and jane["ramp_step"] == 2 and jane["held"] is True
    assert len(jane["days"]) == 7
    assert report["mailboxes"][3]["warmup_complete"] is True
    assert {t["metric"] for t in report["thresholds"]} == {"inbox_rate", "bounce_rate", "spam_rate"}


def test_table_groups_by_tenant_and_names_the_critical_mailbox() -> None:
    console = Console(width=200, record=True, color_system=None)
    render(fleet(), console)
    text = console.export_text()
    assert text.splitlines()[0] == summary_line(fleet())
    assert "Critical: jane@acme.example" in text
    assert text.index("tenant acme") < text.index("│ jane@acme.example") < text.index("tenant globex")
    assert "held at 10/day" in text
    assert "complete" in text and "n/a" in text


def test_png_chart(tmp_path: Path) -> None:
    path = tmp_path / "health.png"
    write_chart(fleet(), path, title="test")
    data = path.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    assert len(data) > 10_000


def test_svg_chart(tmp_path: Path) -> None:
    path = tmp_path / "health.svg"
    write_chart(fleet(), path, title="test")
    root = ET.parse(path).getroot()
    assert root.tag.endswith("svg")
    assert "jane@acme.example" in path.read_text()


def test_chart_wants_png_or_svg(tmp_path: Path) -> None:
    with pytest.raises(ChartError, match=r"\.png or \.svg"):
        write_chart(fleet(), tmp_path / "health.jpg", title="x")


def test_past_twelve_tenants_one_panel_pools_each_tenant(tmp_path: Path) -> None:
    from mailfleet.health.chart import tenant_series

    results = [
        with_stats(
            mailbox(f"m{i}@t{t:03}.example", tenant=f"t{t:03}"), stats([0.55 if t == 7 and i == 0 else 0.97] * 7)
        )
        for t in range(100)
        for i in range(10)
    ]
    sick = tenant_series("t007", [r for r in results if r.mailbox.tenant == "t007"])
    assert sick.health is HealthClass.CRITICAL and sick.named and sick.label == "t007  (1 of 10 critical)"
    assert sick.points[0][1] == 91.0  # pooled: (9 x 19 + 11) of 200 sent reached the inbox
    assert not tenant_series("t001", [r for r in results if r.mailbox.tenant == "t001"]).named
    path = tmp_path / "fleet.svg"
    write_chart(results, path, title="1,000 mailboxes")
    text = path.read_text()
    assert "t007  (1 of 10 critical)" in text and "t001" not in text


@pytest.mark.parametrize("days", [1, 7, 90])
def test_chart_is_drawn_without_warnings_for_1_7_and_90_days(
    days: int, tmp_path: Path, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    from datetime import timedelta

    results = [with_stats(mailbox(f"m{i}@acme.example"), stats([0.97 if i else 0.6] * days)) for i in range(3)]
    fleet = {TODAY - timedelta(days=d): {"healthy": 2, "critical": 1} for d in range(days)}
    with caplog.at_level("WARNING"):
        write_chart(results, tmp_path / "c.svg", title="t", fleet=fleet)
    assert caplog.records == [] and capfd.readouterr().err == ""
    text = (tmp_path / "c.svg").read_text()
    assert "fleet: mailboxes per class, by night" in text
    assert f"{days} day{'s' if days != 1 else ''} of data" in text


def test_a_mailbox_without_per_day_data_shows_tonights_rate(tmp_path: Path) -> None:
    from mailfleet.health.assess import Evidence, assess
    from mailfleet.health.chart import mailbox_series
    from mailfleet.smartlead.models import EmailAccount, WarmupDetails

    account = EmailAccount(id=1, from_email="a@x.example", is_smtp_success=True, is_imap_success=True,
                           warmup=WarmupDetails(status="ACTIVE", total_sent_count=40, total_spam_count=2))  # fmt: skip
    result = assess(mailbox("a@x.example"), Evidence(account=account), TODAY)
    assert result.inbox_measure.source == "listing" and result.inbox_rate == 0.95
    assert mailbox_series(result).points == [(TODAY, 95.0)]


def test_json_report_carries_each_mailboxs_recent_nights_and_listed_campaigns() -> None:
    from datetime import timedelta

    from mailfleet.health.history import Night

    earlier = {
        "jane@acme.example": [
            Night(TODAY - timedelta(days=2), "jane@acme.example", 1, 10, 1, "critical", "bounce 6.1 %"),
            Night(TODAY - timedelta(days=1), "jane@acme.example", 1, 20, 2, "healthy", ""),
        ]
    }
    report = build_report(fleet(), stack="local", today=TODAY.isoformat(), earlier=earlier)
    jane, john = report["mailboxes"][:2]
    assert jane["nights"] == {
        "from": (TODAY - timedelta(days=2)).isoformat(),
        "classes": "chc",
        "last_critical_reason": jane["reason"],
    }
    assert john["nights"]["classes"] == john["class"][0] and john["nights"]["from"] == TODAY.isoformat()
    assert "campaigns" in jane
