"""Typed views of what Smartlead sends and what it accepts.

Read models (``from_api``) accept every shape the research found: read names that differ from write
names (``username``/``user_name``, ``message_per_day``/``max_email_per_day``, ``minTimeToWaitInMins``/
``time_to_wait_in_mins``, ``custom_tracking_domain``/``custom_tracking_url``, ``bcc_email``/``bcc``),
numbers as strings, ``warmup_reputation`` as ``"95%"``, ``95`` or null, and missing optional parts.
Write models (``to_body``) always use the WRITE names. Passwords never reach a repr.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Final

from mailfleet.smartlead._coerce import (
    as_bool,
    as_date,
    as_datetime,
    as_float,
    as_int,
    as_list,
    as_mapping,
    as_str,
    first,
    unwrap_object,
)

__all__ = [
    "UNSET",
    "AccountSettings",
    "CampaignWebhook",
    "ClientApiKey",
    "DailyWarmupStat",
    "EmailAccount",
    "EmailAccountWrite",
    "SmartleadClientRecord",
    "Tag",
    "WarmupDetails",
    "WarmupSettings",
    "WarmupStats",
    "Webhook",
    "WebhookSummary",
    "extract_client_id",
    "extract_email_account_id",
    "extract_id",
]


class _Unset:
    """Marks a field of a partial update that is not sent (None means "send null")."""

    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = _Unset()


def _required_int(data: Mapping[str, Any], *keys: str) -> int:
    value = as_int(first(data, *keys))
    if value is None:
        raise ValueError(f"missing integer field {keys[0]!r}")
    return value


# --------------------------------------------------------------------------- read side


@dataclass(frozen=True)
class Tag:
    id: int
    name: str
    color: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> Tag:
        return cls(
            id=_required_int(data, "id", "tag_id"),
            name=as_str(first(data, "name", "tag_name")) or "",
            color=as_str(first(data, "color", "tag_color")),
        )


def _tags(value: Any) -> tuple[Tag, ...]:
    return tuple(Tag.from_api(t) for t in as_list(value) if isinstance(t, Mapping) and first(t, "id", "tag_id"))


_ASSOCIATION_NAMES = {1: "user", 2: "client", 3: "campaign"}


@dataclass(frozen=True)
class WarmupDetails:
    """``warmup_details`` of an account; the by-id endpoint adds min/max counts and the blocked flag."""

    status: str | None = None
    total_sent_count: int = 0
    total_spam_count: int = 0
    reputation: float | None = None
    warmup_key_id: str | None = None
    warmup_created_at: dt.datetime | None = None
    reply_rate: int | None = None
    per_day: int | None = None
    rampup: int | None = None
    max_count: int | None = None
    min_count: int | None = None
    is_blocked: bool = False
    blocked_reason: str | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any] | None) -> WarmupDetails | None:
        if not isinstance(data, Mapping):
            return None
        return cls(
            status=as_str(first(data, "status", "warmup_status")),
            total_sent_count=as_int(data.get("total_sent_count")) or 0,
            total_spam_count=as_int(data.get("total_spam_count")) or 0,
            reputation=as_float(first(data, "warmup_reputation", "reputation")),
            warmup_key_id=as_str(data.get("warmup_key_id")),
            warmup_created_at=as_datetime(data.get("warmup_created_at")),
            reply_rate=as_int(first(data, "reply_rate", "reply_rate_percentage")),
            per_day=as_int(first(data, "total_warmup_per_day", "warmup_per_day")),
            rampup=as_int(first(data, "daily_rampup", "warmup_rampup")),
            max_count=as_int(data.get("warmup_max_count")),
            min_count=as_int(data.get("warmup_min_count")),
            is_blocked=as_bool(first(data, "is_warmup_blocked", "is_blocked")) or bool(data.get("blocked_reason")),
            blocked_reason=as_str(data.get("blocked_reason")) or None,
        )


_PASSWORD_KEYS = frozenset({"password", "imap_password"})


@dataclass(frozen=True)
class EmailAccount:
    """One mailbox as GET /email-accounts/ and GET /email-accounts/{id}/ return it (password dropped)."""

    id: int
    from_email: str
    from_name: str | None = None
    username: str | None = None
    smtp_host: str | None = None
    smtp_port: int | None = None
    smtp_port_type: str | None = None
    imap_host: str | None = None
    imap_port: int | None = None
    imap_port_type: str | None = None
    imap_username: str | None = None
    max_email_per_day: int | None = None
    daily_sent_count: int = 0
    time_to_wait_in_mins: int | None = None
    signature: str | None = None
    bcc: str | None = None
    custom_tracking_url: str | None = None
    different_reply_to_address: str | None = None
    client_id: int | None = None
    is_suspended: bool = False
    is_smtp_success: bool = False
    is_imap_success: bool = False
    smtp_failure_error: str | None = None
    imap_failure_error: str | None = None
    type: str | None = None
    campaign_count: int | None = None
    tags: tuple[Tag, ...] = ()
    campaign_ids: tuple[int, ...] | None = None
    warmup: WarmupDetails | None = None
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    raw: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """The row as Smartlead sent it, less its passwords, for the field table's projection
    (:mod:`mailfleet.smartlead.fields`)."""

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> EmailAccount:
        campaign_ids = data.get("campaign_ids")
        return cls(
            id=_required_int(data, "id", "email_account_id", "emailAccountId"),
            from_email=as_str(first(data, "from_email", "email")) or "",
            from_name=as_str(data.get("from_name")),
            username=as_str(first(data, "username", "user_name")),
            smtp_host=as_str(data.get("smtp_host")),
            smtp_port=as_int(data.get("smtp_port")),
            smtp_port_type=as_str(data.get("smtp_port_type")),
            imap_host=as_str(data.get("imap_host")),
            imap_port=as_int(data.get("imap_port")),
            imap_port_type=as_str(data.get("imap_port_type")),
            imap_username=as_str(first(data, "imap_username", "imap_user_name")),
            max_email_per_day=as_int(first(data, "message_per_day", "max_email_per_day")),
            daily_sent_count=as_int(data.get("daily_sent_count")) or 0,
            time_to_wait_in_mins=as_int(first(data, "minTimeToWaitInMins", "time_to_wait_in_mins")),
            signature=as_str(data.get("signature")),
            bcc=as_str(first(data, "bcc_email", "bcc")),
            custom_tracking_url=as_str(first(data, "custom_tracking_domain", "custom_tracking_url")),
            different_reply_to_address=as_str(data.get("different_reply_to_address")),
            client_id=as_int(data.get("client_id")),
            is_suspended=as_bool(data.get("is_suspended")),
            is_smtp_success=as_bool(data.get("is_smtp_success")),
            is_imap_success=as_bool(data.get("is_imap_success")),
            smtp_failure_error=as_str(data.get("smtp_failure_error")),
            imap_failure_error=as_str(data.get("imap_failure_error")),
            type=as_str(data.get("type")),
            campaign_count=as_int(data.get("campaign_count")),
            tags=_tags(data.get("tags")),
            campaign_ids=(
                None
                if campaign_ids is None
                else tuple(i for i in (as_int(c) for c in as_list(campaign_ids)) if i is not None)
            ),
            warmup=WarmupDetails.from_api(data.get("warmup_details")),
            created_at=as_datetime(data.get("created_at")),
            updated_at=as_datetime(data.get("updated_at")),
            # Without the passwords: the row is kept for the field table, and may be cached or pickled between
            # processes; no password is ever read back from it.
            raw={key: value for key, value in data.items() if key not in _PASSWORD_KEYS},
        )


@dataclass(frozen=True)
class DailyWarmupStat:
    date: dt.date
    sent_count: int = 0
    reply_count: int = 0
    save_from_spam_count: int = 0
    spam_count: int = 0

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> DailyWarmupStat | None:
        day = as_date(data.get("date"))
        if day is None:
            return None
        return cls(
            date=day,
            sent_count=as_int(first(data, "sent_count", "sent")) or 0,
            reply_count=as_int(first(data, "reply_count", "replies", "replied")) or 0,
            save_from_spam_count=as_int(first(data, "save_from_spam_count", "saved_from_spam")) or 0,
            spam_count=as_int(first(data, "spam_count", "spam")) or 0,
        )


@dataclass(frozen=True)
class WarmupStats:
    """GET /email-accounts/{id}/warmup-stats: the last 7 days.

    The real (old-docs) shape has string totals and ``stats_by_date``; the new docs show
    ``total_sent``/``spam_count``/``reputation_score``/``daily_stats``. Both are read.
    """

    account_id: int | None = None
    sent: int = 0
    spam: int = 0
    inbox: int = 0
    received: int = 0
    reputation: float | None = None
    days: tuple[DailyWarmupStat, ...] = ()

    @classmethod
    def from_api(cls, body: Any) -> WarmupStats:
        data = unwrap_object(body) or {}
        raw_days = first(data, "stats_by_date", "daily_stats") or []
        days = tuple(
            sorted(
                (d for d in (DailyWarmupStat.from_api(x) for x in as_list(raw_days) if isinstance(x, Mapping)) if d),
                key=lambda d: d.date,
            )
        )
        sent = as_int(first(data, "sent_count", "total_sent"))
        spam = as_int(first(data, "spam_count", "total_spam"))
        inbox = as_int(first(data, "inbox_count", "total_inbox"))
        if sent is None:
            sent = sum(d.sent_count for d in days)
        if spam is None:
            spam = sum(d.spam_count for d in days)
        if inbox is None:
            inbox = max(sent - spam, 0)
        return cls(
            account_id=as_int(first(data, "id", "email_account_id")),
            sent=sent,
            spam=spam,
            inbox=inbox,
            received=as_int(first(data, "warmup_email_received_count", "received_count", "total_received")) or 0,
            reputation=as_float(first(data, "reputation_score", "warmup_reputation")),
            days=days,
        )


@dataclass(frozen=True)
class SmartleadClientRecord:
    """A white-label client from GET /client/ (note Smartlead's ``client_permision`` spelling)."""

    id: int
    name: str
    email: str
    uuid: str | None = None
    permission: tuple[str, ...] = ()
    restricted_categories: tuple[str, ...] = ()
    created_at: dt.datetime | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> SmartleadClientRecord:
        perm = as_mapping(first(data, "client_permision", "client_permission"))
        raw_permission = perm.get("permission", data.get("permission"))
        return cls(
            id=_required_int(data, "id", "clientId", "client_id"),
            name=as_str(data.get("name")) or "",
            email=as_str(data.get("email")) or "",
            uuid=as_str(data.get("uuid")),
            permission=tuple(str(p) for p in as_list(raw_permission)),
            restricted_categories=tuple(
                str(c) for c in as_list(first(perm, "retricted_category", "restricted_category"))
            ),
            created_at=as_datetime(data.get("created_at")),
        )


@dataclass(frozen=True)
class CampaignWebhook:
    """One entry of GET /campaigns/{cid}/webhooks."""

    id: int
    name: str
    url: str
    campaign_id: int | None = None
    event_types: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> CampaignWebhook:
        return cls(
            id=_required_int(data, "id", "webhook_id"),
            name=as_str(data.get("name")) or "",
            url=as_str(first(data, "webhook_url", "url")) or "",
            campaign_id=as_int(first(data, "email_campaign_id", "campaign_id")),
            event_types=tuple(str(e) for e in as_list(data.get("event_types"))),
            categories=tuple(str(c) for c in as_list(data.get("categories"))),
            created_at=as_datetime(data.get("created_at")),
            updated_at=as_datetime(data.get("updated_at")),
        )


def _true_keys(value: Any) -> tuple[str, ...]:
    if isinstance(value, Mapping):
        return tuple(str(k) for k, v in value.items() if as_bool(v))
    return tuple(str(v) for v in as_list(value))


@dataclass(frozen=True)
class Webhook:
    """An account-wide webhook (GET /webhook/{id}); scope is ``user``, ``client`` or ``campaign``."""

    id: int
    url: str
    name: str | None = None
    association_type: str | None = None
    client_id: int | None = None
    campaign_id: int | None = None
    event_types: tuple[str, ...] = ()
    category_ids: tuple[str, ...] = ()

    @classmethod
    def from_api(cls, body: Any) -> Webhook:
        data = unwrap_object(body) or {}
        association = first(data, "association_type", "associationType")
        number = as_int(association) if not isinstance(association, str) or association.isdigit() else None
        return cls(
            id=_required_int(data, "id", "webhook_id"),
            url=as_str(first(data, "webhook_url", "url")) or "",
            name=as_str(data.get("name")),
            association_type=(
                _ASSOCIATION_NAMES.get(number, str(number)) if number is not None else as_str(association)
            ),
            client_id=as_int(data.get("client_id")),
            campaign_id=as_int(first(data, "email_campaign_id", "campaign_id")),
            event_types=_true_keys(first(data, "event_type_map", "event_types", "event_type")),
            category_ids=_true_keys(first(data, "category_id_map", "category_ids", "category_id")),
        )


@dataclass(frozen=True)
class ClientApiKey:
    """A white-label client's API key (``/client/api-key``). The key itself never reaches a repr."""

    id: int
    client_id: int | None
    key_name: str
    api_key: str | None = field(default=None, repr=False)
    status: str | None = None
    created_at: dt.datetime | None = None

    @staticmethod
    def value_in(data: Mapping[str, Any]) -> str | None:
        """The key's value in a record, if the record has one."""
        return as_str(first(data, "api_key", "apiKey", "key"))

    @classmethod
    def from_api(cls, data: Mapping[str, Any]) -> ClientApiKey:
        return cls(
            id=_required_int(data, "id"),
            client_id=as_int(first(data, "client_id", "clientId")),
            key_name=as_str(first(data, "key_name", "keyName", "name")) or "",
            api_key=cls.value_in(data),
            status=as_str(data.get("status")),
            created_at=as_datetime(data.get("created_at")),
        )


@dataclass(frozen=True)
class WebhookSummary:
    """GET /campaigns/{cid}/webhooks/summary: webhook deliveries in a time window.

    The new docs answer ``{total_calls, successful_calls, failed_calls, success_rate}``, the official CLI's schema
    ``{total, success, failed}``; both are read. ``success_rate`` is a percentage, computed when it is not sent.
    """

    total: int = 0
    successful: int = 0
    failed: int = 0
    success_rate: float | None = None

    @classmethod
    def from_api(cls, body: Any) -> WebhookSummary:
        data = unwrap_object(body) or {}
        # Booleans are envelope flags ({"success": true, ...}), never counts.
        counts = {k: v for k, v in data.items() if not isinstance(v, bool)}
        successful = as_int(first(counts, "successful_calls", "success", "successful")) or 0
        failed = as_int(first(counts, "failed_calls", "failed")) or 0
        total = as_int(first(counts, "total_calls", "total"))
        total = successful + failed if total is None else total
        rate = as_float(data.get("success_rate"))
        if rate is None and total:
            rate = round(100 * successful / total, 1)
        return cls(total=total, successful=successful, failed=failed, success_rate=rate)


# --------------------------------------------------------------------------- write side


def _set_fields(obj: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The dataclass fields that are not UNSET, by name."""
    return {
        f.name: getattr(obj, f.name) for f in fields(obj) if f.name not in skip and getattr(obj, f.name) is not UNSET
    }


@dataclass(frozen=True)
class WarmupSettings:
    """Body of POST /email-accounts/{id}/warmup; unset optional fields are not sent."""

    warmup_enabled: bool
    total_warmup_per_day: int | _Unset | None = UNSET
    daily_rampup: int | _Unset | None = UNSET
    reply_rate_percentage: int | _Unset | None = UNSET
    warmup_key_id: str | _Unset | None = UNSET
    is_rampup_enabled: bool | _Unset = UNSET
    auto_adjust_warmup: bool | _Unset = UNSET

    def to_body(self) -> dict[str, Any]:
        return _set_fields(self)


@dataclass(frozen=True)
class AccountSettings:
    """Partial update, POST /email-accounts/{id}: only fields that are set are sent (None sends null).

    Credentials cannot change here; use :class:`EmailAccountWrite` with an id.
    """

    max_email_per_day: int | _Unset | None = UNSET
    from_name: str | _Unset | None = UNSET
    custom_tracking_url: str | _Unset | None = UNSET
    bcc: str | _Unset | None = UNSET
    signature: str | _Unset | None = UNSET
    client_id: int | _Unset | None = UNSET
    time_to_wait_in_mins: int | _Unset | None = UNSET
    is_suspended: bool | _Unset = UNSET
    different_reply_to_address: str | _Unset | None = UNSET

    def to_body(self) -> dict[str, Any]:
        return _set_fields(self)

    def is_empty(self) -> bool:
        return not self.to_body()


@dataclass(frozen=True)
class EmailAccountWrite:
    """Everything POST /email-accounts/save takes, sent under the WRITE names (``user_name`` etc.).

    Optional fields left as None are omitted, except ``warmup_enabled`` which the new docs require.
    """

    from_email: str
    from_name: str
    user_name: str
    password: str = field(repr=False)
    smtp_host: str
    smtp_port: int
    imap_host: str
    imap_port: int
    smtp_port_type: str | None = None
    imap_port_type: str | None = None
    imap_user_name: str | None = None
    imap_password: str | None = field(default=None, repr=False)
    max_email_per_day: int | None = None
    time_to_wait_in_mins: int | None = None
    custom_tracking_url: str | None = None
    bcc: str | None = None
    signature: str | None = None
    different_reply_to_address: str | None = None
    client_id: int | None = None
    type: str | None = None
    is_suspended: bool | None = None
    warmup: WarmupSettings | None = None

    def secrets(self) -> tuple[str, ...]:
        return tuple(s for s in (self.password, self.imap_password) if s)

    def to_body(self, account_id: int | None = None) -> dict[str, Any]:
        """The JSON body; ``account_id`` None means create (``id: null``), else a full update."""
        body: dict[str, Any] = {"id": account_id}
        for f in fields(self):
            if f.name == "warmup":
                continue
            value = getattr(self, f.name)
            if value is not None:
                body[f.name] = value
        warmup = self.warmup.to_body() if self.warmup else {"warmup_enabled": False}
        # warmup_key_id and the rampup switches belong to /warmup only.
        for key in ("warmup_enabled", "total_warmup_per_day", "daily_rampup", "reply_rate_percentage"):
            if key in warmup:
                body[key] = warmup[key]
        return body


# --------------------------------------------------------------------------- ids in write responses


def extract_id(body: Any, *keys: str) -> int | None:
    """The first integer under ``keys`` at the top level, then under ``data``; None if there is none."""
    if not isinstance(body, Mapping):
        return as_int(body) if isinstance(body, int) and not isinstance(body, bool) else None
    for scope in (body, as_mapping(body.get("data"))):
        for key in keys:
            value = as_int(scope.get(key))
            if value is not None:
                return value
    return None


def extract_email_account_id(body: Any) -> int | None:
    """The new account's id from a /save response: ``emailAccountId`` | ``id`` | ``data.id``."""
    return extract_id(body, "emailAccountId", "email_account_id", "id")


def extract_client_id(body: Any) -> int | None:
    """The client's id from a /client/save response: ``clientId`` | ``id`` | ``data.id``."""
    return extract_id(body, "clientId", "client_id", "id")
