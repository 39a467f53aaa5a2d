"""``mailfleet export``: live accounts as tenant files that validate and adopt with no changes.

One file per Smartlead client, or per Instantly workspace (tenant). Each vendor turns its accounts into
:class:`LiveMailbox` rows (its half of the field table decides what is read); the tenant file is built from those
rows the same way for both. Settings shared by most of a tenant's mailboxes go to ``defaults``; a
mailbox that differs carries its own. Passwords cannot be read from Smartlead: each mailbox gets a reference
``{secret: <tenant>-<name>}`` to fill in with ``pulumi config set --secret``. A mailbox whose daily cap is not where
the standard ramp would put it gets a flat custom ramp at its live cap, so that applying the file changes nothing.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from mailfleet import clock
from mailfleet.errors import SetupError
from mailfleet.fields import DECLARED_FIELDS, FIELDS, REQUIRED, SECTIONS, Field, default_of
from mailfleet.instantly import fields as instantly_fields
from mailfleet.instantly.client import DEFAULT_BASE_URL as DEFAULT_INSTANTLY_BASE_URL
from mailfleet.instantly.client import InstantlyClient
from mailfleet.instantly.models import Account as InstantlyAccount
from mailfleet.smartlead import fields as smartlead_fields
from mailfleet.smartlead.client import DEFAULT_BASE_URL, SmartleadClient
from mailfleet.smartlead.fields import DEEP_KEYS, WRITE_ONLY, live_fields
from mailfleet.smartlead.models import EmailAccount, SmartleadClientRecord
from mailfleet.spec.ramps import STANDARD, WARMUP_COMPLETE_DAYS

SCHEMA = Path(__file__).resolve().parent.parent / "specs" / "tenant.schema.json"


def tenant_name(client_name: str, taken: set[str]) -> str:
    """A file-name-safe tenant name from a client name: lowercase letters, digits and '-'; unique."""
    base = re.sub(r"[^a-z0-9]+", "-", client_name.lower()).strip("-") or "tenant"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    taken.add(name)
    return name


def secret_name(tenant: str, email: str) -> str:
    local = re.sub(r"[^a-z0-9]+", "-", email.split("@", 1)[0].lower()).strip("-")
    return f"{tenant}-{local or 'mailbox'}"


def warmup_day(account: EmailAccount, today: date) -> int:
    if account.warmup is None or account.warmup.warmup_created_at is None:
        return 1
    return max((today - account.warmup.warmup_created_at.date()).days + 1, 1)


@dataclass(frozen=True)
class LiveMailbox:
    """One live account as export needs it, from either vendor: settings by field key, and its memberships."""

    email: str
    settings: dict[str, Any]
    different_imap: bool
    tags: tuple[str, ...]
    campaigns: tuple[Any, ...]
    warmup_day: int
    cap: int | None


@dataclass(frozen=True)
class Vendor:
    """What differs per vendor in a tenant file: the fields it never returns (exported as their default, to confirm
    by hand) and the fields it has no setting for (never exported)."""

    name: str
    write_only: Mapping[str, str]
    unsupported: frozenset[str] = frozenset()

    @property
    def unreadable(self) -> tuple[Field, ...]:
        return tuple(FIELDS[key] for key in self.write_only if FIELDS[key].spec_path and not FIELDS[key].secret)

    def complete(self, live: dict[str, Any], email: str) -> dict[str, Any]:
        """``live`` with every field the vendor never returns, and every defaulted field it did not, at its
        default; fields the vendor has no setting for are left out."""
        for field in self.unreadable:
            live.setdefault(field.key, default_of(field, email))
        for field in DECLARED_FIELDS:
            if field.default not in (None, REQUIRED) and field.key not in live:
                live[field.key] = default_of(field, email)
        return {key: value for key, value in live.items() if key not in self.unsupported}


SMARTLEAD = Vendor("Smartlead", WRITE_ONLY, frozenset(smartlead_fields.UNSUPPORTED))
INSTANTLY = Vendor("Instantly", instantly_fields.WRITE_ONLY, instantly_fields.UNSUPPORTED)


def spec_key(field: Field) -> str:
    """How a field is named in a tenant file (``warmup.rampup``)."""
    assert field.spec_path is not None
    return ".".join(field.spec_path)


def live_settings(account: EmailAccount) -> dict[str, Any]:
    """Every setting of the field table Smartlead returned for ``account``, by field key; for the ones it never
    returns, the table's default."""
    live = live_fields(account.raw, deep=True)
    if not (account.raw.get("warmup_details") or {}):
        # Warmup never started: off, with the defaults for when someone turns it on.
        live["warmup_enabled"] = False
    return SMARTLEAD.complete(live, account.from_email)


