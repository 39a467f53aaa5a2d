"""``mailfleet drift``: what changed in Smartlead outside mailfleet, per tenant and mailbox.

Two sources, both structured:

1. A refresh preview of the stack through the Automation API (``stack.preview_refresh``), read from its engine
   events. Each tenant client, mailbox, webhook or tag whose refresh diff is non-empty is drift; each changed path is
   one line ``path: declared -> live``, where declared is the stack's inputs and live the refreshed value (the
   providers' ``read()`` returns the live projection as inputs). Secrets show as ``[secret]``.
2. What Pulumi cannot see, through the mailfleet client on the stack's own settings (``mailfleet:baseUrl`` and the
   secret ``mailfleet:apiKey``, decrypted by the Automation API and never printed): accounts under a tenant's
   Smartlead client that no tenant file or stack declares (*unmanaged*), and declared mailboxes whose account is
   gone (*vanished*).

The report is a summary first (counts), then per tenant. "No drift detected" is stated when clean. Exit codes:
0 clean, 2 drift, 1 error (raised as :class:`~mailfleet.errors.MailfleetError`, printed as one line by the CLI).
"""

from __future__ import annotations

import dataclasses
import json
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pulumi.automation.events import StepEventMetadata

from mailfleet.deepcheck import (
    DEEP_READ_VARIABLE,
    DEFAULT_DEEP_BUDGET,
    CheckRecord,
    DeepChecks,
    RunPlan,
    deep_read_value,
    now_utc,
    store_path,
)
from mailfleet.errors import MailfleetError
from mailfleet.reports.changes import FieldChange, ResourceChange, from_event, merge_changes, resource_kind
from mailfleet.reports.coverage import (
    DeepCoverage,
    NotCheckable,
    coverage_after,
    deep_results,
    not_checkable,
    plan_slice,
    stack_mailboxes,
)
from mailfleet.reports.render import code, field_line, plural
from mailfleet.reports.workspaces import read_workspaces
from mailfleet.smartlead.models import EmailAccount
from mailfleet.smartlead.redact import scrub
from mailfleet.smartlead.shared_listing import (
    LISTING_FILE_VARIABLE,
    REQUEST_COUNT_VARIABLE,
    read_listing,
    read_request_count,
)
from mailfleet.vendors import is_instantly, workspace_name

__all__ = [
    "DRIFT_MARKER",
    "DeclaredMailbox",
    "DriftReport",
    "Inventory",
    "UnmanagedAccount",
    "VanishedResource",
    "build_report",
    "inventory_from_steps",
    "render_markdown",
    "render_text",
    "run_drift",
]

DRIFT_MARKER = "<!-- mailfleet-drift -->"
ACCOUNT_WIDE = "account-wide"
EXIT_CLEAN, EXIT_DRIFT = 0, 2


@dataclass(frozen=True)
class DeclaredMailbox:
    tenant: str | None
    email: str
    account_id: int | None


@dataclass(frozen=True)
class UnmanagedAccount:
    """A live account under a tenant's Smartlead client, or in its Instantly workspace, that nothing declares."""

    tenant: str
    email: str
    account_id: int | None
    client_id: int | None
    workspace: str | None = None

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"email": self.email, "account_id": self.account_id, "client_id": self.client_id}
        if self.workspace is not None:
            found["workspace"] = self.workspace
        return found

    @property
    def where(self) -> str:
        if self.workspace is not None:
            return "in this tenant's Instantly workspace"
        return f"(Smartlead account {self.account_id}): under this tenant's client"


@dataclass(frozen=True)
class VanishedResource:
    """A declared resource whose Smartlead object is gone."""

    tenant: str | None
    kind: str
    name: str
    account_id: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "name": self.name, "account_id": self.account_id}


@dataclass(frozen=True)
class Inventory:
    """What the stack's state declares: mailboxes (with account ids), each tenant's Smartlead client id, and each
    Instantly tenant's workspace (by the name its provider publishes the listing under)."""

    mailboxes: tuple[DeclaredMailbox, ...]
    clients: dict[str, int]
    resources: int
    workspaces: dict[str, str] = field(default_factory=dict)

    @property
    def has_smartlead_mailboxes(self) -> bool:
        return any(m.account_id is not None for m in self.mailboxes)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def inventory_from_steps(steps: Iterable[StepEventMetadata]) -> Inventory:
    """The declared mailboxes and tenant clients, from the old (stack) state carried by each step."""
    mailboxes: dict[str, DeclaredMailbox] = {}
    clients: dict[str, int] = {}
    workspaces: dict[str, str] = {}
    urns: set[str] = set()
    for step in steps:
        kind = resource_kind(step.type)
        state = step.old
        if state is None or kind not in ("Mailbox", "TenantClient", "Webhook", "Tag"):
            continue
        urns.add(step.urn)
        inputs, outputs = state.inputs or {}, state.outputs or {}
        tenant = inputs.get("tenant") or outputs.get("tenant")
        if kind == "Mailbox" and inputs.get("email"):
            account_id = _int(outputs.get("account_id")) or _int(state.id)
            mailboxes[step.urn] = DeclaredMailbox(tenant, str(inputs["email"]), account_id)
            if is_instantly(inputs) and tenant:
                workspaces[str(tenant)] = workspace_name(inputs.get("workspace") or {})
        elif kind == "TenantClient" and tenant:
            client_id = _int(outputs.get("client_id")) or _int(state.id)
            if client_id is not None:
                clients[str(tenant)] = client_id
    return Inventory(tuple(mailboxes.values()), clients, len(urns), workspaces)


