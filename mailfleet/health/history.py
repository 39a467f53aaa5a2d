"""Each night's counters, kept beside the stack, so that trends and per-day rates cost no request.

Where (:func:`history_location`): ``$MAILFLEET_HEALTH_HISTORY`` or stack config ``mailfleet:healthHistory`` when set;
else the team's PostgreSQL when the Pulumi state lives in ``postgres://`` (the same database, tables
``mailfleet_health_*``); else a SQLite file beside the state: ``<file backend>/mailfleet-health.sqlite3`` for a
``file://`` backend, ``.mailfleet/health-history.sqlite3`` in the project otherwise. Every row carries its stack.

What is kept per night and mailbox: the listing's warmup totals (sent, spam), the class and its reason, the bounce
rate; per placement test the result per mailbox; and the changes already notified (each is posted once).

Trends come from the deltas between nights: the listing's totals grow with every warmup mail, so the difference
between two nights is the mail sent between them.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Protocol

from mailfleet.errors import SetupError
from mailfleet.health.assess import DayPoint, InboxHistory, Measure, Placement

HISTORY_VARIABLE = "MAILFLEET_HEALTH_HISTORY"
HISTORY_CONFIG_KEY = "healthHistory"
SQLITE_NAME = "mailfleet-health.sqlite3"
TREND_WINDOWS = {"today": 1, "7d": 7, "30d": 30}
KEEP_DAYS = 400

SCHEMA = (
    """CREATE TABLE IF NOT EXISTS mailfleet_health_nights (
        stack TEXT NOT NULL, night TEXT NOT NULL, email TEXT NOT NULL, account_id BIGINT NOT NULL,
        warmup_sent BIGINT NOT NULL, warmup_spam BIGINT NOT NULL, health TEXT NOT NULL, reason TEXT NOT NULL,
        bounce_rate DOUBLE PRECISION, PRIMARY KEY (stack, night, email))""",
    """CREATE TABLE IF NOT EXISTS mailfleet_health_placements (
        stack TEXT NOT NULL, test_id BIGINT NOT NULL, email TEXT NOT NULL, night TEXT NOT NULL,
        campaign_id BIGINT NOT NULL, inbox_rate DOUBLE PRECISION NOT NULL, spam_rate DOUBLE PRECISION NOT NULL,
        PRIMARY KEY (stack, test_id, email))""",
    """CREATE TABLE IF NOT EXISTS mailfleet_health_notified (
        stack TEXT NOT NULL, change TEXT NOT NULL, night TEXT NOT NULL, PRIMARY KEY (stack, change))""",
)


class HistoryError(SetupError):
    """The history store cannot be opened or written."""


@dataclass(frozen=True)
class Night:
    """One mailbox's counters on one night."""

    night: date
    email: str
    account_id: int
    warmup_sent: int
    warmup_spam: int
    health: str
    reason: str
    bounce_rate: float | None = None


def history_location(*, backend_url: str | None, project_dir: Path, override: str | None = None) -> str:
    """A ``postgres://`` URL or a SQLite file path (see the module docstring for the order)."""
    if override:
        return override if _is_postgres(override) else str((project_dir / override).resolve())
    if backend_url and _is_postgres(backend_url):
        return backend_url
    if backend_url and backend_url.startswith("file://"):
        return str(Path(backend_url.removeprefix("file://")).expanduser() / SQLITE_NAME)
    return str(project_dir / ".mailfleet" / "health-history.sqlite3")


def open_history(workspace: Any, config: Mapping[str, str], stack: str) -> History:
    """The history of ``stack``, from its Automation API workspace (project directory, backend URL) and config."""
    project_dir = Path(workspace.work_dir)
    location = history_location(
        backend_url=(workspace.env_vars or {}).get("PULUMI_BACKEND_URL"),
        project_dir=project_dir,
        override=os.environ.get(HISTORY_VARIABLE) or config.get(HISTORY_CONFIG_KEY),
    )
    return History(location, stack)


def _is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


class _Connection(Protocol):
    def cursor(self) -> Any: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def close(self) -> None: ...


