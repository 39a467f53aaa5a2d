"""Instantly's half of the mailbox field table: the write path of each field, where it reads back, and what
Instantly cannot honour.

Keyed by :data:`mailfleet.fields.FIELDS` (research §4.2, §8; wire details in ``INSTANTLY.md``). Instantly keys
accounts by email and splits the writes: ``POST /api/v2/accounts`` takes everything, ``PATCH`` has no credential
fields (so a credential change replaces the account), and warmup on/off is a background job. The sender name is
``first_name``/``last_name`` on the wire (split at the first space, read back joined), the provider a
``provider_code``, the warmup settings a nested ``warmup{limit, increment, reply_rate}``.

Everything Instantly-specific about a mailbox setting is derived from :data:`INSTANTLY_FIELDS`: the key sets, the
create and patch bodies, the live projection, and the set validation refuses (:data:`UNSUPPORTED`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

from mailfleet.fields import FIELDS, PROVIDERS, Field
from mailfleet.smartlead._coerce import as_int, as_str

Call = Literal["create", "patch", "warmup_job", "none"]
"""``create``: only ``POST /api/v2/accounts`` takes it (credentials, provider). ``patch``: create and
``PATCH /api/v2/accounts/{email}``. ``warmup_job``: ``POST /api/v2/accounts/warmup/enable|disable``. ``none``:
never written (unsupported)."""
Where = Literal["list", "never", "unsupported"]
"""``list``: every account in ``GET /api/v2/accounts`` (and GET by email) carries it. ``never``: no answer does
(write-only, with the reason). ``unsupported``: Instantly has no such setting; a tenant must not declare it."""

PROVIDER_CODES: Mapping[str, int] = MappingProxyType(dict(zip(PROVIDERS, (1, 2, 3, 4, 8), strict=True)))
"""``provider`` -> Instantly's ``provider_code`` (1 custom IMAP/SMTP, 2 Google, 3 Microsoft, 4 AWS, 8 AirMail)."""
_PROVIDER_NAMES = {code: name for name, code in PROVIDER_CODES.items()}

WARMUP_INCREMENT_MAX = 4
"""Instantly's ``warmup.increment`` is ``"0"``..``"4"`` (or ``"disabled"``): the largest rampup it takes."""


def _text(value: Any) -> str | None:
    return as_str(value) or None


def _number(value: Any) -> int | None:
    return as_int(value)


def _provider(value: Any) -> str | None:
    code = as_int(value)
    return _PROVIDER_NAMES.get(code) if code is not None else None


def _increment(value: Any) -> int | None:
    """``"disabled"`` reads as 0 (no daily increase); ``"2"`` as 2."""
    text = as_str(value)
    return 0 if text == "disabled" else as_int(value)


