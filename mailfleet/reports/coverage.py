"""What a drift run could and could not compare: the deep-check slice, and the fields no Smartlead answer carries.

Drift compares every list-readable field of every mailbox. The fields only ``GET /email-accounts/{id}/`` returns are
compared for the mailboxes read by id tonight: all of them with ``--full``, else a slice chosen oldest-checked first
within ``--deep-budget`` (:mod:`mailfleet.deepcheck`). Write-only fields are never compared: the report lists them
as "not checkable", with the reason, and never counts them as in sync.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mailfleet.deepcheck import CheckRecord, choose_slice, nights_for_full_coverage
from mailfleet.fields import FIELDS
from mailfleet.reports.changes import ResourceChange, resource_kind
from mailfleet.reports.render import plural
from mailfleet.smartlead.fields import DEEP_KEYS, WRITE_ONLY


@dataclass(frozen=True)
class StackMailbox:
    """A mailbox as the stack's state holds it: which fields it declares (names only, no values)."""

    tenant: str | None
    email: str
    account_id: int
    declared: frozenset[str]


def stack_mailboxes(deployment: Mapping[str, Any]) -> list[StackMailbox]:
    """The Mailbox resources of a ``pulumi stack export`` deployment (no request to Smartlead)."""
    found = []
    for resource in deployment.get("resources") or ():
        if resource_kind(str(resource.get("type", ""))) != "Mailbox":
            continue
        inputs, outputs = resource.get("inputs") or {}, resource.get("outputs") or {}
        raw_id = outputs.get("account_id") or resource.get("id")
        try:
            account_id = int(raw_id)
        except (TypeError, ValueError):
            continue
        found.append(StackMailbox(inputs.get("tenant"), str(inputs.get("email", "")), account_id, frozenset(inputs)))
    return found


@dataclass(frozen=True)
class NotCheckable:
    """A declared field Smartlead never returns."""

    key: str
    spec_key: str
    reason: str
    mailboxes: int

    def to_json(self) -> dict[str, Any]:
        return {"field": self.key, "spec": self.spec_key, "reason": self.reason, "mailboxes": self.mailboxes}


def not_checkable(mailboxes: Iterable[StackMailbox]) -> tuple[NotCheckable, ...]:
    counts = {key: 0 for key in WRITE_ONLY}
    for mailbox in mailboxes:
        for key in WRITE_ONLY:
            counts[key] += key in mailbox.declared
    found = []
    for key, count in counts.items():
        path = FIELDS[key].spec_path
        if count:
            found.append(NotCheckable(key, ".".join(path) if path else key, WRITE_ONLY[key], count))
    return tuple(found)


@dataclass(frozen=True)
class DeepCoverage:
    """Which mailboxes were read by id tonight, and how old the oldest deep check of the stack now is."""

    full: bool
    budget: int | None
    checked: tuple[str, ...]
    mailboxes: int
    never_checked: int
    oldest_check: datetime | None
    run_mailboxes: int | None = None
    """When the budget is a run's over many stacks (``mailfleet stacks drift``): the mailboxes it covers in all."""

    @property
    def nights_for_full_coverage(self) -> int | None:
        covered = self.mailboxes if self.run_mailboxes is None else self.run_mailboxes
        return 1 if self.full else nights_for_full_coverage(covered, self.budget or 0)

    def to_json(self) -> dict[str, Any]:
        return {
            "fields": list(DEEP_KEYS),
            "full": self.full,
            "budget": self.budget,
            "run_mailboxes": self.run_mailboxes,
            "checked_tonight": len(self.checked),
            "checked": list(self.checked),
            "mailboxes": self.mailboxes,
            "never_checked": self.never_checked,
            "oldest_check": self.oldest_check.isoformat() if self.oldest_check else None,
            "nights_for_full_coverage": self.nights_for_full_coverage,
        }

    def sentence(self, now: datetime) -> str:
        fields = ", ".join(DEEP_KEYS)
        if self.full:
            head = f"All {self.mailboxes:,} mailboxes were read by id ({fields})."
        else:
            nights = plural(self.nights_for_full_coverage or 0, "night")
            budget = f"budget {self.budget:,} requests"
            if self.run_mailboxes is not None:
                budget += f" for the run's {plural(self.run_mailboxes, 'mailbox', 'mailboxes')} in all its stacks"
            head = (
                f"{len(self.checked):,} of {self.mailboxes:,} mailboxes were read by id tonight ({fields}; {budget}, "
                f"every mailbox within {nights})."
            )
        if self.never_checked:
            return f"{head} {self.never_checked:,} have never been deep-checked."
        if self.oldest_check is not None:
            age = (now - self.oldest_check).days
            return f"{head} The oldest deep check is from {self.oldest_check.date().isoformat()} ({age} days ago)."
        return head


def plan_slice(
    mailboxes: Sequence[StackMailbox], records: Mapping[int, CheckRecord], budget: int, now: datetime
) -> list[int]:
    return choose_slice((m.account_id for m in mailboxes), records, budget, now)


def deep_results(
    mailboxes: Sequence[StackMailbox], checked: Iterable[int], changes: Iterable[ResourceChange]
) -> dict[int, list[str]]:
    """Each checked account's drifted by-id fields (empty when in sync), from the refresh's changes."""
    drifted: dict[str, list[str]] = {}
    for change in changes:
        if change.kind == "Mailbox":
            drifted[change.name.lower()] = [f.path for f in change.fields if f.path in DEEP_KEYS]
    by_id = {m.account_id: m.email.lower() for m in mailboxes}
    return {account_id: drifted.get(by_id.get(account_id, ""), []) for account_id in checked}


def coverage_after(
    mailboxes: Sequence[StackMailbox],
    records: Mapping[int, CheckRecord],
    checked: Sequence[int],
    *,
    full: bool,
    budget: int | None,
    run_mailboxes: int | None = None,
) -> DeepCoverage:
    """The coverage once tonight's checks are recorded (``records``: the bookkeeping after recording)."""
    ids = {m.account_id for m in mailboxes}
    emails = {m.account_id: m.email for m in mailboxes}
    seen = [records[i].checked_at for i in ids if i in records]
    return DeepCoverage(
        full=full,
        budget=budget,
        checked=tuple(sorted(emails[i] for i in checked if i in emails)),
        mailboxes=len(ids),
        never_checked=len(ids) - len(seen),
        oldest_check=min(seen) if seen else None,
        run_mailboxes=run_mailboxes,
    )
