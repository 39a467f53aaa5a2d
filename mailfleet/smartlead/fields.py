"""Smartlead's half of the mailbox field table: which call writes each field, under which name, and where it reads back.

Keyed by :data:`mailfleet.fields.FIELDS`. Smartlead writes and reads under different names (research §3.2, §3.3,
§10.5): ``max_email_per_day`` is read as ``message_per_day``, ``bcc`` as ``bcc_email``, ``time_to_wait_in_mins``
as ``minTimeToWaitInMins``, ``custom_tracking_url`` as ``custom_tracking_domain``. Some fields come back only from
``GET /email-accounts/{id}/`` (``warmup_details.warmup_max_count``), and some from no answer at all (the daily
rampup, passwords): those are write-only, with the reason.

Everything Smartlead-specific about a mailbox setting is derived from :data:`SMARTLEAD_FIELDS`: the provider's key
sets per call, the write bodies, the live projection, drift's "not checkable" list, export, and the emulator's
read-side names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from mailfleet.fields import FIELDS, Field
from mailfleet.smartlead._coerce import as_int, as_str

Call = Literal["save", "settings", "warmup"]
"""``save``: ``POST /email-accounts/save`` (credentials; every field rides along). ``settings``:
``POST /email-accounts/{id}``. ``warmup``: ``POST /email-accounts/{id}/warmup`` (all warmup fields at once)."""
Where = Literal["list", "by_id", "never", "unsupported"]
"""Where the live value can be read: every row of ``GET /email-accounts/``, only ``GET /email-accounts/{id}/``,
or no answer at all (write-only); ``unsupported``: mailfleet cannot honour the field on Smartlead at all, so a
tenant may only leave it at its default (validation refuses anything else), and it is never written nor read."""


def _text(value: Any) -> str | None:
    """Strings as they are, with null and ``""`` both meaning "not set"."""
    return as_str(value) or None


def _upper(value: Any) -> str | None:
    text = _text(value)
    return text.upper() if text else None


def _number(value: Any) -> int | None:
    """Integers, numeric strings and ``"30%"``."""
    return as_int(value)


def _active(value: Any) -> bool:
    return (as_str(value) or "").upper() == "ACTIVE"


@dataclass(frozen=True)
class Mapped:
    """How one mailbox field travels to and from Smartlead.

    ``read``: the path in the account JSON; ``aliases`` other top-level names some answers use. ``absent``: the
    value a missing ``read`` means (None: unknown, not compared). ``reason``: why a ``never`` field cannot be read,
    or why an ``unsupported`` one cannot be honoured.
    """

    key: str
    call: Call
    write: str
    where: Where
    read: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    decode: Callable[[Any], Any] = _text
    absent: Any = None
    reason: str = ""

    @property
    def field(self) -> Field:
        return FIELDS[self.key]

    def live(self, row: Mapping[str, Any]) -> Any:
        """The normalised live value in an account row (None when the row does not carry it)."""
        value: Any = row
        for name in self.read:
            value = value.get(name) if isinstance(value, Mapping) else None
        if value is None and self.aliases:
            value = next((row[a] for a in self.aliases if row.get(a) is not None), None)
        if value is None:
            return self.absent
        return self.decode(value)


_PASSWORD_REASON = (
    "Smartlead never returns a usable password; a change is detected from the declared secret only, so a password "
    "changed in Smartlead's UI is not seen"
)

SMARTLEAD_FIELDS: tuple[Mapped, ...] = (
    Mapped("username", "save", "user_name", "list", ("username",), ("user_name",)),
    Mapped("password", "save", "password", "never", reason=_PASSWORD_REASON),
    Mapped("smtp_host", "save", "smtp_host", "list", ("smtp_host",)),
    Mapped("smtp_port", "save", "smtp_port", "list", ("smtp_port",), decode=_number),
    Mapped("smtp_security", "save", "smtp_port_type", "list", ("smtp_port_type",), decode=_upper),
    Mapped("imap_host", "save", "imap_host", "list", ("imap_host",)),
    Mapped("imap_port", "save", "imap_port", "list", ("imap_port",), decode=_number),
    Mapped("imap_security", "save", "imap_port_type", "list", ("imap_port_type",), decode=_upper),
    Mapped("imap_username", "save", "imap_user_name", "list", ("imap_username",), ("imap_user_name",)),
    Mapped("imap_password", "save", "imap_password", "never", reason=_PASSWORD_REASON),
    # Smartlead's own account `type` (SMTP, GMAIL, OUTLOOK) comes from OAuth connects mailfleet does not make.
    Mapped("provider", "save", "type", "unsupported", reason="mailfleet creates Smartlead mailboxes over SMTP only"),
    Mapped("from_name", "settings", "from_name", "list", ("from_name",)),
    Mapped(
        "max_email_per_day",
        "settings",
        "max_email_per_day",
        "list",
        ("message_per_day",),
        ("max_email_per_day",),
        decode=_number,
    ),
    Mapped("client_id", "settings", "client_id", "list", ("client_id",), decode=_number),
    Mapped("signature", "settings", "signature", "list", ("signature",)),
    Mapped("bcc", "settings", "bcc", "list", ("bcc_email",), ("bcc",)),
    Mapped("reply_to", "settings", "different_reply_to_address", "list", ("different_reply_to_address",)),
    Mapped(
        "time_to_wait_in_mins",
        "settings",
        "time_to_wait_in_mins",
        "list",
        ("minTimeToWaitInMins",),
        ("time_to_wait_in_mins",),
        decode=_number,
    ),
    Mapped(
        "tracking_domain",
        "settings",
        "custom_tracking_url",
        "list",
        ("custom_tracking_domain",),
        ("custom_tracking_url",),
    ),
    Mapped(
        "warmup_enabled",
        "warmup",
        "warmup_enabled",
        "list",
        ("warmup_details", "status"),
        decode=_active,
        absent=False,
    ),
    Mapped(
        "warmup_per_day",
        "warmup",
        "total_warmup_per_day",
        "by_id",
        ("warmup_details", "warmup_max_count"),
        decode=_number,
    ),
    Mapped(
        "warmup_rampup",
        "warmup",
        "daily_rampup",
        "never",
        reason="no Smartlead answer carries the daily rampup (neither the list nor GET by id, research §3.2)",
    ),
    Mapped(
        "warmup_reply_rate", "warmup", "reply_rate_percentage", "list", ("warmup_details", "reply_rate"), decode=_number
    ),
)

MAPPED: Mapping[str, Mapped] = MappingProxyType({m.key: m for m in SMARTLEAD_FIELDS})


def keys_written_by(call: Call) -> tuple[str, ...]:
    return tuple(m.key for m in SMARTLEAD_FIELDS if m.call == call)


def keys_readable(where: Where) -> tuple[str, ...]:
    return tuple(m.key for m in SMARTLEAD_FIELDS if m.where == where)


CREDENTIAL_KEYS = keys_written_by("save")
SETTINGS_KEYS = keys_written_by("settings")
WARMUP_KEYS = keys_written_by("warmup")
LIST_KEYS = keys_readable("list")
DEEP_KEYS = keys_readable("by_id")
UNSUPPORTED = keys_readable("unsupported")
"""Fields a Smartlead tenant may only leave at their default: never written, never read."""
WRITE_ONLY: Mapping[str, str] = MappingProxyType({m.key: m.reason for m in SMARTLEAD_FIELDS if m.where == "never"})
"""Fields no Smartlead answer carries, with the reason: reported as "not checkable", never as in sync."""


def write_fields(call: Call, values: Mapping[str, Any]) -> dict[str, Any]:
    """The fields of ``call`` under their write names, for the keys ``values`` holds."""
    return {
        m.write: values[m.key]
        for m in SMARTLEAD_FIELDS
        if m.call == call and m.key in values and m.where != "unsupported"
    }


def live_fields(row: Mapping[str, Any], *, deep: bool) -> dict[str, Any]:
    """Every readable field's live value in an account row; ``deep`` when the row came from GET by id."""
    readable = ("list", "by_id") if deep else ("list",)
    live = {m.key: m.live(row) for m in SMARTLEAD_FIELDS if m.where in readable}
    return {key: value for key, value in live.items() if value is not None}


READ_NAMES: Mapping[str, str] = MappingProxyType(
    {m.write: m.read[0] for m in SMARTLEAD_FIELDS if len(m.read) == 1 and m.read[0] != m.write}
)
"""Top-level write name -> read name where they differ (``user_name`` -> ``username``, ...): how an emulator
renders an account."""

__all__ = [
    "CREDENTIAL_KEYS",
    "DEEP_KEYS",
    "LIST_KEYS",
    "MAPPED",
    "READ_NAMES",
    "SETTINGS_KEYS",
    "SMARTLEAD_FIELDS",
    "UNSUPPORTED",
    "WARMUP_KEYS",
    "WRITE_ONLY",
    "Mapped",
    "keys_written_by",
    "live_fields",
    "write_fields",
]
