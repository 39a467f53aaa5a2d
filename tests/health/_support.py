"""Synthetic warmup stats for health tests."""

from __future__ import annotations

from datetime import date, timedelta

from mailfleet.health.assess import Evidence, MailboxHealth, ManagedMailbox, assess
from mailfleet.smartlead.models import DailyWarmupStat, WarmupStats
from mailfleet.spec.ramps import STANDARD

TODAY = date(2026, 3, 10)


def stats(inbox_rates: list[float], sent: int = 20) -> WarmupStats:
    first = TODAY - timedelta(days=len(inbox_rates) - 1)
    days = tuple(
        DailyWarmupStat(first + timedelta(days=i), sent_count=sent, save_from_spam_count=round(sent * (1 - rate)))
        for i, rate in enumerate(inbox_rates)
    )
    total, spam = sum(d.sent_count for d in days), sum(d.save_from_spam_count for d in days)
    return WarmupStats(account_id=1, sent=total, spam=spam, inbox=total - spam, days=days)


def mailbox(email: str, tenant: str = "acme", started_days_ago: int = 9, cap: int | None = 20) -> ManagedMailbox:
    return ManagedMailbox(
        tenant=tenant,
        email=email,
        account_id=abs(hash(email)) % 10_000,
        warmup_started_on=TODAY - timedelta(days=started_days_ago),
        ramp=STANDARD,
        max_email_per_day=cap,
    )


def with_stats(box: ManagedMailbox, warmup: WarmupStats) -> MailboxHealth:
    return assess(box, Evidence(stats=warmup), TODAY)


def fleet() -> list[MailboxHealth]:
    return [
        with_stats(mailbox("jane@acme.example", cap=10), stats([0.97, 0.9, 0.7, 0.6, 0.55, 0.5, 0.55])),
        with_stats(mailbox("john@acme.example"), stats([0.95, 0.97, 1.0, 0.95, 0.97, 1.0, 0.95])),
        with_stats(mailbox("max@acme.example"), stats([0.9, 0.85, 0.8, 0.8, 0.85, 0.8, 0.8])),
        with_stats(mailbox("hank@globex.example", "globex", 40, 75), stats([1.0] * 7)),
        with_stats(mailbox("frank@globex.example", "globex", 0, 10), WarmupStats()),
    ]
