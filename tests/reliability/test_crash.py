"""``pulumi up`` killed with SIGKILL at several points; the README's recovery converges with nothing duplicated
or lost. Two ``up`` on one stack at once: the backend's lock refuses the second with a clear message.

The kill points are counted in the emulator's request log (creates, updates, deletes seen), polled with a
deadline; a little latency on each write keeps the run long enough for the kill to land mid-run. After every kill,
the run's language host and dynamic provider (in process groups of their own, so a group kill misses them) must end
by themselves: no process of a killed run is left behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailfleet.emulator.testing import RunningEmulator
from mailfleet.testing import processes
from mailfleet.testing.fleets import Figures, Fleet, emails_for, fresh_fleet

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

TENANTS = {"north": emails_for("north", 9), "south": emails_for("south", 8), "west": emails_for("west", 7)}
CREATE = "POST /email-accounts/save"
UPDATE = "POST /email-accounts/{id}"
DELETE = "DELETE /email-accounts/{id}"
LOCKED = "the stack is currently locked"
# Generous: the plugins notice within mailfleet.lifeline.DEFAULT_INTERVAL; before, they ran for ever.
PLUGIN_EXIT_DEADLINE = 15.0


@pytest.fixture(scope="module")
def fleet(module_emulator: RunningEmulator, figures: Figures, tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    return fresh_fleet(tmp_path_factory.mktemp("crash"), module_emulator, figures, TENANTS)


@pytest.fixture(autouse=True)
def slow_writes(fleet: Fleet) -> Iterator[None]:
    """Each write takes 250 ms, so a 24-mailbox run lasts seconds and a kill lands between writes."""
    control = fleet.emulator.control
    control.clear_faults()
    control.add_fault(path_regex=r"^/api/v1/email-accounts/(save|\d+)/?$", method="POST", latency_ms=250)
    control.add_fault(path_regex=r"^/api/v1/email-accounts/\d+/?$", method="DELETE", latency_ms=250)
    yield
    control.clear_faults()


def writes(fleet: Fleet, endpoint: str) -> int:
    return fleet.emulator.control.requests(endpoint=endpoint).count(endpoint)


def wait_for(fleet: Fleet, endpoint: str, at_least: int, process: subprocess.Popen[bytes], deadline: float) -> int:
    """Poll the request log until ``endpoint`` was seen ``at_least`` times; fail if the run ends first."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        seen = writes(fleet, endpoint)
        if seen >= at_least:
            return seen
        assert process.poll() is None, f"pulumi up ended (exit {process.returncode}) before {at_least} x {endpoint}"
        time.sleep(0.02)
    raise AssertionError(f"no {at_least} x {endpoint} within {deadline}s")


def run_plugins(run: str) -> list[processes.Process]:
    """The language host and dynamic-provider processes of the ``pulumi`` run marked ``run``."""
    return processes.plugins(processes.marked(processes.RUN_MARKER, run))


def kill_after(fleet: Fleet, endpoint: str, count: int, log: Path, *, whole_group: bool = True) -> None:
    """Start ``pulumi up``, SIGKILL it once ``count`` more requests to ``endpoint`` arrived; then no process of that
    run may remain."""
    before = writes(fleet, endpoint)
    run = processes.new_marker()
    process = fleet.popen_up(log=log, new_session=True, env={processes.RUN_MARKER: run})
    try:
        wait_for(fleet, endpoint, before + count, process, deadline=120)
        running = run_plugins(run)
        # The whole process group, as a CI runner's cancel or an OOM kill does; or the CLI alone. Pulumi starts its
        # plugins in process groups of their own, so neither kill reaches them.
        if whole_group:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        left = processes.wait_until_gone(lambda: run_plugins(run), PLUGIN_EXIT_DEADLINE)
        processes.kill(left)
    assert process.returncode == -signal.SIGKILL
    # The kill landed while both plugins ran (the provider was writing), and both ended without the engine.
    assert {p.plugin for p in running} == {"mailfleet.dynamic", "mailfleet.langhost"}, running
    assert left == [], f"still running {PLUGIN_EXIT_DEADLINE}s after the kill: {list(map(str, left))}"
    fleet.keep_output(log.read_text(errors="replace"))
    fleet.figures.add("sigkills")
    fleet.figures.add("kill_points_" + endpoint.split()[0].lower())
    fleet.figures.add("plugins_running_at_kill", len(running))
    fleet.figures.add("plugins_left_after_kill", len(left))


def assert_settled(fleet: Fleet) -> None:
    """One more ``up`` writes nothing: state and Smartlead agree."""
    fleet.emulator.control.clear_requests()
    again = fleet.up()
    assert again.ok, again.output
    assert [e.endpoint for e in fleet.emulator.control.requests().entries if e.method != "GET"] == []


