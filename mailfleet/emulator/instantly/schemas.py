"""The request shapes Instantly v2 validates (a subset of its OpenAPI document) and Ajv-style messages for them.

Instantly runs Fastify, which validates with Ajv and answers ``{statusCode: 400, error: "Bad Request", message}``
where the message is ``"<body|querystring><instance path> <ajv message>"``, e.g. ``"body must have required
property 'provider_code'"`` or ``"querystring/limit must be <= 100"``. Only the first error is reported, in Ajv's
order: at each object, ``type``, then ``required`` (in the order of the ``required`` list), then unknown properties,
then each property in schema order. The emulator refuses unknown properties (Fastify's default would drop them) so
that a client sending a field Instantly ignores is caught.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError

from mailfleet.emulator.exceptions import EmulatorError

PROVIDER_CODES = (1, 2, 3, 4, 8, 11)
"""1 custom IMAP/SMTP, 2 Google, 3 Microsoft, 4 AWS, 8 AirMail, 11 AirMail Instant."""

WARMUP_INCREMENTS = ("disabled", "0", "1", "2", "3", "4")

WEBHOOK_EVENT_TYPES = (
    "all_events",
    "email_sent",
    "email_opened",
    "reply_received",
    "auto_reply_received",
    "email_link_clicked",
    "email_bounced",
    "lead_unsubscribed",
    "account_error",
    "campaign_completed",
    "lead_neutral",
    "lead_interested",
    "lead_not_interested",
    "lead_meeting_booked",
    "lead_meeting_completed",
    "lead_closed",
    "lead_out_of_office",
    "lead_wrong_person",
)

_STRING = {"type": "string"}
_NULLABLE_STRING = {"type": ["string", "null"]}
_EMAILS = {"type": "array", "items": _STRING, "minItems": 1, "maxItems": 100}

WARMUP = {
    "type": "object",
    "properties": {
        "limit": {"type": "integer", "minimum": 0},
        "increment": {"type": "string", "enum": list(WARMUP_INCREMENTS)},
        "reply_rate": {"type": "number", "minimum": 0, "maximum": 1},
        "warmup_custom_ftag": _STRING,
        "advanced": {
            "type": "object",
            "properties": {
                "warm_ctd": {"type": "boolean"},
                "open_rate": {"type": "number"},
                "important_rate": {"type": "number"},
                "read_emulation": {"type": "boolean"},
                "spam_save_rate": {"type": "number"},
                "weekday_only": {"type": "boolean"},
            },
            "additionalProperties": False,
        },
    },
    "additionalProperties": False,
}

SETTINGS: dict[str, dict[str, Any]] = {
    "first_name": _STRING,
    "last_name": _STRING,
    "warmup": WARMUP,
    "daily_limit": {"type": ["integer", "null"], "minimum": 0},
    "sending_gap": {"type": "integer", "minimum": 0, "maximum": 1440},
    "enable_slow_ramp": {"type": "boolean"},
    "tracking_domain_name": _NULLABLE_STRING,
    "tracking_domain_status": _NULLABLE_STRING,
    "inbox_placement_test_limit": {"type": ["integer", "null"], "minimum": 0},
    "signature": _NULLABLE_STRING,
    "reply_to": _NULLABLE_STRING,
    "skip_cname_check": {"type": "boolean"},
    "warmup_custom_ftag": _STRING,
}
"""The account settings create and PATCH both take; an account stores and shows exactly these."""

CREDENTIALS: dict[str, dict[str, Any]] = {
    "imap_username": _STRING,
    "imap_password": _STRING,
    "imap_host": _STRING,
    "imap_port": {"type": "integer", "minimum": 1, "maximum": 65535},
    "smtp_username": _STRING,
    "smtp_password": _STRING,
    "smtp_host": _STRING,
    "smtp_port": {"type": "integer", "minimum": 1, "maximum": 65535},
}
"""Create-only connection fields (PATCH has none). Reads show them except the passwords."""

SECRET_CREDENTIALS = ("imap_password", "smtp_password")

CREATE_ACCOUNT = {
    "type": "object",
    "required": ["email", "first_name", "last_name", "provider_code", *CREDENTIALS],
    "properties": {
        "email": {"type": "string", "minLength": 3},
        **SETTINGS,
        "provider_code": {"type": "integer", "enum": list(PROVIDER_CODES)},
        **CREDENTIALS,
    },
    "additionalProperties": False,
}

PATCH_ACCOUNT = {
    "type": "object",
    "properties": {**SETTINGS, "remove_tracking_domain": {"type": "boolean"}},
    "additionalProperties": False,
}

LIST_ACCOUNTS = {
    "type": "object",
    "properties": {
        "limit": {"type": "integer", "minimum": 1, "maximum": 100},
        "starting_after": _STRING,
        "search": _STRING,
        "status": {"type": "integer"},
        "provider_code": {"type": "integer"},
        "tag_ids": _STRING,
        "include_tags": {"type": "boolean"},
    },
    "additionalProperties": False,
}

LIST_PAGE = {
    "type": "object",
    "properties": {"limit": {"type": "integer", "minimum": 1, "maximum": 100}, "starting_after": _STRING},
    "additionalProperties": False,
}

WARMUP_JOB = {
    "type": "object",
    "properties": {
        "emails": _EMAILS,
        "include_all_emails": {"type": "boolean"},
        "excluded_emails": {"type": "array", "items": _STRING, "maxItems": 100},
    },
    "additionalProperties": False,
}

WARMUP_ANALYTICS = {
    "type": "object",
    "required": ["emails"],
    "properties": {"emails": _EMAILS},
    "additionalProperties": False,
}

DAILY_ANALYTICS = {
    "type": "object",
    "required": ["emails"],
    "properties": {
        "emails": {"type": "array", "items": _STRING, "minItems": 1, "maxItems": 200},
        "start_date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
        "end_date": {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"},
    },
    "additionalProperties": False,
}

CREATE_TAG = {
    "type": "object",
    "required": ["label"],
    "properties": {"label": {"type": "string", "minLength": 1}, "description": _NULLABLE_STRING},
    "additionalProperties": False,
}

PATCH_TAG = {
    "type": "object",
    "properties": CREATE_TAG["properties"],
    "additionalProperties": False,
}

TOGGLE_TAGS = {
    "type": "object",
    "required": ["tag_ids", "resource_ids", "assign"],
    "properties": {
        "tag_ids": {"type": "array", "items": _STRING, "minItems": 1},
        "resource_ids": {"type": "array", "items": _STRING, "minItems": 1},
        "resource_type": {"type": "integer", "enum": [1]},
        "assign": {"type": "boolean"},
    },
    "additionalProperties": False,
}

PATCH_CAMPAIGN = {
    "type": "object",
    "properties": {"name": _STRING, "email_list": {"type": "array", "items": _STRING}},
    "additionalProperties": False,
}

_WEBHOOK_PROPERTIES: dict[str, Any] = {
    "target_hook_url": {"type": "string", "minLength": 1},
    "event_type": {"type": ["string", "null"], "enum": [*WEBHOOK_EVENT_TYPES, None]},
    "name": _NULLABLE_STRING,
    "campaign": _NULLABLE_STRING,
    "headers": {"type": ["object", "null"], "additionalProperties": _STRING},
}

CREATE_WEBHOOK = {
    "type": "object",
    "required": ["target_hook_url"],
    "properties": _WEBHOOK_PROPERTIES,
    "additionalProperties": False,
}

PATCH_WEBHOOK = {"type": "object", "properties": _WEBHOOK_PROPERTIES, "additionalProperties": False}


class Invalid(EmulatorError):
    """A request failed its schema: 400 with an Ajv-style ``message``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# Ajv's keyword order inside one schema; properties (deeper errors) come after all of these.