def _connect(location: str) -> tuple[_Connection, str]:
    """A DB-API connection and its placeholder (``?`` for SQLite, ``%s`` for PostgreSQL)."""
    if _is_postgres(location):
        # psycopg: the driver pyrate-limiter's PostgreSQL bucket (the shared limiter) needs too; libpq reads the URL
        # (and PGPASSWORD or ~/.pgpass), as Pulumi's postgres:// backend does.
        import psycopg

        try:
            connection = psycopg.connect(location, connect_timeout=30)
        except (psycopg.Error, OSError) as error:
            raise HistoryError(f"cannot open the health history in PostgreSQL: {type(error).__name__}") from None
        return connection, "%s"
    path = Path(location)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return sqlite3.connect(str(path), timeout=30), "?"
    except (OSError, sqlite3.Error) as error:
        raise HistoryError(f"cannot open the health history {path}: {error}") from None


class History:
    """The nightly history of one stack. Use as a context manager."""

    def __init__(self, location: str, stack: str) -> None:
        self.location = location
        self.stack = stack
        self._conn, self._mark = _connect(location)
        with self._tx() as cur:
            for statement in SCHEMA:
                cur.execute(statement)

    def __enter__(self) -> History:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def _tx(self) -> Iterator[Any]:
        cur = self._conn.cursor()
        try:
            yield cur
            self._conn.commit()
        except Exception:
            self._conn.rollback()
            raise

    def _sql(self, text: str) -> str:
        return text.replace("?", self._mark)

    # ------------------------------------------------------------------ nights
    def record(self, nights: Iterable[Night]) -> None:
        """Store tonight's counters (a second run on the same night replaces them)."""
        rows = [
            (self.stack, n.night.isoformat(), n.email, n.account_id, n.warmup_sent, n.warmup_spam, n.health, n.reason,
             n.bounce_rate)
            for n in nights
        ]  # fmt: skip
        if not rows:
            return
        with self._tx() as cur:
            cur.executemany(
                self._sql(
                    "INSERT INTO mailfleet_health_nights VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (stack, night, email) DO UPDATE SET account_id = excluded.account_id,"
                    " warmup_sent = excluded.warmup_sent, warmup_spam = excluded.warmup_spam,"
                    " health = excluded.health, reason = excluded.reason, bounce_rate = excluded.bounce_rate"
                ),
                rows,
            )
            cutoff = date.fromisoformat(max(str(r[1]) for r in rows)) - timedelta(days=KEEP_DAYS)
            cur.execute(
                self._sql("DELETE FROM mailfleet_health_nights WHERE stack = ? AND night < ?"),
                (self.stack, cutoff.isoformat()),
            )

    def nights(self, since: date, before: date) -> dict[str, list[Night]]:
        """Every stored night in ``[since, before)``, by email, oldest first."""
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "SELECT night, email, account_id, warmup_sent, warmup_spam, health, reason, bounce_rate"
                    " FROM mailfleet_health_nights WHERE stack = ? AND night >= ? AND night < ? ORDER BY night"
                ),
                (self.stack, since.isoformat(), before.isoformat()),
            )
            rows = cur.fetchall()
        found: dict[str, list[Night]] = {}
        for row in rows:
            night = Night(date.fromisoformat(row[0]), row[1], int(row[2]), int(row[3]), int(row[4]), row[5], row[6],
                          row[7])  # fmt: skip
            found.setdefault(night.email, []).append(night)
        return found

    def classes_by_night(self, since: date) -> dict[date, dict[str, int]]:
        """For the fleet panel: per night, how many mailboxes were in each class."""
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "SELECT night, health, COUNT(*) FROM mailfleet_health_nights WHERE stack = ? AND night >= ?"
                    " GROUP BY night, health ORDER BY night"
                ),
                (self.stack, since.isoformat()),
            )
            rows = cur.fetchall()
        found: dict[date, dict[str, int]] = {}
        for night, health, count in rows:
            found.setdefault(date.fromisoformat(night), {})[str(health)] = int(count)
        return found

    # ------------------------------------------------------------------ placements
    def record_placements(self, test_id: int, campaign_id: int, night: date, results: Mapping[str, Placement]) -> None:
        rows = [
            (self.stack, test_id, email, night.isoformat(), campaign_id, p.inbox_rate, p.spam_rate)
            for email, p in results.items()
        ]
        with self._tx() as cur:
            cur.executemany(
                self._sql(
                    "INSERT INTO mailfleet_health_placements VALUES (?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (stack, test_id, email) DO UPDATE SET inbox_rate = excluded.inbox_rate,"
                    " spam_rate = excluded.spam_rate, night = excluded.night"
                ),
                rows,
            )

    def placement_rows(self) -> list[date]:
        """The night of every stored (test, mailbox) result: what credit caps count."""
        with self._tx() as cur:
            cur.execute(self._sql("SELECT night FROM mailfleet_health_placements WHERE stack = ?"), (self.stack,))
            return [date.fromisoformat(str(row[0])) for row in cur.fetchall()]

    def latest_placements(self) -> dict[str, Placement]:
        with self._tx() as cur:
            cur.execute(
                self._sql(
                    "SELECT email, test_id, night, inbox_rate, spam_rate FROM mailfleet_health_placements"
                    " WHERE stack = ? ORDER BY night, test_id"
                ),
                (self.stack,),
            )
            rows = cur.fetchall()
        return {
            str(email): Placement(int(test_id), date.fromisoformat(night), float(inbox), float(spam))
            for email, test_id, night, inbox, spam in rows
        }

    # ------------------------------------------------------------------ notifications
    def unnotified(self, changes: Sequence[str]) -> list[str]:
        """The changes (stable keys) not posted before."""
        with self._tx() as cur:
            cur.execute(self._sql("SELECT change FROM mailfleet_health_notified WHERE stack = ?"), (self.stack,))
            done = {str(row[0]) for row in cur.fetchall()}
        return [c for c in changes if c not in done]

    def mark_notified(self, changes: Sequence[str], night: date) -> None:
        with self._tx() as cur:
            cur.executemany(
                self._sql("INSERT INTO mailfleet_health_notified VALUES (?, ?, ?) ON CONFLICT DO NOTHING"),
                [(self.stack, c, night.isoformat()) for c in changes],
            )


