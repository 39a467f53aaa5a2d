"""Deep checks: reading mailboxes by id, for the fields the account listing does not carry.

``GET /email-accounts/`` returns most settings for 100 accounts a request; a few (warmup per day) come only from
``GET /email-accounts/{id}/``, one request each. ``mailfleet drift --full`` reads every account by id; the nightly
``mailfleet drift`` reads a rolling slice, oldest-checked first, within a request budget.

Two processes take part, and this module is what they share:

- ``mailfleet drift`` picks the slice and hands it to the refresh's provider process in
  ``MAILFLEET_DEEP_READ`` (``all``, or account ids separated by commas).
- The bookkeeping, a small SQLite file *beside the stack's state*: when each account was last deep-checked, and
  which deep fields were found drifted. The provider reads the drifted ones by id on every refresh until an update
  writes the declared values back, so the ``pulumi up --refresh`` after a drift report restores them.

The file lives in the file backend's directory (``<backend>/.mailfleet/<project>/deep-checks.sqlite3``). For other
backends it lives under ``$PULUMI_HOME/mailfleet/`` on the machine running the commands. Both processes find it from
``PULUMI_BACKEND_URL`` (or the CLI's current login) and ``PULUMI_PROJECT``; no new service. Rows are keyed by the
Smartlead base URL and the account id, which no two stacks share.

Over many stacks (``mailfleet stacks drift``, the nightly) the budget is the run's, not each stack's: the command
plans one slice over every mailbox of the stacks it runs, oldest check first (:func:`plan_run`), and hands each
stack's ``mailfleet drift`` its part in a plan file named by ``MAILFLEET_DEEP_PLAN``. 40 stacks then spend 150 by-id
reads a night, not 6,000, and each mailbox is still deep-checked within ceil(mailboxes / budget) nights.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

DEEP_READ_VARIABLE = "MAILFLEET_DEEP_READ"
DEEP_PLAN_VARIABLE = "MAILFLEET_DEEP_PLAN"
ALL = "all"
STORE_NAME = "deep-checks.sqlite3"
DAYS_PER_WEEK = 7
DEFAULT_DEEP_BUDGET = 150
"""Deep reads a nightly drift may spend: at 1,000 mailboxes every mailbox is deep-checked within 7 nights."""


def requested_ids(environ: Mapping[str, str] = os.environ) -> set[int] | None:
    """The accounts this process was asked to read by id: None for all of them, else the ids (maybe none)."""
    text = environ.get(DEEP_READ_VARIABLE, "").strip()
    if text == ALL:
        return None
    return {int(part) for part in text.split(",") if part.strip().isdigit()}


def deep_read_value(ids: Iterable[int] | None) -> str:
    """The ``MAILFLEET_DEEP_READ`` value for ``ids`` (None: all)."""
    return ALL if ids is None else ",".join(str(i) for i in sorted(set(ids)))


def _current_login(pulumi_home: Path) -> str | None:
    try:
        current = json.loads((pulumi_home / "credentials.json").read_text()).get("current")
    except (OSError, ValueError):
        return None
    return str(current) if current else None


def store_path(environ: Mapping[str, str] = os.environ) -> Path | None:
    """Where the bookkeeping of this project's stacks lives; None when neither backend nor project is known."""
    home = Path(environ.get("PULUMI_HOME") or Path.home() / ".pulumi")
    backend = environ.get("PULUMI_BACKEND_URL") or _current_login(home)
    project = environ.get("PULUMI_PROJECT") or "mailfleet"
    if not backend:
        return None
    if backend.startswith("file://"):
        directory = Path(backend.removeprefix("file://")).expanduser()
        return directory / ".mailfleet" / project / STORE_NAME
    digest = hashlib.sha256(backend.encode()).hexdigest()[:12]
    return home / "mailfleet" / digest / project / STORE_NAME


@dataclass(frozen=True)
class CheckRecord:
    account_id: int
    checked_at: datetime
    drifted: tuple[str, ...]


