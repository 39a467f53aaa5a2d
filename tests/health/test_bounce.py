"""Bounce rates over a trailing window: the one-call source, the per-campaign fallback, the minimum volume."""

from __future__ import annotations

import httpx
import pytest

from mailfleet.errors import SetupError
from mailfleet.health.assess import Evidence, ManagedMailbox, Measure, assess
from mailfleet.health.bounce import BounceSettings, collect_bounces
from mailfleet.health.thresholds import HealthClass
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.smartlead.models import EmailAccount
from mailfleet.smartlead.ratelimit import RateLimit, RateLimiter
from tests.health._support import TODAY, mailbox, stats

JANE = ManagedMailbox("acme", "jane@acme.example", 1)
JOHN = ManagedMailbox("acme", "john@acme.example", 2)


def client(handler) -> SmartleadClient:
    return SmartleadClient(
        "http://sl.test/api/v1",
        "k",
        transport=httpx.MockTransport(handler),
        limiter=RateLimiter((RateLimit(1000, 1.0),)),
    )


def test_one_call_source() -> None:
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.path)
        assert request.url.params["start_date"] == "2026-03-04" and request.url.params["end_date"] == "2026-03-10"
        rows = [{"email_account": "Jane@acme.example", "sent": "700", "bounced": "45", "bounce_rate": "6.43%"}]
        return httpx.Response(200, json={"ok": True, "data": {"email_health_metrics": rows}})

    with client(handler) as c:
        found = collect_bounces(c, [JANE, JOHN], {}, TODAY, BounceSettings())
    assert seen == ["/api/v1/analytics/mailbox/name-wise-health-metrics"]
    assert found.source == "name-wise-health-metrics"
    assert found.measures["jane@acme.example"] == Measure(45 / 700, 700, 45, "7 days", "name-wise-health-metrics")
    assert found.measures["john@acme.example"].status == "not enough data"


def test_fallback_pages_the_campaigns_twenty_at_a_time() -> None:
    pages = []

    def handler(request: httpx.Request) -> httpx.Response:
        if "analytics" in request.url.path:
            return httpx.Response(404, text="<pre>Cannot GET</pre>")
        offset = int(request.url.params["offset"])
        assert request.url.params["limit"] == "20"
        pages.append((request.url.path, offset))
        rows = [{"from_email": f"m{offset + i}@x.example", "sent_count": 1, "bounce_count": 0} for i in range(20)]
        if offset == 20:
            rows = [{"email_account_id": 1, "from_email": "jane@acme.example", "sent_count": 60, "bounce_count": 3}]
        return httpx.Response(200, json=rows)

    accounts = {1: EmailAccount(id=1, from_email=JANE.email, campaign_ids=(48213,))}
    with client(handler) as c:
        found = collect_bounces(c, [JANE], accounts, TODAY, BounceSettings(window_days=3, min_sent=50))
    assert pages == [
        ("/api/v1/campaigns/48213/mailbox-statistics", 0),
        ("/api/v1/campaigns/48213/mailbox-statistics", 20),
    ]
    bounce = found.measures["jane@acme.example"]
    assert (bounce.rate, bounce.window, bounce.source, bounce.status) == (0.05, "3 days", "mailbox-statistics", "ok")


def test_below_the_minimum_is_not_enough_data_not_healthy_nor_critical() -> None:
    thin = Measure(1 / 3, 3, 1, "7 days", "mailbox-statistics", "not enough data")
    result = assess(mailbox("a@x.example"), Evidence(stats=stats([0.98] * 7), bounce=thin), TODAY)
    assert result.health is HealthClass.HEALTHY and result.bounce_rate is None
    heavy = Measure(0.061, 700, 43, "7 days", "mailbox-statistics")
    result = assess(mailbox("a@x.example"), Evidence(stats=stats([0.82] * 7), bounce=heavy), TODAY)
    assert result.health is HealthClass.CRITICAL and result.verdict.reason == "bounce 6.1 %; inbox 80 %"


def test_settings_from_config() -> None:
    assert BounceSettings.from_config({"bounceWindowDays": "3", "bounceMinSent": "10"}.get) == BounceSettings(3, 10)
    empty: dict[str, str] = {}
    assert BounceSettings.from_config(empty.get) == BounceSettings(7, 50)
    with pytest.raises(SetupError, match="bounceMinSent must be a whole number"):
        BounceSettings.from_config({"bounceMinSent": "many"}.get)
