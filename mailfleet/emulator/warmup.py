"""Warmup simulation: deterministic daily numbers from (account id, date), shaped by settings and health.

Each day since warmup started gets ``sent`` (the ramp: ``daily_rampup`` more per day up to
``total_warmup_per_day``, with a jitter of one), of which a share lands in spam according to the account's
health profile, plus replies and received counts. Randomness is seeded with a SHA-256 of the account id and
the date, so the same account on the same virtual date always reads the same numbers, across restarts.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

DEFAULT_PER_DAY = 20
DEFAULT_RAMPUP = 2
DEFAULT_REPLY_RATE = 30
MAX_HISTORY_DAYS = 730


@dataclass(frozen=True)
class HealthProfile:
    """Targets for simulated mail: share of warmup mail landing in the inbox, and campaign bounce/spam rates.

    Named profiles: ``healthy`` (inbox 98 %), ``warning`` (inbox 82 %), ``critical`` (inbox 55 %); per the
    design's thresholds (healthy > 90 %, warning 70-90 %, critical < 70 %). ``bounce_rate`` and ``spam_rate`` are
    kept for health features that want them; the public API has nowhere to show them, so only the control API does.
    """

    name: str
    inbox_rate: float
    bounce_rate: float
    spam_rate: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "inbox_rate": self.inbox_rate,
            "bounce_rate": self.bounce_rate,
            "spam_rate": self.spam_rate,
        }


PROFILES = {
    "healthy": HealthProfile("healthy", 0.98, 0.005, 0.0005),
    "warning": HealthProfile("warning", 0.82, 0.03, 0.002),
    "critical": HealthProfile("critical", 0.55, 0.08, 0.005),
}


def profile_from(value: Any) -> HealthProfile:
    """A profile from a name (``"critical"``) or a dict with ``inbox_rate``/``bounce_rate``/``spam_rate``
    (0-1), optionally starting from a named ``name``. Raises ``ValueError`` on bad input."""
    if isinstance(value, str):
        if value not in PROFILES:
            raise ValueError(f"unknown health profile {value!r}; known: {sorted(PROFILES)}")
        return PROFILES[value]
    if not isinstance(value, dict):
        raise ValueError("health profile must be a name or an object")
    unknown = set(value) - {"name", "inbox_rate", "bounce_rate", "spam_rate"}
    if unknown:
        raise ValueError(f"unknown health profile fields: {sorted(unknown)}")
    base = PROFILES.get(str(value.get("name", "healthy")), PROFILES["healthy"])
    rates: dict[str, float] = {}
    for key in ("inbox_rate", "bounce_rate", "spam_rate"):
        raw = value.get(key, getattr(base, key))
        if isinstance(raw, bool) or not isinstance(raw, int | float) or not 0 <= raw <= 1:
            raise ValueError(f"{key} must be a number between 0 and 1")
        rates[key] = float(raw)
    name = str(value.get("name", "custom"))
    return HealthProfile(name, rates["inbox_rate"], rates["bounce_rate"], rates["spam_rate"])


@dataclass
class WarmupState:
    """What an account stores about warmup (settings plus when it ran)."""

    enabled: bool = False
    total_per_day: int | None = None
    daily_rampup: int | None = None
    reply_rate: int | None = None
    warmup_key_id: str | None = None
    auto_adjust: bool | None = None
    rampup_enabled: bool | None = None
    started_on: str | None = None
    """ISO date of the first day warmup ran; None if it never did."""
    created_at: str | None = None
    pauses: list[list[str | None]] = field(default_factory=list)
    """[start, end) ISO dates when warmup sent nothing (disabled); end None means still paused."""
    is_blocked: bool = False
    blocked_reason: str | None = None
    reputation_override: str | None = None
    """A fixed ``warmup_reputation`` set through a UI edit; None means computed."""

    def per_day(self) -> int:
        return self.total_per_day if self.total_per_day is not None else DEFAULT_PER_DAY

    def rampup(self) -> int:
        return self.daily_rampup if self.daily_rampup is not None else DEFAULT_RAMPUP

    def replies(self) -> int:
        return self.reply_rate if self.reply_rate is not None else DEFAULT_REPLY_RATE


@dataclass(frozen=True)
class DayStats:
    day: date
    sent: int
    inbox: int
    spam: int
    replies: int
    received: int


def _rng(account_id: int, day: date) -> random.Random:
    digest = hashlib.sha256(f"mailfleet-warmup|{account_id}|{day.isoformat()}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def _paused(state: WarmupState, day: date, extra_pauses: list[list[str | None]]) -> bool:
    for start, end in [*state.pauses, *extra_pauses]:
        if start is None:
            continue
        if date.fromisoformat(start) <= day and (end is None or day < date.fromisoformat(end)):
            return True
    return False


def day_stats(
    account_id: int,
    state: WarmupState,
    profile: HealthProfile,
    day: date,
    extra_pauses: list[list[str | None]] | None = None,
) -> DayStats:
    """Numbers for one day. Zero before warmup started and on paused days (disabled or suspended)."""
    rng = _rng(account_id, day)
    jitter, inbox_noise, reply_factor, received_jitter = (
        rng.randint(-1, 1),
        rng.uniform(-0.02, 0.02),
        rng.uniform(0.8, 1.2),
        rng.randint(-2, 2),
    )
    if state.started_on is None or day < date.fromisoformat(state.started_on):
        return DayStats(day, 0, 0, 0, 0, 0)
    if _paused(state, day, extra_pauses or []):
        return DayStats(day, 0, 0, 0, 0, 0)
    n = (day - date.fromisoformat(state.started_on)).days + 1
    ramping = state.rampup_enabled is not False and state.rampup() > 0
    base = min(state.per_day(), state.rampup() * n) if ramping else state.per_day()
    sent = max(0, base + jitter) if base >= 3 else base
    inbox_share = min(1.0, max(0.0, profile.inbox_rate + inbox_noise))
    inbox = round(sent * inbox_share)
    spam = sent - inbox
    replies = min(sent, round(sent * state.replies() / 100 * reply_factor))
    received = max(0, sent + received_jitter) if sent else 0
    return DayStats(day, sent, inbox, spam, replies, received)


def history(
    account_id: int,
    state: WarmupState,
    profile: HealthProfile,
    first: date,
    last: date,
    extra_pauses: list[list[str | None]] | None = None,
) -> list[DayStats]:
    """One ``DayStats`` per day from ``first`` to ``last`` inclusive."""
    days = (last - first).days + 1
    return [day_stats(account_id, state, profile, first + timedelta(days=i), extra_pauses) for i in range(days)]


def totals_since_start(
    account_id: int,
    state: WarmupState,
    profile: HealthProfile,
    today: date,
    extra_pauses: list[list[str | None]] | None = None,
) -> tuple[int, int]:
    """(sent, spam) over every day from the warmup start to today, inclusive."""
    if state.started_on is None:
        return 0, 0
    first = max(date.fromisoformat(state.started_on), today - timedelta(days=MAX_HISTORY_DAYS))
    if first > today:
        return 0, 0
    days = history(account_id, state, profile, first, today, extra_pauses)
    return sum(d.sent for d in days), sum(d.spam for d in days)


def reputation(sent: int, spam: int) -> str:
    """``"NN%"``: the share of warmup mail that reached the inbox; ``"100%"`` before anything was sent."""
    if sent <= 0:
        return "100%"
    return f"{round(100 * (sent - spam) / sent)}%"
