"""Parse a request, call the backend, render the result (moto's ``responses.py``).

Handlers are synchronous (they run in the threadpool) and return ``(status, body)``; ``body`` is JSON-able or
a ``str`` (sent as text). Domain errors from the models become the status and body the real endpoint uses.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mailfleet.emulator import warmup
from mailfleet.emulator.exceptions import (
    AlreadyExists,
    EmulatorError,
    Invalid,
    NotFound,
    RangeError,
    Rejected,
    VerificationFailed,
)
from mailfleet.emulator.models import (
    ACCOUNT_TYPES,
    EVENT_TYPES,
    Account,
    AccountView,
    Backend,
    Client,
    ClientApiKey,
    User,
)
from mailfleet.emulator.settings import Switches
from mailfleet.emulator.validation import F, validate
from mailfleet.smartlead.fields import SMARTLEAD_FIELDS

Result = tuple[int, Any]


@dataclass(frozen=True)
class Ctx:
    backend: Backend
    user: User
    params: dict[str, str]
    query: dict[str, str]
    body: Any
    switches: Switches


# ------------------------------------------------------------------------------------------------ rendering
def account_json(view: AccountView, *, detail: bool, campaigns: bool = False) -> dict[str, Any]:
    """An account with READ field names, as ``GET /email-accounts/`` (``detail=False``) or by id."""
    a = view.account
    state = a.warmup
    details: dict[str, Any] | None = None
    if state.started_on is not None or state.enabled:
        details = {
            "status": "ACTIVE" if state.enabled else "INACTIVE",
            "total_sent_count": view.total_sent,
            "total_spam_count": view.total_spam,
            "warmup_reputation": state.reputation_override or warmup.reputation(view.total_sent, view.total_spam),
            "warmup_key_id": state.warmup_key_id,
            "warmup_created_at": state.created_at,
            "reply_rate": state.replies(),
            "blocked_reason": state.blocked_reason,
        }
        if detail:
            details.update(
                {
                    "id": a.id,
                    "created_at": state.created_at,
                    "warmup_max_count": state.per_day(),
                    "warmup_min_count": state.per_day(),
                    "is_warmup_blocked": state.is_blocked,
                    "max_email_per_day": state.per_day(),
                }
            )
    out: dict[str, Any] = {
        "id": a.id,
        "user_id": a.user_id,
        "created_at": a.created_at,
        "updated_at": a.updated_at,
        "from_email": a.from_email,
        **settings_json(a),
        "password": a.password,
        "is_different_imap_account": bool((a.imap_user_name and a.imap_user_name != a.user_name) or a.imap_password),
        "imap_password": a.imap_password or a.password,
        "is_smtp_success": a.is_smtp_success,
        "is_imap_success": a.is_imap_success,
        "smtp_failure_error": a.smtp_failure_error,
        "imap_failure_error": a.imap_failure_error,
        "type": a.type,
        "daily_sent_count": a.daily_sent_count,
        "is_suspended": a.is_suspended,
        "warmup_details": details,
        "tags": [{"id": t["id"], "name": t["name"], "color": t["color"]} for t in view.tags],
    }
    if not detail:
        out["campaign_count"] = len(view.campaign_ids)
    if campaigns:
        out["campaign_ids"] = list(view.campaign_ids)
    return out


_TOP_LEVEL_SETTINGS = tuple(m for m in SMARTLEAD_FIELDS if len(m.read) == 1)


def settings_json(a: Account) -> dict[str, Any]:
    """The account's settings under the names Smartlead reads them by (the field table's read paths)."""
    out = {m.read[0]: getattr(a, m.write) for m in _TOP_LEVEL_SETTINGS}
    # IMAP without a login of its own logs in with the SMTP one, and Smartlead shows that login.
    out["imap_username"] = a.imap_user_name or a.user_name
    return out


def client_json(client: Client) -> dict[str, Any]:
    return {
        "id": client.id,
        "name": client.name,
        "email": client.email,
        "uuid": client.uuid,
        "created_at": client.created_at,
        "user_id": client.user_id,
        "logo": client.logo,
        "logo_url": client.logo_url,
        "client_permision": {
            "permission": list(client.permission),
            "retricted_category": list(client.retricted_category),
        },
    }


def client_key_json(key: ClientApiKey) -> dict[str, Any]:
    """``{id, client_id, key_name, api_key, status, created_at}``: the model's fields but the owner."""
    return {k: v for k, v in dataclasses.asdict(key).items() if k != "user_id"}