def backend(fleet: Fleet) -> Path:
    return fleet.project.directory.parent / "backend"


def repair_checkpoint(fleet: Fleet) -> None:
    """README step 1: a kill while the file backend writes a checkpoint's metadata sidecar leaves it empty, and
    every command then fails with ``failed to load checkpoint: EOF``; delete the empty sidecars."""
    probe = fleet.run("stack", "export")
    if probe.ok:
        return
    assert "failed to load checkpoint" in probe.output, probe.output
    for sidecar in (backend(fleet) / ".pulumi").rglob("*.attrs"):
        if sidecar.stat().st_size == 0:
            sidecar.unlink()
    fleet.figures.add("checkpoint_sidecars_repaired")
    assert fleet.run("stack", "export").ok


def unlock(fleet: Fleet) -> None:
    """README step 2: ``pulumi cancel`` when the stack is locked."""
    if lock_files(fleet):
        assert fleet.run("cancel", "--yes").ok
        fleet.figures.add("locks_cancelled")


def recover(fleet: Fleet) -> None:
    """The README's recovery, step by step: repair, unlock, forget creates that never reported back, ``up``."""
    repair_checkpoint(fleet)
    unlock(fleet)
    refresh = fleet.run("refresh", "--clear-pending-creates", "--yes", "--skip-preview")
    assert refresh.ok, refresh.output
    final = fleet.up()
    assert final.ok, final.output
    fleet.figures.add("recoveries")


def lock_files(fleet: Fleet) -> list[Path]:
    locks = backend(fleet) / ".pulumi" / "locks"
    return sorted(locks.rglob("*.json")) if locks.exists() else []


def test_sigkill_during_creates_then_the_documented_recovery_converges(fleet: Fleet, tmp_path: Path) -> None:
    # Early in the creates, with the whole process group; then later, the CLI alone (a create its provider had sent
    # may still land, and nobody records it). Each time accounts exist in Smartlead that the state does not know.
    kill_after(fleet, CREATE, 3, tmp_path / "kill-1.log")
    repair_checkpoint(fleet)
    refused = fleet.up()
    assert not refused.ok and LOCKED in refused.output and "pulumi cancel" in refused.output, refused.output
    unlock(fleet)
    kill_after(fleet, CREATE, 8, tmp_path / "kill-2.log", whole_group=False)

    recover(fleet)

    fleet.audit()
    assert_settled(fleet)


def test_sigkill_during_updates_and_deletes_then_recovery_converges(fleet: Fleet, tmp_path: Path) -> None:
    # Rename every remaining mailbox and remove six (on_remove: delete): die after some updates, then after
    # some deletes.
    fleet.declare({tenant: emails[2:] for tenant, emails in TENANTS.items()})
    for tenant, emails in fleet.declared.items():
        fleet.project.edit_spec(tenant, "Sender", "Renamed", count=len(emails))
    kill_after(fleet, UPDATE, 5, tmp_path / "kill-updates.log")
    repair_checkpoint(fleet)
    unlock(fleet)
    kill_after(fleet, DELETE, 2, tmp_path / "kill-deletes.log")

    recover(fleet)

    fleet.audit()
    assert_settled(fleet)
    assert {str(a["from_name"]).rsplit(" ", 1)[1] for a in fleet.live()} == {"Renamed"}


def test_a_second_up_on_the_same_stack_is_refused_by_the_lock(fleet: Fleet, tmp_path: Path) -> None:
    fleet.declare({**fleet.declared, "east": emails_for("east", 6)})
    # Slow account reads and creates keep the first run inside its lock for many seconds.
    fleet.emulator.control.add_fault(path_regex=r"/email-accounts", latency_ms=4000)
    first = fleet.popen_up(log=tmp_path / "first.log", new_session=True)
    try:
        deadline = time.monotonic() + 120
        while not lock_files(fleet):
            assert first.poll() is None, "the first up ended before taking the lock"
            assert time.monotonic() < deadline, "the first up never took the lock"
            time.sleep(0.02)
        second = fleet.up()
        still_running = first.poll() is None
        first.wait(timeout=300)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
            first.wait(timeout=30)
    fleet.keep_output((tmp_path / "first.log").read_text(errors="replace"))

    assert still_running, "the first up ended before the second was refused: the test proved nothing"
    assert not second.ok
    assert LOCKED in second.output and "pulumi cancel" in second.output, second.output
    assert "Traceback" not in second.output
    fleet.figures.add("concurrent_up_refused")
    assert first.returncode == 0, (tmp_path / "first.log").read_text()
    assert lock_files(fleet) == []
    fleet.audit()
    fleet.assert_no_secrets()
