"""How much of a key's quota a run used, from the emulator's request log: one computation for every stage."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from mailfleet.emulator.testing import RequestLogEntry
from mailfleet.smartlead.ratelimit import RateLimit

# Smartlead's documented quota: what a real key would take for the same requests.
REAL_QUOTA = RateLimit(60, 60.0)
SHARE_TARGET = 0.90


@dataclass(frozen=True)
class QuotaUse:
    admitted: int
    refused_429: int
    span_seconds: float
    capacity: int
    share: float
    real_key_seconds: float

    @property
    def met(self) -> bool:
        return self.share >= SHARE_TARGET and self.refused_429 == 0


def quota_use(entries: Sequence[RequestLogEntry], rate_limit: str) -> QuotaUse:
    """Share = requests admitted / the most a sliding window of ``rate_limit`` admits between the first and the last
    admitted request; 429s as the server counted them."""
    rate = RateLimit.parse(rate_limit)
    admitted = [e for e in entries if e.status != 429]
    times = sorted(datetime.fromisoformat(e.at).timestamp() for e in admitted)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    capacity = rate.limit * (math.floor(span / rate.period) + 1) if admitted else 0
    return QuotaUse(
        admitted=len(admitted),
        refused_429=len(entries) - len(admitted),
        span_seconds=round(span, 2),
        capacity=capacity,
        share=round(len(admitted) / capacity, 3) if capacity else 0.0,
        real_key_seconds=round(len(admitted) * REAL_QUOTA.period / REAL_QUOTA.limit, 1),
    )
