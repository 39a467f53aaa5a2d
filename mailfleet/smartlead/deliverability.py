"""Campaign send and bounce counts per mailbox, as Smartlead's two sources return them (forge-instantly.md §5.2).

- ``GET /campaigns/{id}/mailbox-statistics`` (``offset``, ``limit`` <= 20, ``start_date``/``end_date``): rows with
  ``email_account_id, from_email, sent_count, bounce_count, ...``, per campaign.
- ``GET /analytics/mailbox/name-wise-health-metrics`` (``start_date``, ``end_date``, ``full_data=true``):
  ``{ok, data: {email_health_metrics: [...]}}`` with ``from_email`` (the docs' example says ``email_account``),
  ``sent``, ``bounced``, ``bounce_rate``; numbers may arrive as strings or ``"x%"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mailfleet.smartlead._coerce import as_int, as_str, first

MAILBOX_STATISTICS_PAGE = 20
HEALTH_METRICS_KEY = "email_health_metrics"


@dataclass(frozen=True)
class MailboxSends:
    """Campaign mail one mailbox sent in a date window, and how much of it bounced."""

    from_email: str
    sent: int
    bounced: int
    account_id: int | None = None

    @classmethod
    def from_campaign_row(cls, data: Mapping[str, Any]) -> MailboxSends:
        return cls(
            from_email=(as_str(first(data, "from_email", "email")) or "").lower(),
            sent=as_int(first(data, "sent_count", "sent")) or 0,
            bounced=as_int(first(data, "bounce_count", "bounced")) or 0,
            account_id=as_int(first(data, "email_account_id", "id")),
        )

    @classmethod
    def from_health_row(cls, data: Mapping[str, Any]) -> MailboxSends:
        return cls(
            from_email=(as_str(first(data, "from_email", "email_account", "email")) or "").lower(),
            sent=as_int(first(data, "sent", "sent_count")) or 0,
            bounced=as_int(first(data, "bounced", "bounce_count")) or 0,
            account_id=as_int(first(data, "email_account_id", "id")),
        )
