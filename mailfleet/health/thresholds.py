"""Health classes and the design brief's thresholds, as data.

Per mailbox (design brief): inbox rate healthy > 90 %, warning 70-90 %, critical < 70 %; bounce rate healthy < 2 %,
warning 2-5 %, critical > 5 %; spam rate healthy < 0.1 %, warning 0.1-0.3 %, critical > 0.3 %.

Boundary semantics: a "warning" range includes both of its ends. So an inbox rate of exactly 90 % or exactly 70 % is
a warning, a bounce rate of exactly 2 % or exactly 5 % is a warning, and a spam rate of exactly 0.1 % or exactly
0.3 % is a warning. Healthy and critical need a value strictly beyond the range. Rates are fractions (0.9 is 90 %);
a rate computed as ``count / total`` that equals a boundary exactly rounds to the same float as the literal boundary,
because IEEE division is correctly rounded.

A mailbox's class is the worst class among the rates that have a source; a rate with no source (``None``) does not
count. With no rate at all (nothing sent yet), the class is ``unknown``: not critical, so the gate does not hold it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass


class HealthClass(enum.Enum):
    UNKNOWN = "unknown"
    HEALTHY = "healthy"
    WARNING = "warning"
    CRITICAL = "critical"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {HealthClass.UNKNOWN: 0, HealthClass.HEALTHY: 1, HealthClass.WARNING: 2, HealthClass.CRITICAL: 3}


def worst(classes: Iterable[HealthClass]) -> HealthClass:
    """The most severe class; ``unknown`` for none."""
    return max(classes, key=lambda c: c.severity, default=HealthClass.UNKNOWN)


@dataclass(frozen=True)
class Threshold:
    """One rate's two boundaries. ``higher_is_better``: healthy above ``healthy``, critical below ``critical``;
    otherwise healthy below ``healthy``, critical above ``critical``. Values on a boundary are warnings."""

    metric: str
    label: str
    higher_is_better: bool
    healthy: float
    critical: float
    decimals: int = 1

    def classify(self, rate: float) -> HealthClass:
        if self.higher_is_better:
            if rate > self.healthy:
                return HealthClass.HEALTHY
            return HealthClass.CRITICAL if rate < self.critical else HealthClass.WARNING
        if rate < self.healthy:
            return HealthClass.HEALTHY
        return HealthClass.CRITICAL if rate > self.critical else HealthClass.WARNING

    def describe(self, rate: float) -> str:
        """``"inbox 62 %"``: the label and the rate as a percentage, trailing zeros dropped."""
        return f"{self.label} {format_percent(rate, self.decimals)}"


def format_percent(rate: float, decimals: int = 1) -> str:
    text = f"{rate * 100:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text} %"


INBOX = Threshold("inbox_rate", "inbox", higher_is_better=True, healthy=0.90, critical=0.70)
BOUNCE = Threshold("bounce_rate", "bounce", higher_is_better=False, healthy=0.02, critical=0.05)
SPAM = Threshold("spam_rate", "spam", higher_is_better=False, healthy=0.001, critical=0.003, decimals=2)
THRESHOLDS: tuple[Threshold, ...] = (INBOX, BOUNCE, SPAM)


@dataclass(frozen=True)
class Verdict:
    health: HealthClass
    reason: str
    """The rates that set the class, e.g. ``"inbox 62 %"``; empty when healthy or unknown."""


def classify(inbox_rate: float | None, bounce_rate: float | None = None, spam_rate: float | None = None) -> Verdict:
    """The worst class over the rates given, with the rates responsible for it."""
    rates = {INBOX: inbox_rate, BOUNCE: bounce_rate, SPAM: spam_rate}
    graded = [(threshold, rate, threshold.classify(rate)) for threshold, rate in rates.items() if rate is not None]
    overall = worst(health for _, _, health in graded)
    if overall in (HealthClass.HEALTHY, HealthClass.UNKNOWN):
        return Verdict(overall, "")
    reason = ", ".join(threshold.describe(rate) for threshold, rate, health in graded if health is overall)
    return Verdict(overall, reason)


def thresholds_as_json() -> list[dict[str, object]]:
    """The thresholds for reports, so a reader of the JSON knows what the classes meant."""
    return [
        {
            "metric": t.metric,
            "higher_is_better": t.higher_is_better,
            "healthy": t.healthy,
            "critical": t.critical,
            "boundaries": "warning (inclusive)",
        }
        for t in THRESHOLDS
    ]
