"""Built-in sending ramps.

A ramp sets a mailbox's daily campaign cap (Smartlead ``max_email_per_day``) by the day since its warmup
started (day 1 is the first day). The ``standard`` ramp comes from the product's origin figures: days 1-5: 10,
6-10: 20, 11-15: 30, 16-20: 40, 21-25: 50, 26-30: 60, 31 on: 75. Warmup counts as complete after 30 days.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any

from mailfleet.spec.model import Ramp, RampStep

STANDARD_RAMP_NAME = "standard"

STANDARD = Ramp(
    name=STANDARD_RAMP_NAME,
    steps=(
        RampStep(from_day=1, per_day=10),
        RampStep(from_day=6, per_day=20),
        RampStep(from_day=11, per_day=30),
        RampStep(from_day=16, per_day=40),
        RampStep(from_day=21, per_day=50),
        RampStep(from_day=26, per_day=60),
        RampStep(from_day=31, per_day=75),
    ),
)

#: Ramps every tenant file may name in ``sending.ramp`` without declaring them under ``ramps``.
BUILTIN_RAMPS: MappingProxyType[str, Ramp] = MappingProxyType({STANDARD_RAMP_NAME: STANDARD})

#: Days of warmup after which a mailbox counts as warm (the default ``campaign_min_warmup_days``).
WARMUP_COMPLETE_DAYS = 30


def ramp_to_json(ramp: Ramp) -> dict[str, Any]:
    """A ramp as resources store it: a built-in by name only (the steps are known), a custom one with its steps."""
    if BUILTIN_RAMPS.get(ramp.name) == ramp:
        return {"name": ramp.name}
    return {"name": ramp.name, "steps": [[step.from_day, step.per_day] for step in ramp.steps]}


def ramp_from_json(value: Any) -> Ramp:
    """The inverse of :func:`ramp_to_json`. Raises KeyError, TypeError or ValueError when ``value`` is not a ramp."""
    if "steps" not in value:
        return BUILTIN_RAMPS[str(value["name"])]
    return Ramp(name=str(value["name"]), steps=tuple(RampStep(int(a), int(b)) for a, b in value["steps"]))
