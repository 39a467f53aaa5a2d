"""Health classes and the design brief's thresholds, as data.

Per mailbox (design brief): inbox rate healthy > 90 %, warning 70-90 %, critical < 70 %; bounce rate healthy < 2 %,
warning 2-5 %, critical > 5 %; spam rate healthy < 0.1 %, warning 0.1-0.3 %, critical > 0.3 %.

Boundary semantics: a "warning" range includes both of its ends. So an inbox rate of exactly 90 % or exactly 70 % is
a warning, a bounce rate of exactly 2 % or exactly 5 % is a warning, and a spam rate of exactly 0.1 % or exactly
0.3 % is a warning. Healthy and critical need a value strictly beyond the range. Rates are fractions (0.9 is 90 %);
a rate computed as ``count / total`` that equals a boundary exactly rounds to the same float as the literal boundary,
because IEEE division is correctly rounded.

A mailbox's class is the worst class among its findings: the rates that have a source (a rate with no source, ``None``,
does not count) and the checks of :mod:`mailfleet.health.assess` (connection, warmup blocked, DNS). With no finding at
all (nothing sent yet), the class is ``unknown``: not critical, so the gate does not hold it.
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
class Finding:
    """One thing that sets a mailbox's class: a graded rate (``bounce 6.1 %``) or a check that failed
    (``dmarc: no record for acme-mail.example``, ``smtp: authentication failed``)."""

    health: HealthClass
    text: str


@dataclass(frozen=True)
class Verdict:
    health: HealthClass
    reason: str
    """What set the class, worst first and separated by ``; `` (e.g. ``"bounce 6.1 %; dmarc: no record"``); empty
    when healthy or unknown."""


REASON_SEPARATOR = "; "


def grade(inbox_rate: float | None, bounce_rate: float | None = None, spam_rate: float | None = None) -> list[Finding]:
    """A finding per rate that has a value; rates without a source (``None``) are left out."""
    rates = {INBOX: inbox_rate, BOUNCE: bounce_rate, SPAM: spam_rate}
    return [Finding(t.classify(rate), t.describe(rate)) for t, rate in rates.items() if rate is not None]


def combine(findings: Iterable[Finding]) -> Verdict:
    """The worst class over the findings; the reason names every warning or critical finding, worst first."""
    found = list(findings)
    overall = worst(f.health for f in found)
    bad = [f for f in found if f.health.severity >= HealthClass.WARNING.severity]
    bad.sort(key=lambda f: -f.health.severity)  # stable: equal classes keep their order (inbox, bounce, spam, ...)
    return Verdict(overall, REASON_SEPARATOR.join(f.text for f in bad))


def classify(inbox_rate: float | None, bounce_rate: float | None = None, spam_rate: float | None = None) -> Verdict:
    """The worst class over the rates given, with every rate that is not healthy, worst first."""
    return combine(grade(inbox_rate, bounce_rate, spam_rate))


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
