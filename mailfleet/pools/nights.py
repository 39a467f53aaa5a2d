"""A mailbox's recent nightly classes, as the health report carries them for the pools (docs/rotation.md).

The nightly ``mailfleet health --json`` report gives every mailbox a ``nights`` entry built from the history it
already keeps (no new store): ``{"from": "2026-11-03", "classes": "hhhwcc-h", "last_critical_reason": "..."}``, one
letter per night from ``from`` to the report's night, ``-`` for a night without a report. The Pulumi program reads
it with the rest of the report, so it never opens the history (SQLite or PostgreSQL) and makes no request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from mailfleet.health.thresholds import HealthClass

#: Nights the report carries; ``readmit_after`` may not exceed it (its schema maximum, tested).
LOOKBACK_NIGHTS = 30
NO_REPORT = "-"
_LETTER = {HealthClass.HEALTHY: "h", HealthClass.UNKNOWN: "u", HealthClass.WARNING: "w", HealthClass.CRITICAL: "c"}
_CLASS = {letter: health for health, letter in _LETTER.items()}


@dataclass(frozen=True)
class NightClass:
    night: date
    health: HealthClass
    reason: str = ""


@dataclass(frozen=True)
class Nights:
    """A mailbox's classes by night, oldest first, ending with the report's night; nights without a report absent."""

    nights: tuple[NightClass, ...]
    last_critical_reason: str = ""

    def to_json(self) -> dict[str, Any]:
        if not self.nights:
            return {"from": None, "classes": "", "last_critical_reason": ""}
        start, end = self.nights[0].night, self.nights[-1].night
        by_night = {n.night: _LETTER[n.health] for n in self.nights}
        span = (end - start).days + 1
        letters = "".join(by_night.get(start + timedelta(days=i), NO_REPORT) for i in range(span))
        return {"from": start.isoformat(), "classes": letters, "last_critical_reason": self.last_critical_reason}

    @classmethod
    def from_json(cls, value: Any) -> Nights:
        """The inverse of :meth:`to_json`; anything malformed reads as no nights (never an exception)."""
        if not isinstance(value, Mapping) or not isinstance(value.get("classes"), str):
            return cls(())
        try:
            start = date.fromisoformat(str(value.get("from")))
        except ValueError:
            return cls(())
        nights = tuple(
            NightClass(start + timedelta(days=i), _CLASS[letter])
            for i, letter in enumerate(value["classes"])
            if letter in _CLASS
        )
        return cls(nights, str(value.get("last_critical_reason") or ""))


def recent_nights(earlier: Iterable[tuple[date, str, str]], tonight: date, health: str, reason: str) -> Nights:
    """The last :data:`LOOKBACK_NIGHTS` nights from the history's (night, class, reason) rows and tonight's verdict."""
    since = tonight - timedelta(days=LOOKBACK_NIGHTS - 1)
    rows = {night: (h, r) for night, h, r in earlier if since <= night < tonight}
    rows[tonight] = (health, reason)
    nights = tuple(NightClass(night, HealthClass(h), r) for night, (h, r) in sorted(rows.items()))
    critical = [n for n in nights if n.health is HealthClass.CRITICAL]
    return Nights(nights, critical[-1].reason if critical else "")