def campaign_webhook_json(data: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "id",
        "name",
        "webhook_url",
        "email_campaign_id",
        "event_types",
        "categories",
        "created_at",
        "updated_at",
    )
    return {k: data.get(k) for k in keys}


def webhook_json(data: dict[str, Any]) -> dict[str, Any]:
    keys = (
        "id",
        "name",
        "webhook_url",
        "association_type",
        "email_campaign_id",
        "client_id",
        "event_type_map",
        "category_id_map",
        "webhook_type",
        "created_at",
        "updated_at",
    )
    return {k: data.get(k) for k in keys}


# ------------------------------------------------------------------------------------------------ helpers
def _id(ctx: Ctx, name: str, label: str = "id") -> int:
    raw = ctx.params[name]
    try:
        value = int(raw)
    except ValueError:
        raise Invalid("params", label, f'"{label}" must be a number') from None
    if value < 1:
        raise Invalid("params", label, f'"{label}" must be greater than or equal to 1')
    return value


def _account_not_found() -> Result:
    return 404, {"error": "Email account not found"}


# ------------------------------------------------------------------------------------------------ accounts
_LIST_QUERY = {
    "offset": F("int", min_value=0),
    "limit": F("int", min_value=1),
    "client_id": F("int", nullable=True),
    "username": F("str"),
    "emailWarmupStatus": F("str", choices=("ACTIVE", "INACTIVE")),
    "esp": F("str", choices=("GMAIL", "OUTLOOK", "SMTP")),
    "isInUse": F("bool"),
    "isSmtpSuccess": F("bool"),
    "isWarmupBlocked": F("bool"),
    "fetch_campaigns": F("bool"),
}


def list_email_accounts(ctx: Ctx) -> Result:
    query = validate(_LIST_QUERY, ctx.query, source="query", allow_unknown=True)
    limit = query.get("limit", 100)
    if limit > 100:
        if ctx.switches.over_limit == "empty":
            return 200, []
        raise RangeError("limit must be less than or equal to 100")
    views = ctx.backend.list_accounts(
        ctx.user,
        offset=query.get("offset", 0),
        limit=limit,
        client_id=query.get("client_id"),
        username=query.get("username"),
        warmup_status=query.get("emailWarmupStatus"),
        esp=query.get("esp"),
        in_use=query.get("isInUse"),
        smtp_success=query.get("isSmtpSuccess"),
        warmup_blocked=query.get("isWarmupBlocked"),
    )
    campaigns = bool(query.get("fetch_campaigns"))
    return 200, [account_json(v, detail=False, campaigns=campaigns) for v in views]


def get_email_account(ctx: Ctx) -> Result:
    account_id = _id(ctx, "id")
    query = validate({"fetch_campaigns": F("bool")}, ctx.query, source="query", allow_unknown=True)
    try:
        view = ctx.backend.get_account(ctx.user, account_id)
    except NotFound:
        return _account_not_found()
    body = account_json(view, detail=True, campaigns=bool(query.get("fetch_campaigns")))
    details = body["warmup_details"]
    if details is not None and ctx.switches.reputation_by_id == "number":
        details["warmup_reputation"] = int(str(details["warmup_reputation"]).rstrip("%"))
    return 200, body


