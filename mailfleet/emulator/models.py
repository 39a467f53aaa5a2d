"""The emulated Smartlead: state and rules only, no HTTP (moto's ``models.py``).

A ``Backend`` works over a ``Store`` (SQLite) and a ``Clock``. Each API key is its own Smartlead account
("user"): every row carries ``user_id`` and every public operation takes the calling ``User``. Field names
here are the WRITE names (``user_name``, ``max_email_per_day``, ...); ``responses.py`` renders the READ names.
"""

from __future__ import annotations

import dataclasses
import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from mailfleet.emulator import warmup
from mailfleet.emulator.clock import Clock, iso
from mailfleet.emulator.exceptions import AlreadyExists, NotFound, Rejected, VerificationFailed
from mailfleet.emulator.keys import new_api_key
from mailfleet.emulator.store import Db, Store, dumps, loads
from mailfleet.emulator.warmup import HealthProfile, WarmupState
from mailfleet.smartlead.fields import READ_NAMES

EVENT_TYPES = (
    "EMAIL_SENT",
    "EMAIL_OPEN",
    "EMAIL_LINK_CLICK",
    "EMAIL_REPLY",
    "LEAD_UNSUBSCRIBED",
    "LEAD_CATEGORY_UPDATED",
    "FIRST_EMAIL_SENT",
    "EMAIL_BOUNCE",
    "CAMPAIGN_STATUS_CHANGED",
    "UNTRACKED_REPLIES",
    "MANUAL_STEP_REACHED",
)
"""Valid webhook event types (research §6.3); guide-page names such as ``EMAIL_OPENED`` are rejected."""

ACCOUNT_TYPES = ("SMTP", "GMAIL", "OUTLOOK", "ZOHO")
DEFAULT_TAG_COLOR = "#3B82F6"
FIRST_USER_ID = 1001