def _percent(value: Any) -> int | None:
    """The wire's fraction (0.3) as the spec's percent (30)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        return round(float(value) * 100)
    except ValueError:
        return None


def _active(value: Any) -> bool:
    return as_int(value) == 1


def _identity(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Mapped:
    """How one mailbox field travels to and from Instantly.

    ``write``: the path in a create/patch body (``("warmup", "limit")``); ``read``: the path in the account JSON.
    ``encode`` turns the spec value into the wire value, ``decode`` the wire value into the spec value.
    ``reason``: why a ``never`` field cannot be read, or why an ``unsupported`` one cannot be honoured.
    """

    key: str
    call: Call
    where: Where
    write: tuple[str, ...] = ()
    read: tuple[str, ...] = ()
    encode: Callable[[Any], Any] = _identity
    decode: Callable[[Any], Any] = _text
    reason: str = ""

    @property
    def field(self) -> Field:
        return FIELDS[self.key]

    def live(self, account: Mapping[str, Any]) -> Any:
        """The normalised live value in an account object (None when it does not carry one)."""
        value: Any = account
        for name in self.read:
            value = value.get(name) if isinstance(value, Mapping) else None
        return None if value is None else self.decode(value)


_PASSWORD_REASON = "Instantly never returns a password; a change is seen from the declared secret only"
_NO_SECURITY = "Instantly has no SSL/STARTTLS setting: it picks the transport from the port"

INSTANTLY_FIELDS: tuple[Mapped, ...] = (
    Mapped("username", "create", "list", ("smtp_username",), ("smtp_username",)),
    Mapped("password", "create", "never", ("smtp_password",), reason=_PASSWORD_REASON),
    Mapped("smtp_host", "create", "list", ("smtp_host",), ("smtp_host",)),
    Mapped("smtp_port", "create", "list", ("smtp_port",), ("smtp_port",), decode=_number),
    Mapped("smtp_security", "none", "unsupported", reason=_NO_SECURITY),
    Mapped("imap_host", "create", "list", ("imap_host",), ("imap_host",)),
    Mapped("imap_port", "create", "list", ("imap_port",), ("imap_port",), decode=_number),
    Mapped("imap_security", "none", "unsupported", reason=_NO_SECURITY),
    Mapped("imap_username", "create", "list", ("imap_username",), ("imap_username",)),
    Mapped("imap_password", "create", "never", ("imap_password",), reason=_PASSWORD_REASON),
    Mapped(
        "provider",
        "create",
        "list",
        ("provider_code",),
        ("provider_code",),
        encode=PROVIDER_CODES.__getitem__,
        decode=_provider,
    ),
    # Written as first_name/last_name, read back joined: see name_parts / _sender_name.
    Mapped("from_name", "patch", "list", ("first_name",), ("first_name",)),
    Mapped("max_email_per_day", "patch", "list", ("daily_limit",), ("daily_limit",), decode=_number),
    Mapped(
        "client_id",
        "none",
        "unsupported",
        reason="an Instantly tenant is a workspace (`workspace:`), not a Smartlead client",
    ),
    Mapped("signature", "patch", "list", ("signature",), ("signature",)),
    Mapped("bcc", "none", "unsupported", reason="Instantly has no blind-copy setting"),
    Mapped("reply_to", "patch", "list", ("reply_to",), ("reply_to",)),
    Mapped("time_to_wait_in_mins", "patch", "list", ("sending_gap",), ("sending_gap",), decode=_number),
    Mapped("tracking_domain", "patch", "list", ("tracking_domain_name",), ("tracking_domain_name",)),
    Mapped("warmup_enabled", "warmup_job", "list", read=("warmup_status",), decode=_active),
    Mapped("warmup_per_day", "patch", "list", ("warmup", "limit"), ("warmup", "limit"), decode=_number),
    Mapped(
        "warmup_rampup",
        "patch",
        "list",
        ("warmup", "increment"),
        ("warmup", "increment"),
        encode=lambda value: str(int(value)),
        decode=_increment,
    ),
    Mapped(
        "warmup_reply_rate",
        "patch",
        "list",
        ("warmup", "reply_rate"),
        ("warmup", "reply_rate"),
        encode=lambda value: int(value) / 100,
        decode=_percent,
    ),
)

MAPPED: Mapping[str, Mapped] = MappingProxyType({m.key: m for m in INSTANTLY_FIELDS})

UNSUPPORTED: frozenset[str] = frozenset(m.key for m in INSTANTLY_FIELDS if m.where == "unsupported")
"""Fields an Instantly tenant must not declare (validation names the backend)."""
CREATE_ONLY: tuple[str, ...] = tuple(m.key for m in INSTANTLY_FIELDS if m.call == "create")
"""Credentials and the provider: only the create takes them, so a change replaces the account."""
CREDENTIAL_KEYS = CREATE_ONLY
PATCH_KEYS: tuple[str, ...] = tuple(m.key for m in INSTANTLY_FIELDS if m.call == "patch")
WARMUP_JOB_KEYS: tuple[str, ...] = tuple(m.key for m in INSTANTLY_FIELDS if m.call == "warmup_job")
LIST_KEYS: tuple[str, ...] = tuple(m.key for m in INSTANTLY_FIELDS if m.where == "list")
WRITE_ONLY: Mapping[str, str] = MappingProxyType({m.key: m.reason for m in INSTANTLY_FIELDS if m.where == "never"})
"""Fields no Instantly answer carries, with the reason: reported as "not checkable", never as in sync."""

# The credential fields a different IMAP login falls back to when the tenant gives none.
_IMAP_FALLBACK = {"imap_username": "username", "imap_password": "password"}


def name_parts(from_name: str) -> tuple[str, str]:
    """``"Jane van Doe"`` -> ``("Jane", "van Doe")``: split at the first space."""
    first, _, last = from_name.strip().partition(" ")
    return first, last.strip()


def _sender_name(account: Mapping[str, Any]) -> str | None:
    parts = [as_str(account.get(name)) or "" for name in ("first_name", "last_name")]
    joined = " ".join(part.strip() for part in parts if part and part.strip())
    return joined or None


def _put(body: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    target = body
    for name in path[:-1]:
        target = target.setdefault(name, {})
    target[path[-1]] = value


def _body(values: Mapping[str, Any], calls: tuple[Call, ...]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    for m in INSTANTLY_FIELDS:
        if m.call not in calls or m.key not in values or values[m.key] is None:
            continue
        if m.key == "from_name":
            body["first_name"], body["last_name"] = name_parts(str(values[m.key]))
            continue
        _put(body, m.write, m.encode(values[m.key]))
    return body


def create_body(values: Mapping[str, Any]) -> dict[str, Any]:
    """The ``POST /api/v2/accounts`` body for field values by key (``email`` is the caller's).

    Instantly requires the IMAP login and password too: without a different IMAP login, the SMTP ones are sent,
    and without a ``provider`` the default's code. Warmup on/off is not part of it (a background job after).
    """
    filled = dict(values)
    for imap_key, smtp_key in _IMAP_FALLBACK.items():
        if filled.get(imap_key) is None and filled.get(smtp_key) is not None:
            filled[imap_key] = filled[smtp_key]
    if filled.get("provider") is None:
        filled["provider"] = FIELDS["provider"].default
    return _body(filled, ("create", "patch"))


def patch_body(values: Mapping[str, Any]) -> dict[str, Any]:
    """The ``PATCH /api/v2/accounts/{email}`` body: only the patchable fields among ``values``."""
    return _body(values, ("patch",))


def live_fields(account: Mapping[str, Any]) -> dict[str, Any]:
    """Every readable field's live value in an Instantly account object; absent values are left out."""
    live: dict[str, Any] = {}
    for m in INSTANTLY_FIELDS:
        if m.where != "list":
            continue
        value = _sender_name(account) if m.key == "from_name" else m.live(account)
        if value is not None:
            live[m.key] = value
    return live


__all__ = [
    "CREATE_ONLY",
    "CREDENTIAL_KEYS",
    "INSTANTLY_FIELDS",
    "LIST_KEYS",
    "MAPPED",
    "PATCH_KEYS",
    "PROVIDER_CODES",
    "UNSUPPORTED",
    "WARMUP_INCREMENT_MAX",
    "WARMUP_JOB_KEYS",
    "WRITE_ONLY",
    "Mapped",
    "create_body",
    "live_fields",
    "name_parts",
    "patch_body",
]