_PORT_TYPE = F("str", nullable=True, choices=("SSL", "TLS", None))
_SAVE_BODY = {
    "id": F("int", nullable=True),
    "from_name": F("str", required=True),
    "from_email": F("email", required=True),
    "user_name": F("str", required=True, empty=False),
    "password": F("str", required=True, empty=False),
    "smtp_host": F("str", required=True, empty=False),
    "smtp_port": F("int", required=True),
    "smtp_port_type": _PORT_TYPE,
    "imap_host": F("str", required=True, empty=False),
    "imap_port": F("int", required=True),
    "imap_port_type": _PORT_TYPE,
    "imap_user_name": F("str", nullable=True),
    "imap_password": F("str", nullable=True),
    "is_different_imap_account": F("bool", nullable=True),
    "max_email_per_day": F("int", nullable=True, min_value=1),
    "custom_tracking_url": F("str", nullable=True),
    "bcc": F("str", nullable=True),
    "signature": F("str", nullable=True),
    "different_reply_to_address": F("str", nullable=True),
    "time_to_wait_in_mins": F("int", nullable=True, min_value=0),
    "warmup_enabled": F("bool", nullable=True),
    "total_warmup_per_day": F("int", nullable=True, min_value=0),
    "daily_rampup": F("int", nullable=True, min_value=0),
    "reply_rate_percentage": F("int", nullable=True, min_value=0, max_value=100),
    "client_id": F("int", nullable=True),
    "type": F("str", choices=ACCOUNT_TYPES),
    "is_suspended": F("bool", nullable=True),
    "token": F("object", nullable=True),
}


def save_email_account(ctx: Ctx) -> Result:
    fields = validate(_SAVE_BODY, ctx.body)
    _strict_warmup(ctx, fields)
    try:
        account, created = ctx.backend.save_account(ctx.user, fields)
    except NotFound:
        return _account_not_found()
    except VerificationFailed:
        return 406, {
            "ok": False,
            "message": "ACCOUNT_VERIFICATION_FAILED",
            "errorCode": "ACCOUNT_VERIFICATION_FAILED",
        }
    except AlreadyExists as error:
        return 400, {"ok": False, "message": error.code, "errorCode": error.code}
    message = "Email account added successfully" if created else "Email account updated successfully"
    return 200, {
        "ok": True,
        "message": message,
        "emailAccountId": account.id,
        "warmupKey": account.warmup_key,
    }


_UPDATE_BODY = {
    "max_email_per_day": F("int", min_value=1),
    "from_name": F("str"),
    "custom_tracking_url": F("str", nullable=True),
    "bcc": F("str", nullable=True),
    "signature": F("str", nullable=True),
    "client_id": F("int", nullable=True),
    "time_to_wait_in_mins": F("int", min_value=0),
    "is_suspended": F("bool"),
    "different_reply_to_address": F("str", nullable=True),
}


def update_email_account(ctx: Ctx) -> Result:
    account_id = _id(ctx, "id")
    fields = validate(_UPDATE_BODY, ctx.body)
    try:
        ctx.backend.update_account(ctx.user, account_id, fields)
    except NotFound:
        return _account_not_found()
    return 200, {"ok": True, "message": "Email account updated successfully"}


_WARMUP_BODY = {
    "warmup_enabled": F("bool", required=True),
    "total_warmup_per_day": F("int", nullable=True, min_value=0),
    "daily_rampup": F("int", nullable=True, min_value=0),
    "reply_rate_percentage": F("int", nullable=True, min_value=0, max_value=100),
    "warmup_key_id": F("str", nullable=True),
    "auto_adjust_warmup": F("bool", nullable=True),
    "is_rampup_enabled": F("bool", nullable=True),
}

_STRICT_RANGES = {
    "total_warmup_per_day": (1, 50),
    "daily_rampup": (5, 20),
    "reply_rate_percentage": (20, 100),
}


def _strict_warmup(ctx: Ctx, fields: dict[str, Any]) -> None:
    if not ctx.switches.strict_warmup:
        return
    for name, (low, high) in _STRICT_RANGES.items():
        value = fields.get(name)
        if value is None:
            continue
        if value > high:
            raise RangeError(f"{name} must be less than or equal to {high}")
        if value < low:
            raise RangeError(f"{name} must be greater than or equal to {low}")


def set_warmup(ctx: Ctx) -> Result:
    account_id = _id(ctx, "id")
    fields = validate(_WARMUP_BODY, ctx.body)
    _strict_warmup(ctx, fields)
    try:
        ctx.backend.set_warmup(ctx.user, account_id, fields)
    except NotFound:
        return _account_not_found()
    return 200, {"ok": True, "message": "Warmup settings updated successfully"}


