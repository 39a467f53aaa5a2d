"""The virtual clock: real UTC today (or a frozen date) plus whole days advanced through the control API.

The state lives in the database (``meta``), so it survives restarts. Time of day is always the real one; only
the date moves, which is all warmup needs.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from mailfleet.emulator.store import Store

_OFFSET = "clock.offset_days"
_FROZEN = "clock.frozen_date"


def real_utc_now() -> datetime:
    return datetime.now(UTC)


class Clock:
    def __init__(self, store: Store, *, now: Callable[[], datetime] = real_utc_now) -> None:
        self._store = store
        self._now = now

    def state(self) -> dict[str, Any]:
        """``{"today": "YYYY-MM-DD", "offset_days": N, "frozen_date": "YYYY-MM-DD" | null, "now": ISO}``."""
        with self._store.tx() as db:
            offset = int(db.get_meta(_OFFSET) or "0")
            frozen = db.get_meta(_FROZEN)
        base = date.fromisoformat(frozen) if frozen else self._now().date()
        today = base + timedelta(days=offset)
        return {
            "today": today.isoformat(),
            "offset_days": offset,
            "frozen_date": frozen,
            "now": iso(self._combine(today)),
        }

    def today(self) -> date:
        return date.fromisoformat(str(self.state()["today"]))

    def now(self) -> datetime:
        """Virtual date with the real UTC time of day."""
        return self._combine(self.today())

    def _combine(self, day: date) -> datetime:
        real = self._now()
        return datetime.combine(day, real.timetz()).astimezone(UTC)

    def advance(self, days: int) -> dict[str, Any]:
        with self._store.tx() as db:
            offset = int(db.get_meta(_OFFSET) or "0") + days
            db.set_meta(_OFFSET, str(offset))
        return self.state()

    def freeze(self, day: date | None) -> dict[str, Any]:
        """Pin the base date (offset back to 0), or with None follow the real date again."""
        with self._store.tx() as db:
            db.set_meta(_FROZEN, None if day is None else day.isoformat())
            db.set_meta(_OFFSET, "0")
        return self.state()

    def init_frozen(self, day: date) -> None:
        """Freeze at ``day`` only if the clock was never set (a fresh database)."""
        with self._store.tx() as db:
            if db.get_meta(_FROZEN) is None and db.get_meta(_OFFSET) is None:
                db.set_meta(_FROZEN, day.isoformat())
                db.set_meta(_OFFSET, "0")

    def reset(self, start_date: date | None) -> None:
        with self._store.tx() as db:
            db.set_meta(_FROZEN, None if start_date is None else start_date.isoformat())
            db.set_meta(_OFFSET, "0")


def iso(moment: datetime) -> str:
    """JavaScript ``toISOString()`` format: ``2026-01-02T03:04:05.678Z``."""
    moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