def key_hash(api_key: str) -> str:
    """A short, stable, non-reversible name for an API key (16 hex chars of SHA-256): used in the request log
    and the control API instead of the key."""
    return hashlib.sha256(api_key.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class User:
    user_id: int
    key_hash: str
    no_plan: bool = False


@dataclass
class Account:
    id: int = 0
    user_id: int = 0
    created_at: str = ""
    updated_at: str = ""
    from_name: str = ""
    from_email: str = ""
    user_name: str = ""
    password: str = ""
    smtp_host: str = ""
    smtp_port: int = 465
    smtp_port_type: str | None = "SSL"
    imap_host: str = ""
    imap_port: int = 993
    imap_port_type: str | None = "SSL"
    imap_user_name: str | None = None
    imap_password: str | None = None
    max_email_per_day: int = 100
    daily_sent_count: int = 0
    time_to_wait_in_mins: int = 10
    signature: str | None = None
    custom_tracking_url: str | None = None
    bcc: str | None = None
    different_reply_to_address: str | None = None
    is_smtp_success: bool = True
    is_imap_success: bool = True
    smtp_failure_error: str | None = None
    imap_failure_error: str | None = None
    type: str = "SMTP"
    client_id: int | None = None
    is_suspended: bool = False
    suspensions: list[list[str | None]] = field(default_factory=list)
    deleted: bool = False
    warmup: WarmupState = field(default_factory=WarmupState)
    health: dict[str, Any] = field(default_factory=lambda: warmup.PROFILES["healthy"].as_dict())
    warmup_key: str = ""

    def to_json(self) -> str:
        return dumps(dataclasses.asdict(self))

    @classmethod
    def from_json(cls, text: str) -> Account:
        data = loads(text)
        data["warmup"] = WarmupState(**data.get("warmup", {}))
        return cls(**data)

    @property
    def profile(self) -> HealthProfile:
        return warmup.profile_from(self.health)


@dataclass(frozen=True)
class AccountView:
    """An account with what reading it needs: tags, campaigns and today's warmup numbers."""

    account: Account
    tags: list[dict[str, Any]]
    campaign_ids: list[int]
    total_sent: int
    total_spam: int
    today: date


@dataclass
class Campaign:
    id: int
    user_id: int
    name: str
    client_id: int | None = None
    status: str = "DRAFTED"
    created_at: str = ""


@dataclass
class Client:
    id: int
    user_id: int
    name: str
    email: str
    uuid: str = ""
    created_at: str = ""
    password: str | None = None
    logo: str | None = None
    logo_url: str | None = None
    permission: list[str] = field(default_factory=lambda: ["reply_master_inbox"])
    retricted_category: list[Any] = field(default_factory=list)
    is_credit_assigned: bool | None = None
    email_credits: int | None = None
    lead_credits: int | None = None


@dataclass
class ClientApiKey:
    """A client API key (``/client/api-key``). Stored only: the emulator's API does not accept it as a key."""

    id: int
    user_id: int
    client_id: int
    key_name: str
    api_key: str = field(repr=False)
    status: str = "active"
    created_at: str = ""


@dataclass(frozen=True)
class WebhookCounts:
    """Deliveries of a campaign's webhooks in a time window."""

    successful: int
    failed: int

    @property
    def total(self) -> int:
        return self.successful + self.failed


def _row_obj(cls: type[Any], text: str) -> Any:
    return cls(**loads(text))


def _owned(db: Db, user: User, table: str, cls: type[Any], kind: str, row_id: int) -> Any:
    """Row ``row_id`` of ``table`` as a ``cls``, if it belongs to ``user``; else ``NotFound(kind)``."""
    row = db.one(f"SELECT data FROM {table} WHERE id = ? AND user_id = ?", (row_id, user.user_id))
    if row is None:
        raise NotFound(kind, row_id)
    return _row_obj(cls, str(row["data"]))


# Smartlead reads some fields under other names than it writes them; the field table says which.
WRITE_TO_READ = dict(READ_NAMES)
READ_TO_WRITE = {v: k for k, v in WRITE_TO_READ.items()}
EDITABLE_READ_FIELDS = (
    "from_name",
    "from_email",
    "username",
    "password",
    "smtp_host",
    "smtp_port",
    "smtp_port_type",
    "imap_host",
    "imap_port",
    "imap_port_type",
    "imap_username",
    "imap_password",
    "message_per_day",
    "daily_sent_count",
    "minTimeToWaitInMins",
    "signature",
    "custom_tracking_domain",
    "bcc_email",
    "different_reply_to_address",
    "is_smtp_success",
    "is_imap_success",
    "smtp_failure_error",
    "imap_failure_error",
    "type",
    "client_id",
    "is_suspended",
    "created_at",
)
"""Top-level read-side fields ``edit_account`` takes as is; it also takes ``tags``, ``campaign_ids``,
``warmup_details``, ``health`` and ``warmup_started_days_ago``."""

WARMUP_EDIT_FIELDS = (
    "status",
    "reply_rate",
    "warmup_reputation",
    "is_warmup_blocked",
    "blocked_reason",
    "warmup_created_at",
    "warmup_key_id",
    "warmup_max_count",
    "max_email_per_day",
    "daily_rampup",
)


class Backend:
    """All state and rules. Methods are synchronous and each runs in one SQLite transaction."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock

    # ---------------------------------------------------------------- keys
    def register_key(self, api_key: str, *, no_plan: bool = False) -> User:
        """Accept ``api_key`` (stored as a SHA-256 hash only). Re-registering keeps the user and its data."""
        digest = key_hash(api_key)
        with self.store.tx() as db:
            row = db.one("SELECT user_id FROM api_keys WHERE hash = ?", (digest,))
            if row is None:
                top = db.one("SELECT MAX(user_id) AS m FROM api_keys")
                user_id = max(FIRST_USER_ID, int(top["m"] or 0) + 1) if top else FIRST_USER_ID
                db.execute(
                    "INSERT INTO api_keys (hash, user_id, no_plan, created_at) VALUES (?, ?, ?, ?)",
                    (digest, user_id, int(no_plan), iso(self.clock.now())),
                )
            else:
                user_id = int(row["user_id"])
                db.execute("UPDATE api_keys SET no_plan = ? WHERE hash = ?", (int(no_plan), digest))
        return User(user_id, digest, no_plan)

    def user_for_key(self, api_key: str) -> User | None:
        return self.user_for_hash(key_hash(api_key))

    def user_for_hash(self, digest: str) -> User | None:
        with self.store.tx() as db:
            row = db.one("SELECT user_id, no_plan FROM api_keys WHERE hash = ?", (digest,))
        return None if row is None else User(int(row["user_id"]), digest, bool(row["no_plan"]))

    def users(self) -> list[User]:
        with self.store.tx() as db:
            rows = db.all("SELECT hash, user_id, no_plan FROM api_keys ORDER BY user_id")
        return [User(int(r["user_id"]), str(r["hash"]), bool(r["no_plan"])) for r in rows]

    # ---------------------------------------------------------------- reset
    def reset(self, user: User | None = None) -> None:
        """Delete all data (ids restart), or one user's data. API keys stay registered."""
        with self.store.tx() as db:
            db.clear_data(None if user is None else user.user_id)

    # ---------------------------------------------------------------- accounts: reading
    def _load_account(self, db: Db, user: User | None, account_id: int, *, deleted: bool = False) -> Account:
        row = db.one("SELECT data FROM accounts WHERE id = ?", (account_id,))
        if row is None:
            raise NotFound("account", account_id)
        account = Account.from_json(str(row["data"]))
        if (user is not None and account.user_id != user.user_id) or (account.deleted and not deleted):
            raise NotFound("account", account_id)
        return account

    def _store_account(self, db: Db, account: Account) -> None:
        db.execute(
            "UPDATE accounts SET from_email = ?, deleted = ?, data = ? WHERE id = ?",
            (account.from_email.lower(), int(account.deleted), account.to_json(), account.id),
        )

    def _view(self, db: Db, account: Account, today: date, campaign_ids: list[int] | None = None) -> AccountView:
        tags = [
            {"id": int(r["id"]), **loads(str(r["data"]))}
            for r in db.all(
                "SELECT t.id, t.data FROM tags t JOIN account_tags m ON m.tag_id = t.id"
                " WHERE m.account_id = ? ORDER BY t.id",
                (account.id,),
            )
        ]
        if campaign_ids is None:
            campaign_ids = [
                int(r["campaign_id"])
                for r in db.all(
                    "SELECT campaign_id FROM campaign_accounts WHERE account_id = ? ORDER BY campaign_id",
                    (account.id,),
                )
            ]
        sent, spam = warmup.totals_since_start(account.id, account.warmup, account.profile, today, account.suspensions)
        return AccountView(account, tags, campaign_ids, sent, spam, today)

    def list_accounts(
        self,
        user: User,
        *,
        offset: int = 0,
        limit: int = 100,
        client_id: int | None = None,
        username: str | None = None,
        warmup_status: str | None = None,
        esp: str | None = None,
        in_use: bool | None = None,
        smtp_success: bool | None = None,
        warmup_blocked: bool | None = None,
    ) -> list[AccountView]:
        """A page of the user's live accounts, ordered by id, after the list filters."""
        today = self.clock.today()
        unfiltered = not (client_id is not None or username or warmup_status or esp) and (
            in_use is None and smtp_success is None and warmup_blocked is None
        )
        with self.store.tx() as db:
            if unfiltered:
                # A plain page is read as a page: parsing every account per page made a full listing of N accounts
                # cost N^2/100 parses (20,000 accounts: seconds per page).
                rows = db.all(
                    "SELECT data FROM accounts WHERE user_id = ? AND deleted = 0 ORDER BY id LIMIT ? OFFSET ?",
                    (user.user_id, limit, offset),
                )
                offset = 0
            else:
                rows = db.all(
                    "SELECT data FROM accounts WHERE user_id = ? AND deleted = 0 ORDER BY id", (user.user_id,)
                )
            campaigns: dict[int, list[int]] = {}
            for r in db.all(
                "SELECT m.account_id, m.campaign_id FROM campaign_accounts m JOIN campaigns c"
                " ON c.id = m.campaign_id WHERE c.user_id = ? ORDER BY m.campaign_id",
                (user.user_id,),
            ):
                campaigns.setdefault(int(r["account_id"]), []).append(int(r["campaign_id"]))
            selected: list[Account] = []
            for row in rows:
                account = Account.from_json(str(row["data"]))
                if client_id is not None and account.client_id != client_id:
                    continue
                if (
                    username
                    and username.lower() not in account.user_name.lower()
                    and (username.lower() not in account.from_email.lower())
                ):
                    continue
                if warmup_status and ("ACTIVE" if account.warmup.enabled else "INACTIVE") != warmup_status:
                    continue
                if esp and account.type != esp:
                    continue
                if in_use is not None and bool(campaigns.get(account.id)) != in_use:
                    continue
                if smtp_success is not None and account.is_smtp_success != smtp_success:
                    continue
                if warmup_blocked is not None and account.warmup.is_blocked != warmup_blocked:
                    continue
                selected.append(account)
            page = selected[offset : offset + limit]
            return [self._view(db, a, today, campaigns.get(a.id, [])) for a in page]

    def get_account(self, user: User, account_id: int) -> AccountView:
        today = self.clock.today()
        with self.store.tx() as db:
            return self._view(db, self._load_account(db, user, account_id), today)

    # ---------------------------------------------------------------- accounts: writing
    def _check_credentials(self, db: Db, fields: dict[str, Any]) -> None:
        bad_emails = {str(r["value"]) for r in db.all("SELECT value FROM bad_credentials WHERE kind = 'email'")}
        bad_hosts = {str(r["value"]) for r in db.all("SELECT value FROM bad_credentials WHERE kind = 'host'")}
        if str(fields.get("password") or "").startswith("bad-"):
            raise VerificationFailed("SMTP")
        if str(fields.get("from_email") or "").lower() in bad_emails:
            raise VerificationFailed("SMTP")
        if str(fields.get("smtp_host") or "").lower() in bad_hosts:
            raise VerificationFailed("SMTP")
        if str(fields.get("imap_password") or "").startswith("bad-"):
            raise VerificationFailed("IMAP")
        if str(fields.get("imap_host") or "").lower() in bad_hosts:
            raise VerificationFailed("IMAP")

    def _check_duplicate(self, db: Db, user: User, email: str, own_id: int | None) -> None:
        row = db.one(
            "SELECT id FROM accounts WHERE user_id = ? AND deleted = 0 AND from_email = ?",
            (user.user_id, email.lower()),
        )
        if row is not None and int(row["id"]) != own_id:
            raise AlreadyExists("account", "ACCOUNT_ALREADY_EXIST", "Email account already exists")

    def _check_client(self, db: Db, user: User, client_id: int | None) -> None:
        if client_id is None:
            return
        row = db.one("SELECT id FROM clients WHERE id = ? AND user_id = ?", (client_id, user.user_id))
        if row is None:
            raise Rejected("Client not found")

    def save_account(self, user: User, fields: dict[str, Any]) -> tuple[Account, bool]:
        """``POST /email-accounts/save``: create (no ``id``) or full update. Returns (account, created)."""
        now, today = self.clock.now(), self.clock.today()
        with self.store.tx() as db:
            self._check_credentials(db, fields)
            self._check_client(db, user, fields.get("client_id"))
            account_id = fields.get("id")
            if account_id is None:
                self._check_duplicate(db, user, fields["from_email"], None)
                account = Account(user_id=user.user_id, created_at=iso(now))
                cursor = db.execute(
                    "INSERT INTO accounts (user_id, from_email, data) VALUES (?, ?, ?)",
                    (user.user_id, str(fields["from_email"]).lower(), "{}"),
                )
                account.id = int(cursor.lastrowid or 0)
                account.warmup_key = hashlib.sha256(f"warmup-key|{account.id}".encode()).hexdigest()[:10]
                created = True
            else:
                account = self._load_account(db, user, int(account_id))
                self._check_duplicate(db, user, fields["from_email"], account.id)
                created = False
            for name in (
                "from_name",
                "from_email",
                "user_name",
                "password",
                "smtp_host",
                "smtp_port",
                "smtp_port_type",
                "imap_host",
                "imap_port",
                "imap_port_type",
                "imap_user_name",
                "imap_password",
                "max_email_per_day",
                "custom_tracking_url",
                "bcc",
                "signature",
                "different_reply_to_address",
                "time_to_wait_in_mins",
                "client_id",
                "type",
            ):
                if name in fields and (fields[name] is not None or name in _NULLABLE_ACCOUNT_FIELDS):
                    setattr(account, name, fields[name])
            if "is_suspended" in fields and fields["is_suspended"] is not None:
                _set_suspended(account, bool(fields["is_suspended"]), today)
            account.is_smtp_success = account.is_imap_success = True
            account.smtp_failure_error = account.imap_failure_error = None
            if "warmup_enabled" in fields and fields["warmup_enabled"] is not None:
                _apply_warmup(
                    account,
                    {
                        "warmup_enabled": fields["warmup_enabled"],
                        "total_warmup_per_day": fields.get("total_warmup_per_day"),
                        "daily_rampup": fields.get("daily_rampup"),
                        "reply_rate_percentage": fields.get("reply_rate_percentage"),
                    },
                    today,
                    now,
                )
            account.updated_at = iso(now)
            self._store_account(db, account)
            return account, created

    def update_account(self, user: User, account_id: int, fields: dict[str, Any]) -> Account:
        """``POST /email-accounts/{id}``: settings only (no credentials)."""
        now, today = self.clock.now(), self.clock.today()
        with self.store.tx() as db:
            account = self._load_account(db, user, account_id)
            if "client_id" in fields:
                self._check_client(db, user, fields["client_id"])
            for name, value in fields.items():
                if name == "is_suspended":
                    _set_suspended(account, bool(value), today)
                elif value is not None or name in _NULLABLE_ACCOUNT_FIELDS:
                    setattr(account, name, value)
            account.updated_at = iso(now)
            self._store_account(db, account)
            return account

    def set_warmup(self, user: User, account_id: int, fields: dict[str, Any]) -> Account:
        """``POST /email-accounts/{id}/warmup``."""
        now, today = self.clock.now(), self.clock.today()
        with self.store.tx() as db:
            account = self._load_account(db, user, account_id)
            _apply_warmup(account, fields, today, now)
            account.updated_at = iso(now)
            self._store_account(db, account)
            return account

    def warmup_stats(self, user: User, account_id: int) -> tuple[Account, list[warmup.DayStats]]:
        """The last 7 days (today included) with warmup activity; days before warmup started are left out."""
        today = self.clock.today()
        with self.store.tx() as db:
            account = self._load_account(db, user, account_id)
        state = account.warmup
        if state.started_on is None:
            return account, []
        first = max(today - timedelta(days=6), date.fromisoformat(state.started_on))
        if first > today:
            return account, []
        return account, warmup.history(account.id, state, account.profile, first, today, account.suspensions)

    def suspend(self, user: User, account_id: int, suspended: bool) -> Account:
        now, today = self.clock.now(), self.clock.today()
        with self.store.tx() as db:
            account = self._load_account(db, user, account_id)
            _set_suspended(account, suspended, today)
            account.updated_at = iso(now)
            self._store_account(db, account)
            return account

    def delete_account(self, user: User, account_id: int) -> Account:
        """Soft delete: gone from lists and campaigns, warmup INACTIVE with the documented reason."""
        now, today = self.clock.now(), self.clock.today()
        with self.store.tx() as db:
            account = self._load_account(db, user, account_id)
            _apply_warmup(account, {"warmup_enabled": False}, today, now)
            account.warmup.blocked_reason = "Email account is deleted by user action"
            account.deleted = True
            account.updated_at = iso(now)
            db.execute("DELETE FROM campaign_accounts WHERE account_id = ?", (account.id,))
            db.execute("DELETE FROM account_tags WHERE account_id = ?", (account.id,))
            self._store_account(db, account)
            return account

    def reconnect_failed(self, user: User) -> tuple[int, int]:
        """``POST /email-accounts/reconnect-failed-email-accounts``: every live account whose SMTP or IMAP connection
        failed is verified again (as on save). Returns (retried, reconnected)."""
        now = iso(self.clock.now())
        retried = reconnected = 0
        with self.store.tx() as db:
            rows = db.all("SELECT data FROM accounts WHERE user_id = ? AND deleted = 0 ORDER BY id", (user.user_id,))
            for row in rows:
                account = Account.from_json(str(row["data"]))
                if account.is_smtp_success and account.is_imap_success:
                    continue
                retried += 1
                try:
                    self._check_credentials(db, dataclasses.asdict(account))
                except VerificationFailed:
                    continue  # still failing: left as it was
                account.is_smtp_success = account.is_imap_success = True
                account.smtp_failure_error = account.imap_failure_error = None
                account.updated_at = now
                self._store_account(db, account)
                reconnected += 1
        return retried, reconnected

    # ---------------------------------------------------------------- tags
    def create_tag(self, user: User, name: str, color: str | None) -> dict[str, Any]:
        with self.store.tx() as db:
            data = {"name": name, "color": color or DEFAULT_TAG_COLOR}
            cursor = db.execute("INSERT INTO tags (user_id, data) VALUES (?, ?)", (user.user_id, dumps(data)))
            return {"id": int(cursor.lastrowid or 0), **data}

    def update_tag(self, user: User, tag_id: int, name: str, color: str | None) -> dict[str, Any]:
        with self.store.tx() as db:
            row = db.one("SELECT data FROM tags WHERE id = ? AND user_id = ?", (tag_id, user.user_id))
            if row is None:
                raise NotFound("tag", tag_id)
            data = loads(str(row["data"]))
            data["name"] = name
            if color is not None:
                data["color"] = color
            db.execute("UPDATE tags SET data = ? WHERE id = ?", (dumps(data), tag_id))
            return {"id": tag_id, **data}

    def _ensure_tag(self, db: Db, user: User, name: str, color: str | None) -> int:
        for row in db.all("SELECT id, data FROM tags WHERE user_id = ? ORDER BY id", (user.user_id,)):
            if loads(str(row["data"]))["name"] == name:
                return int(row["id"])
        data = {"name": name, "color": color or DEFAULT_TAG_COLOR}
        cursor = db.execute("INSERT INTO tags (user_id, data) VALUES (?, ?)", (user.user_id, dumps(data)))
        return int(cursor.lastrowid or 0)

    def _account_ids_for(self, db: Db, user: User, ids: list[int], emails: list[str]) -> list[int]:
        found: list[int] = []
        for account_id in ids:
            found.append(self._load_account(db, user, account_id).id)
        for email in emails:
            row = db.one(
                "SELECT id FROM accounts WHERE user_id = ? AND deleted = 0 AND from_email = ?",
                (user.user_id, email.lower()),
            )
            if row is None:
                raise NotFound("account", email)
            found.append(int(row["id"]))
        return found

    def map_tags(self, user: User, account_ids: list[int], emails: list[str], tag_ids: list[int], add: bool) -> None:
        """``POST``/``DELETE /email-accounts/tag-mapping``."""
        with self.store.tx() as db:
            accounts = self._account_ids_for(db, user, account_ids, emails)
            for tag_id in tag_ids:
                if db.one("SELECT id FROM tags WHERE id = ? AND user_id = ?", (tag_id, user.user_id)) is None:
                    raise NotFound("tag", tag_id)
            for account_id in accounts:
                for tag_id in tag_ids:
                    if add:
                        db.execute(
                            "INSERT OR IGNORE INTO account_tags (account_id, tag_id) VALUES (?, ?)",
                            (account_id, tag_id),
                        )
                    else:
                        db.execute(
                            "DELETE FROM account_tags WHERE account_id = ? AND tag_id = ?",
                            (account_id, tag_id),
                        )

    def tags_for_emails(self, user: User, emails: list[str]) -> list[AccountView]:
        """``POST /email-accounts/tag-list``: accounts (with tags) for these addresses; unknown ones skipped."""
        today = self.clock.today()
        with self.store.tx() as db:
            views = []
            for email in emails:
                row = db.one(
                    "SELECT data FROM accounts WHERE user_id = ? AND deleted = 0 AND from_email = ?",
                    (user.user_id, email.lower()),
                )
                if row is not None:
                    views.append(self._view(db, Account.from_json(str(row["data"])), today))
            return views

    # ---------------------------------------------------------------- campaigns
    def seed_campaign(
        self,
        user: User,
        *,
        campaign_id: int | None = None,
        name: str = "Campaign",
        client_id: int | None = None,
        status: str = "DRAFTED",
    ) -> Campaign:
        """Create (or replace) a campaign; creating campaigns is not part of the emulated API."""
        now = iso(self.clock.now())
        with self.store.tx() as db:
            if campaign_id is not None:
                row = db.one("SELECT user_id FROM campaigns WHERE id = ?", (campaign_id,))
                if row is not None and int(row["user_id"]) != user.user_id:
                    raise Rejected(f"campaign {campaign_id} belongs to another API key")
                campaign = Campaign(campaign_id, user.user_id, name, client_id, status, now)
                db.execute(
                    "INSERT OR REPLACE INTO campaigns (id, user_id, data) VALUES (?, ?, ?)",
                    (campaign_id, user.user_id, dumps(dataclasses.asdict(campaign))),
                )
                return campaign
            cursor = db.execute("INSERT INTO campaigns (user_id, data) VALUES (?, '{}')", (user.user_id,))
            campaign = Campaign(int(cursor.lastrowid or 0), user.user_id, name, client_id, status, now)
            db.execute(
                "UPDATE campaigns SET data = ? WHERE id = ?",
                (dumps(dataclasses.asdict(campaign)), campaign.id),
            )
            return campaign

    def _campaign(self, db: Db, user: User, campaign_id: int) -> Campaign:
        campaign: Campaign = _owned(db, user, "campaigns", Campaign, "campaign", campaign_id)
        return campaign

    def campaigns(self, user: User) -> list[Campaign]:
        with self.store.tx() as db:
            rows = db.all("SELECT data FROM campaigns WHERE user_id = ? ORDER BY id", (user.user_id,))
        return [_row_obj(Campaign, str(r["data"])) for r in rows]

    def campaign_accounts(self, user: User, campaign_id: int) -> list[AccountView]:
        today = self.clock.today()
        with self.store.tx() as db:
            self._campaign(db, user, campaign_id)
            rows = db.all(
                "SELECT a.data FROM accounts a JOIN campaign_accounts m ON m.account_id = a.id"
                " WHERE m.campaign_id = ? AND a.deleted = 0 ORDER BY a.id",
                (campaign_id,),
            )
            return [self._view(db, Account.from_json(str(r["data"])), today) for r in rows]

    def attach(self, user: User, campaign_id: int, account_ids: list[int]) -> None:
        """Accounts must be connected (SMTP and IMAP) and not suspended."""
        from mailfleet.emulator import sends

        with self.store.tx() as db:
            self._campaign(db, user, campaign_id)
            for account_id in account_ids:
                account = self._load_account(db, user, account_id)
                if not (account.is_smtp_success and account.is_imap_success):
                    raise Rejected(f"Email account {account_id} is not connected (SMTP/IMAP failed)")
                if account.is_suspended:
                    raise Rejected(f"Email account {account_id} is suspended")
            for account_id in account_ids:
                added = db.execute(
                    "INSERT OR IGNORE INTO campaign_accounts (campaign_id, account_id) VALUES (?, ?)",
                    (campaign_id, account_id),
                ).rowcount
                if added:
                    sends.note_attached(db, campaign_id, account_id, self.clock.today())  # campaign mail from today

    def detach(self, user: User, campaign_id: int, account_ids: list[int]) -> None:
        """An ACTIVE campaign keeps at least one account."""
        from mailfleet.emulator import sends

        with self.store.tx() as db:
            campaign = self._campaign(db, user, campaign_id)
            current = {
                int(r["account_id"])
                for r in db.all("SELECT account_id FROM campaign_accounts WHERE campaign_id = ?", (campaign_id,))
            }
            remaining = current - set(account_ids)
            if campaign.status == "ACTIVE" and current and not remaining:
                raise Rejected("Cannot remove all email accounts from an active campaign")
            for account_id in account_ids:
                db.execute(
                    "DELETE FROM campaign_accounts WHERE campaign_id = ? AND account_id = ?",
                    (campaign_id, account_id),
                )
                sends.forget_detached(db, campaign_id, account_id)

    # ---------------------------------------------------------------- clients
    def list_clients(self, user: User) -> list[Client]:
        with self.store.tx() as db:
            rows = db.all("SELECT data FROM clients WHERE user_id = ? ORDER BY id", (user.user_id,))
        return [_row_obj(Client, str(r["data"])) for r in rows]

    def save_client(self, user: User, fields: dict[str, Any]) -> tuple[Client, bool]:
        """``POST /client/save``: create, or update when ``id`` is given. Emails are unique per API key."""
        now = iso(self.clock.now())
        with self.store.tx() as db:
            client_id = fields.get("id")
            email = str(fields["email"])
            dup = db.one("SELECT id FROM clients WHERE user_id = ? AND lower(email) = ?", (user.user_id, email.lower()))
            if dup is not None and int(dup["id"]) != client_id:
                raise AlreadyExists("client", "CLIENT_ALREADY_EXIST", "Client with this email already exists")
            if client_id is None:
                cursor = db.execute(
                    "INSERT INTO clients (user_id, email, data) VALUES (?, ?, '{}')", (user.user_id, email)
                )
                new_id = int(cursor.lastrowid or 0)
                client = Client(
                    new_id,
                    user.user_id,
                    fields["name"],
                    email,
                    uuid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"mailfleet-emulator/client/{new_id}")),
                    created_at=now,
                )
                created = True
            else:
                row = db.one("SELECT data FROM clients WHERE id = ? AND user_id = ?", (client_id, user.user_id))
                if row is None:
                    raise NotFound("client", client_id)
                client = _row_obj(Client, str(row["data"]))
                created = False
            for name in (
                "name",
                "email",
                "password",
                "logo",
                "logo_url",
                "permission",
                "is_credit_assigned",
                "email_credits",
                "lead_credits",
            ):
                if name in fields:
                    setattr(client, name, fields[name])
            db.execute(
                "UPDATE clients SET email = ?, data = ? WHERE id = ?",
                (client.email, dumps(dataclasses.asdict(client)), client.id),
            )
            return client, created

    # ---------------------------------------------------------------- client API keys
    def create_client_key(self, user: User, client_id: int, key_name: str) -> ClientApiKey:
        """``POST /client/api-key``: a new active key for one of the user's clients."""
        now = iso(self.clock.now())
        with self.store.tx() as db:
            if db.one("SELECT id FROM clients WHERE id = ? AND user_id = ?", (client_id, user.user_id)) is None:
                raise NotFound("client", client_id)
            cursor = db.execute(
                "INSERT INTO client_api_keys (user_id, client_id, data) VALUES (?, ?, '{}')",
                (user.user_id, client_id),
            )
            key = ClientApiKey(
                int(cursor.lastrowid or 0), user.user_id, client_id, key_name, new_api_key(), "active", now
            )
            self._store_client_key(db, key)
            return key

    def _store_client_key(self, db: Db, key: ClientApiKey) -> None:
        db.execute("UPDATE client_api_keys SET data = ? WHERE id = ?", (dumps(dataclasses.asdict(key)), key.id))

    def _client_key(self, db: Db, user: User, key_id: int) -> ClientApiKey:
        key: ClientApiKey = _owned(db, user, "client_api_keys", ClientApiKey, "api key", key_id)
        return key

    def list_client_keys(
        self,
        user: User,
        *,
        client_id: int | None = None,
        status: str | None = None,
        key_name: str | None = None,
    ) -> list[ClientApiKey]:
        """``GET /client/api-key``: the user's client keys by id; ``key_name`` matches part of the name, any case."""
        with self.store.tx() as db:
            rows = db.all("SELECT data FROM client_api_keys WHERE user_id = ? ORDER BY id", (user.user_id,))
        keys = [_row_obj(ClientApiKey, str(r["data"])) for r in rows]
        return [
            k
            for k in keys
            if (client_id is None or k.client_id == client_id)
            and (status is None or k.status == status)
            and (not key_name or key_name.casefold() in k.key_name.casefold())
        ]

    def delete_client_key(self, user: User, key_id: int) -> None:
        with self.store.tx() as db:
            self._client_key(db, user, key_id)
            db.execute("DELETE FROM client_api_keys WHERE id = ?", (key_id,))

    def reset_client_key(self, user: User, key_id: int) -> ClientApiKey:
        """``PUT /client/api-key/reset/{id}``: a new key value on the same record."""
        with self.store.tx() as db:
            key = self._client_key(db, user, key_id)
            key.api_key = new_api_key()
            self._store_client_key(db, key)
            return key

    # ---------------------------------------------------------------- campaign webhook deliveries
    def record_webhook_events(
        self, user: User, campaign_id: int, *, ok: bool, count: int = 1, at: datetime | None = None
    ) -> int:
        """Record ``count`` deliveries of the campaign's webhooks (the emulator sends none itself); control API."""
        stamp = iso(at or self.clock.now())
        with self.store.tx() as db:
            self._campaign(db, user, campaign_id)
            for _ in range(count):
                db.execute(
                    "INSERT INTO webhook_events (user_id, campaign_id, at, ok) VALUES (?, ?, ?, ?)",
                    (user.user_id, campaign_id, stamp, int(ok)),
                )
        return count

    def webhook_counts(self, user: User, campaign_id: int, start: datetime, end: datetime) -> WebhookCounts:
        """``GET /campaigns/{cid}/webhooks/summary``: deliveries from ``start`` to ``end``, both included."""
        with self.store.tx() as db:
            self._campaign(db, user, campaign_id)
            rows = db.all(
                "SELECT ok, COUNT(*) AS n FROM webhook_events WHERE campaign_id = ? AND at BETWEEN ? AND ? GROUP BY ok",
                (campaign_id, iso(start), iso(end)),
            )
        counts = {int(r["ok"]): int(r["n"]) for r in rows}
        return WebhookCounts(successful=counts.get(1, 0), failed=counts.get(0, 0))

    def retrigger_failed_webhook_events(self, user: User, campaign_id: int, start: datetime, end: datetime) -> int:
        """``POST /campaigns/{cid}/webhooks/retrigger-failed-events``: failed deliveries in the window are sent
        again, and (the emulator has no receiver to fail) succeed. Returns how many."""
        with self.store.tx() as db:
            self._campaign(db, user, campaign_id)
            cursor = db.execute(
                "UPDATE webhook_events SET ok = 1 WHERE campaign_id = ? AND ok = 0 AND at BETWEEN ? AND ?",
                (campaign_id, iso(start), iso(end)),
            )
            return int(cursor.rowcount)

    # ---------------------------------------------------------------- campaign webhooks
    def list_campaign_webhooks(self, user: User, campaign_id: int) -> list[dict[str, Any]]:
        with self.store.tx() as db:
            self._campaign(db, user, campaign_id)
            rows = db.all("SELECT id, data FROM campaign_webhooks WHERE campaign_id = ? ORDER BY id", (campaign_id,))
        return [{"id": int(r["id"]), **loads(str(r["data"]))} for r in rows]

    def upsert_campaign_webhook(self, user: User, campaign_id: int, fields: dict[str, Any]) -> dict[str, Any]:
        now = iso(self.clock.now())
        with self.store.tx() as db:
            self._campaign(db, user, campaign_id)
            webhook_id = fields.get("id")
            data: dict[str, Any]
            if webhook_id is None:
                data = {"created_at": now}
                cursor = db.execute(
                    "INSERT INTO campaign_webhooks (user_id, campaign_id, data) VALUES (?, ?, '{}')",
                    (user.user_id, campaign_id),
                )
                webhook_id = int(cursor.lastrowid or 0)
            else:
                row = db.one(
                    "SELECT data FROM campaign_webhooks WHERE id = ? AND campaign_id = ?",
                    (webhook_id, campaign_id),
                )
                if row is None:
                    raise NotFound("webhook", webhook_id)
                data = loads(str(row["data"]))
            data.update(
                {
                    "name": fields.get("name", data.get("name")),
                    "webhook_url": fields["webhook_url"],
                    "email_campaign_id": campaign_id,
                    "event_types": fields["event_types"],
                    "categories": fields.get("categories") or [],
                    "updated_at": now,
                }
            )
            db.execute("UPDATE campaign_webhooks SET data = ? WHERE id = ?", (dumps(data), webhook_id))
            return {"id": webhook_id, **data}

    def delete_campaign_webhook(self, user: User, campaign_id: int, webhook_id: int) -> None:
        with self.store.tx() as db:
            self._campaign(db, user, campaign_id)
            cursor = db.execute(
                "DELETE FROM campaign_webhooks WHERE id = ? AND campaign_id = ?", (webhook_id, campaign_id)
            )
            if cursor.rowcount == 0:
                raise NotFound("webhook", webhook_id)

    # ---------------------------------------------------------------- account-wide webhooks
    def create_webhook(self, user: User, fields: dict[str, Any]) -> dict[str, Any]:
        now = iso(self.clock.now())
        with self.store.tx() as db:
            self._check_webhook_scope(db, user, fields)
            data = {**fields, "created_at": now, "updated_at": now}
            cursor = db.execute("INSERT INTO webhooks (user_id, data) VALUES (?, ?)", (user.user_id, dumps(data)))
            return {"id": int(cursor.lastrowid or 0), **data}

    def _check_webhook_scope(self, db: Db, user: User, fields: dict[str, Any]) -> None:
        scope = fields.get("association_type")
        if scope == "campaign":
            if fields.get("email_campaign_id") is None:
                raise Rejected("email_campaign_id is required for campaign webhooks")
            self._campaign(db, user, int(fields["email_campaign_id"]))
        if scope == "client":
            if fields.get("client_id") is None:
                raise Rejected("client_id is required for client webhooks")
            self._check_client(db, user, int(fields["client_id"]))

    def get_webhook(self, user: User, webhook_id: int) -> dict[str, Any]:
        with self.store.tx() as db:
            row = db.one("SELECT data FROM webhooks WHERE id = ? AND user_id = ?", (webhook_id, user.user_id))
        if row is None:
            raise NotFound("webhook", webhook_id)
        return {"id": webhook_id, **loads(str(row["data"]))}

    def update_webhook(self, user: User, webhook_id: int, fields: dict[str, Any]) -> dict[str, Any]:
        now = iso(self.clock.now())
        with self.store.tx() as db:
            row = db.one("SELECT data FROM webhooks WHERE id = ? AND user_id = ?", (webhook_id, user.user_id))
            if row is None:
                raise NotFound("webhook", webhook_id)
            data = {**loads(str(row["data"])), **fields, "updated_at": now}
            self._check_webhook_scope(db, user, data)
            db.execute("UPDATE webhooks SET data = ? WHERE id = ?", (dumps(data), webhook_id))
            return {"id": webhook_id, **data}

    def delete_webhook(self, user: User, webhook_id: int) -> None:
        with self.store.tx() as db:
            cursor = db.execute("DELETE FROM webhooks WHERE id = ? AND user_id = ?", (webhook_id, user.user_id))
            if cursor.rowcount == 0:
                raise NotFound("webhook", webhook_id)

    # ---------------------------------------------------------------- control-plane operations
    def mark_bad_credentials(self, emails: list[str], hosts: list[str]) -> dict[str, list[str]]:
        """Saves whose ``from_email`` or SMTP/IMAP host is listed fail verification (406)."""
        with self.store.tx() as db:
            for email in emails:
                db.execute(
                    "INSERT OR IGNORE INTO bad_credentials (kind, value) VALUES ('email', ?)",
                    (email.lower(),),
                )
            for host in hosts:
                db.execute("INSERT OR IGNORE INTO bad_credentials (kind, value) VALUES ('host', ?)", (host.lower(),))
            rows = db.all("SELECT kind, value FROM bad_credentials ORDER BY kind, value")
        return {
            "emails": [str(r["value"]) for r in rows if r["kind"] == "email"],
            "hosts": [str(r["value"]) for r in rows if r["kind"] == "host"],
        }

    def create_account_direct(self, user: User, fields: dict[str, Any]) -> AccountView:
        """Create an account as if added in Smartlead's UI (for adoption tests). ``fields`` use READ names as
        in ``edit_account``, plus ``warmup_enabled``/``total_warmup_per_day``/``daily_rampup``/
        ``reply_rate_percentage``. Only ``from_email`` is required."""
        fields = dict(fields)
        email = fields.get("from_email")
        if not isinstance(email, str) or "@" not in email:
            raise Rejected("from_email is required")
        local, domain = email.split("@", 1)
        now, today = self.clock.now(), self.clock.today()
        warmup_fields: dict[str, Any] = {
            k: fields.pop(k)
            for k in ("warmup_enabled", "total_warmup_per_day", "daily_rampup", "reply_rate_percentage")
            if k in fields
        }
        with self.store.tx() as db:
            self._check_duplicate(db, user, email, None)
            account = Account(
                user_id=user.user_id,
                created_at=iso(now),
                updated_at=iso(now),
                from_name=local.replace(".", " ").title(),
                from_email=email,
                user_name=email,
                password="emulator-password",
                smtp_host=f"smtp.{domain}",
                imap_host=f"imap.{domain}",
            )
            cursor = db.execute(
                "INSERT INTO accounts (user_id, from_email, data) VALUES (?, ?, '{}')",
                (user.user_id, email.lower()),
            )
            account.id = int(cursor.lastrowid or 0)
            account.warmup_key = hashlib.sha256(f"warmup-key|{account.id}".encode()).hexdigest()[:10]
            if warmup_fields:
                warmup_fields.setdefault("warmup_enabled", True)
                _apply_warmup(account, warmup_fields, today, now)
            self._edit(db, user, account, fields, today)
            self._store_account(db, account)
            return self._view(db, account, today)

    def edit_account(self, account_id: int, fields: dict[str, Any]) -> AccountView:
        """Change an account as if edited in Smartlead's UI, with READ field names (``username``,
        ``message_per_day``, ``warmup_details: {status, warmup_reputation, ...}``, ``tags: [names]``,
        ``campaign_ids``, ``health``, ``warmup_started_days_ago``)."""
        today = self.clock.today()
        with self.store.tx() as db:
            account = self._load_account(db, None, account_id)
            user = self._user_by_id(db, account.user_id)
            self._edit(db, user, account, fields, today)
            account.updated_at = iso(self.clock.now())
            self._store_account(db, account)
            return self._view(db, account, today)

    def set_health(self, account_id: int, profile: Any) -> HealthProfile:
        parsed = warmup.profile_from(profile)
        with self.store.tx() as db:
            account = self._load_account(db, None, account_id)
            account.health = parsed.as_dict()
            self._store_account(db, account)
        return parsed

    def dump_accounts(self, user: User | None, *, include_deleted: bool = False) -> list[AccountView]:
        today = self.clock.today()
        with self.store.tx() as db:
            sql = "SELECT data FROM accounts WHERE 1 = 1"
            params: list[Any] = []
            if user is not None:
                sql += " AND user_id = ?"
                params.append(user.user_id)
            if not include_deleted:
                sql += " AND deleted = 0"
            rows = db.all(sql + " ORDER BY id", tuple(params))
            return [self._view(db, Account.from_json(str(r["data"])), today) for r in rows]

    def _user_by_id(self, db: Db, user_id: int) -> User:
        row = db.one("SELECT hash, no_plan FROM api_keys WHERE user_id = ?", (user_id,))
        if row is None:
            raise NotFound("user", user_id)
        return User(user_id, str(row["hash"]), bool(row["no_plan"]))

    def _edit(self, db: Db, user: User, account: Account, fields: dict[str, Any], today: date) -> None:
        unknown = (
            set(fields)
            - set(EDITABLE_READ_FIELDS)
            - {
                "tags",
                "campaign_ids",
                "warmup_details",
                "health",
                "warmup_started_days_ago",
            }
        )
        if unknown:
            raise Rejected(f"unknown or read-only fields: {sorted(unknown)}")
        for name in EDITABLE_READ_FIELDS:
            if name not in fields:
                continue
            value = fields[name]
            if name == "is_suspended":
                _set_suspended(account, bool(value), today)
            elif name == "from_email":
                self._check_duplicate(db, user, str(value), account.id)
                account.from_email = str(value)
            elif name == "client_id":
                self._check_client(db, user, value)
                account.client_id = value
            else:
                setattr(account, READ_TO_WRITE.get(name, name), value)
        if "health" in fields:
            account.health = warmup.profile_from(fields["health"]).as_dict()
        if "warmup_started_days_ago" in fields:
            days = int(fields["warmup_started_days_ago"])
            account.warmup.enabled = True
            account.warmup.started_on = (today - timedelta(days=days)).isoformat()
            account.warmup.created_at = iso(datetime.combine(today - timedelta(days=days), self.clock.now().timetz()))
            account.warmup.pauses = []
        details = fields.get("warmup_details")
        if details is not None:
            self._edit_warmup(account, details, today)
        if "tags" in fields:
            db.execute("DELETE FROM account_tags WHERE account_id = ?", (account.id,))
            for tag in fields["tags"]:
                if isinstance(tag, dict):
                    tag_id = self._ensure_tag(db, user, str(tag["name"]), tag.get("color"))
                else:
                    tag_id = self._ensure_tag(db, user, str(tag), None)
                db.execute(
                    "INSERT OR IGNORE INTO account_tags (account_id, tag_id) VALUES (?, ?)",
                    (account.id, tag_id),
                )
        if "campaign_ids" in fields:
            db.execute("DELETE FROM campaign_accounts WHERE account_id = ?", (account.id,))
            for campaign_id in fields["campaign_ids"]:
                self._campaign(db, user, int(campaign_id))
                db.execute(
                    "INSERT OR IGNORE INTO campaign_accounts (campaign_id, account_id) VALUES (?, ?)",
                    (int(campaign_id), account.id),
                )

    def _edit_warmup(self, account: Account, details: dict[str, Any], today: date) -> None:
        unknown = set(details) - set(WARMUP_EDIT_FIELDS)
        if unknown:
            raise Rejected(f"unknown or read-only warmup_details fields: {sorted(unknown)}")
        state = account.warmup
        now = self.clock.now()
        if "status" in details:
            if details["status"] not in ("ACTIVE", "INACTIVE", "PAUSED"):
                raise Rejected("warmup_details.status must be ACTIVE, INACTIVE or PAUSED")
            _apply_warmup(account, {"warmup_enabled": details["status"] == "ACTIVE"}, today, now)
        if "reply_rate" in details:
            state.reply_rate = details["reply_rate"]
        if "warmup_reputation" in details:
            value = details["warmup_reputation"]
            state.reputation_override = None if value is None else _percent(value)
        if "is_warmup_blocked" in details:
            state.is_blocked = bool(details["is_warmup_blocked"])
        if "blocked_reason" in details:
            state.blocked_reason = details["blocked_reason"]
        if "warmup_created_at" in details:
            text = str(details["warmup_created_at"])
            started = date.fromisoformat(text[:10])
            state.started_on = started.isoformat()
            state.created_at = text if "T" in text else iso(datetime.combine(started, now.timetz()))
        if "warmup_key_id" in details:
            state.warmup_key_id = details["warmup_key_id"]
        for name in ("warmup_max_count", "max_email_per_day"):
            if name in details:
                state.total_per_day = details[name]
        if "daily_rampup" in details:
            state.daily_rampup = details["daily_rampup"]


