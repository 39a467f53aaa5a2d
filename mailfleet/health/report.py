"""``mailfleet health``: every managed mailbox's health, as a table, JSON and a chart.

The mailboxes come from the stack's state (the Mailbox resources' outputs); what is known about them from
:mod:`mailfleet.health.gather` (listing pages, bounce data, a budget of 7-day stats, DNS, the nightly history).
Exit 0 when no mailbox is critical, 2 when one is, 1 on error (raised as MailfleetError). The JSON report is also
what the health gate in the program reads (see ``mailfleet.health.gate``).
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import groupby
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from mailfleet import clock
from mailfleet.automation import open_stack, progress, stack_name, stack_settings
from mailfleet.errors import SetupError
from mailfleet.health.assess import NOT_ENOUGH_DATA, MailboxHealth, Measure
from mailfleet.health.bounce import BounceSettings
from mailfleet.health.gather import DnsChecker, Gathered, GatherOptions, gather
from mailfleet.health.history import Night, open_history
from mailfleet.health.instantly import client_factory
from mailfleet.health.stack import managed_mailboxes
from mailfleet.health.thresholds import HealthClass, format_percent, thresholds_as_json
from mailfleet.pools.nights import recent_nights
from mailfleet.spec.ramps import WARMUP_COMPLETE_DAYS

EXIT_OK, EXIT_CRITICAL = 0, 2
REPORT_FORMAT = "mailfleet/health-v1"
NOT_AVAILABLE = "n/a"
SPAM_COMPLAINT_NOTE = (
    "spam complaint rate: n/a for every mailbox: Smartlead has no source for it (the brief's 0.1 % / 0.3 % are "
    "Gmail's user-reported complaint rate)"
)
STYLES = {
    HealthClass.CRITICAL: "bold red",
    HealthClass.WARNING: "yellow",
    HealthClass.HEALTHY: "green",
    HealthClass.UNKNOWN: "dim",
}


def run_health(
    stack: str | None,
    json_path: str | None,
    chart_path: str | None,
    *,
    detail: bool = False,
    detail_budget: int | None = None,
    notify_url: str | None = None,
) -> int:
    err = Console(stderr=True)
    if chart_path:
        from mailfleet.health.chart import chart_format

        chart_format(Path(chart_path))  # a wrong extension fails before any request
    with progress("reading the stack"):
        opened = open_stack(stack)
        settings = stack_settings(opened)
        mailboxes = managed_mailboxes(opened)
    project_dir = Path(opened.workspace.work_dir)
    name = stack_name(stack)
    today = clock.today()
    config = settings.config
    options = GatherOptions(
        detail=detail,
        bounce=BounceSettings.from_config(config.get),
        dns=_dns_checker(config, project_dir, settings.specs_dir),
        instantly=client_factory(config.get),
        **({"detail_budget": detail_budget} if detail_budget is not None else {}),
    )
    smartlead = settings.client() if settings.connection_or_none is not None else None
    with open_history(opened.workspace, config, name) as history, smartlead or contextlib.nullcontext() as client:
        previous = history.nights(today - timedelta(days=30), today)
        gathered = gather(mailboxes, client, today, history, options, progress=err.is_terminal)
        report = build_report(
            gathered.results, stack=name, today=today.isoformat(), gathered=gathered, earlier=previous
        )
        out = Console(width=None if sys.stdout.isatty() else 160, highlight=False)
        render(gathered.results, out, gathered=gathered)
        if json_path:
            write_json(report, Path(json_path))
        if chart_path:
            from mailfleet.health.chart import write_chart

            write_chart(
                gathered.results,
                Path(chart_path),
                title=f"Mailbox health, stack {name}, {today}",
                fleet=gathered.fleet_classes,
            )
        if notify_url:
            from mailfleet.health.notify import notify

            notify(notify_url, report, previous, history, today, out)
    return EXIT_CRITICAL if report["summary"]["critical"] else EXIT_OK


def _dns_checker(config: Mapping[str, str], project_dir: Path, specs_dir: str | None) -> DnsChecker:
    from mailfleet.health.dnsauth import checker_from_settings

    return checker_from_settings(config, project_dir / (specs_dir or "specs/tenants"))


def measure_json(measure: Measure | None) -> dict[str, Any] | None:
    if measure is None:
        return None
    return {
        "rate": measure.rate,
        "count": measure.count,
        "hits": measure.hits,
        "window": measure.window,
        "source": measure.source,
        "status": measure.status,
    }


def mailbox_json(result: MailboxHealth, earlier: Sequence[Night] = (), today: date | None = None) -> dict[str, Any]:
    standing = result.standing
    evidence = result.evidence
    account = evidence.account
    bounce = result.bounce
    dns = evidence.dns
    placement = evidence.placement
    history = evidence.history
    return {
        "tenant": result.mailbox.tenant,
        "email": result.mailbox.email,
        "account_id": result.mailbox.account_id,
        "class": result.health.value,
        "reason": result.verdict.reason,
        "inbox_rate": result.inbox_rate,
        "inbox_window": result.inbox_measure.window,
        "inbox_source": result.inbox_measure.source,
        "spam_placement_rate": result.spam_placement_rate,
        "bounce_rate": bounce.rate if bounce is not None else None,
        "bounce_status": bounce.status if bounce is not None else NOT_AVAILABLE,
        "bounce_window": bounce.window if bounce is not None else None,
        "bounce_source": bounce.source if bounce is not None else None,
        "bounce_sent": bounce.count if bounce is not None else 0,
        "bounced": bounce.hits if bounce is not None else 0,
        "spam_rate": None,
        "spam_rate_source": None,
        "sent": result.sent,
        "inbox": result.inbox,
        "spam": result.spam,
        "connection": {
            "smtp": account.is_smtp_success if account else None,
            "imap": account.is_imap_success if account else None,
        },
        "warmup_status": account.warmup.status if account and account.warmup else None,
        "blocked_reason": account.warmup.blocked_reason if account and account.warmup else None,
        "dns": None
        if dns is None
        else {
            "domain": dns.domain,
            "status": dns.status,
            "skipped": dns.skipped,
            "checks": [{"name": c.name, "status": c.status, "detail": c.detail} for c in dns.checks],
        },
        "placement": None
        if placement is None
        else {
            "test_id": placement.test_id,
            "date": placement.day.isoformat(),
            "inbox_rate": placement.inbox_rate,
            "spam_rate": placement.spam_rate,
        },
        "trends": dict(history.trends) if history is not None else {},
        "warmup_day": standing.warmup_day if standing else None,
        "warmup_complete": standing.complete if standing else None,
        "ramp_step": standing.step if standing else None,
        "ramp_steps": standing.steps if standing else None,
        "ramp_per_day": standing.per_day if standing else None,
        "max_email_per_day": result.mailbox.max_email_per_day,
        "held": result.held,
        # For campaign pools (docs/rotation.md): the live attachments as listed tonight, and the recent nights.
        "campaigns": sorted(account.campaign_ids) if account and account.campaign_ids is not None else None,
        "nights": None
        if today is None
        else recent_nights(
            ((n.night, n.health, n.reason) for n in earlier), today, result.health.value, result.verdict.reason
        ).to_json(),
        "days": [
            {"date": p.day.isoformat(), "sent": p.sent, "spam": p.spam, "inbox_rate": p.inbox_rate} for p in result.days
        ],
    }


def build_report(
    results: Sequence[MailboxHealth],
    *,
    stack: str,
    today: str,
    gathered: Gathered | None = None,
    earlier: Mapping[str, Sequence[Night]] | None = None,
) -> dict[str, Any]:
    counts = {c.value: sum(1 for r in results if r.health is c) for c in HealthClass}
    return {
        "format": REPORT_FORMAT,
        "stack": stack,
        "date": today,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "summary": {"mailboxes": len(results), **counts},
        "critical": [r.mailbox.email for r in results if r.health is HealthClass.CRITICAL],
        "thresholds": thresholds_as_json(),
        "sources": {
            "inbox_rate": "warmup-stats (7 days) where fetched, else the nightly history (7 days), else the listing"
            " (since warmup start)",
            "bounce_rate": gathered.bounce_source if gathered else None,
            "spam_rate": None,
            "spam_rate_note": SPAM_COMPLAINT_NOTE,
            "detail_fetched": gathered.detail_fetched if gathered else 0,
            "detail_wanted": gathered.detail_wanted if gathered else 0,
        },
        "mailboxes": [
            mailbox_json(r, (earlier or {}).get(r.mailbox.email, ()), date.fromisoformat(today)) for r in results
        ],
    }


def summary_line(results: Sequence[MailboxHealth]) -> str:
    counts = {c: sum(1 for r in results if r.health is c) for c in HealthClass}
    parts = [f"{counts[c]} {c.value}" for c in (HealthClass.HEALTHY, HealthClass.WARNING, HealthClass.CRITICAL)]
    if counts[HealthClass.UNKNOWN]:
        parts.append(f"{counts[HealthClass.UNKNOWN]} without warmup mail yet")
    line = f"{len(results)} mailbox{'es' if len(results) != 1 else ''}: " + ", ".join(parts)
    critical = [r.mailbox.email for r in results if r.health is HealthClass.CRITICAL]
    return line + (f". Critical: {', '.join(critical)}" if critical else "")


COLUMNS = (
    ("Mailbox", "left"),
    ("Health", "left"),
    ("Inbox", "right"),
    ("Trend 1d/7d/30d", "right"),
    ("Bounce", "right"),
    ("DNS", "left"),
    ("Placement", "left"),
    ("Warmup", "left"),
    ("Ramp step", "left"),
)
LIFETIME_MARK = "*"
LIFETIME_NOTE = (
    f"{LIFETIME_MARK} inbox rate since warmup start (listing totals): 7-day rates need 7 nights of history or the "
    "7-day stats (--detail)"
)


def render(results: Sequence[MailboxHealth], console: Console, *, gathered: Gathered | None = None) -> None:
    console.print(summary_line(results))
    if gathered is not None:
        console.print(
            f"[dim]bounce: {gathered.bounce_source}; 7-day warmup stats fetched for {gathered.detail_fetched} of "
            f"{gathered.detail_wanted} mailboxes that needed them[/dim]"
        )
    console.print(f"[dim]{SPAM_COMPLAINT_NOTE}[/dim]")
    for tenant, group in groupby(results, key=lambda r: r.mailbox.tenant):
        table = Table(title=f"tenant {tenant}", title_justify="left", title_style="bold")
        for name, justify in COLUMNS:
            table.add_column(name, justify=justify, no_wrap=name in ("Mailbox", "Bounce"))  # type: ignore[arg-type]
        for result in group:
            table.add_row(*_row(result))
        console.print(table)
    if any(r.inbox_rate is not None and r.inbox_measure.source == "listing" for r in results):
        console.print(f"[dim]{LIFETIME_NOTE}[/dim]")


def _percent(rate: float | None) -> str:
    return format_percent(rate) if rate is not None else NOT_AVAILABLE


def _bounce_cell(result: MailboxHealth) -> str:
    bounce = result.bounce
    if bounce is None:
        return NOT_AVAILABLE
    if bounce.status == NOT_ENOUGH_DATA:
        return f"{NOT_ENOUGH_DATA} ({bounce.count} sent)" if bounce.count else f"{NOT_ENOUGH_DATA} (none sent)"
    return f"{_percent(bounce.rate)} of {bounce.count}"


def _row(result: MailboxHealth) -> list[str]:
    style = STYLES[result.health]
    health = f"[{style}]{result.health.value}[/{style}]"
    if result.verdict.reason:
        health += f" ({result.verdict.reason})"
    inbox = _percent(result.inbox_rate)
    if result.inbox_rate is not None and result.inbox_measure.source == "listing":
        inbox += LIFETIME_MARK
    history = result.evidence.history
    trends = history.trends if history is not None else {}
    shown = [trends.get(k) for k in ("today", "7d", "30d")]
    trend = " / ".join(_percent(t) for t in shown) if any(t is not None for t in shown) else NOT_AVAILABLE
    dns = result.evidence.dns
    dns_cell = NOT_AVAILABLE if dns is None else dns.status
    placement = result.evidence.placement
    placed = (
        NOT_AVAILABLE
        if placement is None
        else f"inbox {_percent(placement.inbox_rate)}, spam {_percent(placement.spam_rate)}, {placement.day}"
    )
    standing = result.standing
    if standing is None:
        ramp, warmup = "?", "?"
    else:
        ramp = f"{standing.step}/{standing.steps} at {standing.per_day}/day"
        if result.held:
            ramp = f"[red]held at {result.mailbox.max_email_per_day}/day[/red] (ramp: {ramp})"
        left = WARMUP_COMPLETE_DAYS + 1 - standing.warmup_day
        done = "complete" if standing.complete else f"{left} to go"
        warmup = f"day {standing.warmup_day}, {done}"
    return [result.mailbox.email, health, inbox, trend, _bounce_cell(result), dns_cell, placed, warmup, ramp]


def write_json(report: dict[str, Any], path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2) + "\n")
    except OSError as error:
        raise SetupError(f"cannot write {path}: {error.strerror or error}") from None
