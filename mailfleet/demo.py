"""``make demo``: the example tenants, applied by the real ``pulumi up`` to a local emulator.

Steps: start the emulator on the port chosen at set-up (state in ``.mailfleet/emulator.sqlite3``), create or select
the stacks of ``stacks.yaml`` (one per tenant: ``acme``, ``globex``) on the file backend, set their config (emulator
URL, API key, a random secret for each password reference of their tenants that has none yet), run ``mailfleet up``
over them, then print what changed and what now exists in "Smartlead". A checkout that still has the single stack
``local`` of earlier versions has it moved into the per-tenant stacks first (``mailfleet stacks migrate``).
The emulator is stopped at the end, also on failure. A second run changes nothing.
"""

from __future__ import annotations

import sys

from rich.console import Console
from rich.table import Table

from mailfleet.emulator.testing import running_emulator
from mailfleet.errors import MailfleetError
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.stacks.commands import client_emails, password_keys
from mailfleet.stacks.fanout import FanOut, run_fanout, summary_text
from mailfleet.stacks.migrate import apply_migration, plan_migration
from mailfleet.stacks.project import Project
from mailfleet.workspace import LocalState, find_project_root

SPECS = "specs/tenants"


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


def run() -> int:
    console = Console()
    state = LocalState(find_project_root())
    project = Project.load(state.root)
    with running_emulator(state.emulator_db, api_keys=[state.api_key], port=state.emulator_port) as emulator:
        console.print(f"emulator listening on {emulator.base_url}")
        migrate_strays(console, project)
        stacks = project.stacks()
        project.configure(
            stacks,
            base_url=emulator.base_url,
            api_key=state.api_key,
            tenants=project.tenants(),
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
    console.print(
        "emulator stopped. Keep going: `make emulator` in one shell, `. .mailfleet/env` in another, then "
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
