"""The nightly history: counters per night, trends from the deltas, placements and notified changes (SQLite)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from mailfleet.health.assess import Placement
from mailfleet.health.history import History, Night, history_location, inbox_history

TODAY = date(2026, 3, 31)


def night(days_ago: int, sent: int, spam: int, health: str = "healthy") -> Night:
    return Night(TODAY - timedelta(days=days_ago), "a@x.example", 1, sent, spam, health, "")


def test_location_beside_the_stack(tmp_path: Path) -> None:
    assert history_location(backend_url=f"file://{tmp_path}/b", project_dir=tmp_path) == str(
        tmp_path / "b" / "mailfleet-health.sqlite3"
    )
    pg = "postgres://u:p@127.0.0.1:5432/pulumi"
    assert history_location(backend_url=pg, project_dir=tmp_path) == pg
    assert history_location(backend_url=None, project_dir=tmp_path).endswith(".mailfleet/health-history.sqlite3")
    assert history_location(backend_url=pg, project_dir=tmp_path, override="h.sqlite3") == str(tmp_path / "h.sqlite3")


def test_trends_and_per_day_rates_from_deltas() -> None:
    # 20 warmup mails a night; 1 in spam a night until a week ago, then 4.
    earlier = [night(d, (31 - d) * 20, (31 - d) * 1 + max(0, 7 - d) * 3) for d in range(31, 0, -1)]
    tonight = (31 * 20, 31 + 7 * 3)
    found = inbox_history(earlier, *tonight, TODAY)
    assert found.trends["today"] == 16 / 20
    assert found.trends["7d"] == 112 / 140
    assert found.week is not None and found.week.rate == 112 / 140 and found.week.source == "history"
    assert round(found.trends["30d"] or 0, 4) == round((600 - 51) / 600, 4)
    assert [p.inbox_rate for p in found.days[-2:]] == [0.8, 0.8]


def test_one_night_has_no_trend() -> None:
    found = inbox_history([], 40, 2, TODAY)
    assert found.days == () and found.week is None and set(found.trends.values()) == {None}


def test_store_round_trip(tmp_path: Path) -> None:
    with History(str(tmp_path / "h.sqlite3"), "local") as history:
        history.record([night(1, 20, 1), night(0, 40, 2, "critical")])
        history.record([night(0, 40, 3, "warning")])  # a second run on the same night replaces it
        with History(str(tmp_path / "h.sqlite3"), "other") as other:
            assert other.nights(TODAY - timedelta(days=5), TODAY + timedelta(days=1)) == {}
        nights = history.nights(TODAY - timedelta(days=5), TODAY + timedelta(days=1))["a@x.example"]
        assert [(n.warmup_spam, n.health) for n in nights] == [(1, "healthy"), (3, "warning")]
        assert history.classes_by_night(TODAY - timedelta(days=5)) == {
            TODAY - timedelta(days=1): {"healthy": 1},
            TODAY: {"warning": 1},
        }
        history.record_placements(7, 48213, TODAY, {"a@x.example": Placement(7, TODAY, 0.9, 0.1)})
        assert history.latest_placements()["a@x.example"].inbox_rate == 0.9
        assert history.placement_rows() == [TODAY]
        assert history.unnotified(["k1", "k2"]) == ["k1", "k2"]
        history.mark_notified(["k1"], TODAY)
        history.mark_notified(["k1"], TODAY)
        assert history.unnotified(["k1", "k2"]) == ["k2"]
