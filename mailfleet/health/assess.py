"""One mailbox's health from its warmup stats, with where it stands on its warmup and sending ramp.

Sources (research/smartlead-api.md §4.2): ``GET /email-accounts/{id}/warmup-stats`` gives the last 7 days of warmup
mail: sent, spam and inbox totals and per-day sent and spam ("saved from spam") counts.
- inbox rate = inbox / sent over those 7 days, and per day (sent - spam) / sent: classified by the inbox thresholds.
- spam placement = spam / sent is reported, but it is just 1 - inbox rate for warmup mail. The design brief's spam
  thresholds (0.1 % / 0.3 %) are Gmail's user-reported spam *complaint* rate (research/anchors.md §2.3), which no
  public Smartlead endpoint returns; so ``spam_rate`` is ``None`` ("n/a") and not classified. Classifying placement
  against 0.3 % would call a mailbox with 98 % of its warmup mail in the inbox critical.
- bounce rate: the public API has no bounce figure for a mailbox (warmup stats have none; bounces exist only as
  campaign webhook events), so ``bounce_rate`` is ``None`` ("n/a") too. Both stay in the model so that a source can
  be plugged in later and is classified by the same thresholds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mailfleet.health.thresholds import HealthClass, Verdict, classify
from mailfleet.smartlead.models import WarmupStats
from mailfleet.spec.model import Ramp
from mailfleet.spec.ramps import WARMUP_COMPLETE_DAYS


@dataclass(frozen=True)
class ManagedMailbox:
    """A mailbox as the stack knows it (the Mailbox resource's outputs)."""

    tenant: str
    email: str
    account_id: int
    warmup_started_on: date | None = None
    ramp: Ramp | None = None
    max_email_per_day: int | None = None
    """The daily cap the stack last applied (lower than the ramp's when the health gate held it)."""


@dataclass(frozen=True)
class DayPoint:
    day: date
    sent: int
    spam: int

    @property
    def inbox_rate(self) -> float | None:
        return (self.sent - self.spam) / self.sent if self.sent > 0 else None


@dataclass(frozen=True)
class RampStanding:
    warmup_day: int
    """1 on the day warmup started."""
    step: int
    """1-based step on the ramp for today."""
    steps: int
    per_day: int
    """The ramp's daily cap for today."""
    complete: bool
    """Warmup is complete after 30 full days (from warmup day 31 on)."""


def ramp_standing(ramp: Ramp, started_on: date, today: date) -> RampStanding:
    day = max((today - started_on).days + 1, 1)
    index = ramp.step_index_on(day)
    return RampStanding(
        warmup_day=day,
        step=index + 1,
        steps=len(ramp.steps),
        per_day=ramp.steps[index].per_day,
        complete=day > WARMUP_COMPLETE_DAYS,
    )


@dataclass(frozen=True)
class MailboxHealth:
    mailbox: ManagedMailbox
    sent: int
    inbox: int
    spam: int
    verdict: Verdict
    days: tuple[DayPoint, ...]
    standing: RampStanding | None

    @property
    def health(self) -> HealthClass:
        return self.verdict.health

    @property
    def inbox_rate(self) -> float | None:
        return self.inbox / self.sent if self.sent > 0 else None

    @property
    def spam_placement_rate(self) -> float | None:
        return self.spam / self.sent if self.sent > 0 else None

    @property
    def held(self) -> bool:
        """The stack's applied cap is below the ramp's for today (the health gate held it back)."""
        applied = self.mailbox.max_email_per_day
        return self.standing is not None and applied is not None and applied < self.standing.per_day


def assess(mailbox: ManagedMailbox, stats: WarmupStats, today: date) -> MailboxHealth:
    days = tuple(DayPoint(d.date, d.sent_count, max(d.spam_count, d.save_from_spam_count)) for d in stats.days)
    inbox = stats.inbox if stats.inbox or not stats.sent else max(stats.sent - stats.spam, 0)
    inbox_rate = inbox / stats.sent if stats.sent > 0 else None
    standing = None
    if mailbox.ramp is not None and mailbox.warmup_started_on is not None:
        standing = ramp_standing(mailbox.ramp, mailbox.warmup_started_on, today)
    return MailboxHealth(
        mailbox=mailbox,
        sent=stats.sent,
        inbox=inbox,
        spam=stats.spam,
        verdict=classify(inbox_rate, bounce_rate=None, spam_rate=None),
        days=days,
        standing=standing,
    )
