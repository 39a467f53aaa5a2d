"""The mailbox field table: every setting a tenant file can declare for a mailbox, in one place.

Each :class:`Field` says where the setting sits in a tenant file (``spec_path``, under ``mailboxes[i]``, merged
with the same path under ``defaults`` for sectioned fields), its default, the Pulumi input key it becomes, its type,
whether it is a secret reference, and how two values are compared. What a vendor calls the field, which call writes
it and where it can be read back is each vendor's mapping (:mod:`mailfleet.smartlead.fields`,
:mod:`mailfleet.instantly.fields`), keyed by the same ``key``; a vendor that cannot honour a field marks it
``unsupported``. Everything else is derived from these tables: the spec model, the resources' inputs and key
sets, the write bodies, the read projection, drift, export and the emulator's rendering.

Adding a mailbox setting: one :class:`Field` here, one entry in each vendor mapping, and the JSON Schema (a test
proves the schema agrees with this table).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Literal

Kind = Literal["str", "int", "bool", "secret"]
Compare = Literal["exact", "casefold"]


@dataclass(frozen=True)
class Field:
    """One mailbox setting.

    ``spec_path``: the keys under a mailbox (``("warmup", "per_day")``); None for a field mailfleet derives (the
    sending ramp's daily cap, the tenant's client). ``default``: the value when neither the mailbox nor
    ``defaults`` sets it; :data:`REQUIRED` when the file must give it; None for an optional field that is then
    not managed at all (left out of the inputs, so Smartlead's own value is never drift). ``kind`` ``secret`` is a
    ``{secret: KEY}`` / ``{env: VAR}`` reference that the program resolves into a Pulumi secret.
    """

    key: str
    spec_path: tuple[str, ...] | None
    kind: Kind
    default: Any = None
    compare: Compare = "exact"
    doc: str = ""
    elide: bool = False
    """Left out of the inputs when it equals its default (less state per mailbox); read back as the default."""
    examples: tuple[Any, ...] = ()
    """Two different valid values: the docs show the first, the end-to-end tests declare one and set the other
    live (so a new field is tested without editing a test)."""

    @property
    def optional(self) -> bool:
        return self.default is None and self.spec_path is not None

    @property
    def secret(self) -> bool:
        return self.kind == "secret"

    @property
    def section(self) -> str | None:
        """The ``defaults`` section the field merges from (``smtp``, ``imap``, ``warmup``), if any."""
        return self.spec_path[0] if self.spec_path is not None and len(self.spec_path) == 2 else None

    def same(self, declared: Any, live: Any) -> bool:
        """Whether a declared and a live value are the same setting (after the vendor's normalisation)."""
        if self.compare == "casefold" and isinstance(declared, str) and isinstance(live, str):
            return declared.casefold() == live.casefold()
        return bool(declared == live)


PROVIDERS: tuple[str, ...] = ("custom", "google", "microsoft", "aws", "airmail")
"""Who hosts a mailbox (``provider``): custom IMAP/SMTP, Google, Microsoft, AWS, AirMail. The first is the default;
each vendor mapping says which it can honour (Smartlead none but the default, Instantly all of them)."""


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


REQUIRED: Any = _Required()
"""The default of a field the tenant file must give (after ``defaults`` are merged)."""

EMAIL_DEFAULT: Any = type("_EmailDefault", (), {"__repr__": lambda self: "EMAIL"})()
"""The default of ``username``: the mailbox's own address."""


MAILBOX_FIELDS: tuple[Field, ...] = (
    # --- credentials: only a full save can change them
    Field(
        "username",
        ("username",),
        "str",
        EMAIL_DEFAULT,
        "casefold",
        "SMTP (and IMAP) login",
        elide=True,
        examples=("ann.login", "edited.login"),
    ),
    Field("password", ("password",), "secret", REQUIRED, doc="SMTP (and IMAP) password"),
    Field(
        "smtp_host",
        ("smtp", "host"),
        "str",
        REQUIRED,
        "casefold",
        "outgoing server",
        examples=("smtp.solo-mail.example", "smtp.elsewhere.example"),
    ),
    Field("smtp_port", ("smtp", "port"), "int", REQUIRED, doc="outgoing port", examples=(465, 587)),
    Field("smtp_security", ("smtp", "security"), "str", "SSL", doc="SSL or TLS (STARTTLS)", examples=("SSL", "TLS")),
    Field(
        "imap_host",
        ("imap", "host"),
        "str",
        REQUIRED,
        "casefold",
        "incoming server",
        examples=("imap.solo-mail.example", "imap.elsewhere.example"),
    ),
    Field("imap_port", ("imap", "port"), "int", REQUIRED, doc="incoming port", examples=(993, 143)),
    Field("imap_security", ("imap", "security"), "str", "SSL", doc="SSL or TLS (STARTTLS)", examples=("SSL", "TLS")),
    Field(
        "imap_username",
        ("imap", "username"),
        "str",
        None,
        "casefold",
        "a different IMAP login",
        examples=("imap-ann@solo-mail.example", "someone-else@solo-mail.example"),
    ),
    Field("imap_password", ("imap", "password"), "secret", None, doc="a different IMAP password"),
    Field(
        "provider",
        ("provider",),
        "str",
        "custom",
        doc="who hosts the mailbox: " + ", ".join(PROVIDERS),
        elide=True,
        examples=("custom", "google"),
    ),
    # --- settings
    Field("from_name", ("from_name",), "str", REQUIRED, doc="sender name", examples=("Ann Example", "Ann (edited)")),
    Field("max_email_per_day", None, "int", doc="daily cap, from the sending ramp", examples=(10, 99)),
    Field("client_id", None, "int", doc="the tenant's Smartlead client"),
    Field("signature", ("signature",), "str", doc="email signature", examples=("<b>Ann</b>", "<i>edited</i>")),
    Field(
        "bcc",
        ("bcc",),
        "str",
        None,
        "casefold",
        "blind copy of every send",
        examples=("audit@solo.example", "spy@elsewhere.example"),
    ),
    Field(
        "reply_to",
        ("reply_to",),
        "str",
        None,
        "casefold",
        "a different reply-to address",
        examples=("replies@solo.example", "other@elsewhere.example"),
    ),
    Field(
        "time_to_wait_in_mins", ("time_to_wait_in_mins",), "int", doc="minimum minutes between sends", examples=(7, 30)
    ),
    Field(
        "tracking_domain",
        ("tracking_domain",),
        "str",
        None,
        "casefold",
        "custom open/click tracking domain",
        examples=("track.solo-mail.example", "track.elsewhere.example"),
    ),
    # --- warmup
    Field("warmup_enabled", ("warmup", "enabled"), "bool", True, doc="warmup on or off", examples=(True, False)),
    Field("warmup_per_day", ("warmup", "per_day"), "int", 20, doc="warmup emails per day", examples=(12, 5)),
    Field("warmup_rampup", ("warmup", "rampup"), "int", 2, doc="daily warmup increase", examples=(3, 6)),
    Field(
        "warmup_reply_rate", ("warmup", "reply_rate"), "int", 30, doc="warmup reply rate, percent", examples=(40, 55)
    ),
)

FIELDS: Mapping[str, Field] = MappingProxyType({f.key: f for f in MAILBOX_FIELDS})
DECLARED_FIELDS: tuple[Field, ...] = tuple(f for f in MAILBOX_FIELDS if f.spec_path is not None)
SECTIONS: tuple[str, ...] = tuple(dict.fromkeys(f.section for f in DECLARED_FIELDS if f.section))
"""The ``defaults`` sections whose keys merge into each mailbox: ``smtp``, ``imap``, ``warmup``."""


def section_defaults(section: str) -> dict[str, Any]:
    """The built-in defaults of one section, by spec key (``{"enabled": True, "per_day": 20, ...}``)."""
    return {
        f.spec_path[1]: f.default
        for f in DECLARED_FIELDS
        if f.section == section and f.spec_path is not None and f.default not in (None, REQUIRED)
    }


def _get(data: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = data
    for key in path:
        if not isinstance(value, Mapping) or key not in value:
            return None
        value = value[key]
    return value


def declared_settings(
    mailbox: Mapping[str, Any], defaults: Mapping[str, Any], email: str, secret: Callable[[Any], Any]
) -> dict[str, Any]:
    """One mailbox's settings by field key: its own value, else ``defaults``'s, else the table's default.

    Optional fields that nobody sets are left out. ``secret`` turns a ``{secret|env: NAME}`` mapping into the
    model's reference type. Only call this on a validated file.
    """
    settings: dict[str, Any] = {}
    for f in DECLARED_FIELDS:
        assert f.spec_path is not None
        value = _get(mailbox, f.spec_path)
        if value is None and f.section is not None:
            value = _get(defaults, f.spec_path)
        if value is None:
            value = default_of(f, email)
        if value is None:
            continue
        settings[f.key] = secret(value) if f.secret else value
    return settings


def default_of(f: Field, email: str) -> Any:
    """The field's default for the mailbox ``email`` (None when it has none)."""
    if f.default is EMAIL_DEFAULT:
        return email
    return None if f.default is REQUIRED else f.default