_NULLABLE_ACCOUNT_FIELDS = frozenset(
    {
        "signature",
        "custom_tracking_url",
        "bcc",
        "different_reply_to_address",
        "client_id",
        "imap_user_name",
        "imap_password",
        "smtp_port_type",
        "imap_port_type",
    }
)


def _percent(value: Any) -> str:
    text = str(value).strip().rstrip("%")
    return f"{round(float(text))}%"


def _set_suspended(account: Account, suspended: bool, today: date) -> None:
    """Suspension stops warmup sends from tomorrow (kept as a pause) but keeps campaigns."""
    if suspended and not account.is_suspended:
        account.suspensions.append([(today + timedelta(days=1)).isoformat(), None])
    elif not suspended and account.is_suspended and account.suspensions and account.suspensions[-1][1] is None:
        account.suspensions[-1][1] = today.isoformat()
    account.is_suspended = suspended


def _apply_warmup(account: Account, fields: dict[str, Any], today: date, now: datetime) -> None:
    """Apply warmup settings. Enabling for the first time starts the ramp today; disabling pauses sends from
    tomorrow; enabling again resumes today (history and the ramp position are kept)."""
    state = account.warmup
    enabled = fields.get("warmup_enabled")
    if enabled is True and not state.enabled:
        if state.started_on is None:
            state.started_on = today.isoformat()
            state.created_at = iso(now)
        elif state.pauses and state.pauses[-1][1] is None:
            state.pauses[-1][1] = today.isoformat()
        state.enabled = True
        state.blocked_reason = None if not state.is_blocked else state.blocked_reason
    elif enabled is False and state.enabled:
        state.pauses.append([(today + timedelta(days=1)).isoformat(), None])
        state.enabled = False
    for key, attr in (
        ("total_warmup_per_day", "total_per_day"),
        ("daily_rampup", "daily_rampup"),
        ("reply_rate_percentage", "reply_rate"),
        ("warmup_key_id", "warmup_key_id"),
        ("auto_adjust_warmup", "auto_adjust"),
        ("is_rampup_enabled", "rampup_enabled"),
    ):
        if key in fields and (fields[key] is not None or key == "warmup_key_id"):
            setattr(state, attr, fields[key])
