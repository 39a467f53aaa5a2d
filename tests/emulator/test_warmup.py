"""Warmup simulation: deterministic, ramping, shaped by health, paused while disabled."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from mailfleet.emulator import warmup
from mailfleet.emulator.warmup import PROFILES, WarmupState

START = date(2026, 1, 5)


def state(**over: object) -> WarmupState:
    s = WarmupState(enabled=True, total_per_day=20, daily_rampup=2, reply_rate=30, started_on=START.isoformat())
    for k, v in over.items():
        setattr(s, k, v)
    return s


def test_same_account_and_date_give_the_same_numbers() -> None:
    a = warmup.day_stats(7, state(), PROFILES["healthy"], START + timedelta(days=3))
    b = warmup.day_stats(7, state(), PROFILES["healthy"], START + timedelta(days=3))
    c = warmup.day_stats(8, state(), PROFILES["healthy"], START + timedelta(days=3))
    assert a == b
    assert (a.sent, a.spam, a.replies) != (c.sent, c.spam, c.replies) or a.received != c.received


def test_ramp_climbs_by_daily_rampup_to_the_cap() -> None:
    days = warmup.history(1, state(), PROFILES["healthy"], START, START + timedelta(days=14))
    sent = [d.sent for d in days]
    assert sent[0] == 2 and sent[1] <= 5
    assert all(19 <= s <= 21 for s in sent[10:])
    assert warmup.day_stats(1, state(), PROFILES["healthy"], START - timedelta(days=1)).sent == 0


def test_profiles_drive_the_inbox_share() -> None:
    first, last = START + timedelta(days=10), START + timedelta(days=40)
    for name, low, high in (("healthy", 0.9, 1.0), ("warning", 0.7, 0.9), ("critical", 0.0, 0.7)):
        days = warmup.history(3, state(), PROFILES[name], first, last)
        sent, spam = sum(d.sent for d in days), sum(d.spam for d in days)
        assert low < (sent - spam) / sent <= high, name


def test_pauses_send_nothing() -> None:
    paused = state(pauses=[[(START + timedelta(days=2)).isoformat(), (START + timedelta(days=4)).isoformat()]])
    days = warmup.history(1, paused, PROFILES["healthy"], START, START + timedelta(days=5))
    assert [d.sent == 0 for d in days] == [False, False, True, True, False, False]


def test_reputation_is_a_percent_string() -> None:
    assert warmup.reputation(0, 0) == "100%"
    assert warmup.reputation(200, 9) == "96%"


def test_profile_from_names_and_dicts() -> None:
    assert warmup.profile_from("critical") is PROFILES["critical"]
    custom = warmup.profile_from({"inbox_rate": 0.5})
    assert (custom.name, custom.inbox_rate, custom.bounce_rate) == ("custom", 0.5, PROFILES["healthy"].bounce_rate)
    for bad in ("great", {"inbox_rate": 2}, {"colour": 1}, 3):
        with pytest.raises(ValueError):
            warmup.profile_from(bad)
