"""Pacing per key: sliding windows, server hints, Retry-After pauses, sharing, threads, SQLite file."""

from __future__ import annotations

import threading
import time
from collections import deque
from pathlib import Path

import httpx
import pytest

from mailfleet.smartlead import RateLimit, RateLimiter, RetryPolicy, SmartleadClient
from mailfleet.smartlead.ratelimit import (
    DEFAULT_RATES,
    IN_FLIGHT_HOLD_SECONDS,
    MemoryBackend,
    SQLiteBackend,
    Ticket,
    limiter_key,
    parse_retry_after,
    shared_limiter,
)
from tests.smartlead._support import API_KEY, BASE_URL, FakeClock


def _max_in_window(times: list[float], period: float) -> int:
    window: deque[float] = deque()
    best = 0
    for t in sorted(times):
        window.append(t)
        while window[0] <= t - period:
            window.popleft()
        best = max(best, len(window))
    return best


def test_paces_to_the_window_on_a_fake_clock() -> None:
    clock = FakeClock()
    limiter = RateLimiter((RateLimit(3, 2.0),), clock=clock, sleep=clock.sleep)
    granted = []
    for _ in range(10):
        limiter.acquire()
        granted.append(clock())
    assert _max_in_window(granted, 2.0) == 3
    assert granted[:3] == [1000.0] * 3  # the first window is not delayed
    assert granted[3] >= 1002.0
    assert limiter.granted == 10


def test_default_rates_forbid_bursts_beyond_either_window() -> None:
    clock = FakeClock()
    limiter = RateLimiter(clock=clock, sleep=clock.sleep)
    granted = []
    for _ in range(70):
        limiter.acquire()
        granted.append(clock())
    assert (RateLimit(60, 60.0), RateLimit(10, 2.0)) == DEFAULT_RATES
    assert _max_in_window(granted, 2.0) <= 10
    assert _max_in_window(granted, 60.0) <= 60


def test_pause_blocks_until_retry_after() -> None:
    clock = FakeClock()
    limiter = RateLimiter((RateLimit(100, 1.0),), clock=clock, sleep=clock.sleep)
    limiter.pause(30.0)
    limiter.acquire()
    assert clock() >= 1030.0


