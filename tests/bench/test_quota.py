"""The quota share of a run from the emulator's request log, and the bench listing a missed share or a 429."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bench.quota import QuotaUse, quota_use
from bench.stacks import Shards, misses
from mailfleet.emulator.testing import RequestLogEntry

START = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)


def entry(seconds: float, status: int = 200) -> RequestLogEntry:
    at = (START + timedelta(seconds=seconds)).isoformat()
    return RequestLogEntry(0, at, "GET", "/api/v1/client/", "GET /client/", status, {}, None, [], None)


def test_share_is_admitted_over_what_the_window_admits_between_first_and_last() -> None:
    # 10 per 1 s, 25 requests over 2.5 s: three windows could have held 30.
    entries = [entry(i * 0.1) for i in range(25)] + [entry(1.05, 429)]
    use = quota_use(entries, "10/1")
    assert (use.admitted, use.refused_429, use.capacity) == (25, 1, 30)
    assert use.share == 0.833
    assert use.real_key_seconds == 25.0  # 60 a minute
    assert not use.met


def test_a_full_window_without_429_meets_the_target() -> None:
    use = quota_use([entry(i * 0.1) for i in range(10)], "10/1")
    assert use.share == 1.0 and use.met


def shards(quota: QuotaUse, phase: str = "change") -> Shards:
    return Shards(phase, 20_000, 40, "60/6", 1.0, {}, quota, None, {}, "")


def test_the_bench_lists_a_low_share_and_a_429_as_missed() -> None:
    full = quota_use([entry(i * 0.1) for i in range(10)], "10/1")
    assert misses([], [shards(full)]) == []
    low = quota_use([entry(i * 0.5) for i in range(10)], "10/1")
    assert any("share 20%" in line for line in misses([], [shards(low)]))
    refused = quota_use([entry(i * 0.1) for i in range(10)] + [entry(0.95, 429)], "10/1")
    assert any("1 x 429" in line for line in misses([], [shards(refused)]))


def test_only_the_quota_bound_phase_is_held_to_the_share_but_any_phase_to_no_429() -> None:
    # The nightly's engines ask for less than the quota: its share is reported, not judged; a 429 always is.
    low = quota_use([entry(i * 0.5) for i in range(10)], "10/1")
    assert misses([], [shards(low, "nightly")]) == []
    refused = quota_use([entry(i * 0.5) for i in range(10)] + [entry(0.95, 429)], "10/1")
    assert misses([], [shards(refused, "nightly")]) == ["shards nightly: 1 x 429 at the server"]