class DeepChecks:
    """The bookkeeping: one row per (Smartlead base URL, account id)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=30)
        db.execute(
            "CREATE TABLE IF NOT EXISTS deep_checks (base TEXT NOT NULL, account_id INTEGER NOT NULL,"
            " checked_at TEXT NOT NULL, drifted TEXT NOT NULL DEFAULT '[]', PRIMARY KEY (base, account_id))"
        )
        return db

    def records(self, base: str) -> dict[int, CheckRecord]:
        if not self.path.exists():
            return {}
        with closing(self._connect()) as db:
            rows = db.execute(
                "SELECT account_id, checked_at, drifted FROM deep_checks WHERE base = ?", (_base(base),)
            ).fetchall()
        return {
            int(i): CheckRecord(int(i), datetime.fromisoformat(str(at)), tuple(json.loads(str(d)))) for i, at, d in rows
        }

    def pending(self, base: str) -> set[int]:
        """Accounts whose last deep check found drift that no update has written back yet."""
        return {i for i, record in self.records(base).items() if record.drifted}

    def record(self, base: str, results: Mapping[int, Sequence[str]], at: datetime) -> None:
        """Deep checks made at ``at``: each account's drifted deep fields (empty when in sync)."""
        with closing(self._connect()) as db, db:
            db.executemany(
                "INSERT INTO deep_checks (base, account_id, checked_at, drifted) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (base, account_id) DO UPDATE SET checked_at = excluded.checked_at,"
                " drifted = excluded.drifted",
                [(_base(base), i, at.isoformat(), json.dumps(sorted(f))) for i, f in results.items()],
            )

    def resolved(self, base: str, account_id: int) -> None:
        """The declared values were written back: nothing is pending for this account any more."""
        if not self.path.exists():
            return
        with closing(self._connect()) as db, db:
            db.execute(
                "UPDATE deep_checks SET drifted = '[]' WHERE base = ? AND account_id = ?", (_base(base), account_id)
            )


def _base(base_url: str) -> str:
    return base_url.rstrip("/")


def choose_slice(ids: Iterable[int], records: Mapping[int, CheckRecord], budget: int, now: datetime) -> list[int]:
    """Up to ``budget`` accounts to deep-check: never checked first, then the oldest checks.

    Ties (accounts never checked) rotate with the date, so even with the bookkeeping lost every account is reached.
    """
    day = (now.date() - datetime(2000, 1, 1, tzinfo=UTC).date()).days

    def order(account_id: int) -> tuple[int, str, int]:
        record = records.get(account_id)
        rotation = (account_id * 2654435761 + day) % 2**32
        return (0, "", rotation) if record is None else (1, record.checked_at.isoformat(), rotation)

    return sorted(set(ids), key=order)[: max(budget, 0)]


@dataclass(frozen=True)
class RunPlan:
    """One night's deep checks over the stacks of one run: the run's budget, and which accounts each stack reads."""

    budget: int
    mailboxes: int
    """Mailboxes across the run's stacks: the budget covers them all within ceil(mailboxes / budget) nights."""
    stacks: dict[str, list[int]] = field(default_factory=dict)

    def write(self, path: Path) -> None:
        path.write_text(json.dumps({"budget": self.budget, "mailboxes": self.mailboxes, "stacks": self.stacks}))

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> RunPlan | None:
        """The plan of the run this process is a stack of (None outside such a run)."""
        target = environ.get(DEEP_PLAN_VARIABLE)
        if not target:
            return None
        data = json.loads(Path(target).read_text())  # written by the run's own command, just before
        stacks = {str(name): [int(i) for i in ids] for name, ids in data["stacks"].items()}
        return cls(int(data["budget"]), int(data["mailboxes"]), stacks)

    def slice_of(self, stack: str) -> list[int]:
        """The accounts ``stack`` reads by id tonight: none when the plan does not know it."""
        return self.stacks.get(stack, [])


def plan_run(
    stacks: Mapping[str, Iterable[int]], records: Mapping[int, CheckRecord], budget: int, now: datetime
) -> RunPlan:
    """One slice of ``budget`` accounts over every stack's mailboxes, oldest deep check first, split by stack."""
    owner = {account_id: stack for stack, ids in stacks.items() for account_id in ids}
    chosen: dict[str, list[int]] = {stack: [] for stack in stacks}
    for account_id in choose_slice(owner, records, budget, now):
        chosen[owner[account_id]].append(account_id)
    return RunPlan(budget, len(owner), {stack: sorted(ids) for stack, ids in chosen.items()})


def nights_for_full_coverage(mailboxes: int, budget: int) -> int | None:
    """How many nights a budget needs to deep-check every mailbox once (None: never, with no budget)."""
    if mailboxes == 0:
        return 0
    return None if budget <= 0 else -(-mailboxes // budget)


def now_utc() -> datetime:
    return datetime.now(UTC)
