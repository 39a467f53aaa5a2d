"""``make demo``: the example tenants, applied by the real ``pulumi up`` to local emulators of both vendors.

Steps: start the Smartlead and the Instantly emulator on the ports chosen at set-up (state in
``.mailfleet/emulator.sqlite3`` and ``.mailfleet/instantly.sqlite3``; the workspaces the Instantly tenants name are
created under the emulator's admin workspace), create or select the stacks of ``stacks.yaml`` (one per tenant:
``acme``, ``globex``, ``initech``) on the file backend, set their config (each vendor's URL and key only on stacks
with a tenant of that vendor, a random secret for each password reference that has none yet), run ``mailfleet up``
over them, preview them again (which must be clean), then print what changed and what now exists in each vendor. A
checkout that still has the single stack ``local`` of earlier versions has it moved into the per-tenant stacks first
(``mailfleet stacks migrate``). The emulators are stopped at the end, also on failure. A second run changes nothing.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

from mailfleet.emulator.testing import running_emulator, running_instantly_emulator
from mailfleet.errors import MailfleetError
from mailfleet.instantly.client import InstantlyClient
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.spec.model import Tenant
from mailfleet.stacks.commands import client_emails, password_keys
from mailfleet.stacks.fanout import FanOut, run_fanout, summary_text
from mailfleet.stacks.migrate import apply_migration, plan_migration
from mailfleet.stacks.project import Project
from mailfleet.workspace import LocalState, find_project_root

SPECS = "specs/tenants"


def print_instantly(console: Console, base_url: str, api_key: str, tenants: Sequence[Tenant]) -> None:
    table = Table(title="Mailboxes in the Instantly emulator")
    for column in ("tenant", "email", "provider", "warmup", "daily limit"):
        table.add_column(column)
    for tenant in tenants:
        workspace = tenant.workspace.id if tenant.workspace is not None else None
        with InstantlyClient(base_url, api_key, workspace_id=workspace) as scoped:
            for account in sorted(scoped.list_accounts(), key=lambda a: a.email):
                warmup = "on" if account.warmup_enabled else str(account.warmup_status)
                table.add_row(tenant.name, account.email, str(account.provider_code), warmup, str(account.daily_limit))
    console.print(table)


def print_summary(console: Console, fan: FanOut, client: SmartleadClient) -> None:
    changes = fan.totals()
    written = {op: n for op, n in changes.items() if op != "same" and n}
    stacks = ", ".join(fan.stacks)
    if written:
        console.print(
            f"mailfleet up on {stacks} changed: " + ", ".join(f"{n} {op}" for op, n in sorted(written.items()))
        )
    else:
        console.print(f"mailfleet up on {stacks} made no changes: {changes.get('same', 0)} resources unchanged")
    clients = {record.id: record.name for record in client.list_clients()}
    table = Table(title="Mailboxes in the emulator")
    for column in ("client", "email", "account", "warmup", "max/day"):
        table.add_column(column)
    for account in sorted(client.list_email_accounts(), key=lambda a: (a.client_id or 0, a.from_email)):
        warmup = account.warmup.status if account.warmup is not None else "-"
        table.add_row(
            clients.get(account.client_id or 0, "-"),
            account.from_email,
            str(account.id),
            str(warmup),
            str(account.max_email_per_day),
        )
    console.print(table)


def migrate_strays(console: Console, project: Project) -> None:
    """A checkout from before stacks.yaml has the single stack ``local``: move it into the per-tenant stacks."""
    if not project.strays():
        return
    plan = plan_migration(project)
    console.print("moving the old single stack into one stack per tenant (no Smartlead request):")
    for line in plan.lines():
        console.print(f"  {line}")
    apply_migration(project, plan, password_keys(project), lambda _line: None, client_emails(project))


def instantly_workspaces(tenants: Sequence[Tenant]) -> list[str]:
    """The workspaces the Instantly tenants reach through the admin key (``workspace: {id: ...}``)."""
    return sorted({t.workspace.id for t in tenants if t.workspace is not None and t.workspace.id is not None})


def run() -> int:
    console = Console()
    state = LocalState(find_project_root())
    project = Project.load(state.root)
    tenants = project.tenants()
    instantly_tenants = [t for t in tenants if t.backend == "instantly"]
    with (
        running_emulator(state.emulator_db, api_keys=[state.api_key], port=state.emulator_port) as emulator,
        running_instantly_emulator(
            state.instantly_db, api_keys=[state.instantly_api_key], port=state.instantly_port
        ) as instantly,
    ):
        console.print(f"Smartlead emulator listening on {emulator.base_url}")
        console.print(f"Instantly emulator listening on {instantly.base_url}")
        for workspace_id in instantly_workspaces(instantly_tenants):
            instantly.control.add_workspace(id=workspace_id, parent=instantly.workspace_id)
        # Project.configure takes the Instantly settings from the environment, as `mailfleet stacks configure` does.
        os.environ.update(INSTANTLY_BASE_URL=instantly.base_url, INSTANTLY_API_KEY=state.instantly_api_key)
        migrate_strays(console, project)
        stacks = project.stacks()
        project.configure(
            stacks,
            base_url=emulator.base_url,
            api_key=state.api_key,
            tenants=tenants,
            fill_secrets=True,
            only_missing=False,
        )
        mapping = "; ".join(f"{stack}: {', '.join(project.tenants_of(stack))}" for stack in stacks)
        console.print(f"stacks (stacks.yaml): {mapping}")
        fan = run_fanout(project, "up", stacks, reason=f"all {len(stacks)} stacks", report=console.print)
        if not fan.ok:
            console.print(summary_text(fan))
            console.print("[red]mailfleet up failed[/red]")
            return 1
        with SmartleadClient(emulator.base_url, state.api_key) as client:
            print_summary(console, fan, client)
        print_instantly(console, instantly.base_url, state.instantly_api_key, instantly_tenants)
        check = run_fanout(project, "preview", stacks, reason="the preview after up", report=lambda _line: None)
        pending = {op: n for op, n in check.totals().items() if op != "same" and n}
        if not check.ok or pending:
            console.print(summary_text(check))
            console.print("[red]the preview after up is not clean[/red]")
            return 1
        console.print(f"preview after up on {', '.join(stacks)}: clean ({check.totals().get('same', 0)} unchanged)")
    console.print(
        "emulators stopped. Keep going: `make emulator` in one shell, `. .mailfleet/env` in another, then "
        "`pulumi preview --stack acme` or `mailfleet preview`."
    )
    return 0


def main() -> None:
    try:
        code = run()
    except MailfleetError as error:
        print(f"error: {error}", file=sys.stderr)
        code = 1
    sys.exit(code)


if __name__ == "__main__":
    main()