@dataclass(frozen=True)
class DriftReport:
    stack: str
    changed: tuple[ResourceChange, ...]  # field old = declared, new = live
    unmanaged: tuple[UnmanagedAccount, ...]
    vanished: tuple[VanishedResource, ...]
    checked: int
    deep: DeepCoverage | None = None
    not_checkable: tuple[NotCheckable, ...] = ()
    requests: int | None = None
    generated_at: datetime = field(default_factory=now_utc)

    @property
    def has_drift(self) -> bool:
        return bool(self.changed or self.unmanaged or self.vanished)

    def summary(self) -> dict[str, int]:
        return {
            "changed_resources": len(self.changed),
            "changed_fields": sum(len(change.fields) for change in self.changed),
            "unmanaged_accounts": len(self.unmanaged),
            "vanished_resources": len(self.vanished),
            "resources_checked": self.checked,
        }

    def tenants(self) -> list[str | None]:
        names = (
            {c.tenant for c in self.changed} | {u.tenant for u in self.unmanaged} | {v.tenant for v in self.vanished}
        )
        return sorted(names, key=lambda name: (name is None, name or ""))

    def to_json(self) -> dict[str, Any]:
        tenants = []
        for tenant in self.tenants():
            tenants.append(
                {
                    "tenant": tenant,
                    "changed": [
                        {
                            "kind": change.kind,
                            "name": change.name,
                            "fields": [_field_json(field) for field in change.fields],
                        }
                        for change in self.changed
                        if change.tenant == tenant
                    ],
                    "unmanaged": [u.to_json() for u in self.unmanaged if u.tenant == tenant],
                    "vanished": [v.to_json() for v in self.vanished if v.tenant == tenant],
                }
            )
        return {
            "stack": self.stack,
            "drift": self.has_drift,
            "summary": self.summary(),
            "deep_checks": self.deep.to_json() if self.deep else None,
            "not_checkable": [item.to_json() for item in self.not_checkable],
            "requests": self.requests,
            "tenants": tenants,
        }


def _field_json(change: FieldChange) -> dict[str, Any]:
    return {"path": change.path, "declared": change.old, "live": change.new}


def build_report(
    stack: str,
    steps: Sequence[StepEventMetadata],
    live_accounts: Sequence[EmailAccount],
    declared_emails: Iterable[str] = (),
    workspace_accounts: Mapping[str, Sequence[str]] | None = None,
) -> DriftReport:
    """Combine a refresh preview's steps with the live account listings (Smartlead's, and each Instantly
    workspace's addresses by workspace name) and the emails the specs declare."""
    changes = [change for change in merge_changes(from_event(step) for step in steps) if change.reported]
    inventory = inventory_from_steps(steps)
    live_ids = {account.id for account in live_accounts}
    vanished: dict[tuple[str, str], VanishedResource] = {}
    for change in changes:
        if change.op == "delete":  # refresh found the object gone
            vanished[(change.kind, change.name)] = VanishedResource(change.tenant, change.kind, change.name)
    for mailbox in inventory.mailboxes:
        if mailbox.account_id is not None and mailbox.account_id not in live_ids:
            vanished[("Mailbox", mailbox.email)] = VanishedResource(
                mailbox.tenant, "Mailbox", mailbox.email, mailbox.account_id
            )
    changed = [c for c in changes if c.fields and c.op != "delete" and (c.kind, c.name) not in vanished]
    known = {email.lower() for email in declared_emails} | {m.email.lower() for m in inventory.mailboxes}
    tenant_of_client = {client_id: tenant for tenant, client_id in inventory.clients.items()}
    unmanaged = [
        UnmanagedAccount(tenant_of_client[account.client_id], account.from_email, account.id, account.client_id)
        for account in live_accounts
        if account.client_id in tenant_of_client and account.from_email.lower() not in known
    ]
    for tenant, workspace in inventory.workspaces.items():
        unmanaged += [
            UnmanagedAccount(tenant, email, None, None, workspace)
            for email in (workspace_accounts or {}).get(workspace, ())
            if email.lower() not in known
        ]
    return DriftReport(
        stack=stack,
        changed=tuple(sorted(changed, key=lambda c: (c.tenant is None, c.tenant or "", c.kind, c.name))),
        unmanaged=tuple(sorted(unmanaged, key=lambda u: (u.tenant, u.email))),
        vanished=tuple(sorted(vanished.values(), key=lambda v: (v.tenant is None, v.tenant or "", v.kind, v.name))),
        checked=inventory.resources,
    )