def warmup_stats(ctx: Ctx) -> Result:
    account_id = _id(ctx, "id")
    try:
        account, days = ctx.backend.warmup_stats(ctx.user, account_id)
    except NotFound:
        return _account_not_found()
    sent = sum(d.sent for d in days)
    spam = sum(d.spam for d in days)
    return 200, {
        "id": account.id,
        "sent_count": str(sent),
        "spam_count": str(spam),
        "inbox_count": str(sent - spam),
        "warmup_email_received_count": str(sum(d.received for d in days)),
        "stats_by_date": [
            {
                "id": account.id * 100_000 + d.day.toordinal() % 100_000,
                "date": d.day.isoformat(),
                "sent_count": d.sent,
                "reply_count": d.replies,
                "save_from_spam_count": d.spam,
            }
            for d in days
        ],
    }


def _suspend(ctx: Ctx, suspended: bool) -> Result:
    try:
        account_id = int(ctx.params["id"])
        if account_id < 1:
            raise ValueError
    except ValueError:
        return 400, {"success": False, "message": "Valid account ID is required"}
    try:
        ctx.backend.suspend(ctx.user, account_id, suspended)
    except NotFound:
        return 400, {"success": False, "message": "Email account not found or does not belong to you"}
    verb = "suspended" if suspended else "unsuspended"
    return 200, {
        "success": True,
        "message": f"Email account {verb} successfully",
        "data": {"accountId": account_id, "isSuspended": suspended},
    }


def suspend_email_account(ctx: Ctx) -> Result:
    return _suspend(ctx, True)


def unsuspend_email_account(ctx: Ctx) -> Result:
    return _suspend(ctx, False)


def delete_email_account(ctx: Ctx) -> Result:
    account_id = _id(ctx, "id")
    try:
        ctx.backend.delete_account(ctx.user, account_id)
    except NotFound:
        return 404, {
            "ok": False,
            "message": "Email account not found!",
            "errorCode": "ACCOUNT_NOT_FOUND",
            "emailAccountId": account_id,
        }
    return 200, {"ok": True, "message": "Email account deleted successfully!", "emailAccountId": account_id}


def reconnect_failed_email_accounts(ctx: Ctx) -> Result:
    # The body is optional and free-form: the official CLI passes a JSON file through unchanged.
    validate({}, ctx.body, allow_unknown=True)
    retried, reconnected = ctx.backend.reconnect_failed(ctx.user)
    return 200, {
        "ok": True,
        "message": f"Reconnection attempted for {retried} failed email accounts; {reconnected} reconnected",
    }


# ------------------------------------------------------------------------------------------------ tags
def create_tag(ctx: Ctx) -> Result:
    fields = validate({"name": F("str", required=True, empty=False), "color": F("str", nullable=True)}, ctx.body)
    tag = ctx.backend.create_tag(ctx.user, fields["name"], fields.get("color"))
    return 200, {"ok": True, "data": tag}


def tag_manager(ctx: Ctx) -> Result:
    fields = validate(
        {
            "id": F("int", nullable=True),
            "name": F("str", required=True, empty=False),
            "color": F("str", nullable=True),
        },
        ctx.body,
    )
    if fields.get("id") is None:
        tag = ctx.backend.create_tag(ctx.user, fields["name"], fields.get("color"))
        return 200, {"ok": True, "message": "Tag created successfully", "data": tag}
    try:
        tag = ctx.backend.update_tag(ctx.user, fields["id"], fields["name"], fields.get("color"))
    except NotFound:
        return 404, {"ok": False, "message": "Tag not found"}
    return 200, {"ok": True, "message": "Tag updated successfully", "data": tag}


_TAG_MAPPING = {
    "email_account_ids": F("array", items=F("int"), max_items=25),
    "emails": F("array", items=F("email"), max_items=25),
    "tag_ids": F("array", required=True, items=F("int")),
}


