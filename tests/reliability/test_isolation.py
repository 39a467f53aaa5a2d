"""Tenant isolation: a spec never adopts, changes or deletes an account under another tenant's client."""

from __future__ import annotations

import pytest

from mailfleet.emulator.testing import RunningEmulator
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.testing.fleets import TRACEBACK_MARKERS, Figures, emails_for, fresh_fleet

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_a_mailbox_that_lives_under_another_client_is_refused_and_left_untouched(
    module_emulator: RunningEmulator, figures: Figures, tmp_path_factory: pytest.TempPathFactory
) -> None:
    emu = module_emulator
    emu.control.reset()
    with SmartleadClient(emu.base_url, emu.api_key) as client:
        victim_client = client.save_client("Victim Inc", "ops@victim.example")
    stolen = "m001@intruder-mail.example"
    victim = emu.control.create_account(api_key=emu.api_key, from_email=stolen, client_id=victim_client)
    fleet = fresh_fleet(tmp_path_factory.mktemp("isolation"), emu, figures, {"intruder": emails_for("intruder", 3)})
    emu.control.clear_requests()

    # With the preview `pulumi up` runs first, the foreign mailbox stops the update before anything is applied.
    previewed = fleet.run("up", "--yes", "--continue-on-error")

    assert not previewed.ok
    assert any(
        stolen in line and "never adopts another tenant's mailbox" in line for line in previewed.output.splitlines()
    ), previewed.output
    assert [e.endpoint for e in emu.control.requests().entries if e.method != "GET"] == []
    assert [a["id"] for a in fleet.live()] == [victim["id"]]

    # With --skip-preview the same refusal comes at create, for that mailbox only: the last line of defence.
    run = fleet.up("--continue-on-error")

    assert not run.ok
    for marker in TRACEBACK_MARKERS:
        assert marker not in run.output
    lines = [line for line in run.output.splitlines() if "never adopts another tenant's mailbox" in line]
    assert lines and all(stolen in line and f"under client {victim_client}" in line for line in lines), run.output
    after = {a["id"]: a for a in fleet.live()}
    assert after[victim["id"]] == victim  # not a field changed
    touched = [e for e in emu.control.requests().entries if e.method != "GET" and str(victim["id"]) in e.path]
    assert touched == []
    # Without the preview, what the engine had already started may be applied (documented in docs/reliability.md);
    # nothing else of the tenant, and never the foreign account.
    assert {a["from_email"] for a in after.values() if a["client_id"] != victim_client} <= {
        "m000@intruder-mail.example",
        "m002@intruder-mail.example",
    }
    figures.add("isolation_attempts_refused")
    fleet.assert_no_secrets()
