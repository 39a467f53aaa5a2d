from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from mailfleet.health.gate import HealthInput, load_health_report
from mailfleet.health.thresholds import HealthClass
from mailfleet.pools.inputs import member_of, plan_from_report, pool_inputs, report_night
from tests.pools._support import POOL, TONIGHT, tenant

A, D = "a@x.example", "d@x.example"
NIGHTS = {"from": "2026-12-09", "classes": "hc", "last_critical_reason": "bounce 6.1 %"}


def report(tmp_path: Path) -> dict[str, HealthInput]:
    rows: list[dict[str, object]] = [
        {"email": e, "class": "healthy", "reason": "", "warmup_day": 40, "campaigns": [48213], "nights": {}}
        for e in ("b@x.example", "c@x.example")
    ]
    rows.append({"email": "A@x.example", "class": "critical", "reason": "bounce 6.1 %", "warmup_day": 40,
                 "campaigns": [48213], "nights": NIGHTS})  # fmt: skip
    rows.append({"email": D, "class": "healthy", "reason": "", "warmup_day": 40, "campaigns": [], "nights": {}})
    path = tmp_path / "health.json"
    path.write_text(json.dumps({"date": TONIGHT.isoformat(), "mailboxes": rows}))
    return load_health_report(path)


def test_the_report_row_gives_the_pool_its_inputs(tmp_path: Path) -> None:
    health = report(tmp_path)
    assert report_night(health) == TONIGHT
    member = member_of(health[A])
    assert (member.health, member.warmup_day, member.campaigns) == (HealthClass.CRITICAL, 40, frozenset({48213}))
    assert [n.health for n in member.nights.nights] == [HealthClass.HEALTHY, HealthClass.CRITICAL]
    assert member_of(HealthInput("bogus", "")).health is HealthClass.UNKNOWN
    assert report_night({}) is None and report_night({A: HealthInput("healthy", "", night="soon")}) is None


def test_pool_inputs_carry_the_campaigns_the_note_and_the_cap(tmp_path: Path) -> None:
    spec = tenant(POOL)
    plans, pools = plan_from_report(spec, report(tmp_path))
    assert pools[0].active == ("b@x.example", "c@x.example", D)
    resting = pool_inputs(spec, spec.mailboxes[0], plans[A])
    assert resting["campaigns"] == [] and resting["campaign_min_warmup_days"] == 30
    assert resting["pool"] == {
        "campaigns": [48213],
        "note": f"resting: bounce 6.1 % > 5 % since {TONIGHT}; replaced by {D} in campaign 48213",
        "cap": {"per_day": 10, "why": "resting (pool of campaign 48213)"},
    }
    assert pool_inputs(spec, spec.mailboxes[3], plans[D])["campaigns"] == [48213]
    assert pool_inputs(spec, spec.mailboxes[4], plans.get("e@x.example")) == {}  # in no pool: nothing added


def test_with_the_health_gate_off_the_pool_ignores_the_report(tmp_path: Path) -> None:
    _, pools = plan_from_report(replace(tenant(POOL), health_gate=False), report(tmp_path))
    assert pools[0].active == POOL.mailboxes