def _tag_mapping(ctx: Ctx, add: bool) -> Result:
    fields = validate(_TAG_MAPPING, ctx.body)
    ids, emails = fields.get("email_account_ids", []), fields.get("emails", [])
    if not ids and not emails:
        raise Invalid("body", "email_account_ids", '"email_account_ids" is required')
    try:
        ctx.backend.map_tags(ctx.user, ids, emails, fields["tag_ids"], add)
    except NotFound as error:
        what = "Tag" if error.kind == "tag" else "Email account"
        return 400, {"ok": False, "message": f"{what} not found: {error.ident}"}
    message = "Tags added to email accounts successfully" if add else "Tags removed from email accounts successfully"
    return 200, {"ok": True, "message": message}


def add_tag_mapping(ctx: Ctx) -> Result:
    return _tag_mapping(ctx, True)


def remove_tag_mapping(ctx: Ctx) -> Result:
    return _tag_mapping(ctx, False)


def tag_list(ctx: Ctx) -> Result:
    fields = validate({"email_ids": F("array", required=True, items=F("email"))}, ctx.body)
    views = ctx.backend.tags_for_emails(ctx.user, fields["email_ids"])
    envelope = ctx.switches.tag_list_shape == "envelope"
    rows = [
        {
            "email_account_id" if envelope else "id": v.account.id,
            "from_email": v.account.from_email,
            "tags": [{"id": t["id"], "name": t["name"], "color": t["color"]} for t in v.tags],
        }
        for v in views
    ]
    return 200, {"ok": True, "data": rows} if envelope else rows


# ------------------------------------------------------------------------------------------------ campaigns
def _campaign_not_found() -> Result:
    return 404, {"error": "Campaign not found"}


def list_campaign_email_accounts(ctx: Ctx) -> Result:
    campaign_id = _id(ctx, "campaign_id", "campaign_id")
    try:
        views = ctx.backend.campaign_accounts(ctx.user, campaign_id)
    except NotFound:
        return _campaign_not_found()
    return 200, [account_json(v, detail=False) for v in views]


_CAMPAIGN_ACCOUNTS = {"email_account_ids": F("array", items=F("int")), "email_account_id": F("int")}
_CAMPAIGN_ATTACH = {**_CAMPAIGN_ACCOUNTS, "auto_adjust_warmup": F("bool", nullable=True)}
"""Attach also takes ``auto_adjust_warmup`` (switch ``attach_auto_adjust_warmup``); its effect is unknown, so the
emulator accepts and ignores it."""


def _campaign_account_ids(ctx: Ctx, schema: dict[str, F] = _CAMPAIGN_ACCOUNTS) -> list[int]:
    fields = validate(schema, ctx.body)
    ids = list(fields.get("email_account_ids", []))
    if "email_account_id" in fields:
        ids.append(fields["email_account_id"])
    if not ids:
        raise Invalid("body", "email_account_ids", '"email_account_ids" is required')
    return ids


def add_campaign_email_accounts(ctx: Ctx) -> Result:
    campaign_id = _id(ctx, "campaign_id", "campaign_id")
    ids = _campaign_account_ids(ctx, _CAMPAIGN_ATTACH if ctx.switches.attach_auto_adjust_warmup else _CAMPAIGN_ACCOUNTS)
    try:
        ctx.backend.attach(ctx.user, campaign_id, ids)
    except NotFound as error:
        return (
            _campaign_not_found()
            if error.kind == "campaign"
            else (400, {"ok": False, "message": f"Email account {error.ident} not found"})
        )
    return 200, {"ok": True, "message": "Email accounts added to campaign successfully"}


def remove_campaign_email_accounts(ctx: Ctx) -> Result:
    campaign_id = _id(ctx, "campaign_id", "campaign_id")
    ids = _campaign_account_ids(ctx)
    try:
        ctx.backend.detach(ctx.user, campaign_id, ids)
    except NotFound:
        return _campaign_not_found()
    return 200, {"ok": True, "message": "Email accounts removed from campaign successfully"}


_EVENT = F("str", choices=EVENT_TYPES)
_CAMPAIGN_WEBHOOK = {
    "id": F("int", nullable=True),
    "name": F("str", required=True),
    "webhook_url": F("str", required=True, empty=False),
    "event_types": F("array", required=True, items=_EVENT),
    "categories": F("array", items=F("str"), nullable=True),
}


