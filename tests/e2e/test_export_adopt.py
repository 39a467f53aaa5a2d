"""Adopting an existing fleet: ``mailfleet export`` writes tenant files, ``pulumi up`` adopts them unchanged."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from mailfleet.smartlead.models import EmailAccountWrite, WarmupSettings
from mailfleet.spec import load_tenants
from mailfleet.testing.e2e import Project

pytestmark = pytest.mark.e2e

READ_ONLY = {"GET"}


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
                        imap_port=993,
                        imap_port_type="SSL",
                        max_email_per_day=25,
                        client_id=clients[tenant],
                        warmup=WarmupSettings(True, 20, 2, 30),
                    )
                )
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
