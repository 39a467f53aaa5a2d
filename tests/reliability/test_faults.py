"""The fault matrix: the real ``pulumi up`` against the emulator's fault injection, then a clean ``up`` converges.

Each scenario starts from an empty emulator and a new stack with 12 mailboxes in two tenants, injects its faults,
runs ``up`` (which must complete, or fail naming each failed mailbox and why, with no traceback), clears the faults,
fixes what the user must fix, runs ``up`` again, and audits the emulator: exactly the declared accounts, each once,
under its tenant's client. No secret may appear anywhere (see ``Fleet.assert_no_secrets``).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mailfleet.emulator.testing import RunningEmulator
from mailfleet.testing.fleets import (
    TRACEBACK_MARKERS,
    Figures,
    Fleet,
    assert_clean_failure,
    emails_for,
    fresh_fleet,
    password_ref,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

SAVE = "/api/v1/email-accounts/save"
LISTING = r"/api/v1/email-accounts/$"
BY_ID = r"/api/v1/email-accounts/\d+/?$"
CLIENTS = r"/api/v1/client/"
CLOUDFLARE_524 = (
    "<!DOCTYPE html><html><head><title>server.smartlead.ai | 524: A timeout occurred</title></head>"
    "<body><h1>A timeout occurred</h1><p>Error code 524</p><p>Cloudflare Ray ID: 8f0e1d2c3b4a5968</p></body></html>"
)
NGINX_502 = (
    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>"
)

Inject = Callable[[RunningEmulator], None]


def rate_limit_bursts(emu: RunningEmulator) -> None:
    # The emulator's own limiter: real 429s with Retry-After, while the client believes it may send 1000/s.
    emu.control.set_switch("rate_limit", "4/1")


def server_errors(emu: RunningEmulator) -> None:
    emu.control.add_fault(path=SAVE, status=500, count=2)
    emu.control.add_fault(path=SAVE, status=500, after_commit=True, count=2)
    emu.control.add_fault(path_regex=LISTING, method="GET", status=500, count=2)


def bad_gateway(emu: RunningEmulator) -> None:
    emu.control.add_fault(path=SAVE, status=502, body=NGINX_502, after_commit=True, count=3)
    emu.control.add_fault(path_regex=CLIENTS, status=502, count=1)


def cloudflare_timeout(emu: RunningEmulator) -> None:
    emu.control.add_fault(path=SAVE, status=524, body=CLOUDFLARE_524, after_commit=True, count=2)
    emu.control.add_fault(path_regex=LISTING, method="GET", status=524, body=CLOUDFLARE_524, count=2)


def latency(emu: RunningEmulator) -> None:
    # Several seconds, well under the client's read timeout (110 s, Cloudflare's limit): slow, not failed.
    emu.control.add_fault(path=SAVE, latency_ms=3000, count=3)
    emu.control.add_fault(path_regex=LISTING, method="GET", latency_ms=2000, count=2)


def dropped_connections(emu: RunningEmulator) -> None:
    emu.control.add_fault(path=SAVE, drop_connection=True, count=2)
    # The worst case: the account is stored, then the connection drops before the answer.
    emu.control.add_fault(path=SAVE, drop_connection=True, after_commit=True, count=2)
    emu.control.add_fault(path_regex=LISTING, method="GET", drop_connection=True, count=2)


SCENARIOS: dict[str, Inject] = {
    "429 bursts with Retry-After": rate_limit_bursts,
    "500 before and after commit": server_errors,
    "502 HTML page after commit": bad_gateway,
    "524 Cloudflare page": cloudflare_timeout,
    "latency 2-3 s": latency,
    "dropped connections before and after commit": dropped_connections,
}


@pytest.fixture(scope="module")
def fleet(module_emulator: RunningEmulator, figures: Figures, tmp_path_factory: pytest.TempPathFactory) -> Fleet:
    return fresh_fleet(tmp_path_factory.mktemp("faults"), module_emulator, figures, generation(0))


def generation(index: int) -> dict[str, list[str]]:
    """The fleet of scenario ``index``: two new tenants (the previous scenario's are removed, ``on_remove: delete``,
    so every scenario also deletes seven mailboxes under its faults)."""
    return {f"g{index}-alpha": emails_for(f"g{index}-alpha", 4), f"g{index}-beta": emails_for(f"g{index}-beta", 3)}


@pytest.fixture(autouse=True)
def healthy_emulator(fleet: Fleet) -> None:
    fleet.emulator.control.clear_faults()
    fleet.emulator.control.set_switch("rate_limit", "1000/1")


def fired(emu: RunningEmulator) -> int:
    return sum(int(rule["fired"]) for rule in emu.control.faults())


def assert_no_traceback(output: str) -> None:
    for marker in TRACEBACK_MARKERS:
        assert marker not in output, f"{marker!r} in:\n{output}"


def converge(fleet: Fleet) -> None:
    """Faults gone (and the user's fix made): ``up`` succeeds and the emulator holds exactly the declared fleet."""
    fleet.emulator.control.clear_faults()
    fleet.emulator.control.set_switch("rate_limit", "1000/1")
    again = fleet.up()
    assert again.ok, again.output
    fleet.audit()


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_transient_faults_complete_and_leave_exactly_the_declared_accounts(
    fleet: Fleet, figures: Figures, name: str
) -> None:
    emu = fleet.emulator
    fleet.declare(generation(list(SCENARIOS).index(name)))
    SCENARIOS[name](emu)

    run = fleet.up()

    figures.faults.append(name)
    figures.add("faults_injected", fired(emu))
    figures.add("fault_scenarios")
    assert_no_traceback(run.output)
    assert run.ok, run.output
    fleet.audit()


def test_verification_failures_name_each_mailbox_then_fixed_passwords_converge(fleet: Fleet, figures: Figures) -> None:
    tenants = generation(len(SCENARIOS))
    fleet.declare(tenants)
    alpha, beta = tenants.values()
    bad = [alpha[1], alpha[3], beta[2]]
    fleet.set_passwords({password_ref(email): f"bad-{index}-wrong-password" for index, email in enumerate(bad)})

    # --continue-on-error: the engine tries every mailbox instead of stopping at the first failure.
    run = fleet.up("--continue-on-error")

    figures.faults.append("406 ACCOUNT_VERIFICATION_FAILED")
    figures.add("fault_scenarios")
    figures.add("faults_injected", len(bad))
    assert_clean_failure(run, {email: "SMTP/IMAP verification failed" for email in bad})
    failed_lines = [line for line in run.output.splitlines() if "**creating failed**" in line]
    errored = {line.split("Mailbox ", 1)[1].split()[0] for line in failed_lines}
    assert errored == set(bad)
    live = {str(a["from_email"]) for a in fleet.live()}
    assert live == {e for emails in tenants.values() for e in emails} - set(bad)

    fleet.set_passwords({password_ref(email): f"fixed-password-{index}" for index, email in enumerate(bad)})
    converge(fleet)


def test_a_persistent_failure_on_the_tenant_client_applies_nothing_of_that_tenant(
    fleet: Fleet, figures: Figures
) -> None:
    # Smartlead answering its client listing with an HTML page until further notice: the new tenants' clients
    # fail with one message saying what answered what, and none of their mailboxes is created.
    before = {str(a["from_email"]) for a in fleet.live()}
    fleet.declare({**fleet.declared, **generation(len(SCENARIOS) + 1)})
    fleet.emulator.control.add_fault(path_regex=CLIENTS, method="GET", status=200, body=NGINX_502)

    run = fleet.up("--continue-on-error")

    figures.faults.append("200 with an HTML page (client listing)")
    figures.add("fault_scenarios")
    figures.add("faults_injected", fired(fleet.emulator))
    new = generation(len(SCENARIOS) + 1)
    assert_clean_failure(run, {f"{tenant}-client": "an HTML page where JSON was expected" for tenant in new})
    assert {str(a["from_email"]) for a in fleet.live()} == before
    converge(fleet)


def test_no_secret_reached_any_output_state_or_file(fleet: Fleet) -> None:
    fleet.assert_no_secrets()
