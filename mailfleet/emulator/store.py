"""SQLite storage: one file, WAL, one connection guarded by a lock (safe under uvicorn's threadpool).

Rows keep a few indexed columns and the rest of the object as JSON in ``data``. Ids start at realistic,
distinct offsets so that an account id is never mistaken for a client or tag id.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
    hash TEXT PRIMARY KEY, user_id INTEGER NOT NULL UNIQUE, no_plan INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS accounts (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, from_email TEXT NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS accounts_user ON accounts (user_id, deleted, id);
CREATE TABLE IF NOT EXISTS clients (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, email TEXT NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS tags (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS account_tags (
    account_id INTEGER NOT NULL, tag_id INTEGER NOT NULL, PRIMARY KEY (account_id, tag_id)
);
CREATE TABLE IF NOT EXISTS campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS campaign_accounts (
    campaign_id INTEGER NOT NULL, account_id INTEGER NOT NULL, PRIMARY KEY (campaign_id, account_id)
);
CREATE TABLE IF NOT EXISTS campaign_webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, campaign_id INTEGER NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webhooks (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS client_api_keys (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, client_id INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS webhook_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT, user_id INTEGER NOT NULL, campaign_id INTEGER NOT NULL,
    at TEXT NOT NULL, ok INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS bad_credentials (
    kind TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (kind, value)
);
"""

# First id handed out is offset + 1.
ID_OFFSETS = {
    "accounts": 100_000,
    "clients": 5_000,
    "tags": 300,
    "campaigns": 48_000,
    "campaign_webhooks": 9_000,
    "webhooks": 70_000,
    "client_api_keys": 600,
}

DATA_TABLES = (
    "accounts",
    "clients",
    "tags",
    "account_tags",
    "campaigns",
    "campaign_accounts",
    "campaign_webhooks",
    "webhooks",
    "client_api_keys",
    "webhook_events",
)

_JOIN_TABLES = ("account_tags", "campaign_accounts")
"""Tables without ``user_id``: a user's rows there go with the accounts or campaigns they join."""


class Store:
    """A SQLite file. Use ``with store.tx() as db:`` for every read and write; it serializes threads."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._depth = 0
        self._conn = sqlite3.connect(str(self.path), check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.row_factory = sqlite3.Row
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA busy_timeout=30000")
        with self.tx() as db:
            db.executescript_safe(SCHEMA)
            db.seed_sequences()

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def tx(self) -> Iterator[Db]:
        """A write transaction (BEGIN IMMEDIATE), committed on success and rolled back on error. Nested use in
        the same thread joins the outer transaction."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield Db(self._conn)
                finally:
                    self._depth -= 1
                return
            self._conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield Db(self._conn)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            finally:
                self._depth -= 1
            self._conn.execute("COMMIT")


class Db:
    """Thin helpers over one connection inside a transaction."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def executescript_safe(self, script: str) -> None:
        for statement in script.split(";"):
            if statement.strip():
                self.conn.execute(statement)

    def seed_sequences(self) -> None:
        for table, offset in ID_OFFSETS.items():
            row = self.conn.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
            if row is None:
                self.conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, offset))

    def execute(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def one(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def all(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        return list(self.conn.execute(sql, params).fetchall())

    def get_meta(self, key: str) -> str | None:
        row = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        return None if row is None else str(row["value"])

    def set_meta(self, key: str, value: str | None) -> None:
        if value is None:
            self.execute("DELETE FROM meta WHERE key = ?", (key,))
        else:
            self.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def clear_data(self, user_id: int | None = None) -> None:
        """Delete all data rows (and restart id sequences), or only one user's rows."""
        if user_id is None:
            for table in DATA_TABLES:
                self.execute(f"DELETE FROM {table}")
            self.execute("DELETE FROM bad_credentials")
            self.execute("DELETE FROM sqlite_sequence")
            self.seed_sequences()
            return
        self.execute(
            "DELETE FROM account_tags WHERE account_id IN (SELECT id FROM accounts WHERE user_id = ?)",
            (user_id,),
        )
        self.execute(
            "DELETE FROM campaign_accounts WHERE campaign_id IN (SELECT id FROM campaigns WHERE user_id = ?)",
            (user_id,),
        )
        for table in (t for t in DATA_TABLES if t not in _JOIN_TABLES):
            self.execute(f"DELETE FROM {table} WHERE user_id = ?", (user_id,))


def dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), sort_keys=True)


def loads(text: str) -> Any:
    return json.loads(text)
