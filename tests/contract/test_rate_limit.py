"""Four threads on one key against an emulator that enforces a tight limit: no 429 ever reaches the caller."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from mailfleet.emulator.testing import running_emulator
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.smartlead.ratelimit import RateLimit, RateLimiter

pytestmark = pytest.mark.contract

LIMIT = RateLimit(8, 1.0)
REQUESTS_PER_THREAD = 6


def test_four_threads_stay_inside_the_servers_limit(tmp_path: Path) -> None:
    with running_emulator(tmp_path / "emulator.sqlite3", rate_limit="8/1") as emulator:
        # Paced like the product paces itself: the server's own window, each request's slot held until its response.
        limiter = RateLimiter((LIMIT,))
        with SmartleadClient(emulator.base_url, emulator.api_key, limiter=limiter) as client:

            def work(_: int) -> int:
                return sum(len(client.list_clients()) + 1 for _ in range(REQUESTS_PER_THREAD))

            with ThreadPoolExecutor(max_workers=4) as pool:
                done = list(pool.map(work, range(4)))

        log = emulator.control.requests()

    assert done == [REQUESTS_PER_THREAD] * 4
    statuses = [entry.status for entry in log.entries if entry.endpoint == "GET /client/"]
    assert len(statuses) == 4 * REQUESTS_PER_THREAD
    assert 429 not in statuses


def test_a_client_pacing_faster_than_the_server_recovers_from_429s_without_surfacing_them(tmp_path: Path) -> None:
    # The client believes it may send 50/s; the server allows 8/s. Retry-After and x-ratelimit-* must save it.
    with running_emulator(tmp_path / "emulator.sqlite3", rate_limit="8/1") as emulator:
        limiter = RateLimiter((RateLimit(50, 1.0),))
        with (
            SmartleadClient(emulator.base_url, emulator.api_key, limiter=limiter) as client,
            ThreadPoolExecutor(max_workers=4) as pool,
        ):
            results = list(pool.map(lambda _: client.list_clients(), range(24)))
        log = emulator.control.requests()

    assert len(results) == 24
    served = [e for e in log.entries if e.endpoint == "GET /client/" and e.status == 200]
    assert len(served) == 24
