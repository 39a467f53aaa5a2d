"""A mixed fleet end to end: the example specs (Smartlead tenants acme and globex, Instantly tenant initech) on one
stack, the real ``pulumi`` CLI, both emulators as real processes."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from mailfleet.testing.e2e import Project, changed_steps
from tests.e2e.conftest import WARMUP_JOB_SECONDS
from tests.e2e.test_drift import drift

pytestmark = pytest.mark.e2e

INITECH_WORKSPACE = "5b0c7d2e-3f41-4a8b-9c6d-2e7f8a9b0c1d"
INITECH = ("michael@initech-mail.example", "peter@initech-mail.example", "samir@initech-mail.example")
MICHAEL = INITECH[0]
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
