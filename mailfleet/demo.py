"""``make demo``: the example tenants, applied by the real ``pulumi up`` to a local emulator.

Steps: start the emulator on the port chosen at set-up (state in ``.mailfleet/emulator.sqlite3``), select or create
stack ``local`` on the file backend, set its config (emulator URL, API key, a random secret for each password
reference that has none yet), run ``pulumi up --yes``, then print what changed and what now exists in "Smartlead".
The emulator is stopped at the end, also on failure. A second run changes nothing.
"""

from __future__ import annotations

import json
import sys

from rich.console import Console
from rich.table import Table

from mailfleet.emulator.testing import running_emulator
from mailfleet.errors import MailfleetError
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.workspace import LocalState, PulumiCLI, find_project_root

SPECS = "specs/tenants"


def last_update_changes(pulumi: PulumiCLI) -> dict[str, int]:
    history = json.loads(pulumi.run("stack", "history", "--json", "--show-secrets=false").stdout or "[]")
    return dict(history[0].get("resourceChanges", {})) if history else {}


def print_summary(console: Console, changes: dict[str, int], client: SmartleadClient) -> None:
    written = {op: n for op, n in changes.items() if op != "same" and n}
    if written:
        console.print("pulumi up changed: " + ", ".join(f"{n} {op}" for op, n in sorted(written.items())))
    else:
        console.print(f"pulumi up made no changes: {changes.get('same', 0)} resources unchanged")
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


def run() -> int:
    console = Console()
    state = LocalState(find_project_root())
    pulumi = state.pulumi()
    with running_emulator(state.emulator_db, api_keys=[state.api_key], port=state.emulator_port) as emulator:
        console.print(f"emulator listening on {emulator.base_url}")
        created = pulumi.configure_stack(emulator.base_url, state.api_key, specs=state.root / SPECS)
        if created:
            console.print(f"generated {len(created)} local-only mailbox passwords as stack secrets")
        result = pulumi.run("up", "--yes", "--skip-preview", capture=False, check=False)
        if result.returncode != 0:
            console.print(f"[red]pulumi up failed (exit {result.returncode})[/red]")
            return result.returncode
        with SmartleadClient(emulator.base_url, state.api_key) as client:
            print_summary(console, last_update_changes(pulumi), client)
    console.print("emulator stopped. Keep going: `make emulator` in one shell, `. .mailfleet/env` in another.")
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
