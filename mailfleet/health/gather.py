"""Gather what health needs for a fleet, at list cost.

Requests for N mailboxes (the figure ``make bench`` checks):
- ``ceil(N / 100)`` listing pages (``GET /email-accounts/?fetch_campaigns=true``): connection, warmup status,
  blocked reason, warmup totals and the campaigns each mailbox is in;
- bounce data: one ``name-wise-health-metrics`` call, or (when it does not answer) one call plus the campaigns'
  ``mailbox-statistics`` pages (20 mailboxes a page);
- 7-day warmup stats for at most ``detail_budget`` mailboxes (default 20): blocked or borderline ones, worst first;
  ``--detail`` fetches them for every mailbox instead.
Per-day rates and trends come from the nightly history, with no request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from mailfleet import vendors
from mailfleet.errors import SetupError
from mailfleet.health.assess import DomainAuth, Evidence, MailboxHealth, ManagedMailbox, assess, needs_detail
from mailfleet.health.bounce import BounceResult, BounceSettings, collect_bounces
from mailfleet.health.history import History, Night, inbox_history
from mailfleet.health.instantly import ClientFactory, gather_instantly
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.smartlead.errors import NotFoundError
from mailfleet.smartlead.models import EmailAccount, WarmupStats
from mailfleet.smartlead.shared_listing import shared_run_listing

DEFAULT_DETAIL_BUDGET = 20
HISTORY_DAYS = 90

DnsChecker = Callable[[Sequence[tuple[ManagedMailbox, str | None]]], Mapping[str, DomainAuth]]
"""Given each mailbox with its SMTP host (from the listing), the DNS authentication of each mailbox domain."""


@dataclass(frozen=True)
class GatherOptions:
    detail: bool = False
    """Fetch the 7-day warmup stats of every mailbox (one request each)."""
    detail_budget: int = DEFAULT_DETAIL_BUDGET
    bounce: BounceSettings = field(default_factory=BounceSettings)
    dns: DnsChecker | None = None
    """Domain → DNS authentication, for the mailboxes' domains; None: not checked."""
    instantly: ClientFactory | None = None
    """Instantly clients per workspace (from the stack's config), for the stack's Instantly mailboxes."""


@dataclass(frozen=True)
class Gathered:
    results: list[MailboxHealth]
    bounce_source: str
    detail_fetched: int
    detail_wanted: int
    fleet_classes: dict[date, dict[str, int]]


def gather(
    mailboxes: Sequence[ManagedMailbox],
    client: SmartleadClient | None,
    today: date,
    history: History | None,
    options: GatherOptions,
    *,
    progress: bool = False,
) -> Gathered:
    others = [m for m in mailboxes if m.backend == vendors.INSTANTLY]
    mailboxes = [m for m in mailboxes if m.backend != vendors.INSTANTLY]
    if mailboxes and client is None:
        raise SetupError("the stack has Smartlead mailboxes but no Smartlead key (mailfleet:apiKey)")
    # A stack with only Instantly mailboxes asks Smartlead nothing.
    smartlead = client if mailboxes else None
    # In `mailfleet stacks health` every stack reads the run's one listing of the key, not a listing of its own.
    accounts = {a.id: a for a in shared_run_listing(smartlead)} if smartlead else {}
    if smartlead is not None:
        bounces = collect_bounces(smartlead, mailboxes, accounts, today, options.bounce)
    else:
        bounces = BounceResult({}, "none")
    targets = [(m, a.smtp_host if (a := accounts.get(m.account_id)) else None) for m in mailboxes]
    targets += [(m, None) for m in others]
    domains = options.dns(targets) if options.dns is not None else {}
    earlier = history.nights(today - timedelta(days=HISTORY_DAYS), today) if history is not None else {}
    placements = history.latest_placements() if history is not None else {}
    wanted = [m for m in mailboxes if options.detail or _needs_detail(accounts.get(m.account_id))]
    chosen = wanted if options.detail else wanted[: max(options.detail_budget, 0)]
    stats = _fetch_stats(smartlead, chosen, progress=progress) if smartlead is not None else {}
    results = []
    for mailbox in mailboxes:
        account = accounts.get(mailbox.account_id)
        warmup = account.warmup if account is not None else None
        sent, spam = (warmup.total_sent_count, warmup.total_spam_count) if warmup is not None else (0, 0)
        evidence = Evidence(
            account=account,
            stats=stats.get(mailbox.account_id),
            history=inbox_history(earlier.get(mailbox.email, []), sent, spam, today),
            bounce=bounces.measures.get(mailbox.email.lower()),
            dns=domains.get(mailbox.domain),
            placement=placements.get(mailbox.email.lower()),
        )
        results.append(assess(mailbox, evidence, today))
    if others:
        if options.instantly is None:
            raise SetupError("the stack has Instantly mailboxes but no Instantly settings were given to health")

        def neutral(mailbox: ManagedMailbox, **vendor: Any) -> Evidence:
            return Evidence(dns=domains.get(mailbox.domain), placement=placements.get(mailbox.email.lower()), **vendor)

        results += gather_instantly(others, options.instantly, today, neutral)
    fleet = {}
    if history is not None:
        history.record(_nights(results, today))
        fleet = history.classes_by_night(today - timedelta(days=HISTORY_DAYS))
    return Gathered(results, bounces.source, len(chosen), len(wanted), fleet)


def _needs_detail(account: EmailAccount | None) -> bool:
    return account is not None and needs_detail(account)


def _nights(results: Sequence[MailboxHealth], today: date) -> list[Night]:
    nights = []
    for result in results:
        account = result.evidence.account
        warmup = account.warmup if account is not None else None
        if warmup is not None:
            sent, spam = warmup.total_sent_count, warmup.total_spam_count
        else:  # Instantly: the warmup analytics' totals
            sent, spam = result.inbox_measure.count, result.inbox_measure.hits
        nights.append(
            Night(
                night=today,
                email=result.mailbox.email,
                account_id=result.mailbox.account_id,
                warmup_sent=sent,
                warmup_spam=spam,
                health=result.health.value,
                reason=result.verdict.reason,
                bounce_rate=result.bounce_rate,
            )
        )
    return nights


def _fetch_stats(
    client: SmartleadClient, mailboxes: Sequence[ManagedMailbox], *, progress: bool
) -> dict[int, WarmupStats]:
    """7-day warmup stats, one paced request each; a mailbox gone from Smartlead has none (drift says so)."""

    def one(mailbox: ManagedMailbox) -> WarmupStats:
        try:
            return client.get_warmup_stats(mailbox.account_id)
        except NotFoundError:
            return WarmupStats(account_id=mailbox.account_id)

    if not progress or not mailboxes:
        return {m.account_id: one(m) for m in mailboxes}
    columns = (TextColumn("warmup stats"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    found = {}
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("stats", total=len(mailboxes))
        for mailbox in mailboxes:
            found[mailbox.account_id] = one(mailbox)
            bar.advance(task)
    return found
