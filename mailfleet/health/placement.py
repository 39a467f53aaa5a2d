"""``mailfleet placement run --campaign ID [--mailbox EMAIL]... [--yes]``: an inbox placement test with SmartDelivery.

Opt-in and capped: stack config ``mailfleet:placementCreditCap`` (credits per calendar month) must be set, and a run
that would take the month's spending past it is refused before anything is created. A test is counted as one credit
per sender mailbox (SmartDelivery spends credits once the seeds send; counting per sender errs on the safe side).
Unless ``--yes`` is given, the run asks for confirmation (and refuses without a terminal to ask on).

The test is created for the campaign's senders (the given mailboxes, else the managed mailboxes in the campaign),
polled until done within ``mailfleet:placementTimeout`` seconds (default 1,800; every
``mailfleet:placementPollSeconds``, default 30), and each sender's inbox and spam share is stored in the health
history, where ``mailfleet health`` shows the latest per mailbox.
Base URL: ``mailfleet:smartDeliveryUrl`` (default ``https://smartdelivery.smartlead.ai/api/v1``).
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import date

import click
from rich.console import Console
from rich.table import Table

from mailfleet import clock
from mailfleet.automation import open_stack, progress, stack_name, stack_settings
from mailfleet.errors import SetupError
from mailfleet.health.assess import Placement
from mailfleet.health.history import History, open_history
from mailfleet.health.stack import managed_mailboxes
from mailfleet.health.thresholds import format_percent
from mailfleet.smartlead.smartdelivery import DEFAULT_SMARTDELIVERY_URL, DONE_STATUSES, SmartDeliveryClient

CAP_KEY = "placementCreditCap"
URL_KEY = "smartDeliveryUrl"
TIMEOUT_KEY = "placementTimeout"
POLL_KEY = "placementPollSeconds"
DEFAULT_TIMEOUT = 1800.0
DEFAULT_POLL = 30.0


def _number(config: Mapping[str, str], key: str, default: float | None) -> float | None:
    raw = config.get(key)
    if raw in (None, ""):
        return default
    try:
        value = float(str(raw))
    except ValueError:
        value = -1
    if value < 0:
        raise SetupError(f"stack config mailfleet:{key} must be a number >= 0, not {raw!r}")
    return value


def month_spent(history: History, today: date) -> int:
    """Credits counted this calendar month: one per sender of each stored test."""
    first = today.replace(day=1)
    return sum(1 for p in history.placement_rows() if p >= first)


def check_cap(cap: float | None, spent: int, cost: int) -> None:
    if cap is None:
        raise SetupError(
            f"placement tests spend SmartDelivery credits and are opt-in: set a monthly cap first with "
            f"pulumi config set {CAP_KEY} N"
        )
    if spent + cost > cap:
        raise SetupError(
            f"refused: this test needs {cost} credit{'s' if cost != 1 else ''} ({cost} sender mailbox"
            f"{'es' if cost != 1 else ''}); {spent} of the monthly cap of {int(cap)} already spent"
        )


def poll(
    read: Callable[[], str], *, timeout: float, interval: float, sleep: Callable[[float], None] = time.sleep
) -> str:
    """Read the status until it is done or the deadline passes (then SetupError)."""
    deadline = time.monotonic() + timeout
    while True:
        status = read()
        if status in DONE_STATUSES:
            return status
        if time.monotonic() + interval > deadline:
            raise SetupError(
                f"the placement test is still {status or 'running'} after {int(timeout)} s; run again later"
            )
        sleep(interval)


def run_placement(stack: str | None, campaign_id: int, mailboxes: Sequence[str], yes: bool) -> int:
    out = Console(highlight=False)
    with progress("reading the stack"):
        opened = open_stack(stack)
        settings = stack_settings(opened)
        managed = {m.email.lower() for m in managed_mailboxes(opened)}
    config = settings.config
    name = stack_name(stack)
    today = clock.today()
    cap = _number(config, CAP_KEY, None)
    with open_history(opened.workspace, config, name) as history, settings.client() as main:
        if mailboxes:
            senders = [m.lower() for m in mailboxes]
        else:
            senders = sorted(a.from_email.lower() for a in main.list_campaign_accounts(campaign_id))
            senders = [s for s in senders if s in managed]
        if not senders:
            raise SetupError(f"campaign {campaign_id} has no managed mailbox to test; name them with --mailbox")
        check_cap(cap, month_spent(history, today), len(senders))
        if not yes:
            if not sys.stdin.isatty():
                raise SetupError("a placement test spends credits: confirm on a terminal, or pass --yes")
            if not click.confirm(
                f"Run a placement test of campaign {campaign_id} from {len(senders)} mailbox(es), "
                f"spending up to {len(senders)} credit(s)?"
            ):
                out.print("cancelled: nothing was created")
                return 1
        connection = settings.connection
        base = str(config.get(URL_KEY) or DEFAULT_SMARTDELIVERY_URL)
        with SmartDeliveryClient(base, connection.api_key) as delivery:
            test_id = delivery.create_manual_test(f"mailfleet {name} {today}", campaign_id, senders)
            out.print(f"placement test {test_id} created for {len(senders)} mailbox(es); waiting for it to finish")
            poll(
                lambda: delivery.test_status(test_id),
                timeout=_number(config, TIMEOUT_KEY, DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT,
                interval=_number(config, POLL_KEY, DEFAULT_POLL) or 0.0,
            )
            results = {r.from_email: r for r in delivery.sender_results(test_id)}
        stored = {
            email: Placement(test_id, today, r.inbox_rate, r.spam_rate) for email, r in results.items() if r.total
        }
        history.record_placements(test_id, campaign_id, today, stored)
    table = Table(title=f"placement test {test_id}, campaign {campaign_id}", title_justify="left")
    for column in ("Mailbox", "Inbox", "Spam", "Seeds"):
        table.add_column(column)
    for email in senders:
        r = results.get(email)
        if r is None:
            table.add_row(email, "n/a", "n/a", "0")
        else:
            table.add_row(email, format_percent(r.inbox_rate), format_percent(r.spam_rate), str(r.total))
    out.print(table)
    return 0
