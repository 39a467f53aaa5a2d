"""How an Instantly emulator starts (``InstantlySettings``) and what can change while it runs (``InstantlySwitches``,
``POST /_emulator/switches``; a full reset restores the start values)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from mailfleet.emulator.instantly.models import DEFAULT_WORKSPACE_ID
from mailfleet.emulator.settings import RateLimit, set_switch

DEFAULT_JOB_SECONDS = 3.0
DEFAULT_RATE_LIMITS = "100/1,6000/60"
"""Instantly's documented limits per workspace: 100 requests a second and 6,000 a minute."""


@dataclass
class InstantlySwitches:
    """- ``job_seconds`` (number, default 3): real seconds a warmup enable/disable job takes to succeed (0: at
      once). A job keeps the duration it started with.
    - ``rate_limits`` (``"N/SECONDS,..."``, default ``"100/1,6000/60"``): the windows every workspace's requests
      must fit; over any one, a bare 429 (no rate-limit headers)."""

    job_seconds: float = DEFAULT_JOB_SECONDS
    rate_limits: str = DEFAULT_RATE_LIMITS

    def set(self, name: str, value: Any) -> None:
        if name == "rate_limits":
            RateLimit.parse_many(str(value))
            value = str(value)
        set_switch(self, name, value)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclass
class InstantlySettings:
    """``api_keys`` are accepted for ``workspace_id`` (created at start-up as an admin workspace with a paid
    plan, so its keys may act on sub-workspaces with ``x-as-workspace``)."""

    db_path: Path
    api_keys: list[str] = field(default_factory=list)
    workspace_id: str = DEFAULT_WORKSPACE_ID
    switches: InstantlySwitches = field(default_factory=InstantlySwitches)
    start_date: date | None = None
    """If set and the database has no clock yet, the virtual clock is frozen at this date (tests)."""
    request_log_size: int = 10_000