def test_server_headers_tighten_the_limiter() -> None:
    clock = FakeClock()
    limiter = RateLimiter((RateLimit(100, 1.0),), clock=clock, sleep=clock.sleep)
    limiter.observe({"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "1", "X-RateLimit-Reset": "20"})
    limiter.acquire()
    assert clock() == 1000.0  # one request was still allowed
    limiter.acquire()
    assert clock() >= 1020.0  # the next waits for the server's window to reset


def test_a_server_that_counts_no_more_than_our_window_does_not_hold_us_up() -> None:
    # Our window is the only one on the key: the server's "0 left, reset in 1 s" is our own full window, whose
    # oldest request ages out in 0.1 s; the hint's whole second (rounded up) would be a stall.
    clock = FakeClock()
    limiter = RateLimiter((RateLimit(2, 1.0),), clock=clock, sleep=clock.sleep)
    limiter.acquire()
    clock.now += 0.9
    limiter.acquire()
    limiter.observe({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1"})
    limiter.acquire()
    assert clock() == pytest.approx(1001.0)  # when the first request aged out, not the hint's 1001.9


def test_headers_without_reset_are_ignored() -> None:
    clock = FakeClock()
    limiter = RateLimiter((RateLimit(100, 1.0),), clock=clock, sleep=clock.sleep)
    limiter.observe({"x-ratelimit-remaining": "0"})
    limiter.acquire()
    assert clock() == 1000.0


def test_epoch_reset_header() -> None:
    clock = FakeClock()
    limiter = RateLimiter((RateLimit(100, 1.0),), clock=clock, sleep=clock.sleep, wall_clock=lambda: 1_700_000_000.0)
    limiter.observe({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1700000005"})
    limiter.acquire()
    assert clock() == 1005.0


def test_parse_retry_after() -> None:
    assert parse_retry_after("60") == 60.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    when = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert parse_retry_after(when, now=lambda: 1445412480.0 - 10) == 10.0


def test_shared_per_key_and_base_url() -> None:
    a = shared_limiter(BASE_URL, API_KEY)
    assert shared_limiter(BASE_URL + "/", API_KEY) is a
    assert shared_limiter(BASE_URL, API_KEY + "x") is not a
    assert shared_limiter("https://other.test", API_KEY) is not a
    key = limiter_key(BASE_URL, API_KEY)
    assert API_KEY not in key and len(key) == 64
    assert API_KEY not in repr(a)


def test_clients_on_one_key_share_one_limiter() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200, json=[]))
    with (
        SmartleadClient(BASE_URL, API_KEY, transport=transport) as one,
        SmartleadClient(BASE_URL, API_KEY, transport=transport) as two,
    ):
        assert one.limiter is two.limiter
        one.list_clients()
        two.list_clients()
        assert one.limiter.granted == 2


def admitted(reservation: tuple[float, Ticket | None]) -> Ticket:
    wait, ticket = reservation
    assert wait == 0.0 and ticket is not None, f"refused, wait {wait}"
    return ticket


def test_memory_backend_reports_the_wait() -> None:
    backend = MemoryBackend((RateLimit(2, 1.0),))
    backend.settle(admitted(backend.reserve(10.0)), 10.0)
    backend.settle(admitted(backend.reserve(10.2)), 10.2)
    wait, ticket = backend.reserve(10.5)
    assert ticket is None and 0.4 <= wait <= 0.6
    assert backend.reserve(11.01)[1] is not None


def test_a_request_counts_from_its_response_not_from_its_send() -> None:
    backend = MemoryBackend((RateLimit(1, 1.0),))
    slow = admitted(backend.reserve(10.0))
    # In flight: the slow request fills the window however long it takes (the server counts it when it arrives).
    wait, ticket = backend.reserve(12.0)
    # Its end is not known yet, but it is 12.0 at the earliest and counts a whole window from then.
    assert (wait, ticket) == (1.0, None)
    backend.settle(slow, 12.5)  # its response came in at 12.5: the server may have counted it as late as that
    wait, ticket = backend.reserve(13.0)
    assert ticket is None and wait == pytest.approx(0.5)
    assert backend.reserve(13.6)[1] is not None


def test_a_window_full_of_requests_in_flight_is_slept_out_not_polled() -> None:
    """A waiter used to look again every 10 ms while the window's requests were on their way: 80 waiting threads of
    20 runners hammered the shared store, loaded the machine and slowed the very responses that free the slots."""
    clock = FakeClock()
    backend = MemoryBackend((RateLimit(2, 12.0),))
    first, second = admitted(backend.reserve(1000.0)), admitted(backend.reserve(1000.0))

    def sleep(seconds: float) -> None:
        clock.sleep(seconds)
        if len(clock.sleeps) == 1:  # the responses come in while the third request waits
            backend.settle(first, 1003.0)
            backend.settle(second, 1004.0)

    limiter = RateLimiter((RateLimit(2, 12.0),), backend=backend, clock=clock, sleep=sleep)
    limiter.acquire()
    # A whole window (the soonest an entry in flight can age out), then to the end of the first response's window.
    assert clock.sleeps == [12.0, pytest.approx(3.0)]
    assert clock() == pytest.approx(1015.0)


def test_an_entry_left_in_flight_by_a_dead_process_ages_out() -> None:
    backend = MemoryBackend((RateLimit(1, 1.0),))
    admitted(backend.reserve(10.0))  # never settled
    assert backend.reserve(10.0 + IN_FLIGHT_HOLD_SECONDS - 1)[1] is None
    assert backend.reserve(10.0 + IN_FLIGHT_HOLD_SECONDS + 1.1)[1] is not None


def test_a_slot_is_held_while_the_request_runs_and_released_on_failure() -> None:
    clock = FakeClock()
    limiter = RateLimiter((RateLimit(1, 1.0),), clock=clock, sleep=clock.sleep)
    with pytest.raises(RuntimeError), limiter.request():
        clock.now += 5.0  # a 5 s request that fails
        raise RuntimeError("connection reset")
    limiter.acquire()
    # The failed request ended at 1005: the next one waits one window from then, not from its send at 1000.
    assert clock() == pytest.approx(1006.0)


def test_sqlite_backend_is_shared_through_the_file(tmp_path: Path) -> None:
    path = tmp_path / "limits.sqlite"
    first = SQLiteBackend(path, "k", (RateLimit(2, 10.0),))
    second = SQLiteBackend(path, "k", (RateLimit(2, 10.0),))
    other_key = SQLiteBackend(path, "other", (RateLimit(2, 10.0),))
    try:
        first.settle(admitted(first.reserve(100.0)), 100.0)
        in_flight = admitted(second.reserve(101.0))
        assert first.reserve(102.0)[1] is None  # the window holds two, recorded by two connections
        second.settle(in_flight, 101.0)
        assert first.reserve(102.0) == (8.0, None)
        admitted(other_key.reserve(102.0))
        second.block_until(500.0)
        assert first.blocked_until() == 500.0
        first.block_until(200.0)  # never moves a pause earlier
        assert second.blocked_until() == 500.0
        admitted(first.reserve(111.0))  # the first request aged out
    finally:
        for backend in (first, second, other_key):
            backend.close()


def test_shared_limiter_with_file(tmp_path: Path) -> None:
    limiter = shared_limiter(BASE_URL, API_KEY, file=tmp_path / "l.sqlite", rates=(RateLimit(5, 1.0),))
    assert limiter.acquire() == 0.0
    assert (tmp_path / "l.sqlite").exists()


def test_four_threads_never_exceed_the_limit_nor_see_a_429() -> None:
    """Real time, a fast window: a strict fake server answers 429 to anything over the limit, and every other request
    is held up on the way for a third of the window before the server counts it (a loaded runner or server), then
    answered slowly. Stamped at its send, such a request would land in a later server window than the limiter's."""
    limit, period = 5, 0.25
    limiter = RateLimiter((RateLimit(limit, period),))
    arrivals: list[float] = []
    refused = 0
    sent = 0
    lock = threading.Lock()

    def server(request: httpx.Request) -> httpx.Response:
        nonlocal refused, sent
        with lock:
            sent += 1
            held_up = sent % 2 == 0
        if held_up:
            time.sleep(period / 3)  # transit: the request is on its way, not yet counted
        with lock:
            now = time.monotonic()
            recent = [t for t in arrivals if t > now - period]
            if len(recent) >= limit:
                refused += 1
                return httpx.Response(429, headers={"Retry-After": "1"})
            arrivals.append(now)
        if not held_up:
            time.sleep(period / 5)  # a slow answer: counted at once, its response late
        return httpx.Response(200, json=[])

    client = SmartleadClient(
        BASE_URL,
        API_KEY,
        transport=httpx.MockTransport(server),
        limiter=limiter,
        retry=RetryPolicy(max_retries=0),
    )
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            for _ in range(6):
                client.list_clients()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    client.close()
    assert errors == []
    assert refused == 0
    assert len(arrivals) == 24
    assert limiter.granted == 24
    assert _max_in_window(arrivals, period) <= limit