def _headline(report: DriftReport) -> str:
    if not report.has_drift:
        return (
            f"No drift detected: all {plural(report.checked, 'declared resource')} match Smartlead, "
            "and no account under a tenant's client is unmanaged."
        )
    counts = report.summary()
    return (
        f"Drift detected: {plural(counts['changed_resources'], 'resource')} changed outside mailfleet "
        f"({plural(counts['changed_fields'], 'field')}), {plural(counts['unmanaged_accounts'], 'unmanaged account')}, "
        f"{plural(counts['vanished_resources'], 'vanished resource')}."
    )


def _tenant_lines(report: DriftReport, tenant: str | None, *, markdown: bool) -> list[str]:
    show = code if markdown else (lambda text: text)
    lines = []
    for change in (c for c in report.changed if c.tenant == tenant):
        lines.append(f"- {change.kind} {show(change.name)} changed outside mailfleet (declared -> live):")
        lines += [f"  - {field_line(field, markdown=markdown)}" for field in change.fields]
    for account in (u for u in report.unmanaged if u.tenant == tenant):
        lines.append(f"- Unmanaged account {show(account.email)} {account.where}, declared in no tenant file")
    for gone in (v for v in report.vanished if v.tenant == tenant):
        where = f" (Smartlead account {gone.account_id})" if gone.account_id is not None else ""
        lines.append(f"- Vanished {gone.kind} {show(gone.name)}{where}: declared, but no longer in Smartlead")
    return lines


def _coverage_lines(report: DriftReport, *, markdown: bool) -> list[str]:
    """What was compared how: the deep checks, the request count, and the fields that cannot be checked."""
    show = code if markdown else (lambda text: text)
    lines = []
    if report.deep is not None:
        lines.append(report.deep.sentence(report.generated_at))
    if report.requests is not None:
        lines.append(f"Requests to Smartlead: {report.requests:,}.")
    if report.not_checkable:
        lines.append(
            "Not checkable (Smartlead returns no value for these; never counted as in sync, confirm them by hand):"
        )
        lines += [
            f"- {show(item.spec_key)} on {plural(item.mailboxes, 'mailbox', 'mailboxes')}: {item.reason}"
            for item in report.not_checkable
        ]
    return lines


def render_markdown(report: DriftReport) -> str:
    counts = report.summary()
    lines = [
        DRIFT_MARKER,
        f"### mailfleet drift report for stack {code(report.stack)}",
        "",
        f"**{_headline(report)}**",
        "",
        "| changed outside mailfleet | changed fields | unmanaged accounts | vanished | resources checked |",
        "|---:|---:|---:|---:|---:|",
        f"| {counts['changed_resources']:,} | {counts['changed_fields']:,} | {counts['unmanaged_accounts']:,} | "
        f"{counts['vanished_resources']:,} | {counts['resources_checked']:,} |",
    ]
    coverage = _coverage_lines(report, markdown=True)
    if coverage:
        lines += ["", *coverage]
    if report.has_drift:
        lines += ["", "Field lines read `field: declared -> live` (the tenant files' value, then Smartlead's now)."]
    for tenant in report.tenants():
        title = f"tenant {code(tenant)}" if tenant else f"{ACCOUNT_WIDE} (shared tags)"
        lines += ["", f"#### {title}", "", *_tenant_lines(report, tenant, markdown=True)]
    return scrub("\n".join(lines) + "\n")


def render_text(report: DriftReport) -> list[str]:
    """The terminal report as plain lines (the caller styles the headline)."""
    lines = [_headline(report)]
    coverage = _coverage_lines(report, markdown=False)
    if coverage:
        lines += ["", *coverage]
    for tenant in report.tenants():
        lines += ["", f"tenant {tenant}" if tenant else ACCOUNT_WIDE, *_tenant_lines(report, tenant, markdown=False)]
    return [scrub(line) for line in lines]