_KEYWORD_RANK = {"type": 0, "enum": 1, "required": 2, "additionalProperties": 3}
_DEEPER = 9


def _ajv_message(error: ValidationError) -> str:
    keyword, value = error.validator, cast(Any, error.validator_value)
    if keyword == "required":
        present = error.instance if isinstance(error.instance, dict) else {}
        missing = next(name for name in value if name not in present)
        return f"must have required property '{missing}'"
    if keyword == "type":
        return "must be " + (",".join(value) if isinstance(value, list) else str(value))
    if keyword == "enum":
        return "must be equal to one of the allowed values"
    if keyword == "additionalProperties":
        return "must NOT have additional properties"
    if keyword == "minimum":
        return f"must be >= {value}"
    if keyword == "maximum":
        return f"must be <= {value}"
    if keyword == "minItems":
        return f"must NOT have fewer than {value} items"
    if keyword == "maxItems":
        return f"must NOT have more than {value} items"
    if keyword == "minLength":
        return f"must NOT have fewer than {value} characters"
    if keyword == "pattern":
        return f'must match pattern "{value}"'
    return str(error.message)


def _order(schema: dict[str, Any], error: ValidationError) -> tuple[tuple[int, int], ...]:
    """Where Ajv would meet ``error``: each path step ranks as a property in schema order, after the keywords
    checked on the object holding it."""
    key: list[tuple[int, int]] = []
    node: Any = schema
    for step in error.absolute_path:
        names = list(node.get("properties", {})) if isinstance(node, dict) else []
        index = names.index(step) if isinstance(step, str) and step in names else (step if isinstance(step, int) else 0)
        key.append((_DEEPER, index))
        if isinstance(node, dict) and isinstance(step, str):
            props = node.get("properties", {})
            extra = node.get("additionalProperties")
            node = props.get(step, extra if isinstance(extra, dict) else {})
        elif isinstance(node, dict):
            node = node.get("items", {})
    key.append((_KEYWORD_RANK.get(str(error.validator), 5), 0))
    return tuple(key)


def first_error(schema: dict[str, Any], value: Any) -> ValidationError | None:
    errors: Iterable[ValidationError] = Draft7Validator(schema).iter_errors(value)
    return min(errors, key=lambda e: _order(schema, e), default=None)


def validate(schema: dict[str, Any], value: Any, *, where: str = "body") -> dict[str, Any]:
    """``value`` if it fits ``schema``, else raise ``Invalid`` with Ajv's message for the first error."""
    error = first_error(schema, value)
    if error is not None:
        path = "".join(f"/{step}" for step in error.absolute_path)
        raise Invalid(f"{where}{path} {_ajv_message(error)}")
    result: dict[str, Any] = value
    return result


def coerce_query(schema: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
    """Query strings as Ajv's ``coerceTypes`` reads them: integers and booleans converted where the schema says
    so (a value that does not convert stays a string, and validation then names it)."""
    out: dict[str, Any] = {}
    props = schema.get("properties", {})
    for name, raw in query.items():
        kind = props.get(name, {}).get("type")
        value: Any = raw
        if kind == "integer" and raw.lstrip("-").isdigit():
            value = int(raw)
        elif kind == "boolean" and raw in ("true", "false"):
            value = raw == "true"
        out[name] = value
    return out
