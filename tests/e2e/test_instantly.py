"""A mixed fleet end to end: the example specs (Smartlead tenants acme and globex, Instantly tenant initech) on one
stack, the real ``pulumi`` CLI, both emulators as real processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from mailfleet.instantly import fields as instantly_fields
from mailfleet.spec import load_tenants
from mailfleet.testing.e2e import Project, changed_steps
from tests.e2e.conftest import WARMUP_JOB_SECONDS
from tests.e2e.test_drift import drift, mailfleet
from tests.e2e.test_health import mailfleet_health

pytestmark = pytest.mark.e2e

INITECH_WORKSPACE = "5b0c7d2e-3f41-4a8b-9c6d-2e7f8a9b0c1d"
INITECH = ("michael@initech-mail.example", "peter@initech-mail.example", "samir@initech-mail.example")
MICHAEL, PETER, SAMIR = INITECH
ROGUE = "rogue@initech-mail.example"


def test_up_creates_both_vendors_fleets_polls_warmup_jobs_and_the_next_preview_is_clean_and_free(
    mixed: Project,
) -> None:
    assert mixed.instantly is not None
    started = time.monotonic()
    changes = mixed.up()
    took = time.monotonic() - started

    assert changes.get("create", 0) >= 12 + len(INITECH), changes
    live = {a["email"]: a for a in mixed.instantly.control.accounts(workspace_id=INITECH_WORKSPACE)}
    assert sorted(live) == list(INITECH)
    # Warmup is on only once each enable job succeeded: up polled the jobs to completion.
    assert {email: a["warmup_status"] for email, a in live.items()} == dict.fromkeys(INITECH, 1)
    polls = mixed.instantly.control.requests(endpoint="GET /background-jobs/{id}")
    assert len(polls.entries) >= len(INITECH)
    assert took >= WARMUP_JOB_SECONDS
    michael = live["michael@initech-mail.example"]
    assert (michael["first_name"], michael["last_name"], michael["reply_to"]) == (
        "Michael",
        "Bolton",
        "replies@initech.example",
    )
    assert michael["provider_code"] == 1
    smartlead = {a["from_email"] for a in mixed.emulator.control.accounts(mixed.emulator.api_key)}
    assert {"jane@acme-mail.example", "hank@globex-mail.example"} <= smartlead

    mixed.instantly.control.clear_requests()
    mixed.emulator.control.clear_requests()
    started = time.monotonic()
    digest = mixed.preview()

    assert changed_steps(digest) == {}
    assert mixed.instantly.control.requests().entries == []
    assert mixed.emulator.control.requests().entries == []
    assert time.monotonic() - started < 60

    # Warmup off: the preview names the change and starts no job (no request at all); up runs the jobs to the end.
    mixed.edit_spec("initech", "warmup: {enabled: true", "warmup: {enabled: false")
    digest = mixed.preview("--diff")
    assert sorted(changed_steps(digest)) == sorted(INITECH)
    assert mixed.instantly.control.requests().entries == []
    comment_file = mixed.directory.parent / "comment.md"
    commented = mailfleet(mixed, "preview-comment", "--out", str(comment_file))
    assert commented.code == 0, commented.output
    comment = comment_file.read_text()
    assert "**3 to update** in 1 tenant: initech." in comment
    assert f"`{MICHAEL}`" in comment and "`warmup_enabled`: true -> false" in comment
    assert mixed.instantly.api_key not in comment
    mixed.up()
    disables = mixed.instantly.control.requests(endpoint="POST /accounts/warmup/disable")
    assert len(disables.entries) == len(INITECH)
    after = mixed.instantly.control.accounts(workspace_id=INITECH_WORKSPACE)
    assert {a["warmup_status"] for a in after} == {0}


def test_an_edit_through_the_instantly_api_is_drift_named_field_by_field_and_up_restores_it(
    mixed: Project, tmp_path: Path
) -> None:
    mixed.up()
    with mixed.instantly_client(INITECH_WORKSPACE) as api:
        api.patch_account(MICHAEL, {"reply_to": "hijack@elsewhere.example", "daily_limit": 99})
    assert mixed.instantly is not None
    mixed.instantly.control.create_account(ROGUE, workspace_id=INITECH_WORKSPACE)  # added in Instantly's UI
    mixed.instantly.control.clear_requests()

    run, markdown, report = drift(mixed, tmp_path)

    assert run.code == 2, run.output
    (initech,) = [t for t in report["tenants"] if t["tenant"] == "initech"]
    (change,) = initech["changed"]
    assert (change["kind"], change["name"]) == ("Mailbox", MICHAEL)
    fields = {f["path"]: (f["declared"], f["live"]) for f in change["fields"]}
    assert fields == {
        "reply_to": ("replies@initech.example", "hijack@elsewhere.example"),
        "max_email_per_day": (10, 99),
    }
    assert 'reply_to: "replies@initech.example" -> "hijack@elsewhere.example"' in run.stdout
    assert "max_email_per_day" in markdown and "hijack@elsewhere.example" in markdown
    assert initech["unmanaged"] == [
        {"email": ROGUE, "account_id": None, "client_id": None, "workspace": f"{INITECH_WORKSPACE}||"}
    ]
    assert [t["tenant"] for t in report["tenants"]] == ["initech"]  # the Smartlead tenants did not drift
    # The refresh read the workspace (mailboxes and tags) from one listing: a page and the empty page that ends it,
    # not one request per mailbox or tag.
    reads = mixed.instantly.control.requests().counts
    assert reads == {"GET /accounts": 2}, reads

    changes = mixed.up("--refresh")

    assert changes.get("update") == 1, changes
    with mixed.instantly_client(INITECH_WORKSPACE) as api:
        live = api.get_account(MICHAEL)
    assert (live.reply_to, live.daily_limit) == ("replies@initech.example", 10)
    again, _, after = drift(mixed, tmp_path)
    assert again.code == 2, again.output  # the unmanaged account is still there: drift until someone decides
    assert after["summary"]["changed_resources"] == 0 and after["summary"]["unmanaged_accounts"] == 1


HOOLI_WORKSPACE = "7a1e2b3c-4d5e-4f60-8a7b-9c0d1e2f3a4b"


def prefill_hooli(project: Project) -> list[str]:
    """Three accounts made through the Instantly API in a workspace of their own: one tagged, one with a different
    warmup and reply-to, one with warmup off."""
    assert project.instantly is not None
    project.instantly.control.add_workspace(id=HOOLI_WORKSPACE, parent=project.instantly.workspace_id)
    emails = [f"rep{n}@hooli-mail.example" for n in range(3)]
    with project.instantly_client(HOOLI_WORKSPACE) as api:
        tag = api.create_tag("outbound")
        for n, email in enumerate(emails):
            values: dict[str, object] = {
                "username": email,
                "password": f"pw-{n}",
                "smtp_host": "smtp.hooli-mail.example",
                "smtp_port": 587,
                "imap_host": "imap.hooli-mail.example",
                "imap_port": 993,
                "from_name": f"Rep {n} Hooli",
                "max_email_per_day": 25,
                "warmup_per_day": 12 if n == 1 else 20,
                "warmup_rampup": 3 if n == 1 else 2,
                "warmup_reply_rate": 45 if n == 1 else 30,
                **({"reply_to": "replies@hooli.example", "time_to_wait_in_mins": 13} if n == 1 else {}),
            }
            api.create_account({"email": email, **instantly_fields.create_body(values)})
        api.wait_for_jobs(api.enable_warmup(emails[:2]), deadline_s=60)
        api.toggle_tags([tag.id], emails[:1], assign=True)
    return emails


def test_export_of_a_workspace_then_up_adopts_every_account_with_no_write(mixed: Project) -> None:
    assert mixed.instantly is not None
    emails = prefill_hooli(mixed)
    shutil.rmtree(mixed.specs)
    env = {**os.environ, "INSTANTLY_BASE_URL": mixed.instantly.base_url, "INSTANTLY_API_KEY": mixed.instantly.api_key}
    command = ["export", "--instantly-workspace", HOOLI_WORKSPACE, "--tenant", "hooli", "--out", str(mixed.specs)]

    exported = subprocess.run(
        [sys.executable, "-m", "mailfleet.cli", *command], env=env, capture_output=True, text=True, check=False
    )

    assert exported.returncode == 0, exported.stderr
    assert mixed.instantly.api_key not in exported.stdout + exported.stderr
    assert "requests to Instantly" in exported.stdout
    (hooli,) = load_tenants(mixed.specs)
    assert (hooli.backend, hooli.name, sorted(m.email for m in hooli.mailboxes)) == ("instantly", "hooli", emails)
    text = (mixed.specs / "hooli.yaml").read_text()
    assert "reply_to: replies@hooli.example" in text and "time_to_wait_in_mins: 13" in text
    assert "per_day: 12" in text and "reply_rate: 45" in text and "tags: [outbound]" in text
    assert "enabled: false" in text  # rep2's warmup is off, and stays off

    mixed.configure()
    mixed.instantly.control.clear_requests()
    changes = mixed.up()

    writes = [e.endpoint for e in mixed.instantly.control.requests().entries if e.method != "GET"]
    assert writes == []
    # The stack, the tenant component, three mailboxes and the tag: adopted into the stack...
    assert changes.get("create", 0) == 2 + len(emails) + 1
    assert len(mixed.instantly.control.accounts(workspace_id=HOOLI_WORKSPACE)) == len(emails)  # ...none made
    assert set(mixed.preview()["changeSummary"]) == {"same"}
    run, _markdown, report = drift(mixed, mixed.directory.parent)
    assert run.code == 0, run.output
    assert report["drift"] is False


def test_health_of_instantly_mailboxes_comes_from_warmup_analytics_at_list_cost(mixed: Project, tmp_path: Path) -> None:
    assert mixed.instantly is not None
    mixed.up()
    control = mixed.instantly.control
    good, bad = {"sent": 20, "landed_inbox": 19, "landed_spam": 1}, {"sent": 20, "landed_inbox": 10, "landed_spam": 10}
    control.seed_history(PETER, last_days=7, per_day=good, workspace_id=INITECH_WORKSPACE)
    control.seed_history(SAMIR, last_days=7, per_day=bad, workspace_id=INITECH_WORKSPACE)
    control.edit_account(MICHAEL, status=-1, workspace_id=INITECH_WORKSPACE)  # Instantly found the connection broken
    control.clear_requests()
    report = tmp_path / "health.json"

    result = mailfleet_health(mixed, {}, "--json", str(report))

    assert result.returncode == 2, result.stdout + result.stderr  # critical mailboxes
    data = json.loads(report.read_text())
    rows = {m["email"]: m for m in data["mailboxes"] if m["tenant"] == "initech"}
    assert (rows[PETER]["class"], rows[PETER]["inbox_rate"], rows[PETER]["inbox_source"]) == (
        "healthy",
        0.95,
        "warmup-analytics",
    )
    assert (rows[PETER]["sent"], rows[PETER]["spam"]) == (140, 7)
    assert rows[SAMIR]["class"] == "critical" and rows[SAMIR]["inbox_rate"] == 0.5
    assert rows[MICHAEL]["class"] == "critical" and "connection error" in rows[MICHAEL]["reason"]
    assert {m["tenant"] for m in data["mailboxes"]} == {"acme", "globex", "initech"}  # one report for both vendors
    # Three mailboxes: one listing (a page and the empty page) and one analytics call; N/100 each.
    assert control.requests().counts == {"GET /accounts": 2, "POST /accounts/warmup-analytics": 1}
    assert mixed.instantly.api_key not in result.stdout + result.stderr + report.read_text()


def test_a_bare_429_is_waited_out_and_a_5xx_after_a_committed_create_leaves_no_duplicate(mixed: Project) -> None:
    assert mixed.instantly is not None
    control = mixed.instantly.control
    # Instantly sends no rate-limit headers: a bare 429 on the listing, and on a warmup job.
    control.add_fault(path="/api/v2/accounts", method="GET", status=429, body={"statusCode": 429}, count=1)
    control.add_fault(path="/api/v2/accounts/warmup/enable", method="POST", status=429, count=1)
    # The create is stored, then its answer is lost to a 502: the client must find it, not create it again.
    control.add_fault(path="/api/v2/accounts", method="POST", status=502, after_commit=True, count=1)
    # And a workspace webhook (one event, Instantly's name), created with the rest.
    hook = (
        "webhooks:\n  - {name: replies, url: 'https://hooks.initech.example/r', events: [reply_received]}\nmailboxes:"
    )
    mixed.edit_spec("initech", "mailboxes:", hook)

    changes = mixed.up()

    assert changes.get("create", 0) >= 12 + len(INITECH), changes
    faulted = [e for e in control.requests().entries if e.fault]
    assert len(faulted) == 3, faulted
    live = [a["email"] for a in control.accounts(workspace_id=INITECH_WORKSPACE)]
    assert sorted(live) == list(INITECH)  # each address exactly once
    assert control.requests().count("POST /accounts") == len(INITECH)  # the lost answer was not re-sent
    assert {a["warmup_status"] for a in control.accounts(workspace_id=INITECH_WORKSPACE)} == {1}
    with mixed.instantly_client(INITECH_WORKSPACE) as api:
        hooks = [(w.name, w.target_hook_url, w.event_type) for w in api.list_webhooks()]
    assert hooks == [("replies", "https://hooks.initech.example/r", "reply_received")]
    assert set(mixed.preview()["changeSummary"]) == {"same"}


def test_an_address_of_another_workspace_is_never_adopted(mixed: Project) -> None:
    assert mixed.instantly is not None
    control = mixed.instantly.control
    other = control.add_workspace(parent=mixed.instantly.workspace_id)["id"]
    control.create_account(PETER, workspace_id=other, daily_limit=77)

    # --continue-on-error: without it the engine stops starting creates at the first failure, so whether the
    # tenant's other mailboxes were created would depend on the order the engine happened to take.
    result = mixed.pulumi.run("up", "--yes", "--skip-preview", "--continue-on-error", check=False)

    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert f"{PETER} already exists in Instantly outside tenant 'initech'" in output
    assert "Traceback" not in output
    (peter,) = [a for a in control.accounts() if a["email"] == PETER]
    assert peter["daily_limit"] == 77  # untouched, still in its own workspace
    live = sorted(a["email"] for a in control.accounts(workspace_id=INITECH_WORKSPACE))
    assert live == [MICHAEL, SAMIR]  # the tenant's other mailboxes were created
