"""The virtual clock: frozen or real base date plus advanced days, kept in the database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from mailfleet.emulator.clock import Clock, iso
from mailfleet.emulator.store import Store


def test_advance_freeze_and_persist(tmp_path: Path) -> None:
    store = Store(tmp_path / "c.sqlite3")
    clock = Clock(store, now=lambda: datetime(2026, 2, 1, 12, 30, tzinfo=UTC))
    assert clock.today() == date(2026, 2, 1)
    clock.advance(3)
    assert clock.state()["today"] == "2026-02-04"
    clock.freeze(date(2026, 1, 1))
    clock.advance(1)
    store.close()

    reopened = Store(tmp_path / "c.sqlite3")
    again = Clock(reopened)
    assert again.today() == date(2026, 1, 2)
    again.init_frozen(date(2030, 1, 1))  # already set: ignored
    assert again.today() == date(2026, 1, 2)
    reopened.close()


def test_iso_is_javascript_style() -> None:
    assert iso(datetime(2026, 1, 2, 3, 4, 5, 678_901, tzinfo=UTC)) == "2026-01-02T03:04:05.678Z"
