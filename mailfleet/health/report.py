"""``mailfleet health``: every managed mailbox's warmup health, as a table, JSON and a chart.

The mailboxes come from the stack's state (the Mailbox resources' outputs), their warmup stats from Smartlead through
the rate-limited client. Exit 0 when no mailbox is critical, 2 when one is, 1 on error (raised as MailfleetError).
The JSON report is also what the health gate in the program reads (see ``mailfleet.health.gate``).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from itertools import groupby
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from mailfleet import clock
from mailfleet.automation import open_stack, progress, stack_name, stack_settings
from mailfleet.errors import SetupError
from mailfleet.health.assess import MailboxHealth, ManagedMailbox, assess
from mailfleet.health.stack import managed_mailboxes
from mailfleet.health.thresholds import HealthClass, format_percent, thresholds_as_json
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.smartlead.errors import NotFoundError
from mailfleet.smartlead.models import WarmupStats
from mailfleet.spec.ramps import WARMUP_COMPLETE_DAYS

EXIT_OK, EXIT_CRITICAL = 0, 2
REPORT_FORMAT = "mailfleet/health-v1"
NOT_AVAILABLE = "n/a"
SOURCES_NOTE = (
    "inbox rate = inbox / sent warmup mail over the last 7 days (warmup-stats); bounce rate and spam complaint "
    "rate: n/a, Smartlead's public API has no per-mailbox source for them"
)
STYLES = {
    HealthClass.CRITICAL: "bold red",
    HealthClass.WARNING: "yellow",
    HealthClass.HEALTHY: "green",
    HealthClass.UNKNOWN: "dim",
}


def run_health(stack: str | None, json_path: str | None, chart_path: str | None) -> int:
    err = Console(stderr=True)
    if chart_path:
        from mailfleet.health.chart import chart_format

        chart_format(Path(chart_path))  # a wrong extension fails before any request
    with progress("reading the stack"):
        opened = open_stack(stack)
        client = stack_settings(opened).client()
        mailboxes = managed_mailboxes(opened)
    today = clock.today()
    results = collect(mailboxes, client, today, progress=err.is_terminal)
    report = build_report(results, stack=stack_name(stack), today=today.isoformat())
    out = Console(width=None if sys.stdout.isatty() else 160, highlight=False)
    render(results, out)
    if json_path:
        write_json(report, Path(json_path))
    if chart_path:
        from mailfleet.health.chart import write_chart

        write_chart(results, Path(chart_path), title=f"Warmup inbox rate, stack {stack_name(stack)}, {today}")
    return EXIT_CRITICAL if report["summary"]["critical"] else EXIT_OK


def collect(
    mailboxes: Sequence[ManagedMailbox], client: SmartleadClient, today: Any, *, progress: bool
) -> list[MailboxHealth]:
    """Warmup stats for each mailbox (one request each, paced by the limiter), assessed."""
    fetch: Callable[[ManagedMailbox], MailboxHealth] = lambda m: assess(m, _stats(client, m), today)  # noqa: E731
    if not progress:
        return [fetch(m) for m in mailboxes]
    columns = (TextColumn("warmup stats"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("stats", total=len(mailboxes))
        results = []
        for mailbox in mailboxes:
            results.append(fetch(mailbox))
            bar.advance(task)
        return results


def _stats(client: SmartleadClient, mailbox: ManagedMailbox) -> WarmupStats:
    try:
        return client.get_warmup_stats(mailbox.account_id)
    except NotFoundError:
        return WarmupStats(account_id=mailbox.account_id)  # gone from Smartlead: nothing to classify (drift says so)


def mailbox_json(result: MailboxHealth) -> dict[str, Any]:
    standing = result.standing
    return {
        "tenant": result.mailbox.tenant,
        "email": result.mailbox.email,
        "account_id": result.mailbox.account_id,
        "class": result.health.value,
        "reason": result.verdict.reason,
        "inbox_rate": result.inbox_rate,
        "spam_placement_rate": result.spam_placement_rate,
        "bounce_rate": None,
        "spam_rate": None,
        "sent": result.sent,
        "inbox": result.inbox,
        "spam": result.spam,
        "warmup_day": standing.warmup_day if standing else None,
        "warmup_complete": standing.complete if standing else None,
        "ramp_step": standing.step if standing else None,
        "ramp_steps": standing.steps if standing else None,
        "ramp_per_day": standing.per_day if standing else None,
        "max_email_per_day": result.mailbox.max_email_per_day,
        "held": result.held,
        "days": [
            {"date": p.day.isoformat(), "sent": p.sent, "spam": p.spam, "inbox_rate": p.inbox_rate} for p in result.days
        ],
    }


def build_report(results: Sequence[MailboxHealth], *, stack: str, today: str) -> dict[str, Any]:
    counts = {c.value: sum(1 for r in results if r.health is c) for c in HealthClass}
    return {
        "format": REPORT_FORMAT,
        "stack": stack,
        "date": today,
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "summary": {"mailboxes": len(results), **counts},
        "critical": [r.mailbox.email for r in results if r.health is HealthClass.CRITICAL],
        "thresholds": thresholds_as_json(),
        "sources": SOURCES_NOTE,
        "mailboxes": [mailbox_json(r) for r in results],
    }


def summary_line(results: Sequence[MailboxHealth]) -> str:
    counts = {c: sum(1 for r in results if r.health is c) for c in HealthClass}
    parts = [f"{counts[c]} {c.value}" for c in (HealthClass.HEALTHY, HealthClass.WARNING, HealthClass.CRITICAL)]
    if counts[HealthClass.UNKNOWN]:
        parts.append(f"{counts[HealthClass.UNKNOWN]} without warmup mail yet")
    line = f"{len(results)} mailbox{'es' if len(results) != 1 else ''}: " + ", ".join(parts)
    critical = [r.mailbox.email for r in results if r.health is HealthClass.CRITICAL]
    return line + (f". Critical: {', '.join(critical)}" if critical else "")


def render(results: Sequence[MailboxHealth], console: Console) -> None:
    console.print(summary_line(results))
    for tenant, group in groupby(results, key=lambda r: r.mailbox.tenant):
        table = Table(title=f"tenant {tenant}", title_justify="left", title_style="bold")
        for name, justify in (
            ("Mailbox", "left"),
            ("Health", "left"),
            ("Inbox 7d", "right"),
            ("Spam folder", "right"),
            ("Bounce", "right"),
            ("Day", "right"),
            ("Ramp step", "left"),
            ("Warmup", "left"),
        ):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for result in group:
            table.add_row(*_row(result))
        console.print(table)
    console.print(f"[dim]{SOURCES_NOTE}[/dim]")


def _row(result: MailboxHealth) -> list[str]:
    style = STYLES[result.health]
    health = f"[{style}]{result.health.value}[/{style}]"
    if result.verdict.reason:
        health += f" ({result.verdict.reason})"
    inbox = format_percent(result.inbox_rate) if result.inbox_rate is not None else NOT_AVAILABLE
    spam = format_percent(result.spam_placement_rate) if result.spam_placement_rate is not None else NOT_AVAILABLE
    standing = result.standing
    if standing is None:
        day, ramp, warmup = "?", "?", "?"
    else:
        day = str(standing.warmup_day)
        ramp = f"{standing.step}/{standing.steps} at {standing.per_day}/day"
        if result.held:
            ramp = f"[red]held at {result.mailbox.max_email_per_day}/day[/red] (ramp: {ramp})"
        left = WARMUP_COMPLETE_DAYS + 1 - standing.warmup_day
        warmup = "complete" if standing.complete else f"{left} day{'s' if left != 1 else ''} to go"
    return [result.mailbox.email, health, inbox, spam, NOT_AVAILABLE, day, ramp, warmup]


def write_json(report: dict[str, Any], path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(report, indent=2) + "\n")
    except OSError as error:
        raise SetupError(f"cannot write {path}: {error.strerror or error}") from None