def list_campaign_webhooks(ctx: Ctx) -> Result:
    campaign_id = _id(ctx, "campaign_id", "campaign_id")
    try:
        hooks = ctx.backend.list_campaign_webhooks(ctx.user, campaign_id)
    except NotFound:
        return _campaign_not_found()
    return 200, [campaign_webhook_json(h) for h in hooks]


def upsert_campaign_webhook(ctx: Ctx) -> Result:
    campaign_id = _id(ctx, "campaign_id", "campaign_id")
    fields = validate(_CAMPAIGN_WEBHOOK, ctx.body)
    try:
        ctx.backend.upsert_campaign_webhook(ctx.user, campaign_id, fields)
    except NotFound as error:
        if error.kind == "campaign":
            return _campaign_not_found()
        return 404, {"error": "Webhook not found"}
    return 200, {"ok": True}


def _delete_campaign_webhook(ctx: Ctx, webhook_id: int) -> Result:
    campaign_id = _id(ctx, "campaign_id", "campaign_id")
    try:
        ctx.backend.delete_campaign_webhook(ctx.user, campaign_id, webhook_id)
    except NotFound as error:
        if error.kind == "campaign":
            return _campaign_not_found()
        return 404, {"error": "Webhook not found"}
    return 200, {"ok": True}


def delete_campaign_webhook(ctx: Ctx) -> Result:
    fields = validate({"id": F("int", required=True)}, ctx.body)
    return _delete_campaign_webhook(ctx, fields["id"])


def delete_campaign_webhook_by_path(ctx: Ctx) -> Result:
    return _delete_campaign_webhook(ctx, _id(ctx, "id"))


_WEBHOOK_WINDOW = {"fromTime": F("isodate", required=True), "toTime": F("isodate", required=True)}


def campaign_webhook_summary(ctx: Ctx) -> Result:
    campaign_id = _id(ctx, "campaign_id", "campaign_id")
    window = validate(_WEBHOOK_WINDOW, ctx.query, source="query", allow_unknown=True)
    try:
        counts = ctx.backend.webhook_counts(ctx.user, campaign_id, window["fromTime"], window["toTime"])
    except NotFound:
        return _campaign_not_found()
    if ctx.switches.webhook_summary_shape == "cli":
        return 200, {"total": counts.total, "success": counts.successful, "failed": counts.failed}
    return 200, {
        "total_calls": counts.total,
        "successful_calls": counts.successful,
        "failed_calls": counts.failed,
        "success_rate": round(100 * counts.successful / counts.total, 1) if counts.total else 0,
    }


def retrigger_failed_webhook_events(ctx: Ctx) -> Result:
    campaign_id = _id(ctx, "campaign_id", "campaign_id")
    window = validate(_WEBHOOK_WINDOW, ctx.body)
    try:
        count = ctx.backend.retrigger_failed_webhook_events(ctx.user, campaign_id, window["fromTime"], window["toTime"])
    except NotFound:
        return _campaign_not_found()
    return 200, {"success": True, "retriggered_count": count}


# ------------------------------------------------------------------------------------------------ clients
_CLIENT_SAVE = {
    "id": F("int", nullable=True),
    "uuid": F("str", nullable=True),
    "name": F("str", required=True, empty=False),
    "email": F("email", required=True),
    "password": F("str", nullable=True),
    "logo": F("str", nullable=True),
    "logo_url": F("str", nullable=True),
    "permission": F("array", items=F("str")),
    "is_credit_assigned": F("bool"),
    "email_credits": F("int", nullable=True),
    "lead_credits": F("int", nullable=True),
}


def list_clients(ctx: Ctx) -> Result:
    return 200, [client_json(c) for c in ctx.backend.list_clients(ctx.user)]


def save_client(ctx: Ctx) -> Result:
    fields = validate(_CLIENT_SAVE, ctx.body)
    fields.pop("uuid", None)
    try:
        client, _created = ctx.backend.save_client(ctx.user, fields)
    except NotFound:
        return 404, {"ok": False, "message": "Client not found"}
    except AlreadyExists as error:
        return 400, {"ok": False, "message": error.message}
    return 200, {"ok": True, "clientId": client.id, "name": client.name, "email": client.email}


