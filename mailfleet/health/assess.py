"""One mailbox's health from what was gathered about it, with where it stands on its warmup and sending ramp.

What counts (each is a :class:`~mailfleet.health.thresholds.Finding`; the class is the worst, reasons worst first):
- connection, from the account listing: ``is_smtp_success`` / ``is_imap_success`` false is critical, with the error;
- warmup blocked (listing ``blocked_reason``): critical;
- inbox rate, from the best source at hand: the 7-day warmup stats when they were fetched (``--detail``, borderline
  or blocked mailboxes), else the last 7 nights of the history, else the listing's warmup totals since warmup started;
- bounce rate of campaign mail over a trailing window (:mod:`mailfleet.health.bounce`); below the minimum volume it is
  "not enough data" and does not count;
- spam complaint rate: Smartlead has no source for it (``None``, shown once in the report);
- DNS authentication of the mailbox's domain (:mod:`mailfleet.health.dnsauth`): a failing check is critical, a weak
  one a warning, an unknown one (timeout, SERVFAIL) changes nothing and is shown as unknown.

The warmup ``spam_count / sent_count`` is reported as spam-folder placement but not classified: for warmup mail it is
exactly 1 - inbox rate, and the brief's 0.1 % / 0.3 % are Gmail's complaint thresholds (research/anchors.md §2.3).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from mailfleet.health.thresholds import INBOX, Finding, HealthClass, Verdict, combine, grade
from mailfleet.smartlead.models import EmailAccount, WarmupStats
from mailfleet.spec.model import Ramp
from mailfleet.spec.ramps import WARMUP_COMPLETE_DAYS

BORDERLINE_MARGIN = 0.05
"""A listing inbox rate within this of a threshold (65-75 %, 85-95 %) is borderline: worth its 7-day stats."""
NOT_ENOUGH_DATA = "not enough data"


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
    backend: str = "smartlead"
    workspace: Mapping[str, Any] | None = field(default=None, compare=False)
    """An Instantly mailbox's workspace input (its id and key reference, never a key)."""

    @property
    def domain(self) -> str:
        return self.email.rpartition("@")[2].lower()


@dataclass(frozen=True)
class DayPoint:
    day: date
    sent: int
    spam: int

    @property
    def inbox_rate(self) -> float | None:
        return (self.sent - self.spam) / self.sent if self.sent > 0 else None


@dataclass(frozen=True)
class Measure:
    """One rate with what it was computed from: ``hits`` of ``count`` (spam of sent, bounced of sent)."""

    rate: float | None
    count: int
    hits: int
    window: str
    """``"7 days"``, ``"since warmup start"``..."""
    source: str
    """``"warmup-stats"``, ``"history"``, ``"listing"``, ``"name-wise-health-metrics"``, ``"mailbox-statistics"``."""
    status: str = "ok"
    """``"ok"``, or ``"not enough data"`` (below the minimum volume: not classified)."""


@dataclass(frozen=True)
class DnsCheck:
    """One DNS check of a domain: ``status`` is ``pass``, ``warn``, ``fail`` or ``unknown``."""

    name: str
    status: str
    detail: str


@dataclass(frozen=True)
class DomainAuth:
    domain: str
    checks: tuple[DnsCheck, ...]
    skipped: str | None = None
    """Why nothing was asked (``dns: false``, a reserved name with the system resolver); None when checked."""

    @property
    def status(self) -> str:
        """The worst check: ``fail`` > ``warn`` > ``unknown`` > ``pass``; ``skipped`` when not checked."""
        if self.skipped:
            return "skipped"
        order = ("fail", "warn", "unknown", "pass")
        return next((s for s in order if any(c.status == s for c in self.checks)), "pass")

    def findings(self) -> list[Finding]:
        levels = {"fail": HealthClass.CRITICAL, "warn": HealthClass.WARNING}
        return [Finding(levels[c.status], f"{c.name}: {c.detail}") for c in self.checks if c.status in levels]


@dataclass(frozen=True)
class Placement:
    """A mailbox's latest SmartDelivery placement result."""

    test_id: int
    day: date
    inbox_rate: float
    spam_rate: float


@dataclass(frozen=True)
class InboxHistory:
    """What the nightly history adds for one mailbox (no request of its own)."""

    days: tuple[DayPoint, ...] = ()
    trends: dict[str, float | None] = field(default_factory=dict)
    """Inbox rate since the previous night (``today``), over the last 7 and 30 nights (``7d``, ``30d``)."""
    week: Measure | None = None
    """The inbox rate over the last 7 nights, when the history covers them."""


