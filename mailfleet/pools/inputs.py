"""From the health report to the Mailbox resource's pool inputs (what ``resources/fleet.py`` calls).

The program sees the pools' state through the nightly report alone: each row's class and reason, warmup day, the
campaigns the account listing showed it in (the live attachments as of that night) and its recent nights. It opens no
history store and makes no request, so a preview with no change stays free.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from mailfleet.health.gate import HealthInput
from mailfleet.health.thresholds import HealthClass
from mailfleet.pools.nights import Nights
from mailfleet.pools.plan import MailboxPlan, Member, PoolPlan, plan_tenant
from mailfleet.spec.model import Mailbox, Tenant

POOL_KEY = "pool"


def member_of(verdict: HealthInput) -> Member:
    try:
        health = HealthClass(verdict.health)
    except ValueError:
        health = HealthClass.UNKNOWN
    return Member(
        health=health,
        reason=verdict.reason,
        warmup_day=verdict.warmup_day,
        campaigns=frozenset(verdict.campaigns) if verdict.campaigns is not None else None,
        nights=Nights.from_json(verdict.nights),
    )


def report_night(health: Mapping[str, HealthInput]) -> date | None:
    night = next((v.night for v in health.values() if v.night), None)
    try:
        return date.fromisoformat(night) if night else None
    except ValueError:
        return None


def plan_from_report(
    tenant: Tenant, health: Mapping[str, HealthInput]
) -> tuple[dict[str, MailboxPlan], list[PoolPlan]]:
    """The tenant's pool plan; with the health gate off, on no evidence (every declared sender, no reserve)."""
    report = health if tenant.health_gate else {}
    members = {email: member_of(verdict) for email, verdict in report.items()}
    return plan_tenant(tenant, members, report_night(report))


def pool_inputs(tenant: Tenant, mailbox: Mailbox, plan: MailboxPlan | None) -> dict[str, Any]:
    """The inputs a pool member adds: its campaigns (declared plus the pools'), and ``pool`` (note, cap, pools).

    ``pool.campaigns`` are all the pool campaigns it belongs to, so that refresh also sees it attached to one by hand.
    """
    if plan is None:
        return {}
    member_of_pools = sorted(pool.campaign for pool in tenant.pools if mailbox.email in pool.members)
    pool: dict[str, Any] = {"campaigns": member_of_pools, "note": plan.note}
    if plan.cap is not None:
        pool["cap"] = {"per_day": plan.cap.per_day, "why": plan.cap.why}
    return {
        "campaigns": sorted(set(mailbox.campaigns) | plan.campaigns),
        "campaign_min_warmup_days": tenant.campaign_min_warmup_days,
        POOL_KEY: pool,
    }