def smartlead_row(account: EmailAccount, today: date) -> LiveMailbox:
    return LiveMailbox(
        email=account.from_email,
        settings=live_settings(account),
        different_imap=bool(account.raw.get("is_different_imap_account")),
        tags=tuple(sorted({tag.name for tag in account.tags})),
        campaigns=tuple(sorted(set(account.campaign_ids or ()))),
        warmup_day=warmup_day(account, today),
        cap=account.max_email_per_day,
    )


def instantly_row(account: InstantlyAccount, today: date) -> LiveMailbox:
    live = instantly_fields.live_fields(account.raw)
    started = account.raw.get("timestamp_warmup_start")
    day = 1
    if isinstance(started, str) and len(started) >= 10:
        with contextlib.suppress(ValueError):
            day = max((today - date.fromisoformat(started[:10])).days + 1, 1)
    login = str(live.get("username") or account.email)
    return LiveMailbox(
        email=account.email,
        settings=INSTANTLY.complete(live, account.email),
        different_imap=str(live.get("imap_username") or login).casefold() != login.casefold(),
        tags=tuple(sorted({tag.label for tag in account.tags if tag.label})),
        campaigns=(),
        warmup_day=day,
        cap=account.daily_limit,
    )


def mailbox_entry(account: LiveMailbox, settings: dict[str, Any], reference: str) -> dict[str, Any]:
    """The settings as tenant-file keys, nested by section (``{"smtp": {"host": ...}, "from_name": ...}``).

    A login equal to the address, and an IMAP login equal to the SMTP one, are left out (they are the defaults). A
    different IMAP login gets its own password reference, ``<reference>-imap``.
    """
    entry: dict[str, Any] = {}
    for key, value in settings.items():
        field = FIELDS[key]
        if field.spec_path is None or field.secret or value in (None, ""):
            continue
        if field.elide and value == default_of(field, account.email):
            continue  # a default the file need not say: the login equal to the address, provider custom
        if field.section is None:
            entry[field.spec_path[0]] = value
        else:
            entry.setdefault(field.section, {})[field.spec_path[1]] = value
    login = str(entry.get("username", account.email))
    if login.lower() == account.email.lower():
        entry.pop("username", None)
    imap = entry.get("imap", {})
    if str(imap.get("username", login)).lower() == login.lower():
        imap.pop("username", None)
    elif account.different_imap:
        imap["password"] = {"secret": f"{reference}-imap"}
    return entry


def most_common(values: Iterable[Any]) -> Any:
    counted = Counter(yaml.safe_dump(v, sort_keys=True) for v in values)
    winner = counted.most_common(1)[0][0]
    return yaml.safe_load(winner)


@dataclass(frozen=True)
class ExportedTenant:
    name: str
    document: dict[str, Any]
    secrets: tuple[str, ...]
    vendor: Vendor = SMARTLEAD

    def render(self, schema_ref: str | None) -> str:
        header = f"# yaml-language-server: $schema={schema_ref}\n" if schema_ref else ""
        vendor = self.vendor
        header += (
            f"# Exported from {vendor.name} by `mailfleet export`. Set each password reference before `pulumi up`:\n"
        )
        header += "".join(f"#   pulumi config set --secret {name} '<password>'\n" for name in self.secrets)
        for field in vendor.unreadable:
            header += (
                f"# {spec_key(field)}: {vendor.name} does not return this value: {vendor.write_only[field.key]}. "
                "It is written "
                f"as the default {default_of(field, '')!r}; confirm it for each mailbox by hand.\n"
            )
        body = yaml.safe_dump(self.document, sort_keys=False, default_flow_style=None, width=120, allow_unicode=True)
        return header + body


