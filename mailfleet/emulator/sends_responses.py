"""HTTP for the campaign-mail endpoints (parse the request, call :mod:`mailfleet.emulator.sends`, render).

- ``GET /campaigns/{campaign_id}/mailbox-statistics``: ``start_date``/``end_date`` (``YYYY-MM-DD``, required),
  ``offset``, ``limit`` <= 20; a bare array of rows per mailbox of the campaign.
- ``GET /analytics/mailbox/name-wise-health-metrics``: ``start_date``/``end_date`` required;
  ``{ok, data: {email_health_metrics: [...]}}`` with numbers as strings and rates as ``"x%"``, as real callers
  read them. Off (Express 404) when the ``health_metrics`` switch is false, as for a key that may not use it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from mailfleet.emulator import sends
from mailfleet.emulator.exceptions import Invalid, NotFound, RangeError
from mailfleet.emulator.validation import F, validate

if TYPE_CHECKING:
    from mailfleet.emulator.responses import Ctx, Result

MAX_STATISTICS_LIMIT = 20
_WINDOW = {
    "start_date": F("str", required=True),
    "end_date": F("str", required=True),
    "time_zone": F("str"),
    "timezone": F("str"),
    "client_id": F("int", nullable=True),
}


def _window(ctx: Ctx, extra: dict[str, F]) -> tuple[dict[str, Any], date, date]:
    query = validate({**_WINDOW, **extra}, ctx.query, source="query", allow_unknown=True)
    days = []
    for key in ("start_date", "end_date"):
        try:
            days.append(date.fromisoformat(query[key]))
        except ValueError:
            raise Invalid("query", key, f'"{key}" must be a date (YYYY-MM-DD)') from None
    return query, days[0], days[1]


def _percent(count: int, total: int) -> str:
    return f"{round(100 * count / total, 2)}%" if total else "0%"


def campaign_mailbox_statistics(ctx: Ctx) -> Result:
    raw = ctx.params["campaign_id"]
    if not raw.isdigit():
        raise Invalid("params", "campaign_id", '"campaign_id" must be a number')
    query, start, end = _window(ctx, {"offset": F("int", min_value=0), "limit": F("int", min_value=1)})
    limit = query.get("limit", 10)
    if limit > MAX_STATISTICS_LIMIT:
        raise RangeError(f"limit must be less than or equal to {MAX_STATISTICS_LIMIT}")
    offset = query.get("offset", 0)
    try:
        rows = sends.campaign_sends(ctx.backend, ctx.user, int(raw), start, end)
    except NotFound:
        return 404, {"error": "Campaign not found"}
    return 200, [
        {
            "email_account_id": r.account_id,
            "from_email": r.from_email,
            "sent_count": r.sent,
            "open_count": 0,
            "click_count": 0,
            "reply_count": 0,
            "bounce_count": r.bounced,
            "unsubscribed_count": 0,
            "sender_bounce_count": 0,
        }
        for r in rows[offset : offset + limit]
    ]


def name_wise_health_metrics(ctx: Ctx) -> Result:
    _, start, end = _window(ctx, {"full_data": F("bool"), "limit": F("int"), "offset": F("int")})
    rows = sends.mailbox_sends(ctx.backend, ctx.user, start, end)
    metrics = [
        {
            "from_email": r.from_email,
            "sent": str(r.sent),
            "opened": "0",
            "replied": "0",
            "positive_replied": "0",
            "bounced": str(r.bounced),
            "reply_rate": "0%",
            "bounce_rate": _percent(r.bounced, r.sent),
        }
        for r in rows
    ]
    return 200, {"ok": True, "data": {"email_health_metrics": metrics}}


HANDLERS: dict[str, Callable[[Ctx], Result]] = {
    "campaign_mailbox_statistics": campaign_mailbox_statistics,
    "name_wise_health_metrics": name_wise_health_metrics,
}
