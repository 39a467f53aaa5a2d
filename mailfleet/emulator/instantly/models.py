"""The emulated Instantly v2: state and rules only, no HTTP (moto's ``models.py``).

An ``InstantlyBackend`` works over the emulator's ``Store`` (its own ``in_*`` tables in the same SQLite file) and
``Clock``. Every row belongs to a workspace; every public operation takes the acting ``Workspace`` (the key's own,
or the one an admin key names with ``x-as-workspace``). Accounts are keyed by lowercase email within a workspace.
Bodies reaching here have passed ``schemas``; passwords are kept only as hashes (``key_hash``) and never shown.

Warmup enable/disable are background jobs timed in real seconds (``now`` is wall-clock time, so a job survives a
restart): ``pending`` for the first third of the duration, then ``in-progress``, then ``success``, and only at
``success`` does ``warmup_status`` change. Jobs are settled lazily, before anything reads accounts or jobs.
"""

from __future__ import annotations

import secrets
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from mailfleet.emulator.clock import Clock, iso
from mailfleet.emulator.exceptions import AlreadyExists, NotFound, Rejected
from mailfleet.emulator.instantly.schemas import CREDENTIALS, SECRET_CREDENTIALS, SETTINGS
from mailfleet.emulator.models import key_hash
from mailfleet.emulator.store import Db, Store, dumps, loads

SCHEMA = """
CREATE TABLE IF NOT EXISTS in_workspaces (
    id TEXT PRIMARY KEY, parent TEXT, admin INTEGER NOT NULL, paid INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS in_keys (hash TEXT PRIMARY KEY, workspace_id TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS in_accounts (
    workspace_id TEXT NOT NULL, email TEXT NOT NULL, created TEXT NOT NULL, data TEXT NOT NULL,
    credentials TEXT NOT NULL, PRIMARY KEY (workspace_id, email)
);
CREATE INDEX IF NOT EXISTS in_accounts_order ON in_accounts (workspace_id, created, email);
CREATE TABLE IF NOT EXISTS in_tags (
    id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, label_key TEXT NOT NULL, created TEXT NOT NULL,
    data TEXT NOT NULL, UNIQUE (workspace_id, label_key)
);
CREATE TABLE IF NOT EXISTS in_account_tags (
    workspace_id TEXT NOT NULL, email TEXT NOT NULL, tag_id TEXT NOT NULL, PRIMARY KEY (workspace_id, email, tag_id)
);
CREATE TABLE IF NOT EXISTS in_jobs (
    id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, done INTEGER NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS in_campaigns (
    id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, created TEXT NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS in_webhooks (
    id TEXT PRIMARY KEY, workspace_id TEXT NOT NULL, created TEXT NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS in_history (
    workspace_id TEXT NOT NULL, email TEXT NOT NULL, kind TEXT NOT NULL, day TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (workspace_id, email, kind, day)
);
"""

DATA_TABLES = (
    "in_accounts",
    "in_tags",
    "in_account_tags",
    "in_jobs",
    "in_campaigns",
    "in_webhooks",
    "in_history",
)
"""Per-workspace data a reset deletes; workspaces and keys stay."""

WARMUP_DAY_FIELDS = ("sent", "landed_inbox", "landed_spam", "received")
"""One day of warmup history, as ``warmup-analytics`` reports it."""

DAILY_FIELDS = (
    "sent",
    "bounced",
    "contacted",
    "new_leads_contacted",
    "opened",
    "unique_opened",
    "replies",
    "unique_replies",
    "replies_automatic",
    "unique_replies_automatic",
    "clicks",
    "unique_clicks",
)
"""One day of campaign sending per mailbox, as ``GET /accounts/analytics/daily`` reports it."""

HISTORY_KINDS: dict[str, tuple[str, ...]] = {"warmup": WARMUP_DAY_FIELDS, "daily": DAILY_FIELDS}

ANALYTICS_DAYS = 30
"""``warmup-analytics`` reports the last 30 virtual days, today included."""
HEALTH_DAYS = 7
"""Health score: warmup mail that landed in the inbox over the last 7 days, per cent of what landed."""
MAX_DAILY_RANGE_DAYS = 31

STATUS_ACTIVE, STATUS_PAUSED = 1, 2
WARMUP_ON, WARMUP_OFF = 1, 0
JOB_TYPE = "update-warmup-accounts"

CONNECTION_FIELDS = tuple(name for name in CREDENTIALS if name not in SECRET_CREDENTIALS)
"""Create-only connection fields an account read shows (hosts, ports, logins); passwords are never shown."""

STATE_FIELDS = ("status", "warmup_status", "setup_pending", "is_managed_account")
"""Read-only account fields the control API may set (as Instantly itself would)."""

DEFAULT_WORKSPACE_ID = "5e5b6c1a-7a0d-4f0e-9a55-3f1c2b9d8e01"