def export_tenant(
    record: SmartleadClientRecord, accounts: list[EmailAccount], name: str, today: date
) -> ExportedTenant:
    """A Smartlead client's accounts as a tenant file."""
    head = {"client": {"name": record.name, "email": record.email}}
    return tenant_document(name, head, [smartlead_row(a, today) for a in accounts], SMARTLEAD)


def export_workspace(
    accounts: list[InstantlyAccount], name: str, workspace: Mapping[str, Any], today: date
) -> ExportedTenant:
    """An Instantly workspace's accounts as a tenant file (``workspace``: its ``id`` or ``api_key`` reference)."""
    head = {"backend": "instantly", "workspace": dict(workspace)}
    return tenant_document(name, head, [instantly_row(a, today) for a in accounts], INSTANTLY)


def tenant_document(name: str, head: Mapping[str, Any], accounts: list[LiveMailbox], vendor: Vendor) -> ExportedTenant:
    """The tenant file for ``accounts``: shared settings as ``defaults``, each mailbox's own values under it."""
    rows = sorted(accounts, key=lambda a: a.email.lower())
    references = [secret_name(name, a.email) for a in rows]
    entries = [mailbox_entry(a, dict(a.settings), ref) for a, ref in zip(rows, references, strict=True)]
    defaults: dict[str, Any] = {}
    for section in SECTIONS:
        values = [entry.get(section, {}) for entry in entries]
        # Only keys every mailbox sets can be defaults: an optional key (an IMAP login of its own) cannot be unset.
        shared = set.intersection(*(set(v) for v in values)) if values else set()
        if shared:
            defaults[section] = most_common([{k: v[k] for k in sorted(shared)} for v in values])
    if rows:
        defaults["sending"] = {"ramp": "standard"}
    defaults["on_remove"] = "retain"
    ramps: dict[str, list[dict[str, int]]] = {}
    mailboxes: list[dict[str, Any]] = []
    secrets: list[str] = []
    joins_early = False
    for account, live, reference in zip(rows, entries, references, strict=True):
        secrets.append(reference)
        entry: dict[str, Any] = {"email": account.email, "from_name": live.pop("from_name", account.email)}
        if "username" in live:
            entry["username"] = live.pop("username")
        entry["password"] = {"secret": reference}
        for section in SECTIONS:
            own = live.pop(section, {})
            default = defaults.get(section, {})
            if "password" in own:
                secrets.append(own["password"]["secret"])
            differs = {k: v for k, v in own.items() if default.get(k) != v}
            if differs:
                entry[section] = differs
        day = account.warmup_day
        cap = account.cap
        if cap is not None and cap != STANDARD.per_day_on(day):
            ramp = f"flat-{cap}"
            ramps[ramp] = [{"from_day": 1, "per_day": cap}]
            entry["sending"] = {"ramp": ramp}
        if account.tags:
            entry["tags"] = list(account.tags)
        if account.campaigns:
            entry["campaigns"] = list(account.campaigns)
            joins_early = joins_early or day < WARMUP_COMPLETE_DAYS
        entry.update(live)  # the remaining top-level settings: signature, bcc, reply_to, ...
        mailboxes.append(entry)
    document: dict[str, Any] = {"apiVersion": "mailfleet/v1", "tenant": name, **head}
    if joins_early:
        # Some mailboxes are already in campaigns before day 30: keep them there.
        document["campaign_min_warmup_days"] = 1
    document["defaults"] = defaults
    if ramps:
        document["ramps"] = dict(sorted(ramps.items()))
    document["mailboxes"] = mailboxes
    return ExportedTenant(name=name, document=document, secrets=tuple(secrets), vendor=vendor)


