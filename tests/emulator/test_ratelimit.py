"""Sliding-window limiter with an injected clock (no waiting)."""

from __future__ import annotations

from mailfleet.emulator.ratelimit import RateLimiter
from mailfleet.emulator.settings import RateLimit


def test_window_slides_and_refusals_do_not_count() -> None:
    now = [100.0]
    limiter = RateLimiter(RateLimit(2, 10), now=lambda: now[0])
    assert limiter.check("k").allowed and limiter.check("k").allowed
    refused = limiter.check("k")
    assert not refused.allowed and refused.retry_after == 10
    assert refused.headers()["retry-after"] == "10" and refused.headers()["x-ratelimit-remaining"] == "0"
    assert limiter.check("other").allowed
    now[0] = 104.0
    assert limiter.check("k").retry_after == 6
    now[0] = 110.0
    allowed = limiter.check("k")
    assert allowed.allowed and "retry-after" not in allowed.headers()
    limiter.reset()
    assert limiter.check("k").remaining == 1
