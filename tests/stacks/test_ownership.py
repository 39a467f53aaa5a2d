"""A tenant client belongs to exactly one stack. A second stack that names it (stacks.yaml regrouped, or run by hand
with ``pulumi up --stack``) is refused before anything is declared: no request writes to Smartlead, no resource
enters the second stack's state."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailfleet.emulator.testing import RunningEmulator
from tests.stacks.conftest import PER_TENANT, deployed_fleet

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_second_stack_claiming_a_client_is_refused_and_nothing_is_written(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    fleet = deployed_fleet(tmp_path, emulator, PER_TENANT)
    accounts = len(emulator.control.accounts(emulator.api_key))

    # Someone regroups acme into a new stack and runs it by hand, skipping the migration.
    fleet.write_stacks(PER_TENANT.replace("stacks: {}", "stacks: {team-b: [acme]}"))
    rogue = fleet.stack("team-b")
    rogue.configure_stack(emulator.base_url, emulator.api_key, {"mailfleet:rateLimit": "1000/1"})
    rogue.fill_missing_secrets(["acme-jane", "acme-john", "acme-max"])
    emulator.control.clear_requests()
    for command in (("preview",), ("up", "--yes", "--skip-preview")):
        result = rogue.run(*command, check=False)
        assert result.returncode != 0
        output = result.stdout + result.stderr
        assert "client ops@acme.example is managed by stack acme" in output, output[-2000:]
    writes = [e for e in emulator.control.requests(api_key=emulator.api_key).entries if e.method != "GET"]
    assert writes == []
    assert [r["type"] for r in fleet.export("team-b") if "mailfleet" in r["type"]] == []
    assert len(emulator.control.accounts(emulator.api_key)) == accounts

    # The fan-out refuses too, naming the stack that still holds acme.
    fanout = fleet.mailfleet("up", "--yes", check=False)
    assert fanout.returncode == 1 and "acme" in fanout.stderr and "mailfleet stacks migrate" in fanout.stderr

    # A stack stacks.yaml does not name at all declares nothing, so it can neither adopt nor delete.
    stray = fleet.stack("stray")
    stray.configure_stack(emulator.base_url, emulator.api_key)
    result = stray.run("preview", check=False)
    assert result.returncode != 0 and "manages no tenant" in result.stdout + result.stderr
