"""``mailfleet stacks migrate``: the demo's single ``local`` stack moved into one stack per tenant with
``pulumi state move``: no request reaches Smartlead, every resource keeps its id and creation time, and each new
stack previews clean (tags split: each stack holds only its own members)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mailfleet.emulator.testing import RunningEmulator
from tests.stacks.conftest import PER_TENANT, SINGLE_LOCAL, deployed_fleet

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

KEPT = ("urn", "id", "created")


def identity(resources: list[dict[str, Any]], stack: str) -> dict[str, tuple[str | None, str | None]]:
    """(id, created) by URN with the stack part dropped, for the resources mailfleet declares."""
    prefix = f"urn:pulumi:{stack}::"
    return {
        r["urn"][len(prefix) :]: (r.get("id"), r.get("created"))
        for r in resources
        if "mailfleet:" in r["type"] and r["type"] != "mailfleet:index:Tenant"
    }


def test_single_local_stack_moves_into_per_tenant_stacks_without_a_request(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    fleet = deployed_fleet(tmp_path, emulator, SINGLE_LOCAL)
    before = identity(fleet.export("local"), "local")
    tags_before = {u: r for u, r in ((r["urn"], r) for r in fleet.export("local")) if "Tag" in u}
    assert tags_before, "the example tenants carry tags"

    fleet.write_stacks(PER_TENANT)
    emulator.control.clear_requests()
    dry = fleet.mailfleet("stacks", "migrate", "--dry-run")
    assert "move" in dry.stdout and "dry run: nothing changed" in dry.stdout
    assert set(fleet.stacks()) == {"local"}
    refused = fleet.mailfleet("stacks", "migrate", check=False)  # no terminal, no --yes: asks, so refuses
    assert refused.returncode == 1 and "--yes" in refused.stderr
    fleet.mailfleet("stacks", "migrate", "--yes")

    assert emulator.control.requests(api_key=emulator.api_key).entries == []
    assert set(fleet.stacks()) == {"acme", "globex"}
    after: dict[str, tuple[str | None, str | None]] = {}
    for stack in ("acme", "globex"):
        after.update(identity(fleet.export(stack), stack))
    mailboxes_and_clients = {k: v for k, v in before.items() if "Tag::" not in k}
    assert {k: after[k] for k in mailboxes_and_clients} == mailboxes_and_clients
    # The tag acme's mailboxes carry keeps its id and creation time in acme's stack.
    for urn, (tag_id, created) in ((k, v) for k, v in before.items() if "Tag::" in k):
        assert after.get(urn) == (tag_id, created) or urn not in after

    for stack in ("acme", "globex"):
        preview = fleet.stack(stack).run("preview", "--expect-no-changes", check=False)
        assert preview.returncode == 0, preview.stdout[-2000:] + preview.stderr[-2000:]
    combined = fleet.mailfleet("preview")
    assert "| **all 2** | 0 | 0 | 0 | 0 |" in combined.stdout
    assert emulator.control.requests(api_key=emulator.api_key).entries == []
    assert "nothing to move" in fleet.mailfleet("stacks", "migrate", "--yes").stdout