_CLIENT_KEY = {
    "clientId": F("int", required=True),
    "keyName": F("str", required=True, empty=False, pattern=r"^[a-zA-Z0-9 _-]+$"),
}
_CLIENT_KEY_QUERY = {
    "clientId": F("int"),
    "status": F("str", choices=("active", "inactive")),
    "keyName": F("str"),
}


def _client_key_not_found() -> Result:
    return 404, {"ok": False, "message": "API key not found"}


def create_client_api_key(ctx: Ctx) -> Result:
    fields = validate(_CLIENT_KEY, ctx.body)
    try:
        key = ctx.backend.create_client_key(ctx.user, fields["clientId"], fields["keyName"])
    except NotFound:
        return 404, {"ok": False, "message": "Client not found"}
    return 200, {"ok": True, "data": client_key_json(key)}


def list_client_api_keys(ctx: Ctx) -> Result:
    query = validate(_CLIENT_KEY_QUERY, ctx.query, source="query", allow_unknown=True)
    keys = ctx.backend.list_client_keys(
        ctx.user, client_id=query.get("clientId"), status=query.get("status"), key_name=query.get("keyName")
    )
    return 200, {"message": "API keys fetched successfully", "data": [client_key_json(k) for k in keys]}


def delete_client_api_key(ctx: Ctx) -> Result:
    try:
        ctx.backend.delete_client_key(ctx.user, _id(ctx, "id"))
    except NotFound:
        return _client_key_not_found()
    return 200, {"ok": True, "message": "API key deleted successfully"}


def reset_client_api_key(ctx: Ctx) -> Result:
    try:
        key = ctx.backend.reset_client_key(ctx.user, _id(ctx, "id"))
    except NotFound:
        return _client_key_not_found()
    return 200, {"ok": True, "data": client_key_json(key)}


# ------------------------------------------------------------------------------------------------ webhooks
_ASSOCIATIONS = {1: "user", 2: "client", 3: "campaign", "1": "user", "2": "client", "3": "campaign"}
_WEBHOOK = {
    "webhook_url": F("str", required=True, empty=False),
    "association_type": F("any"),
    "email_campaign_id": F("int", nullable=True),
    "client_id": F("int", nullable=True),
    "name": F("str", nullable=True),
    "event_type_map": F("object", nullable=True),
    "category_id_map": F("object", nullable=True),
    "event_type": F("str", nullable=True, choices=(*EVENT_TYPES, None)),
    "category_id": F("any", nullable=True),
    "webhook_type": F("str", nullable=True),
    "force_create": F("bool", nullable=True),
}


def _webhook_fields(body: Any, *, partial: bool) -> dict[str, Any]:
    schema = dict(_WEBHOOK)
    if partial:
        schema["webhook_url"] = F("str", empty=False)
    fields = validate(schema, body)
    if "association_type" in fields or not partial:
        raw = fields.get("association_type", "user")
        value = _ASSOCIATIONS.get(raw, raw) if not isinstance(raw, bool) else raw
        if value not in ("user", "client", "campaign"):
            raise Invalid("body", "association_type", '"association_type" must be one of [user, client, campaign]')
        fields["association_type"] = value
    for event, enabled in (fields.get("event_type_map") or {}).items():
        if event not in EVENT_TYPES:
            raise Invalid("body", f"event_type_map.{event}", f'"event_type_map.{event}" is not allowed')
        if not isinstance(enabled, bool):
            raise Invalid("body", f"event_type_map.{event}", f'"event_type_map.{event}" must be a boolean')
    for category, enabled in (fields.get("category_id_map") or {}).items():
        if not isinstance(enabled, bool):
            raise Invalid("body", f"category_id_map.{category}", f'"category_id_map.{category}" must be a boolean')
    if fields.get("association_type") == "user":
        # A user-scope webhook sees every client and campaign: the scope ids of another scope do not stay on it.
        fields.update(client_id=None, email_campaign_id=None)
    fields.pop("force_create", None)
    return fields


def _webhook_rejected(error: Rejected) -> Result:
    return 400, {"ok": False, "message": error.message}