def export_fleet(client: SmartleadClient, client_id: int | None, today: date) -> tuple[list[ExportedTenant], int, int]:
    """Tenants for one client (``client_id``) or every client; also the count of accounts under no client, and the
    requests made (clients, listing pages, and one read by id per exported account for the settings only GET by
    id returns)."""
    before = client.request_count
    records = client.list_clients()
    if client_id is not None:
        records = [r for r in records if r.id == client_id]
        if not records:
            raise SetupError(f"no Smartlead client with id {client_id}")
    wanted = {r.id for r in records}
    listed = client.list_email_accounts(fetch_campaigns=True)
    accounts = [
        client.get_email_account(a.id, fetch_campaigns=True) if DEEP_KEYS and a.client_id in wanted else a
        for a in listed
    ]
    taken: set[str] = set()
    tenants = [
        export_tenant(record, [a for a in accounts if a.client_id == record.id], tenant_name(record.name, taken), today)
        for record in sorted(records, key=lambda r: r.name.lower())
    ]
    unassigned = sum(1 for a in accounts if a.client_id is None)
    return tenants, unassigned, client.request_count - before


def write_tenants(tenants: list[ExportedTenant], out: str) -> None:
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    schema_ref = os.path.relpath(SCHEMA, out_dir.resolve()) if SCHEMA.is_file() else None
    for tenant in tenants:
        path = out_dir / f"{tenant.name}.yaml"
        path.write_text(tenant.render(schema_ref))
        print(f"{path}: {len(tenant.document['mailboxes'])} mailboxes, {len(tenant.secrets)} passwords to set")


def run_export(client_id: int | None, export_all: bool, out: str) -> int:
    if (client_id is None) == (not export_all):
        raise SetupError("give exactly one of --client-id ID or --all")
    api_key = os.environ.get("SMARTLEAD_API_KEY")
    if not api_key:
        raise SetupError("SMARTLEAD_API_KEY is not set (for the local emulator: . .mailfleet/env)")
    base_url = os.environ.get("SMARTLEAD_BASE_URL") or DEFAULT_BASE_URL
    with SmartleadClient(base_url, api_key) as client:
        tenants, unassigned, requests = export_fleet(client, client_id, clock.today())
    write_tenants(tenants, out)
    print(f"{requests} requests to Smartlead (clients, listing pages, and one read by id per exported account)")
    if unassigned:
        print(f"skipped {unassigned} accounts under no Smartlead client: give them a client to export them")
    return 0


def run_export_instantly(workspace_id: str | None, tenant: str, out: str) -> int:
    """One Instantly workspace as tenant ``tenant``: the admin key ($INSTANTLY_API_KEY) acting on ``workspace_id``,
    or, without one, the key's own workspace (written as ``workspace: {api_key: {secret: <tenant>-instantly-key}}``).
    Costs the listing pages (ceil(N/100) and the empty page that ends them): the list carries every setting."""
    api_key = os.environ.get("INSTANTLY_API_KEY")
    if not api_key:
        raise SetupError("INSTANTLY_API_KEY is not set (for the local emulator: . .mailfleet/env)")
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", tenant):
        raise SetupError(f"--tenant {tenant!r}: use lowercase letters, digits and '-' (it names the file)")
    base_url = os.environ.get("INSTANTLY_BASE_URL") or DEFAULT_INSTANTLY_BASE_URL
    workspace: dict[str, Any] = (
        {"id": workspace_id} if workspace_id else {"api_key": {"secret": f"{tenant}-instantly-key"}}
    )
    with InstantlyClient(base_url, api_key, workspace_id=workspace_id) as client:
        accounts = client.list_accounts(include_tags=True)
        requests = client.request_count
    write_tenants([export_workspace(accounts, tenant, workspace, clock.today())], out)
    print(f"{requests} requests to Instantly (listing pages)")
    return 0
