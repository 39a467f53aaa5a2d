"""Where one mailbox stands in its rest cycle, derived from its recent nightly classes alone (nothing is stored).

- **Resting** from the first critical night on, for as long as it is critical, and then until ``readmit_after`` (K)
  consecutive healthy reports have followed its last critical night. Healthy for this purpose means the report's
  class is ``healthy`` or ``unknown``: no metric with enough data is worse than healthy (a resting mailbox's bounce
  rate reads "not enough data" and does not count) and DNS passes or is unknown (an unknown DNS check sets no class).
  A ``warning`` report starts the count again; a night without a report neither counts nor breaks it.
- **Re-admitted** on the night of the K-th such report; from then on its cap climbs the ramp again from its first
  step (graduation), until the critical night leaves the report's window.

Because the state is a function of the nights, a mailbox rests at most once a night (on a critical report) and is
re-admitted at most once a night (on a healthy one, K >= 1 nights after its last critical night), and every ``up``
of the same night decides the same way.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mailfleet.health.thresholds import THRESHOLDS, HealthClass, format_percent
from mailfleet.pools.nights import Nights

CLEAN = frozenset({HealthClass.HEALTHY, HealthClass.UNKNOWN})


@dataclass(frozen=True)
class Rest:
    resting: bool
    since: date | None = None
    """First night of the latest critical run (None: no critical night in the window)."""
    last_critical: date | None = None
    clean: int = 0
    """Healthy reports counted towards re-admission so far."""
    readmitted_on: date | None = None
    reason: str = ""
    """The latest critical night's reason, with the thresholds it crossed (``bounce 6.1 % > 5 %``)."""


def rest_standing(nights: Nights, readmit_after: int) -> Rest:
    """The mailbox's rest standing on the last of ``nights`` (the report's night)."""
    reports = nights.nights
    critical = [i for i, n in enumerate(reports) if n.health is HealthClass.CRITICAL]
    if not critical:
        return Rest(resting=False)
    last = critical[-1]
    first = last
    while first > 0 and reports[first - 1].health is HealthClass.CRITICAL:
        first -= 1
    reason = explain(nights.last_critical_reason)
    streak = 0
    for report in reports[last + 1 :]:
        streak = streak + 1 if report.health in CLEAN else 0
        if streak >= readmit_after:
            return Rest(False, reports[first].night, reports[last].night, streak, report.night, reason)
    return Rest(True, reports[first].night, reports[last].night, streak, None, reason)


def explain(reason: str) -> str:
    """A health reason with each critical rate's threshold: ``bounce 6.1 %`` becomes ``bounce 6.1 % > 5 %``."""
    pieces = []
    for piece in (p for p in reason.split("; ") if p):
        label, _, rest = piece.partition(" ")
        threshold = next((t for t in THRESHOLDS if t.label == label), None)
        try:
            rate = float(rest.removesuffix(" %")) / 100 if rest.endswith(" %") else None
        except ValueError:
            rate = None
        if threshold is not None and rate is not None and threshold.classify(rate) is HealthClass.CRITICAL:
            sign = "<" if threshold.higher_is_better else ">"
            piece = f"{piece} {sign} {format_percent(threshold.critical, threshold.decimals)}"
        pieces.append(piece)
    return "; ".join(pieces)
