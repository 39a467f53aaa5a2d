"""A pool's cap on a mailbox's daily sending, applied by the Mailbox provider's ``check`` after the health gate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def pool_cap(pool: Any, per_day: int, step: str) -> tuple[int, str]:
    """Today's cap and step text, lowered to the pool's cap (rest level, or graduation after a rest) when lower.

    ``pool`` is the Mailbox's ``pool`` input: ``{"cap": {"per_day": 10, "why": "resting (pool of campaign 48213)"}}``.
    """
    cap = pool.get("cap") if isinstance(pool, Mapping) else None
    if not isinstance(cap, Mapping) or not isinstance(cap.get("per_day"), int | float) or cap["per_day"] >= per_day:
        return per_day, step
    limit = int(cap["per_day"])
    return limit, f"{cap.get('why') or 'pool'}: {limit}/day; ramp today: {step}"
