"""Each mailbox's campaign bounce rate over a trailing window, from Smartlead's campaign data.

Sources, cheapest first (forge-instantly.md §5.2):
1. ``GET /analytics/mailbox/name-wise-health-metrics``: one call for the whole fleet, when the key may use it. Its
   public route is unconfirmed; when it does not answer (404, 401/403, or a body that is not the documented shape)
   the next source is used and the report says which one answered.
2. ``GET /campaigns/{id}/mailbox-statistics``: per campaign the fleet's mailboxes are in (from the listing's
   ``campaign_ids``), 20 rows a page.

Classified by the brief's bounce thresholds only with at least ``min_sent`` campaign mails in the window; below that
the rate is shown with "not enough data" and does not count (a mailbox that sent 3 mails with 1 bounce is not
critical, nor is one that sent nothing healthy).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from mailfleet.errors import SetupError
from mailfleet.health.assess import NOT_ENOUGH_DATA, ManagedMailbox, Measure
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.smartlead.deliverability import MailboxSends
from mailfleet.smartlead.errors import AccessDeniedError, AuthenticationError, NotFoundError, UnexpectedResponseError
from mailfleet.smartlead.models import EmailAccount

DEFAULT_WINDOW_DAYS = 7
DEFAULT_MIN_SENT = 50
WINDOW_CONFIG_KEY = "bounceWindowDays"
MIN_SENT_CONFIG_KEY = "bounceMinSent"
HEALTH_METRICS = "name-wise-health-metrics"
MAILBOX_STATISTICS = "mailbox-statistics"
NOT_ANSWERING = (NotFoundError, AccessDeniedError, AuthenticationError, UnexpectedResponseError)


@dataclass(frozen=True)
class BounceSettings:
    window_days: int = DEFAULT_WINDOW_DAYS
    min_sent: int = DEFAULT_MIN_SENT

    @classmethod
    def from_config(cls, get: Callable[[str], Any]) -> BounceSettings:
        """``mailfleet:bounceWindowDays`` and ``mailfleet:bounceMinSent``; positive integers."""
        values = {}
        for key, default in ((WINDOW_CONFIG_KEY, DEFAULT_WINDOW_DAYS), (MIN_SENT_CONFIG_KEY, DEFAULT_MIN_SENT)):
            raw = get(key)
            try:
                value = int(raw) if raw not in (None, "") else default
            except (TypeError, ValueError):
                value = 0
            if value < 1:
                raise SetupError(f"stack config mailfleet:{key} must be a whole number >= 1, not {raw!r}")
            values[key] = value
        return cls(values[WINDOW_CONFIG_KEY], values[MIN_SENT_CONFIG_KEY])

    @property
    def window(self) -> str:
        return f"{self.window_days} day{'s' if self.window_days != 1 else ''}"


@dataclass(frozen=True)
class BounceResult:
    measures: dict[str, Measure]
    """By email (lowercase)."""
    source: str


def campaigns_of(accounts: Iterable[EmailAccount]) -> list[int]:
    return sorted({c for a in accounts for c in a.campaign_ids or ()})


def collect_bounces(
    client: SmartleadClient,
    mailboxes: Sequence[ManagedMailbox],
    accounts: Mapping[int, EmailAccount],
    today: date,
    settings: BounceSettings,
) -> BounceResult:
    start = today - timedelta(days=settings.window_days - 1)
    try:
        rows, source = client.mailbox_health_metrics(start, today), HEALTH_METRICS
    except NOT_ANSWERING:
        managed = [accounts[m.account_id] for m in mailboxes if m.account_id in accounts]
        rows, source = [], MAILBOX_STATISTICS
        for campaign_id in campaigns_of(managed):
            rows.extend(client.campaign_mailbox_statistics(campaign_id, start, today))
    totals = _sum(rows)
    measures = {}
    for mailbox in mailboxes:
        sent, bounced = totals.get(mailbox.email.lower(), (0, 0))
        rate = bounced / sent if sent > 0 else None
        status = "ok" if sent >= settings.min_sent else NOT_ENOUGH_DATA
        measures[mailbox.email.lower()] = Measure(rate, sent, bounced, settings.window, source, status)
    return BounceResult(measures, source)


def _sum(rows: Iterable[MailboxSends]) -> dict[str, tuple[int, int]]:
    totals: dict[str, tuple[int, int]] = {}
    for row in rows:
        sent, bounced = totals.get(row.from_email, (0, 0))
        totals[row.from_email] = (sent + row.sent, bounced + min(row.bounced, row.sent))
    return totals
