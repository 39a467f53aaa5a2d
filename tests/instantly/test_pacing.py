"""Instantly's two windows, 100 a second and 6,000 a minute, shared per workspace."""

from __future__ import annotations

from mailfleet.api.ratelimit import RateLimiter
from mailfleet.instantly.client import InstantlyClient
from mailfleet.instantly.pacing import INSTANTLY_RATES, PACED_RATES, workspace_limiter
from tests.instantly._support import API_KEY, BASE_URL, FakeClock, FakeInstantly, transport


def burst(limiter: RateLimiter, clock: FakeClock, count: int) -> list[float]:
    """The fake times at which ``count`` back-to-back requests are let through."""
    times = []
    for _ in range(count):
        limiter.acquire()
        times.append(clock.now)
    return times


def test_no_second_sees_more_than_100_and_no_minute_more_than_6000() -> None:
    clock = FakeClock()
    limiter = RateLimiter(PACED_RATES, clock=clock, sleep=clock.sleep)
    times = burst(limiter, clock, 6100)
    for start in range(len(times) - 100):
        assert times[start + 100] - times[start] >= 1.0
    assert times[6000] - times[0] >= 60.0
    assert clock.now - 1000.0 < 64  # and no slower than it must be: the minute window binds near 99.6/s


def test_the_documented_rates() -> None:
    assert [(r.limit, r.period) for r in INSTANTLY_RATES] == [(100, 1.0), (6000, 60.0)]


def test_clients_of_one_workspace_share_a_limiter_and_other_workspaces_do_not() -> None:
    one = workspace_limiter(BASE_URL, API_KEY, "ws-1")
    assert workspace_limiter(BASE_URL + "/api/v2", API_KEY, "ws-1") is not one  # scoped by the URL as given
    assert workspace_limiter(BASE_URL, API_KEY, "ws-1") is one
    assert workspace_limiter(BASE_URL, API_KEY, "ws-2") is not one
    assert workspace_limiter(BASE_URL, API_KEY) is not one
    with (
        InstantlyClient(BASE_URL, API_KEY, workspace_id="ws-1", transport=transport(FakeInstantly())) as a,
        InstantlyClient(BASE_URL + "/api/v2", API_KEY, workspace_id="ws-1", transport=transport(FakeInstantly())) as b,
    ):
        assert a.limiter is b.limiter
        assert a.limiter.rates == PACED_RATES


def test_a_client_counts_each_request_in_its_limiter() -> None:
    clock = FakeClock()
    limiter = RateLimiter(PACED_RATES, clock=clock, sleep=clock.sleep)
    fake = FakeInstantly()
    fake.seed("ann@mail.example")
    with InstantlyClient(BASE_URL, API_KEY, transport=transport(fake), limiter=limiter) as client:
        for _ in range(3):
            client.get_account("ann@mail.example")
    assert limiter.granted == 3 and client.request_count == 3