def _print_report(report: DriftReport) -> None:
    from rich.console import Console
    from rich.text import Text

    console = Console(highlight=False, soft_wrap=True)
    lines = render_text(report)
    style = "bold red" if report.has_drift else "bold green"
    console.print(Text(lines[0], style=style))
    for line in lines[1:]:
        console.print(Text(line, style="bold" if line and not line.startswith(("-", " ")) else ""))


def _declared_in_specs(project_dir: Path, specs_dir: str | None) -> set[str]:
    """Emails the tenant files declare (a mailbox not applied yet is declared, not unmanaged); empty if unreadable."""
    from mailfleet.spec import load_tenants

    directory = project_dir / (specs_dir or "specs/tenants")
    if not directory.is_dir():
        return set()
    try:
        return {mailbox.email for tenant in load_tenants(directory) for mailbox in tenant.mailboxes}
    except MailfleetError:
        return set()


def run_drift(
    stack: str | None,
    json_path: str | None,
    markdown_path: str | None,
    *,
    full: bool = False,
    deep_budget: int = DEFAULT_DEEP_BUDGET,
) -> int:
    """Refresh-preview the stack, list live accounts, print the report, write JSON/Markdown. Exit 0 / 2.

    ``full`` reads every managed account by id as well; otherwise a slice of ``deep_budget`` accounts, oldest
    deep check first, is read by id. A stack of a ``mailfleet stacks drift`` run reads the part of the run's one
    slice its plan gives it instead (``MAILFLEET_DEEP_PLAN``; the run's budget, not ``deep_budget``).
    """
    from mailfleet.automation import find_pulumi_project, open_stack, progress, run_steps, stack_settings
    from mailfleet.workspace import PROJECT_NAME

    if deep_budget < 0:
        raise MailfleetError("--deep-budget must be 0 or more")
    project_dir = find_pulumi_project()
    opened = open_stack(stack, project_dir)
    settings = stack_settings(opened)
    base_url = settings.connection.base_url if settings.connection_or_none is not None else ""
    mailboxes = stack_mailboxes(opened.export_stack().deployment or {})
    location = store_path({**os.environ, **opened.workspace.env_vars, "PULUMI_PROJECT": PROJECT_NAME})
    store = DeepChecks(location) if location is not None else None
    started = now_utc()
    records = store.records(base_url) if store is not None else {}
    run_plan = None if full else RunPlan.from_environment()
    if full:
        checked = [m.account_id for m in mailboxes]
    elif run_plan is not None:
        own = {m.account_id for m in mailboxes}
        checked = [i for i in run_plan.slice_of(opened.name) if i in own]
        deep_budget = run_plan.budget
    else:
        checked = plan_slice(mailboxes, records, deep_budget, started)
    with tempfile.TemporaryDirectory(prefix="mailfleet-drift-") as scratch:
        # The refresh's provider lists every account once; it leaves that listing here for the report to reuse.
        shared = Path(scratch) / "listing.json"
        counter = Path(scratch) / "requests"
        opened.workspace.env_vars = {
            **opened.workspace.env_vars,
            LISTING_FILE_VARIABLE: str(shared),
            DEEP_READ_VARIABLE: deep_read_value(None if full else checked),
            REQUEST_COUNT_VARIABLE: str(counter),
        }
        steps = run_steps(opened, "preview_refresh", "refreshing (preview only)")
        live = read_listing(shared)
        workspaces = read_workspaces(shared)
        requests = read_request_count(counter)
    if live is None and not inventory_from_steps(steps.steps).has_smartlead_mailboxes:
        live = []  # an Instantly-only stack: nothing to list in Smartlead
    if live is None:
        with progress("listing Smartlead accounts…"), settings.client() as client:
            live = client.list_email_accounts()
            requests += client.request_count
    declared = _declared_in_specs(project_dir, settings.specs_dir)
    report = build_report(opened.name, steps.steps, live, declared, workspaces)
    if store is not None:
        store.record(base_url, deep_results(mailboxes, checked, report.changed), started)
        records = store.records(base_url)
    else:
        records = {i: CheckRecord(i, started, ()) for i in checked}
    coverage = coverage_after(
        mailboxes,
        records,
        checked,
        full=full,
        budget=None if full else deep_budget,
        run_mailboxes=run_plan.mailboxes if run_plan is not None else None,
    )
    report = dataclasses.replace(
        report, deep=coverage, not_checkable=not_checkable(mailboxes), requests=requests, generated_at=started
    )
    if json_path:
        Path(json_path).write_text(scrub(json.dumps(report.to_json(), indent=2)) + "\n")
    if markdown_path:
        Path(markdown_path).write_text(render_markdown(report))
    _print_report(report)
    return EXIT_DRIFT if report.has_drift else EXIT_CLEAN
