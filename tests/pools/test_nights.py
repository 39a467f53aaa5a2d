from __future__ import annotations

from datetime import date, timedelta

from mailfleet.health.thresholds import HealthClass
from mailfleet.pools.nights import LOOKBACK_NIGHTS, Nights, recent_nights

TONIGHT = date(2026, 12, 10)


def test_recent_nights_mark_nights_without_a_report_and_keep_the_last_critical_reason() -> None:
    earlier = [
        (TONIGHT - timedelta(days=3), "critical", "bounce 6.1 %"),
        (TONIGHT - timedelta(days=2), "critical", "bounce 5.5 %"),
        (TONIGHT - timedelta(days=40), "critical", "too old"),
    ]
    value = recent_nights(earlier, TONIGHT, "healthy", "").to_json()
    assert value == {"from": "2026-12-07", "classes": "cc-h", "last_critical_reason": "bounce 5.5 %"}
    back = Nights.from_json(value)
    assert [n.health for n in back.nights] == [HealthClass.CRITICAL, HealthClass.CRITICAL, HealthClass.HEALTHY]
    assert back.nights[-1].night == TONIGHT and back.last_critical_reason == "bounce 5.5 %"


def test_the_window_is_the_lookback() -> None:
    earlier = [(TONIGHT - timedelta(days=n), "warning", "") for n in range(1, 60)]
    assert len(recent_nights(earlier, TONIGHT, "unknown", "").to_json()["classes"]) == LOOKBACK_NIGHTS


def test_anything_malformed_reads_as_no_nights() -> None:
    values: list[object] = [None, [], {"classes": 3}, {"from": "yesterday", "classes": "hh"}]
    for value in values:
        assert Nights.from_json(value).nights == ()
    assert Nights(()).to_json()["classes"] == ""
