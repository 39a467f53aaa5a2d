"""The health gate: a critical mailbox does not move up its sending ramp and joins no new campaign.

Data flow (no API request at preview time): the nightly job runs ``mailfleet health --json .mailfleet/health.json``;
the Pulumi program reads that report from ``$MAILFLEET_HEALTH_REPORT`` or stack config ``mailfleet:healthReport``
(:func:`load_health_report`) and gives each mailbox of a tenant with ``health_gate: true`` (the default) a ``health``
input ``{"class": ..., "reason": ...}``. The Mailbox provider's ``check`` then applies :func:`hold_cap` and
:func:`hold_campaigns` against its previous inputs. The ``health`` input itself is not diffed; what the gate changes
shows in the preview as ``ramp_step`` / ``campaign_hold`` text starting with ``held: critical (inbox 62 %)``.

The gate holds while the class is ``critical`` and lets go as soon as it is not (``warning`` moves on, as a mailbox
that never was critical would). A mailbox missing from the report, or with no warmup mail yet, is not held.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mailfleet.errors import MailfleetError
from mailfleet.health.thresholds import HealthClass

REPORT_VARIABLE = "MAILFLEET_HEALTH_REPORT"
REPORT_CONFIG_KEY = "healthReport"


class HealthReportError(MailfleetError):
    """The health report the program was pointed at cannot be read."""


@dataclass(frozen=True)
class HealthInput:
    health: str
    reason: str
    # For campaign pools (mailfleet.pools): the report's night, the mailbox's warmup day, the campaigns the listing
    # showed it in, and its recent nights. Not part of the Mailbox input.
    night: str | None = None
    warmup_day: int | None = None
    campaigns: tuple[int, ...] | None = None
    nights: Any = None

    def as_input(self) -> dict[str, str]:
        return {"class": self.health, "reason": self.reason}


def load_health_report(path: Path) -> dict[str, HealthInput]:
    """Each mailbox's class and reason by email (lowercase). Raises HealthReportError if unreadable."""
    try:
        data = json.loads(path.read_text())
    except OSError as error:
        raise HealthReportError(f"cannot read health report {path}: {error.strerror or error}") from None
    except ValueError as error:
        raise HealthReportError(f"health report {path} is not JSON: {error}") from None
    rows = data.get("mailboxes") if isinstance(data, Mapping) else None
    if not isinstance(rows, list):
        raise HealthReportError(f"health report {path} has no 'mailboxes' list; write it with mailfleet health --json")
    night = data.get("date") if isinstance(data.get("date"), str) else None
    found: dict[str, HealthInput] = {}
    for row in rows:
        if isinstance(row, Mapping) and isinstance(row.get("email"), str) and isinstance(row.get("class"), str):
            day, campaigns = row.get("warmup_day"), row.get("campaigns")
            found[row["email"].lower()] = HealthInput(
                row["class"],
                str(row.get("reason") or ""),
                night=night,
                warmup_day=day if isinstance(day, int) and not isinstance(day, bool) else None,
                campaigns=tuple(c for c in campaigns if isinstance(c, int)) if isinstance(campaigns, list) else None,
                nights=row.get("nights"),
            )
    return found


def critical_reason(health: Any) -> str | None:
    """``"critical (inbox 62 %)"`` when a mailbox's ``health`` input says it is critical, else None."""
    if not isinstance(health, Mapping) or health.get("class") != HealthClass.CRITICAL.value:
        return None
    reason = str(health.get("reason") or "")
    return f"critical ({reason})" if reason else "critical"


def hold_cap(held: str | None, previous: Any, per_day: int, step: str) -> tuple[int, str]:
    """Today's cap and step text, kept at ``previous`` when the gate holds and the ramp would raise it."""
    if held is None or isinstance(previous, bool) or not isinstance(previous, int | float) or per_day <= previous:
        return per_day, step
    kept = int(previous)
    return kept, f"held: {held}: stays at {kept}/day; ramp today: {step}"


def hold_campaigns(held: str | None, previous: Any, planned: Sequence[int], hold: str) -> tuple[list[int], str]:
    """Campaigns to be in today: while held, only those the mailbox is already in (leaving one still works)."""
    if held is None:
        return list(planned), hold
    already = {int(c) for c in previous or ()}
    kept = [c for c in planned if c in already]
    blocked = [c for c in planned if c not in already]
    if not blocked:
        return kept, hold
    listed = ", ".join(str(c) for c in blocked)
    return kept, f"held: {held}: not attached to campaign(s) {listed} until it is no longer critical"