def create_webhook(ctx: Ctx) -> Result:
    fields = _webhook_fields(ctx.body, partial=False)
    try:
        hook = ctx.backend.create_webhook(ctx.user, fields)
    except NotFound as error:
        return 400, {"ok": False, "message": f"{error.kind.title()} not found"}
    return 200, {"ok": True, "id": hook["id"], "webhook_url": hook["webhook_url"]}


def get_webhook(ctx: Ctx) -> Result:
    webhook_id = _id(ctx, "id")
    try:
        hook = ctx.backend.get_webhook(ctx.user, webhook_id)
    except NotFound:
        return 404, {"ok": False, "message": "Webhook not found"}
    return 200, {"ok": True, "data": webhook_json(hook)}


def update_webhook(ctx: Ctx) -> Result:
    webhook_id = _id(ctx, "id")
    fields = _webhook_fields(ctx.body, partial=True)
    try:
        hook = ctx.backend.update_webhook(ctx.user, webhook_id, fields)
    except NotFound as error:
        if error.kind == "webhook":
            return 404, {"ok": False, "message": "Webhook not found"}
        return 400, {"ok": False, "message": f"{error.kind.title()} not found"}
    return 200, {"ok": True, "id": hook["id"], "webhook_url": hook["webhook_url"]}


def delete_webhook(ctx: Ctx) -> Result:
    fields = validate({"id": F("int", required=True)}, ctx.body)
    try:
        ctx.backend.delete_webhook(ctx.user, fields["id"])
    except NotFound:
        return 404, {"ok": False, "message": "Webhook not found"}
    return 200, {"ok": True, "message": "Webhook deleted successfully"}


# ------------------------------------------------------------------------------------------------ dispatch
HANDLERS: dict[str, Callable[[Ctx], Result]] = {
    "list_email_accounts": list_email_accounts,
    "get_email_account": get_email_account,
    "save_email_account": save_email_account,
    "update_email_account": update_email_account,
    "delete_email_account": delete_email_account,
    "reconnect_failed_email_accounts": reconnect_failed_email_accounts,
    "set_warmup": set_warmup,
    "warmup_stats": warmup_stats,
    "suspend_email_account": suspend_email_account,
    "unsuspend_email_account": unsuspend_email_account,
    "create_tag": create_tag,
    "tag_manager": tag_manager,
    "add_tag_mapping": add_tag_mapping,
    "remove_tag_mapping": remove_tag_mapping,
    "tag_list": tag_list,
    "list_campaign_email_accounts": list_campaign_email_accounts,
    "add_campaign_email_accounts": add_campaign_email_accounts,
    "remove_campaign_email_accounts": remove_campaign_email_accounts,
    "list_campaign_webhooks": list_campaign_webhooks,
    "upsert_campaign_webhook": upsert_campaign_webhook,
    "delete_campaign_webhook": delete_campaign_webhook,
    "delete_campaign_webhook_by_path": delete_campaign_webhook_by_path,
    "campaign_webhook_summary": campaign_webhook_summary,
    "retrigger_failed_webhook_events": retrigger_failed_webhook_events,
    "list_clients": list_clients,
    "save_client": save_client,
    "create_client_api_key": create_client_api_key,
    "list_client_api_keys": list_client_api_keys,
    "delete_client_api_key": delete_client_api_key,
    "reset_client_api_key": reset_client_api_key,
    "create_webhook": create_webhook,
    "get_webhook": get_webhook,
    "update_webhook": update_webhook,
    "delete_webhook": delete_webhook,
}


def _handler(name: str) -> Callable[[Ctx], Result]:
    if name in HANDLERS:
        return HANDLERS[name]
    from mailfleet.emulator import sends_responses  # campaign mail (health): its own module

    return sends_responses.HANDLERS[name]


def handle(name: str, ctx: Ctx) -> Result:
    """Run endpoint ``name``; turn validation and rule errors into their standard bodies."""
    try:
        return _handler(name)(ctx)
    except Invalid as error:
        return 400, error.body()
    except RangeError as error:
        return 422, {"error": error.message}
    except Rejected as error:
        return error.status, {"ok": False, "message": error.message}
    except NotFound as error:
        return 404, {"ok": False, "message": f"{error.kind.title()} not found"}
    except EmulatorError as error:
        return 400, {"ok": False, "message": str(error)}
