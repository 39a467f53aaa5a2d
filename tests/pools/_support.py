"""Pools and report members for the planner tests, written by night letters (``"hhc"``: healthy, healthy, critical)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from mailfleet.health.thresholds import HealthClass
from mailfleet.pools.nights import Nights
from mailfleet.pools.plan import Member
from mailfleet.spec.model import ClientSpec, Location, Mailbox, Pool, SecretRef, Tenant
from mailfleet.spec.ramps import STANDARD

TONIGHT = date(2026, 12, 10)
_CLASSES = {"h": HealthClass.HEALTHY, "u": HealthClass.UNKNOWN, "w": HealthClass.WARNING, "c": HealthClass.CRITICAL}


def member(
    letters: str = "h",
    *,
    reason: str = "bounce 6.1 %",
    campaigns: tuple[int, ...] = (),
    warmup_day: int = 40,
    tonight: date = TONIGHT,
) -> Member:
    """A member whose nights end tonight with the last letter; ``reason`` is that of its last critical night."""
    start = tonight - timedelta(days=len(letters) - 1)
    nights = Nights.from_json(
        {"from": start.isoformat(), "classes": letters, "last_critical_reason": reason if "c" in letters else ""}
    )
    health = _CLASSES[letters[-1]]
    return Member(
        health=health,
        reason=reason if health is HealthClass.CRITICAL else "",
        warmup_day=warmup_day,
        campaigns=frozenset(campaigns),
        nights=nights,
    )


def mailbox(email: str) -> Mailbox:
    return Mailbox(
        email=email,
        settings={"password": SecretRef("secret", "p")},
        ramp=STANDARD,
        on_remove="retain",
        tags=(),
        campaigns=(),
        location=Location("acme.yaml", 1, 1),
    )


EMAILS = ("a@x.example", "b@x.example", "c@x.example", "d@x.example", "e@x.example")


def tenant(*pools: Pool, emails: tuple[str, ...] = EMAILS) -> Tenant:
    return Tenant(
        name="acme",
        client=ClientSpec("Acme", "ops@acme.example"),
        mailboxes=tuple(mailbox(e) for e in emails),
        webhooks=(),
        on_remove="retain",
        campaign_min_warmup_days=30,
        health_gate=True,
        source=Path("acme.yaml"),
        location=Location("acme.yaml", 1, 1),
        pools=pools,
    )


POOL = Pool(
    campaign=48213, active=3, mailboxes=("a@x.example", "b@x.example", "c@x.example"), reserves=("d@x.example",)
)
