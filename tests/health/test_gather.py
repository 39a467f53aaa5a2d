"""Gathering at list cost: listing pages, one bounce call, and 7-day stats only for borderline or blocked mailboxes,
within the budget."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import httpx

from mailfleet.health.gather import GatherOptions, gather
from mailfleet.health.history import History
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.smartlead.ratelimit import RateLimit, RateLimiter
from tests.health._support import TODAY, mailbox

RATES = {1: (100, 2), 2: (100, 10), 3: (100, 30), 4: (100, 1)}  # listing warmup (sent, spam): 98 %, 90 %, 70 %, 99 %


def row(account_id: int) -> dict[str, object]:
    sent, spam = RATES[account_id]
    return {
        "id": account_id,
        "from_email": f"m{account_id}@acme.example",
        "is_smtp_success": True,
        "is_imap_success": account_id != 4,
        "imap_failure_error": "IMAP login failed" if account_id == 4 else None,
        "warmup_details": {"status": "ACTIVE", "total_sent_count": sent, "total_spam_count": spam},
        "campaign_ids": [],
    }


def run(budget: int, tmp_path: Path) -> tuple[list[str], list[Any]]:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        if request.url.path.endswith("/email-accounts/"):
            return httpx.Response(200, json=[row(i) for i in RATES])
        if "analytics" in request.url.path:
            return httpx.Response(200, json={"ok": True, "data": {"email_health_metrics": []}})
        return httpx.Response(200, json={"sent_count": "70", "spam_count": "7", "inbox_count": "63"})

    boxes = [dataclasses.replace(mailbox(f"m{i}@acme.example"), account_id=i) for i in RATES]
    limiter = RateLimiter((RateLimit(1000, 1.0),))
    with (
        SmartleadClient("http://sl.test/api/v1", "k", transport=httpx.MockTransport(handler), limiter=limiter) as c,
        History(str(tmp_path / "h.sqlite3"), "local") as history,
    ):
        gathered = gather(boxes, c, TODAY, history, GatherOptions(detail_budget=budget))
    return seen, gathered.results


def test_only_borderline_mailboxes_get_their_stats_within_the_budget(tmp_path: Path) -> None:
    seen, results = run(1, tmp_path)
    stats = [p for p in seen if p.endswith("/warmup-stats")]
    assert seen[:2] == ["/api/v1/email-accounts/", "/api/v1/analytics/mailbox/name-wise-health-metrics"]
    assert stats == ["/api/v1/email-accounts/2/warmup-stats"]  # 90 % and 70 % are borderline; the budget is 1
    by_id = {r.mailbox.account_id: r for r in results}
    assert by_id[2].inbox_measure.source == "warmup-stats" and by_id[3].inbox_measure.source == "listing"
    assert by_id[3].health.value == "warning"
    assert by_id[4].health.value == "critical" and by_id[4].verdict.reason == "imap: IMAP login failed"
    seen, _ = run(20, tmp_path / "again")
    assert len([p for p in seen if p.endswith("/warmup-stats")]) == 2