def inbox_history(earlier: Sequence[Night], tonight_sent: int, tonight_spam: int, today: date) -> InboxHistory:
    """Per-day rates and trends from the stored nights before today plus tonight's listing totals."""
    series = [(n.night, n.warmup_sent, n.warmup_spam) for n in earlier if n.night < today]
    series.append((today, tonight_sent, tonight_spam))
    days = []
    for (_, sent0, spam0), (night, sent1, spam1) in itertools.pairwise(series):
        sent, spam = sent1 - sent0, spam1 - spam0
        if sent >= 0 and 0 <= spam <= sent:  # a reset counter (re-created account) is no delta
            days.append(DayPoint(night, sent, spam))
    trends = {name: _rate_since(series, today - timedelta(days=span)) for name, span in TREND_WINDOWS.items()}
    week = None
    base = _base(series, today - timedelta(days=7))
    if base is not None and base[0] == today - timedelta(days=7):
        sent, spam = tonight_sent - base[1], tonight_spam - base[2]
        if sent > 0 and 0 <= spam <= sent:
            week = Measure((sent - spam) / sent, sent, spam, "7 days", "history")
    return InboxHistory(days=tuple(days), trends=trends, week=week)


def _base(series: Sequence[tuple[date, int, int]], at: date) -> tuple[date, int, int] | None:
    """The latest stored night on or before ``at``."""
    before = [row for row in series[:-1] if row[0] <= at]
    return before[-1] if before else None


def _rate_since(series: Sequence[tuple[date, int, int]], at: date) -> float | None:
    base = _base(series, at)
    if base is None:
        return None
    _, sent1, spam1 = series[-1]
    sent, spam = sent1 - base[1], spam1 - base[2]
    return (sent - spam) / sent if sent > 0 and 0 <= spam <= sent else None
