"""A mixed fleet end to end: the example specs (Smartlead tenants acme and globex, Instantly tenant initech) on one
stack, the real ``pulumi`` CLI, both emulators as real processes."""

from __future__ import annotations

import time

import pytest

from mailfleet.testing.e2e import Project, changed_steps
from tests.e2e.conftest import WARMUP_JOB_SECONDS

pytestmark = pytest.mark.e2e

INITECH_WORKSPACE = "5b0c7d2e-3f41-4a8b-9c6d-2e7f8a9b0c1d"
INITECH = ("michael@initech-mail.example", "peter@initech-mail.example", "samir@initech-mail.example")


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
