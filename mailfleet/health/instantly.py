"""What health needs for a stack's Instantly mailboxes, at list cost: per workspace, ceil(N/100) listing pages
(account and warmup status) and ceil(N/100) ``warmup-analytics`` calls (sent, landed in inbox, landed in spam).

The result is the same :class:`~mailfleet.health.assess.Evidence` Smartlead's gathering gives, so one assessment,
one report, one gate and one history serve both vendors:
- the inbox rate is warmup analytics' landed-in-inbox over sent (Instantly's own health score is that ratio);
- an account status below zero (connection, soft bounce or sending error) and a warmup status below zero (banned,
  spam folder unknown, suspended) are critical findings, with Instantly's wording.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from mailfleet import vendors
from mailfleet.health.assess import Evidence, MailboxHealth, ManagedMailbox, Measure, assess
from mailfleet.health.thresholds import Finding, HealthClass
from mailfleet.instantly.client import InstantlyClient
from mailfleet.instantly.models import Account, WarmupAnalytics

SOURCE = "warmup-analytics"
WINDOW = "warmup analytics"
ACCOUNT_PROBLEMS: Mapping[int, str] = {-1: "connection error", -2: "soft bounce error", -3: "sending error"}
WARMUP_PROBLEMS: Mapping[int, str] = {-1: "warmup banned", -2: "spam folder unknown", -3: "permanent suspension"}

ClientFactory = Callable[[Mapping[str, Any]], InstantlyClient]


def client_factory(get: Callable[[str], Any]) -> ClientFactory:
    """Clients on the stack's config (``get`` reads keys without namespace), one per workspace."""
    made: dict[str, InstantlyClient] = {}

    def client_for(workspace: Mapping[str, Any]) -> InstantlyClient:
        name = vendors.workspace_name(workspace)
        if name not in made:
            made[name] = InstantlyClient(
                vendors.instantly_base_url(get),
                vendors.workspace_api_key(workspace, get),
                workspace_id=vendors.acting_workspace(workspace),
            )
        return made[name]

    return client_for


def analytics_inbox(analytics: WarmupAnalytics | None) -> Measure | None:
    if analytics is None:
        return None
    sent, inbox = int(analytics.sent or 0), int(analytics.landed_inbox or 0)
    spam = max(sent - min(inbox, sent), 0)
    return Measure(inbox / sent if sent > 0 else None, sent, spam, WINDOW, SOURCE)


def status_findings(account: Account | None) -> tuple[Finding, ...]:
    if account is None:
        return ()
    found = []
    status = getattr(account, "status", None)
    if isinstance(status, int) and status in ACCOUNT_PROBLEMS:
        found.append(Finding(HealthClass.CRITICAL, f"account: {ACCOUNT_PROBLEMS[status]}"))
    warmup = getattr(account, "warmup_status", None)
    if isinstance(warmup, int) and warmup in WARMUP_PROBLEMS:
        found.append(Finding(HealthClass.CRITICAL, f"warmup: {WARMUP_PROBLEMS[warmup]}"))
    return tuple(found)


def gather_instantly(
    mailboxes: Sequence[ManagedMailbox], client_for: ClientFactory, today: date, evidence: Callable[..., Evidence]
) -> list[MailboxHealth]:
    """Each mailbox's health, in the order given; ``evidence`` adds what is vendor-neutral (DNS, placement)."""
    groups: dict[str, list[ManagedMailbox]] = {}
    for mailbox in mailboxes:
        groups.setdefault(vendors.workspace_name(mailbox.workspace or {}), []).append(mailbox)
    found: dict[str, MailboxHealth] = {}
    for members in groups.values():
        client = client_for(members[0].workspace or {})
        accounts = {a.email.strip().casefold(): a for a in client.list_accounts()}
        analytics = {e.casefold(): a for e, a in client.warmup_analytics([m.email for m in members]).items()}
        for mailbox in members:
            key = mailbox.email.casefold()
            account = accounts.get(key)
            found[key] = assess(
                mailbox,
                evidence(mailbox, inbox=analytics_inbox(analytics.get(key)), findings=status_findings(account)),
                today,
            )
    return [found[m.email.casefold()] for m in mailboxes]
