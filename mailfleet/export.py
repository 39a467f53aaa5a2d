"""``mailfleet export``: live Smartlead accounts as tenant files that validate and adopt with no changes.

One file per Smartlead client (tenant). Settings shared by most of a tenant's mailboxes go to ``defaults``; a
mailbox that differs carries its own. Passwords cannot be read from Smartlead: each mailbox gets a reference
``{secret: <tenant>-<name>}`` to fill in with ``pulumi config set --secret``. A mailbox whose daily cap is not where
the standard ramp would put it gets a flat custom ramp at its live cap, so that applying the file changes nothing.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from mailfleet import clock
from mailfleet.errors import SetupError
from mailfleet.smartlead.client import DEFAULT_BASE_URL, SmartleadClient
from mailfleet.smartlead.models import EmailAccount, SmartleadClientRecord
from mailfleet.spec.ramps import STANDARD

DEFAULT_WARMUP = {"enabled": True, "per_day": 20, "rampup": 2, "reply_rate": 30}
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


def endpoint(host: str | None, port: int | None, security: str | None) -> dict[str, Any]:
    return {"host": host, "port": port, "security": security or "SSL"}


def warmup_of(account: EmailAccount) -> dict[str, Any]:
    details = account.warmup
    if details is None:
        return {**DEFAULT_WARMUP, "enabled": False}
    return {
        "enabled": (details.status or "").upper() == "ACTIVE",
        "per_day": details.per_day or DEFAULT_WARMUP["per_day"],
        "rampup": details.rampup or DEFAULT_WARMUP["rampup"],
        "reply_rate": details.reply_rate if details.reply_rate is not None else DEFAULT_WARMUP["reply_rate"],
    }


def most_common(values: Iterable[Any]) -> Any:
    counted = Counter(yaml.safe_dump(v, sort_keys=True) for v in values)
    winner = counted.most_common(1)[0][0]
    return yaml.safe_load(winner)


@dataclass(frozen=True)
class ExportedTenant:
    name: str
    document: dict[str, Any]
    secrets: tuple[str, ...]

    def render(self, schema_ref: str | None) -> str:
        header = f"# yaml-language-server: $schema={schema_ref}\n" if schema_ref else ""
        header += "# Exported from Smartlead by `mailfleet export`. Set each password reference before `pulumi up`:\n"
        header += "".join(f"#   pulumi config set --secret {name} '<password>'\n" for name in self.secrets)
        body = yaml.safe_dump(self.document, sort_keys=False, default_flow_style=None, width=120, allow_unicode=True)
        return header + body


def export_tenant(
    record: SmartleadClientRecord, accounts: list[EmailAccount], name: str, today: date
) -> ExportedTenant:
    rows = sorted(accounts, key=lambda a: a.from_email.lower())
    smtp = [endpoint(a.smtp_host, a.smtp_port, a.smtp_port_type) for a in rows]
    imap = [endpoint(a.imap_host, a.imap_port, a.imap_port_type) for a in rows]
    warmups = [warmup_of(a) for a in rows]
    defaults: dict[str, Any] = {"on_remove": "retain"}
    if rows:
        defaults = {
            "smtp": most_common(smtp),
            "imap": most_common(imap),
            "warmup": most_common(warmups),
            "sending": {"ramp": "standard"},
            "on_remove": "retain",
        }
    ramps: dict[str, list[dict[str, int]]] = {}
    mailboxes: list[dict[str, Any]] = []
    secrets: list[str] = []
    joins_early = False
    for account, account_smtp, account_imap, account_warmup in zip(rows, smtp, imap, warmups, strict=True):
        reference = secret_name(name, account.from_email)
        secrets.append(reference)
        entry: dict[str, Any] = {"email": account.from_email, "from_name": account.from_name or account.from_email}
        if account.username and account.username.lower() != account.from_email.lower():
            entry["username"] = account.username
        entry["password"] = {"secret": reference}
        for key, value in (("smtp", account_smtp), ("imap", account_imap), ("warmup", account_warmup)):
            if value != defaults.get(key):
                entry[key] = value
        day = warmup_day(account, today)
        cap = account.max_email_per_day
        if cap is not None and cap != STANDARD.per_day_on(day):
            ramp = f"flat-{cap}"
            ramps[ramp] = [{"from_day": 1, "per_day": cap}]
            entry["sending"] = {"ramp": ramp}
        if account.tags:
            entry["tags"] = sorted({tag.name for tag in account.tags})
        if account.campaign_ids:
            entry["campaigns"] = sorted(set(account.campaign_ids))
            joins_early = joins_early or day < 30
        optional = {
            "signature": account.signature,
            "bcc": account.bcc,
            "reply_to": account.different_reply_to_address,
            "time_to_wait_in_mins": account.time_to_wait_in_mins,
        }
        entry.update({key: value for key, value in optional.items() if value not in (None, "")})
        mailboxes.append(entry)
    document: dict[str, Any] = {
        "apiVersion": "mailfleet/v1",
        "tenant": name,
        "client": {"name": record.name, "email": record.email},
    }
    if joins_early:
        # Some mailboxes are already in campaigns before day 30: keep them there.
        document["campaign_min_warmup_days"] = 1
    document["defaults"] = defaults
    if ramps:
        document["ramps"] = dict(sorted(ramps.items()))
    document["mailboxes"] = mailboxes
    return ExportedTenant(name=name, document=document, secrets=tuple(secrets))


def export_fleet(client: SmartleadClient, client_id: int | None, today: date) -> tuple[list[ExportedTenant], int]:
    """Tenants for one client (``client_id``) or every client; also the count of accounts under no client."""
    records = client.list_clients()
    if client_id is not None:
        records = [r for r in records if r.id == client_id]
        if not records:
            raise SetupError(f"no Smartlead client with id {client_id}")
    accounts = client.list_email_accounts(fetch_campaigns=True)
    taken: set[str] = set()
    tenants = [
        export_tenant(record, [a for a in accounts if a.client_id == record.id], tenant_name(record.name, taken), today)
        for record in sorted(records, key=lambda r: r.name.lower())
    ]
    unassigned = sum(1 for a in accounts if a.client_id is None)
    return tenants, unassigned


def run_export(client_id: int | None, export_all: bool, out: str) -> int:
    if (client_id is None) == (not export_all):
        raise SetupError("give exactly one of --client-id ID or --all")
    api_key = os.environ.get("SMARTLEAD_API_KEY")
    if not api_key:
        raise SetupError("SMARTLEAD_API_KEY is not set (for the local emulator: . .mailfleet/env)")
    base_url = os.environ.get("SMARTLEAD_BASE_URL") or DEFAULT_BASE_URL
    out_dir = Path(out)
    with SmartleadClient(base_url, api_key) as client:
        tenants, unassigned = export_fleet(client, client_id, clock.today())
    out_dir.mkdir(parents=True, exist_ok=True)
    schema_ref = os.path.relpath(SCHEMA, out_dir.resolve()) if SCHEMA.is_file() else None
    for tenant in tenants:
        path = out_dir / f"{tenant.name}.yaml"
        path.write_text(tenant.render(schema_ref))
        print(f"{path}: {len(tenant.document['mailboxes'])} mailboxes, {len(tenant.secrets)} passwords to set")
    if unassigned:
        print(f"skipped {unassigned} accounts under no Smartlead client: give them a client to export them")
    return 0