@dataclass(frozen=True)
class Evidence:
    """Everything gathered about one mailbox; each part may be missing."""

    account: EmailAccount | None = None
    stats: WarmupStats | None = None
    history: InboxHistory | None = None
    bounce: Measure | None = None
    dns: DomainAuth | None = None
    placement: Placement | None = None
    inbox: Measure | None = None
    """The vendor's own inbox measure when it has one (Instantly's warmup analytics)."""
    findings: tuple[Finding, ...] = ()
    """The vendor's own connection and warmup problems (Instantly's account and warmup status)."""


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
    inbox_measure: Measure
    verdict: Verdict
    days: tuple[DayPoint, ...]
    standing: RampStanding | None
    evidence: Evidence = field(default_factory=Evidence)
    today: date | None = None

    @property
    def health(self) -> HealthClass:
        return self.verdict.health

    @property
    def sent(self) -> int:
        return self.inbox_measure.count

    @property
    def spam(self) -> int:
        return self.inbox_measure.hits

    @property
    def inbox(self) -> int:
        return max(self.sent - self.spam, 0)

    @property
    def inbox_rate(self) -> float | None:
        return self.inbox_measure.rate

    @property
    def spam_placement_rate(self) -> float | None:
        return self.spam / self.sent if self.sent > 0 else None

    @property
    def bounce(self) -> Measure | None:
        return self.evidence.bounce

    @property
    def bounce_rate(self) -> float | None:
        bounce = self.evidence.bounce
        return bounce.rate if bounce is not None and bounce.status == "ok" else None

    @property
    def held(self) -> bool:
        """The stack's applied cap is below the ramp's for today (the health gate held it back)."""
        applied = self.mailbox.max_email_per_day
        return self.standing is not None and applied is not None and applied < self.standing.per_day


def listing_inbox(account: EmailAccount | None) -> Measure | None:
    """The inbox rate from the listing's warmup totals (since warmup started)."""
    if account is None or account.warmup is None:
        return None
    sent, spam = account.warmup.total_sent_count, min(account.warmup.total_spam_count, account.warmup.total_sent_count)
    rate = (sent - spam) / sent if sent > 0 else None
    return Measure(rate, sent, spam, "since warmup start", "listing")


def stats_inbox(stats: WarmupStats) -> Measure:
    inbox = stats.inbox if stats.inbox or not stats.sent else max(stats.sent - stats.spam, 0)
    spam = max(stats.sent - inbox, 0)
    return Measure(inbox / stats.sent if stats.sent > 0 else None, stats.sent, spam, "7 days", "warmup-stats")


def needs_detail(account: EmailAccount) -> bool:
    """Blocked, or a listing inbox rate near a threshold: the 7-day stats may change the class."""
    if account.warmup is not None and (account.warmup.is_blocked or account.warmup.blocked_reason):
        return True
    measure = listing_inbox(account)
    if measure is None or measure.rate is None:
        return False
    return any(abs(measure.rate - boundary) <= BORDERLINE_MARGIN for boundary in (INBOX.healthy, INBOX.critical))


def _inbox_measure(evidence: Evidence) -> Measure:
    candidates = [
        evidence.inbox,
        stats_inbox(evidence.stats) if evidence.stats is not None else None,
        evidence.history.week if evidence.history is not None else None,
        listing_inbox(evidence.account),
    ]
    usable = [m for m in candidates if m is not None]
    with_mail = [m for m in usable if m.count > 0]
    if with_mail:
        return with_mail[0]
    return usable[0] if usable else Measure(None, 0, 0, "7 days", "none")


def account_findings(account: EmailAccount | None) -> list[Finding]:
    """Connection and warmup-blocked problems from the listing row."""
    if account is None:
        return []
    found = []
    if not account.is_smtp_success:
        found.append(Finding(HealthClass.CRITICAL, f"smtp: {account.smtp_failure_error or 'connection failed'}"))
    if not account.is_imap_success:
        found.append(Finding(HealthClass.CRITICAL, f"imap: {account.imap_failure_error or 'connection failed'}"))
    warmup = account.warmup
    if warmup is not None and (warmup.is_blocked or warmup.blocked_reason):
        found.append(Finding(HealthClass.CRITICAL, f"warmup blocked: {warmup.blocked_reason or 'blocked'}"))
    return found


def assess(mailbox: ManagedMailbox, evidence: Evidence, today: date) -> MailboxHealth:
    inbox = _inbox_measure(evidence)
    bounce = evidence.bounce
    bounce_rate = bounce.rate if bounce is not None and bounce.status == "ok" else None
    findings = [
        *account_findings(evidence.account),
        *evidence.findings,
        *grade(inbox.rate, bounce_rate=bounce_rate, spam_rate=None),
        *(evidence.dns.findings() if evidence.dns is not None else ()),
    ]
    if evidence.stats is not None and evidence.stats.days:
        days = tuple(
            DayPoint(d.date, d.sent_count, max(d.spam_count, d.save_from_spam_count)) for d in evidence.stats.days
        )
    else:
        days = evidence.history.days if evidence.history is not None else ()
    standing = None
    if mailbox.ramp is not None and mailbox.warmup_started_on is not None:
        standing = ramp_standing(mailbox.ramp, mailbox.warmup_started_on, today)
    return MailboxHealth(
        mailbox=mailbox,
        inbox_measure=inbox,
        verdict=combine(findings),
        days=days,
        standing=standing,
        evidence=evidence,
        today=today,
    )
