"""Adopting an existing fleet: ``mailfleet export`` writes tenant files, ``pulumi up`` adopts them unchanged."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from typing import Any

import pytest

from mailfleet.smartlead.models import EmailAccountWrite, WarmupSettings
from mailfleet.spec import load_tenants
from mailfleet.testing.e2e import Project

pytestmark = pytest.mark.e2e

READ_ONLY = {"GET"}


def unusual_settings(tenant: str, n: int) -> dict[str, Any]:
    """Non-default settings on some accounts, so that export must read each one back exactly."""
    if (tenant, n) == ("north", 1):
        return {
            "signature": "<b>Rep 1</b><br>North Ltd",
            "bcc": "audit@north.example",
            "different_reply_to_address": "replies@north.example",
            "time_to_wait_in_mins": 13,
            "custom_tracking_url": "track.north-mail.example",
        }
    if (tenant, n) == ("north", 2):
        # A different IMAP login and server than the others.
        return {"imap_user_name": "imap-rep2@north-mail.example", "imap_password": "imap-pw"}
    return {}


def prefill(project: Project) -> int:
    """Two clients with five accounts made through the API, some tagged, then 12 days of warmup."""
    with project.client() as client:
        clients = {
            "north": client.save_client("North Ltd", "ops@north.example"),
            "south": client.save_client("South GmbH", "it@south.example"),
        }
        tag = client.create_tag("outbound", "#16a34a")
        made = 0
        for tenant, count in (("north", 3), ("south", 2)):
            for n in range(count):
                email = f"rep{n}@{tenant}-mail.example"
                account = client.create_email_account(
                    EmailAccountWrite(
                        from_email=email,
                        from_name=f"Rep {n} {tenant.title()}",
                        user_name=email,
                        password=f"pw-{tenant}-{n}",
                        smtp_host=f"smtp.{tenant}-mail.example",
                        smtp_port=465 if n < 2 else 587,
                        smtp_port_type="SSL" if n < 2 else "TLS",
                        imap_host=f"imap.{tenant}-mail.example",
                        imap_port=143 if (tenant, n) == ("north", 2) else 993,
                        imap_port_type="SSL",
                        max_email_per_day=25,
                        client_id=clients[tenant],
                        warmup=WarmupSettings(True, 20, 2, 30),
                        **unusual_settings(tenant, n),
                    )
                )
                if (tenant, n) == ("north", 1):
                    # Warmup set the way Smartlead's UI does it: 10 a day, rampup 5, reply rate 45.
                    client.set_warmup(account.id, WarmupSettings(True, 10, 5, 45))
                if n == 0:
                    client.map_tags([account.id], [tag.id])
                made += 1
    project.emulator.control.advance_days(12)
    return made


def test_export_then_up_adopts_every_account_with_no_write(project: Project) -> None:
    made = prefill(project)
    shutil.rmtree(project.specs)
    env = {
        **os.environ,
        "SMARTLEAD_BASE_URL": project.emulator.base_url,
        "SMARTLEAD_API_KEY": project.emulator.api_key,
        "MAILFLEET_TODAY": project.emulator.control.today(),
    }

    exported = subprocess.run(
        [sys.executable, "-m", "mailfleet.cli", "export", "--all", "--out", str(project.specs)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert exported.returncode == 0, exported.stderr
    assert project.emulator.api_key not in exported.stdout + exported.stderr
    validated = subprocess.run(
        [sys.executable, "-m", "mailfleet.cli", "validate", str(project.specs)], capture_output=True, text=True
    )
    assert validated.returncode == 0, validated.stdout
    tenants = load_tenants(project.specs)
    assert sum(len(t.mailboxes) for t in tenants) == made

    project.configure()
    project.emulator.control.clear_requests()
    changes = project.up(env={"MAILFLEET_TODAY": env["MAILFLEET_TODAY"]})

    writes = [e.endpoint for e in project.emulator.control.requests().entries if e.method not in READ_ONLY]
    assert writes == []
    assert changes.get("create", 0) > 0  # adopted into the stack...
    assert len(project.emulator.control.accounts(project.emulator.api_key)) == made  # ...with no new account
    assert set(project.preview(env={"MAILFLEET_TODAY": env["MAILFLEET_TODAY"]})["changeSummary"]) == {"same"}
    # Every exported value is the live one: a drift that reads every account by id finds nothing.
    drift = subprocess.run(
        [sys.executable, "-m", "mailfleet.cli", "drift", "--full", "--stack", project.pulumi.stack],
        cwd=project.directory,
        env={**project.pulumi.env(), "MAILFLEET_TODAY": env["MAILFLEET_TODAY"]},
        capture_output=True,
        text=True,
        check=False,
    )
    assert drift.returncode == 0, drift.stdout + drift.stderr
    assert "No drift detected" in drift.stdout
    exported_text = "".join(path.read_text() for path in project.specs.glob("*.yaml"))
    assert "per_day: 10" in exported_text and "reply_rate: 45" in exported_text
    assert "time_to_wait_in_mins: 13" in exported_text and "track.north-mail.example" in exported_text
    assert "username: imap-rep2@north-mail.example" in exported_text
    assert "# warmup.rampup: Smartlead does not return this value" in exported_text
    assert "requests to Smartlead" in exported.stdout
