"""Who sends for each campaign pool tonight, and why: a pure function of the specs and the nightly health report.

Inputs: the tenant's pools and mailboxes, and per mailbox what the report says (:class:`Member`: class, reason,
warmup day, the campaigns the listing showed it in, its recent nights). Output: per mailbox the pool campaigns it is
in, a one-line note per pool (the preview's and the PR comment's "why"), and a cap while it rests or graduates; per
pool the senders chosen and whether it is below target. docs/rotation.md describes the rules.

Lifecycle per mailbox and pool: ``warming`` (before ``campaign_min_warmup_days``) -> ``ready`` -> ``active`` ->
``resting`` (critical, then until K healthy nights) -> ``active`` again. The first ``active`` senders of the pool
are its seats; the others (more senders, then the reserves) stand in, those already attached first.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from mailfleet.health.thresholds import HealthClass
from mailfleet.pools.nights import Nights
from mailfleet.pools.standing import Rest, rest_standing
from mailfleet.spec.model import CampaignId, Mailbox, Pool, Tenant


@dataclass(frozen=True)
class Member:
    """What tonight's health report says about one mailbox."""

    health: HealthClass
    reason: str = ""
    warmup_day: int | None = None
    campaigns: frozenset[int] | None = None
    """Campaigns the nightly listing showed it in (the live attachments); None when the report does not say."""
    nights: Nights = field(default_factory=lambda: Nights(()))


@dataclass(frozen=True)
class Cap:
    per_day: int
    why: str


@dataclass
class MailboxPlan:
    campaigns: set[CampaignId] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    cap: Cap | None = None

    def limit(self, cap: Cap) -> None:
        if self.cap is None or cap.per_day < self.cap.per_day:
            self.cap = cap

    @property
    def note(self) -> str:
        return "; ".join(self.notes)


@dataclass(frozen=True)
class PoolPlan:
    campaign: CampaignId
    target: int
    active: tuple[str, ...]
    notes: Mapping[str, str]
    """Each member's status line, e.g. ``resting: bounce 6.1 % > 5 % since 2026-12-03; replaced by d@x in ...``."""

    @property
    def below_target(self) -> bool:
        return len(self.active) < self.target

    def summary(self) -> str:
        state = "below target" if self.below_target else "at target"
        return f"campaign {self.campaign}: {len(self.active)} of {self.target} active ({state})"


@dataclass(frozen=True)
class _Status:
    state: str
    """``unknown`` (not in the report), ``warming``, ``ready`` or ``resting``."""
    rest: Rest
    attached: bool


def _status(member: Member | None, pool: Pool, min_days: int) -> _Status:
    if member is None:
        return _Status("unknown", Rest(False), False)
    rest = rest_standing(member.nights, pool.readmit_after)
    attached = member.campaigns is not None and pool.campaign in member.campaigns
    if rest.resting:
        return _Status("resting", rest, attached)
    if member.warmup_day is not None and member.warmup_day < min_days:
        return _Status("warming", rest, attached)
    return _Status("ready", rest, attached)


def _eligible(email: str, status: _Status, pool: Pool) -> bool:
    # Not in the report yet: a declared sender keeps today's behaviour (the warmup gate still holds it while it
    # warms up); a reserve is not promoted on no evidence.
    return status.state == "ready" or (status.state == "unknown" and email in pool.mailboxes)


def _order(pool: Pool, statuses: Mapping[str, _Status]) -> list[str]:
    seats = list(pool.mailboxes[: pool.active])
    others = [m for m in pool.members if m not in seats]
    standing_in = [m for m in others if statuses[m].attached] + [m for m in others if not statuses[m].attached]
    if pool.after_recovery == "stay":
        attached = [m for m in pool.members if statuses[m].attached]
        return attached + [m for m in [*seats, *standing_in] if m not in attached]
    return seats + standing_in


def plan_pool(pool: Pool, members: Mapping[str, Member], tonight: date | None, min_days: int) -> PoolPlan:
    statuses = {email: _status(members.get(email), pool, min_days) for email in pool.members}
    chosen = [m for m in _order(pool, statuses) if _eligible(m, statuses[m], pool)][: pool.active]
    seats = pool.mailboxes[: pool.active]
    out_seats = [m for m in seats if m not in chosen]
    standins = [m for m in chosen if m not in seats]
    replaced_by = dict(zip(out_seats, standins, strict=False))
    replaces = {standin: seat for seat, standin in replaced_by.items()}
    where = f"campaign {pool.campaign}"
    below = f"no ready reserve: {where} below target ({len(chosen)} of {pool.active} active)"
    notes: dict[str, str] = {}
    for email in pool.members:
        status = statuses[email]
        rest = status.rest
        if email in chosen:
            if rest.readmitted_on is not None and rest.readmitted_on == tonight:
                note = f"active: re-admitted after {pool.readmit_after} healthy nights in {where}"
            elif email in replaces:
                note = f"active: replaces {replaces[email]} in {where}"
            else:
                note = f"active in {where}" if status.attached else f"joins {where}"
        elif status.state == "resting":
            if rest.last_critical == tonight:
                note = f"resting: {rest.reason or 'critical'} since {_day(rest.since)}"
            else:
                note = (
                    f"resting: healthy {rest.clean} of {pool.readmit_after} nights since critical "
                    f"({rest.reason or 'critical'}) on {_day(rest.last_critical)}"
                )
            if email in replaced_by:
                note += f"; replaced by {replaced_by[email]} in {where}"
            elif email in seats:
                note += f"; {below}"
        elif status.state == "warming":
            note = f"warming: ready for {where} on warmup day {min_days}"
        elif status.state == "unknown":
            note = f"reserve for {where}: not in the health report yet"
        elif status.attached:
            note = f"reserve: back to reserve for {where}"
        else:
            note = f"reserve for {where}: ready"
        notes[email] = note
    return PoolPlan(pool.campaign, pool.active, tuple(chosen), notes)


def _day(value: date | None) -> str:
    return value.isoformat() if value is not None else "?"


def rest_cap(pool: Pool, mailbox: Mailbox) -> int:
    """A resting mailbox's daily cap: the pool's ``rest_per_day``, else the first step of the mailbox's ramp."""
    return pool.rest_per_day if pool.rest_per_day is not None else mailbox.ramp.steps[0].per_day


def plan_tenant(
    tenant: Tenant, members: Mapping[str, Member], tonight: date | None
) -> tuple[dict[str, MailboxPlan], list[PoolPlan]]:
    """Every pool of the tenant, and per pool member what it means for the mailbox (campaigns, notes, cap)."""
    by_email = {m.email: m for m in tenant.mailboxes}
    plans: dict[str, MailboxPlan] = {}
    pools: list[PoolPlan] = []
    for pool in tenant.pools:
        decided = plan_pool(pool, members, tonight, tenant.campaign_min_warmup_days)
        pools.append(decided)
        for email in pool.members:
            plan = plans.setdefault(email, MailboxPlan())
            plan.notes.append(decided.notes[email])
            mailbox = by_email[email]
            if email in decided.active:
                plan.campaigns.add(pool.campaign)
            status = _status(members.get(email), pool, tenant.campaign_min_warmup_days)
            if status.state == "resting":
                plan.limit(Cap(rest_cap(pool, mailbox), f"resting (pool of campaign {pool.campaign})"))
            elif status.rest.readmitted_on is not None and tonight is not None:
                day = (tonight - status.rest.readmitted_on).days + 1
                per_day = mailbox.ramp.per_day_on(day)
                plan.limit(Cap(per_day, f"graduating after rest: {mailbox.ramp.name} day {day} at {per_day}/day"))
    return plans, pools