def new_instantly_key() -> str:
    """An API key shaped like Instantly's (base64url text)."""
    return secrets.token_urlsafe(36)


def label_key(label: str) -> str:
    """A tag label as Instantly compares them for duplicates: trimmed and case-folded."""
    return label.strip().casefold()


@dataclass(frozen=True)
class Workspace:
    id: str
    name: str
    parent: str | None
    admin: bool
    paid: bool

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "parent": self.parent, "admin": self.admin, "paid": self.paid}


def job_status(elapsed: float, seconds: float) -> tuple[str, int]:
    """``(status, progress)`` of a warmup job ``elapsed`` real seconds after it was made."""
    if elapsed >= seconds:
        return "success", 100
    if elapsed < seconds / 3:
        return "pending", 0
    return "in-progress", min(99, int(100 * elapsed / seconds))


class InstantlyBackend:
    """All Instantly state and rules. Methods are synchronous and each runs in one SQLite transaction."""

    def __init__(
        self,
        store: Store,
        clock: Clock,
        *,
        job_seconds: Callable[[], float] = lambda: 3.0,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.clock = clock
        self.job_seconds = job_seconds
        self._now = now
        with store.tx() as db:
            db.executescript_safe(SCHEMA)

    # ---------------------------------------------------------------- workspaces and keys
    def add_workspace(
        self,
        workspace_id: str | None = None,
        *,
        name: str | None = None,
        parent: str | None = None,
        admin: bool = False,
        paid: bool = True,
    ) -> Workspace:
        """Create a workspace (or update the flags of an existing one). ``parent`` is the admin workspace whose
        key may act on this one with ``x-as-workspace``."""
        ident = workspace_id or str(uuid.uuid4())
        with self.store.tx() as db:
            if parent is not None:
                owner = self._workspace(db, parent)
                if not owner.admin:
                    raise Rejected(f"workspace {parent} is not an admin workspace")
            data = {"name": name or f"Workspace {ident[:8]}", "timestamp_created": iso(self.clock.now())}
            row = db.one("SELECT data FROM in_workspaces WHERE id = ?", (ident,))
            if row is not None:
                old = loads(str(row["data"]))
                data = {**old, "name": name or old["name"]}
            db.execute(
                "INSERT OR REPLACE INTO in_workspaces (id, parent, admin, paid, data) VALUES (?, ?, ?, ?, ?)",
                (ident, parent, int(admin), int(paid), dumps(data)),
            )
            return self._workspace(db, ident)

    def _workspace(self, db: Db, workspace_id: str) -> Workspace:
        row = db.one("SELECT * FROM in_workspaces WHERE id = ?", (workspace_id,))
        if row is None:
            raise NotFound("workspace", workspace_id)
        return Workspace(
            id=str(row["id"]),
            name=str(loads(str(row["data"]))["name"]),
            parent=None if row["parent"] is None else str(row["parent"]),
            admin=bool(row["admin"]),
            paid=bool(row["paid"]),
        )

    def workspace(self, workspace_id: str) -> Workspace:
        with self.store.tx() as db:
            return self._workspace(db, workspace_id)

    def workspaces(self) -> list[Workspace]:
        with self.store.tx() as db:
            ids = [str(r["id"]) for r in db.all("SELECT id FROM in_workspaces ORDER BY rowid")]
            return [self._workspace(db, i) for i in ids]

    def set_paid(self, workspace_id: str, paid: bool) -> Workspace:
        with self.store.tx() as db:
            self._workspace(db, workspace_id)
            db.execute("UPDATE in_workspaces SET paid = ? WHERE id = ?", (int(paid), workspace_id))
            return self._workspace(db, workspace_id)

    def register_key(self, api_key: str, workspace_id: str) -> Workspace:
        """Accept ``api_key`` (stored as a hash) for ``workspace_id``."""
        with self.store.tx() as db:
            workspace = self._workspace(db, workspace_id)
            db.execute(
                "INSERT OR REPLACE INTO in_keys (hash, workspace_id) VALUES (?, ?)", (key_hash(api_key), workspace.id)
            )
            return workspace

    def workspace_for_hash(self, digest: str) -> Workspace | None:
        with self.store.tx() as db:
            row = db.one("SELECT workspace_id FROM in_keys WHERE hash = ?", (digest,))
            return None if row is None else self._workspace(db, str(row["workspace_id"]))

    def acting_workspace(self, own: Workspace, as_workspace: str | None) -> Workspace:
        """The workspace a request acts on: the key's own, or with ``x-as-workspace`` a sub-workspace of the key's
        admin workspace. Raises ``Rejected`` (403) otherwise."""
        if not as_workspace or as_workspace == own.id:
            return own
        if not own.admin:
            raise Rejected("x-as-workspace needs an admin workspace key", 403)
        with self.store.tx() as db:
            row = db.one("SELECT id FROM in_workspaces WHERE id = ? AND parent = ?", (as_workspace, own.id))
            if row is None:
                raise Rejected("Workspace not found or not managed by this admin workspace", 403)
            return self._workspace(db, as_workspace)

    def key_hashes(self) -> list[dict[str, str]]:
        with self.store.tx() as db:
            return [
                {"api_key_hash": str(r["hash"]), "workspace_id": str(r["workspace_id"])}
                for r in db.all("SELECT hash, workspace_id FROM in_keys ORDER BY rowid")
            ]

    # ---------------------------------------------------------------- reset
    def reset(self, workspace: Workspace | None = None) -> None:
        """Delete all data, or one workspace's. Workspaces, keys and plan flags stay."""
        with self.store.tx() as db:
            for table in DATA_TABLES:
                if workspace is None:
                    db.execute(f"DELETE FROM {table}")
                else:
                    db.execute(f"DELETE FROM {table} WHERE workspace_id = ?", (workspace.id,))

    # ---------------------------------------------------------------- accounts
    def _row(self, db: Db, ws: Workspace, email: str) -> dict[str, Any]:
        row = db.one("SELECT data FROM in_accounts WHERE workspace_id = ? AND email = ?", (ws.id, email.lower()))
        if row is None:
            raise NotFound("account", email)
        data: dict[str, Any] = loads(str(row["data"]))
        return data

    def _save(self, db: Db, ws: Workspace, account: Mapping[str, Any]) -> None:
        db.execute(
            "UPDATE in_accounts SET data = ? WHERE workspace_id = ? AND email = ?",
            (dumps(account), ws.id, account["email"]),
        )

    def _render(self, db: Db, ws: Workspace, account: dict[str, Any], *, tags: bool = False) -> dict[str, Any]:
        out = dict(account)
        out["stat_warmup_score"] = self._health(db, ws, account["email"])[0]
        if tags:
            own = self._tags_of(db, ws, [account["email"]])[account["email"]]
            out["tags"] = [{"id": t["id"], "label": t["label"]} for t in own]
        return out

    def create_account(self, ws: Workspace, body: Mapping[str, Any], *, direct: bool = False) -> dict[str, Any]:
        """Create an account from a validated create body; ``AlreadyExists`` if its email is taken (in any
        workspace: Instantly keys accounts by email). ``direct``: made in the UI, through the control API."""
        email = str(body["email"]).strip().lower()
        now = iso(self.clock.now())
        settings = {name: body[name] for name in SETTINGS if name in body}
        account: dict[str, Any] = {
            "email": email,
            "first_name": "",
            "last_name": "",
            "warmup": {"limit": 10, "increment": "disabled", "reply_rate": 0.3},
            "daily_limit": None,
            "sending_gap": 10,
            "enable_slow_ramp": False,
            "tracking_domain_name": None,
            "tracking_domain_status": None,
            "inbox_placement_test_limit": None,
            "signature": None,
            "reply_to": None,
            "skip_cname_check": False,
            **settings,
            "provider_code": int(body.get("provider_code", 1)),
            "status": STATUS_ACTIVE,
            "warmup_status": WARMUP_OFF,
            "setup_pending": False,
            "is_managed_account": False,
            "organization": ws.id,
            "timestamp_created": now,
            "timestamp_updated": now,
            "timestamp_warmup_start": None,
            "added_by": "ui" if direct else "api",
            "modified_by": "ui" if direct else "api",
        }
        account.update({name: body[name] for name in CONNECTION_FIELDS if name in body})
        credentials = {name: key_hash(str(body[name])) for name in SECRET_CREDENTIALS if name in body}
        with self.store.tx() as db:
            if db.one("SELECT 1 FROM in_accounts WHERE email = ?", (email,)) is not None:
                raise AlreadyExists("account", "duplicate", "Account already exists")
            db.execute(
                "INSERT INTO in_accounts (workspace_id, email, created, data, credentials) VALUES (?, ?, ?, ?, ?)",
                (ws.id, email, now, dumps(account), dumps(credentials)),
            )
            return self._render(db, ws, account)

    def get_account(self, ws: Workspace, email: str) -> dict[str, Any]:
        with self.store.tx() as db:
            self._settle(db, ws)
            return self._render(db, ws, self._row(db, ws, email))

    def list_accounts(
        self,
        ws: Workspace,
        *,
        limit: int = 100,
        starting_after: str | None = None,
        search: str | None = None,
        status: int | None = None,
        provider_code: int | None = None,
        tag_ids: Sequence[str] = (),
        include_tags: bool = False,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """One page in ``(timestamp_created, email)`` order and the cursor after its last item (also on the last
        page; None only for an empty page). The cursor is ``"<timestamp_created>&<email>"``."""
        sql = "SELECT a.data, a.created, a.email FROM in_accounts a WHERE a.workspace_id = ?"
        params: list[Any] = [ws.id]
        if starting_after:
            created, _, after_email = starting_after.partition("&")
            sql += " AND (a.created > ? OR (a.created = ? AND a.email > ?))"
            params += [created, created, after_email.lower()]
        if search:
            sql += " AND instr(a.email, ?) > 0"
            params.append(search.strip().lower())
        if tag_ids:
            marks = ",".join("?" for _ in tag_ids)
            sql += (
                " AND EXISTS (SELECT 1 FROM in_account_tags t WHERE t.workspace_id = a.workspace_id"
                f" AND t.email = a.email AND t.tag_id IN ({marks}))"
            )
            params += list(tag_ids)
        sql += " ORDER BY a.created, a.email"
        with self.store.tx() as db:
            self._settle(db, ws)
            items: list[dict[str, Any]] = []
            last = None
            for row in db.all(sql, tuple(params)):
                account = loads(str(row["data"]))
                if status is not None and account["status"] != status:
                    continue
                if provider_code is not None and account["provider_code"] != provider_code:
                    continue
                items.append(self._render(db, ws, account, tags=include_tags))
                last = f"{row['created']}&{row['email']}"
                if len(items) == limit:
                    break
            return items, last

    def patch_account(self, ws: Workspace, email: str, body: Mapping[str, Any]) -> dict[str, Any]:
        with self.store.tx() as db:
            self._settle(db, ws)
            account = self._row(db, ws, email)
            for name in SETTINGS:
                if name in body:
                    account[name] = _merged(account.get(name), body[name]) if name == "warmup" else body[name]
            if body.get("remove_tracking_domain"):
                account["tracking_domain_name"] = None
                account["tracking_domain_status"] = None
            account["timestamp_updated"] = iso(self.clock.now())
            account["modified_by"] = "api"
            self._save(db, ws, account)
            return self._render(db, ws, account)

    def delete_account(self, ws: Workspace, email: str) -> dict[str, Any]:
        """Delete and return the account; it leaves its tags, campaigns and history."""
        with self.store.tx() as db:
            self._settle(db, ws)
            account = self._row(db, ws, email)
            shown = self._render(db, ws, account)
            key = (ws.id, account["email"])
            for table in ("in_accounts", "in_account_tags", "in_history"):
                db.execute(f"DELETE FROM {table} WHERE workspace_id = ? AND email = ?", key)
            for row in db.all("SELECT id, data FROM in_campaigns WHERE workspace_id = ?", (ws.id,)):
                campaign = loads(str(row["data"]))
                if account["email"] in campaign["email_list"]:
                    campaign["email_list"] = [e for e in campaign["email_list"] if e != account["email"]]
                    db.execute("UPDATE in_campaigns SET data = ? WHERE id = ?", (dumps(campaign), row["id"]))
            return shown

    def set_status(self, ws: Workspace, email: str, status: int) -> dict[str, Any]:
        """Pause (2) or resume (1) sending."""
        with self.store.tx() as db:
            self._settle(db, ws)
            account = self._row(db, ws, email)
            account["status"] = status
            account["timestamp_updated"] = iso(self.clock.now())
            self._save(db, ws, account)
            return self._render(db, ws, account)

    def edit_account(self, ws: Workspace, email: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Change an account as Instantly's UI (or Instantly itself) would: any setting, the state fields, and
        the connection fields (passwords are stored hashed)."""
        unknown = set(fields) - set(SETTINGS) - set(STATE_FIELDS) - set(CREDENTIALS) - {"provider_code"}
        if unknown:
            raise Rejected(f"unknown account fields: {sorted(unknown)}")
        with self.store.tx() as db:
            self._settle(db, ws)
            account = self._row(db, ws, email)
            for name, value in fields.items():
                if name in SECRET_CREDENTIALS:
                    continue
                account[name] = _merged(account.get(name), value) if name == "warmup" else value
            account["timestamp_updated"] = iso(self.clock.now())
            account["modified_by"] = "ui"
            self._save(db, ws, account)
            secrets_given = {name: key_hash(str(fields[name])) for name in SECRET_CREDENTIALS if name in fields}
            if secrets_given:
                stored = {**self._credentials(db, ws, account["email"]), **secrets_given}
                db.execute(
                    "UPDATE in_accounts SET credentials = ? WHERE workspace_id = ? AND email = ?",
                    (dumps(stored), ws.id, account["email"]),
                )
            return self._render(db, ws, account)

    def _credentials(self, db: Db, ws: Workspace, email: str) -> dict[str, Any]:
        row = db.one("SELECT credentials FROM in_accounts WHERE workspace_id = ? AND email = ?", (ws.id, email.lower()))
        if row is None:
            raise NotFound("account", email)
        data: dict[str, Any] = loads(str(row["credentials"]))
        return data

    def dump_accounts(self, ws: Workspace | None) -> list[dict[str, Any]]:
        """Every account (of one workspace, or all), rendered with tags, plus ``_emulator``: ``workspace_id`` and
        ``password_hashes`` (``imap_password``/``smtp_password``: ``key_hash`` of each, so a test can tell a
        changed password without the emulator keeping it)."""
        with self.store.tx() as db:
            rows = db.all(
                "SELECT workspace_id FROM in_accounts"
                + ("" if ws is None else " WHERE workspace_id = ?")
                + " GROUP BY workspace_id",
                () if ws is None else (ws.id,),
            )
            out: list[dict[str, Any]] = []
            for ws_row in rows:
                owner = self._workspace(db, str(ws_row["workspace_id"]))
                self._settle(db, owner)
                for row in db.all(
                    "SELECT data, credentials FROM in_accounts WHERE workspace_id = ? ORDER BY created, email",
                    (owner.id,),
                ):
                    item = self._render(db, owner, loads(str(row["data"])), tags=True)
                    hashes = loads(str(row["credentials"]))
                    item["_emulator"] = {"workspace_id": owner.id, "password_hashes": hashes}
                    out.append(item)
            return out

    # ---------------------------------------------------------------- warmup jobs
    def start_warmup_job(
        self,
        ws: Workspace,
        enable: bool,
        *,
        emails: Sequence[str] = (),
        include_all: bool = False,
        excluded: Sequence[str] = (),
    ) -> dict[str, Any]:
        """A background job that turns warmup on or off for ``emails`` (or every account but ``excluded``)."""
        now_real = self._now()
        seconds = float(self.job_seconds())
        moment = iso(self.clock.now())
        with self.store.tx() as db:
            if include_all:
                skip = {e.lower() for e in excluded}
                targets = [
                    str(r["email"])
                    for r in db.all("SELECT email FROM in_accounts WHERE workspace_id = ? ORDER BY email", (ws.id,))
                    if str(r["email"]) not in skip
                ]
            else:
                targets = list(dict.fromkeys(e.strip().lower() for e in emails))
            job_id = str(uuid.uuid4())
            job: dict[str, Any] = {
                "id": job_id,
                "workspace_id": ws.id,
                "user_id": ws.id,
                "type": JOB_TYPE,
                "entity_id": ws.id,
                "entity_type": "workspace",
                "data": {"emails": targets, "warmup_status": WARMUP_ON if enable else WARMUP_OFF},
                "created_at": moment,
                "updated_at": moment,
                "_started": now_real,
                "_seconds": seconds,
            }
            db.execute(
                "INSERT INTO in_jobs (id, workspace_id, done, data) VALUES (?, ?, 0, ?)",
                (job_id, ws.id, dumps(job)),
            )
            self._settle(db, ws)
            return self._job_view(db, job_id)

    def get_job(self, ws: Workspace, job_id: str) -> dict[str, Any]:
        with self.store.tx() as db:
            self._settle(db, ws)
            row = db.one("SELECT 1 FROM in_jobs WHERE id = ? AND workspace_id = ?", (job_id, ws.id))
            if row is None:
                raise NotFound("background job", job_id)
            return self._job_view(db, job_id)

    def _job_view(self, db: Db, job_id: str) -> dict[str, Any]:
        row = db.one("SELECT data FROM in_jobs WHERE id = ?", (job_id,))
        assert row is not None
        job = loads(str(row["data"]))
        status, progress = job_status(self._now() - job.pop("_started"), job.pop("_seconds"))
        return {**job, "status": status, "progress": progress}

    def _settle(self, db: Db, ws: Workspace) -> None:
        """Apply every job of ``ws`` whose time is up, oldest first: this is the moment ``warmup_status``
        changes."""
        now_real = self._now()
        for row in db.all("SELECT id, data FROM in_jobs WHERE workspace_id = ? AND done = 0 ORDER BY rowid", (ws.id,)):
            job = loads(str(row["data"]))
            if now_real - job["_started"] < job["_seconds"]:
                continue
            target = job["data"]["warmup_status"]
            for email in job["data"]["emails"]:
                found = db.one("SELECT data FROM in_accounts WHERE workspace_id = ? AND email = ?", (ws.id, email))
                if found is None:
                    continue
                account = loads(str(found["data"]))
                account["warmup_status"] = target
                if target == WARMUP_ON and account.get("timestamp_warmup_start") is None:
                    account["timestamp_warmup_start"] = iso(self.clock.now())
                account["timestamp_updated"] = iso(self.clock.now())
                self._save(db, ws, account)
            job["updated_at"] = iso(self.clock.now())
            db.execute("UPDATE in_jobs SET done = 1, data = ? WHERE id = ?", (dumps(job), row["id"]))

    # ---------------------------------------------------------------- history and analytics
    def seed_history(self, ws: Workspace, email: str, kind: str, days: Mapping[str, Mapping[str, Any]]) -> int:
        """Store per-day numbers (``kind`` warmup or daily; fields ``HISTORY_KINDS[kind]``, missing ones 0) for an
        account of ``ws``. Returns how many days were written."""
        fields = HISTORY_KINDS.get(kind)
        if fields is None:
            raise Rejected(f"kind must be one of {sorted(HISTORY_KINDS)}")
        with self.store.tx() as db:
            email = self._row(db, ws, email)["email"]
            for day, numbers in days.items():
                date.fromisoformat(day)
                unknown = set(numbers) - set(fields)
                if unknown:
                    raise Rejected(f"unknown {kind} fields: {sorted(unknown)}")
                values = {name: int(numbers.get(name, 0)) for name in fields}
                if any(v < 0 for v in values.values()):
                    raise Rejected("history numbers must not be negative")
                db.execute(
                    "INSERT OR REPLACE INTO in_history (workspace_id, email, kind, day, data) VALUES (?, ?, ?, ?, ?)",
                    (ws.id, email, kind, day, dumps(values)),
                )
            return len(days)

    def _history(self, db: Db, ws: Workspace, email: str, kind: str, start: date, end: date) -> dict[str, Any]:
        rows = db.all(
            "SELECT day, data FROM in_history WHERE workspace_id = ? AND email = ? AND kind = ? AND day >= ? "
            "AND day <= ? ORDER BY day",
            (ws.id, email.lower(), kind, start.isoformat(), end.isoformat()),
        )
        return {str(r["day"]): loads(str(r["data"])) for r in rows}

    def _health(self, db: Db, ws: Workspace, email: str) -> tuple[int | None, dict[str, Any]]:
        today = self.clock.today()
        week = self._history(db, ws, email, "warmup", today - timedelta(days=HEALTH_DAYS - 1), today)
        inbox = sum(d["landed_inbox"] for d in week.values())
        landed = inbox + sum(d["landed_spam"] for d in week.values())
        return (None if landed == 0 else round(100 * inbox / landed)), week

    def warmup_analytics(self, ws: Workspace, emails: Iterable[str]) -> dict[str, Any]:
        """``{email_date_data: {email: {day: {...}}}, aggregate_data: {email: {...}}}`` with an entry for every
        email asked about, ``{}`` where there is no history (also for an email with no account)."""
        today = self.clock.today()
        start = today - timedelta(days=ANALYTICS_DAYS - 1)
        by_date: dict[str, Any] = {}
        aggregate: dict[str, Any] = {}
        with self.store.tx() as db:
            for asked in emails:
                email = asked.strip().lower()
                days = self._history(db, ws, email, "warmup", start, today)
                by_date[asked] = days
                if not days:
                    aggregate[asked] = {}
                    continue
                score, _ = self._health(db, ws, email)
                totals = {name: sum(d[name] for d in days.values()) for name in WARMUP_DAY_FIELDS}
                aggregate[asked] = {
                    **totals,
                    "health_score": score,
                    "health_score_label": "" if score is None else f"{score}%",
                }
        return {"email_date_data": by_date, "aggregate_data": aggregate}

    def daily_analytics(self, ws: Workspace, emails: Iterable[str], start: date, end: date) -> list[dict[str, Any]]:
        """Rows ``{date, email_account, sent, bounced, ...}`` for the days with numbers, by date then email."""
        if end < start:
            raise Rejected("end_date must not be before start_date")
        if (end - start).days + 1 > MAX_DAILY_RANGE_DAYS:
            raise Rejected(f"the date range must be at most {MAX_DAILY_RANGE_DAYS} days", 413)
        rows: list[dict[str, Any]] = []
        with self.store.tx() as db:
            for asked in dict.fromkeys(e.strip().lower() for e in emails):
                for day, numbers in self._history(db, ws, asked, "daily", start, end).items():
                    rows.append({"date": day, "email_account": asked, **numbers})
        return sorted(rows, key=lambda r: (r["date"], r["email_account"]))

    # ---------------------------------------------------------------- objects with ids (tags, campaigns, webhooks)
    @staticmethod
    def _owned(db: Db, table: str, kind: str, ws: Workspace, ident: str) -> dict[str, Any]:
        """Row ``ident`` of ``table`` if it belongs to ``ws``, else ``NotFound(kind)``."""
        row = db.one(f"SELECT data FROM {table} WHERE id = ? AND workspace_id = ?", (ident, ws.id))
        if row is None:
            raise NotFound(kind, ident)
        data: dict[str, Any] = loads(str(row["data"]))
        return data

    def _id_page(
        self, table: str, ws: Workspace, limit: int, starting_after: str | None
    ) -> tuple[list[dict[str, Any]], str | None]:
        """A page of ``table`` in creation order; the cursor is the last item's id."""
        with self.store.tx() as db:
            rows = db.all(f"SELECT id, data FROM {table} WHERE workspace_id = ? ORDER BY created, id", (ws.id,))
        ids = [str(r["id"]) for r in rows]
        start = ids.index(starting_after) + 1 if starting_after in ids else 0
        page = [loads(str(r["data"])) for r in rows[start : start + limit]]
        return page, (page[-1]["id"] if page else None)

    # ---------------------------------------------------------------- tags
    def _tag(self, db: Db, ws: Workspace, tag_id: str) -> dict[str, Any]:
        return self._owned(db, "in_tags", "tag", ws, tag_id)

    def _check_label(self, db: Db, ws: Workspace, label: str, own_id: str | None) -> None:
        row = db.one("SELECT id FROM in_tags WHERE workspace_id = ? AND label_key = ?", (ws.id, label_key(label)))
        if row is not None and str(row["id"]) != own_id:
            raise AlreadyExists("tag", "duplicate", "A tag with this label already exists")

    def create_tag(self, ws: Workspace, label: str, description: str | None) -> dict[str, Any]:
        now = iso(self.clock.now())
        tag = {
            "id": str(uuid.uuid4()),
            "label": label.strip(),
            "description": description or "",
            "organization_id": ws.id,
            "timestamp_created": now,
            "timestamp_updated": now,
        }
        with self.store.tx() as db:
            self._check_label(db, ws, label, None)
            db.execute(
                "INSERT INTO in_tags (id, workspace_id, label_key, created, data) VALUES (?, ?, ?, ?, ?)",
                (tag["id"], ws.id, label_key(label), now, dumps(tag)),
            )
        return tag

    def list_tags(
        self, ws: Workspace, *, limit: int = 100, starting_after: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        return self._id_page("in_tags", ws, limit, starting_after)

    def get_tag(self, ws: Workspace, tag_id: str) -> dict[str, Any]:
        with self.store.tx() as db:
            return self._tag(db, ws, tag_id)

    def patch_tag(self, ws: Workspace, tag_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        with self.store.tx() as db:
            tag = self._tag(db, ws, tag_id)
            if "label" in fields:
                self._check_label(db, ws, str(fields["label"]), tag_id)
                tag["label"] = str(fields["label"]).strip()
            if "description" in fields:
                tag["description"] = fields["description"] or ""
            tag["timestamp_updated"] = iso(self.clock.now())
            db.execute(
                "UPDATE in_tags SET label_key = ?, data = ? WHERE id = ?", (label_key(tag["label"]), dumps(tag), tag_id)
            )
            return tag

    def delete_tag(self, ws: Workspace, tag_id: str) -> dict[str, Any]:
        with self.store.tx() as db:
            tag = self._tag(db, ws, tag_id)
            db.execute("DELETE FROM in_tags WHERE id = ?", (tag_id,))
            db.execute("DELETE FROM in_account_tags WHERE tag_id = ?", (tag_id,))
            return tag

    def toggle_tags(self, ws: Workspace, tag_ids: Sequence[str], emails: Sequence[str], assign: bool) -> int:
        """Assign or unassign every tag to every account; emails with no account are skipped. Returns how many
        accounts were touched."""
        with self.store.tx() as db:
            for tag_id in tag_ids:
                self._tag(db, ws, tag_id)
            touched = 0
            for email in dict.fromkeys(e.strip().lower() for e in emails):
                if db.one("SELECT 1 FROM in_accounts WHERE workspace_id = ? AND email = ?", (ws.id, email)) is None:
                    continue
                touched += 1
                for tag_id in tag_ids:
                    db.execute(
                        "INSERT OR IGNORE INTO in_account_tags (workspace_id, email, tag_id) VALUES (?, ?, ?)"
                        if assign
                        else "DELETE FROM in_account_tags WHERE workspace_id = ? AND email = ? AND tag_id = ?",
                        (ws.id, email, tag_id),
                    )
            return touched

    def _tags_of(self, db: Db, ws: Workspace, emails: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {e: [] for e in emails}
        for email in emails:
            for row in db.all(
                "SELECT t.data FROM in_tags t JOIN in_account_tags m ON m.tag_id = t.id "
                "WHERE m.workspace_id = ? AND m.email = ? ORDER BY t.created, t.id",
                (ws.id, email),
            ):
                out[email].append(loads(str(row["data"])))
        return out

    # ---------------------------------------------------------------- campaigns
    def seed_campaign(
        self,
        ws: Workspace,
        *,
        campaign_id: str | None = None,
        name: str = "Campaign",
        status: int = 0,
        email_list: Sequence[str] = (),
    ) -> dict[str, Any]:
        """Create or replace a campaign (the API cannot create them here)."""
        now = iso(self.clock.now())
        campaign = {
            "id": campaign_id or str(uuid.uuid4()),
            "name": name,
            "status": status,
            "email_list": [e.strip().lower() for e in email_list],
            "organization": ws.id,
            "timestamp_created": now,
            "timestamp_updated": now,
        }
        with self.store.tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO in_campaigns (id, workspace_id, created, data) VALUES (?, ?, ?, ?)",
                (campaign["id"], ws.id, now, dumps(campaign)),
            )
        return campaign

    def _campaign(self, db: Db, ws: Workspace, campaign_id: str) -> dict[str, Any]:
        return self._owned(db, "in_campaigns", "campaign", ws, campaign_id)

    def get_campaign(self, ws: Workspace, campaign_id: str) -> dict[str, Any]:
        with self.store.tx() as db:
            return self._campaign(db, ws, campaign_id)

    def list_campaigns(self, ws: Workspace) -> list[dict[str, Any]]:
        with self.store.tx() as db:
            rows = db.all("SELECT data FROM in_campaigns WHERE workspace_id = ? ORDER BY created, id", (ws.id,))
        return [loads(str(r["data"])) for r in rows]

    def patch_campaign(self, ws: Workspace, campaign_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        """Rename, or replace the senders (every email must be an account of the workspace)."""
        with self.store.tx() as db:
            campaign = self._campaign(db, ws, campaign_id)
            if "email_list" in fields:
                senders = list(dict.fromkeys(str(e).strip().lower() for e in fields["email_list"]))
                missing = [
                    e
                    for e in senders
                    if db.one("SELECT 1 FROM in_accounts WHERE workspace_id = ? AND email = ?", (ws.id, e)) is None
                ]
                if missing:
                    raise Rejected(f"email_list has emails that are not accounts of this workspace: {missing}")
                campaign["email_list"] = senders
            if "name" in fields:
                campaign["name"] = fields["name"]
            campaign["timestamp_updated"] = iso(self.clock.now())
            db.execute("UPDATE in_campaigns SET data = ? WHERE id = ?", (dumps(campaign), campaign_id))
            return campaign

    # ---------------------------------------------------------------- webhooks
    def create_webhook(self, ws: Workspace, fields: Mapping[str, Any]) -> dict[str, Any]:
        now = iso(self.clock.now())
        webhook = {
            "id": str(uuid.uuid4()),
            "target_hook_url": fields["target_hook_url"],
            "event_type": fields.get("event_type"),
            "name": fields.get("name"),
            "campaign": fields.get("campaign"),
            "headers": dict(fields.get("headers") or {}),
            "status": 1,
            "organization": ws.id,
            "timestamp_created": now,
            "timestamp_updated": now,
        }
        with self.store.tx() as db:
            self._check_campaign_ref(db, ws, webhook["campaign"])
            db.execute(
                "INSERT INTO in_webhooks (id, workspace_id, created, data) VALUES (?, ?, ?, ?)",
                (webhook["id"], ws.id, now, dumps(webhook)),
            )
        return webhook

    def _check_campaign_ref(self, db: Db, ws: Workspace, campaign_id: Any) -> None:
        if campaign_id is not None:
            self._campaign(db, ws, str(campaign_id))

    def _webhook(self, db: Db, ws: Workspace, webhook_id: str) -> dict[str, Any]:
        return self._owned(db, "in_webhooks", "webhook", ws, webhook_id)

    def list_webhooks(
        self, ws: Workspace, *, limit: int = 100, starting_after: str | None = None
    ) -> tuple[list[dict[str, Any]], str | None]:
        return self._id_page("in_webhooks", ws, limit, starting_after)

    def get_webhook(self, ws: Workspace, webhook_id: str) -> dict[str, Any]:
        with self.store.tx() as db:
            return self._webhook(db, ws, webhook_id)

    def patch_webhook(self, ws: Workspace, webhook_id: str, fields: Mapping[str, Any]) -> dict[str, Any]:
        with self.store.tx() as db:
            webhook = self._webhook(db, ws, webhook_id)
            if "campaign" in fields:
                self._check_campaign_ref(db, ws, fields["campaign"])
            for name, value in fields.items():
                webhook[name] = dict(value or {}) if name == "headers" else value
            webhook["timestamp_updated"] = iso(self.clock.now())
            db.execute("UPDATE in_webhooks SET data = ? WHERE id = ?", (dumps(webhook), webhook_id))
            return webhook

    def delete_webhook(self, ws: Workspace, webhook_id: str) -> dict[str, Any]:
        with self.store.tx() as db:
            webhook = self._webhook(db, ws, webhook_id)
            db.execute("DELETE FROM in_webhooks WHERE id = ?", (webhook_id,))
            return webhook


def _merged(old: Any, new: Any) -> Any:
    """A ``warmup`` object after a partial update: given keys replace, the rest stay (``advanced`` likewise)."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return new
    out = dict(old)
    for key, value in new.items():
        out[key] = _merged(old.get(key), value) if key == "advanced" else value
    return out
