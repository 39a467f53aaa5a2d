"""One contract for InstantlyClient and the API it talks to: the Instantly emulator, or the real Instantly API with
``INSTANTLY_CONTRACT=1`` and ``INSTANTLY_API_KEY`` (and optionally ``INSTANTLY_BASE_URL``), the same opt-in as the
Smartlead suite's: ``.mailfleet/env`` sets the key and URL for the demo's emulator, which is not the real API.

Against the real API only read-only calls run; tests that create data or inject faults take the ``control``
fixture and are skipped there. Wire details are the ones ``INSTANTLY.md`` decides.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mailfleet.api.errors import AuthenticationError, ConflictError, NotFoundError, PaymentRequiredError
from mailfleet.api.ratelimit import RateLimit, RateLimiter
from mailfleet.api.redact import scrub
from mailfleet.emulator.testing import InstantlyControlClient, running_instantly_emulator
from mailfleet.instantly.client import DEFAULT_BASE_URL, InstantlyClient
from mailfleet.instantly.fields import create_body, live_fields, patch_body

pytestmark = pytest.mark.contract

REAL_API = os.environ.get("INSTANTLY_CONTRACT") == "1"
counter = itertools.count(1)


@dataclass(frozen=True)
class Target:
    base_url: str
    api_key: str
    control: InstantlyControlClient | None = None

    def client(self, api_key: str | None = None) -> InstantlyClient:
        if self.control is None:
            return InstantlyClient(self.base_url, api_key or self.api_key)
        # The emulator's own limit is not what is tested here; pacing like Instantly would only slow the suite.
        fast = RateLimiter((RateLimit(1000, 1.0),))
        return InstantlyClient(self.base_url, api_key or self.api_key, limiter=fast)


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    if REAL_API:
        key = os.environ.get("INSTANTLY_API_KEY")
        if not key:
            pytest.skip("INSTANTLY_CONTRACT=1 needs INSTANTLY_API_KEY")
        yield Target(os.environ.get("INSTANTLY_BASE_URL", DEFAULT_BASE_URL), key)
        return
    db: Path = tmp_path_factory.mktemp("instantly-contract") / "emulator.sqlite3"
    # Jobs long enough to be seen running, short enough for the suite.
    with running_instantly_emulator(db, job_seconds=1.0) as emulator:
        yield Target(emulator.base_url, emulator.api_key, emulator.control)


@pytest.fixture
def client(target: Target) -> Iterator[InstantlyClient]:
    with target.client() as made:
        yield made


@pytest.fixture
def control(target: Target) -> InstantlyControlClient:
    """The emulator's control API; tests that use it create data, so they skip against the real API."""
    if target.control is None:
        pytest.skip("creates data: runs against the emulator only")
    target.control.clear_faults()
    return target.control


def values(n: int, **overrides: Any) -> dict[str, Any]:
    """Field values (by :data:`mailfleet.fields.FIELDS` key) of a new mailbox."""
    return {
        "username": f"contract{n}@mail.example",
        "password": f"pw-contract-{n}-secret",
        "smtp_host": "smtp.mail.example",
        "smtp_port": 465,
        "imap_host": "imap.mail.example",
        "imap_port": 993,
        "from_name": f"Contract Number{n}",
        "max_email_per_day": 20,
        "warmup_per_day": 10,
        "warmup_rampup": 2,
        "warmup_reply_rate": 30,
        **overrides,
    }


def new_account(client: InstantlyClient, **overrides: Any) -> tuple[str, dict[str, Any]]:
    n = next(counter)
    email = f"contract{n}@mail.example"
    wanted = values(n, **overrides)
    client.create_account({"email": email, **create_body(wanted)})
    return email, wanted


# ---------------------------------------------------------------------- read-only (safe against the real API)


def test_a_wrong_key_is_refused_and_never_echoed(target: Target) -> None:
    wrong = "wrong-instantly-key-0000000000"
    with target.client(wrong) as client, pytest.raises(AuthenticationError) as raised:
        client.list_accounts()
    assert raised.value.status == 401
    assert wrong not in str(raised.value) and wrong not in repr(raised.value)


def test_an_unknown_account_is_not_found(client: InstantlyClient) -> None:
    assert client.find_account("no-such-mailbox-4711@mail.example") is None
    with pytest.raises(NotFoundError):
        client.get_account("no-such-mailbox-4711@mail.example")


def test_warmup_analytics_answers_every_email_asked(client: InstantlyClient) -> None:
    emails = [a.email for a in client.list_accounts()[:3]] + ["no-history-4711@mail.example"]
    health = client.warmup_analytics(emails)
    assert set(health) == set(emails)
    assert not health["no-history-4711@mail.example"].has_history


def test_tags_and_webhooks_list(client: InstantlyClient) -> None:
    assert isinstance(client.list_tags(), list)
    assert isinstance(client.list_webhooks(), list)


# ---------------------------------------------------------------------- emulator only: creates data


def test_create_reads_back_every_field_as_written(client: InstantlyClient, control: InstantlyControlClient) -> None:
    email, wanted = new_account(client, provider="google", signature="<b>C</b>", time_to_wait_in_mins=9)
    account = client.get_account(email)
    live = live_fields(account.raw)
    for key, value in live.items():
        if key in wanted:
            assert value == wanted[key], key
    assert live["provider"] == "google" and live["from_name"] == wanted["from_name"]
    assert "pw-contract" not in repr(account.raw)  # never a password in a read


def test_pages_and_lookup_agree(client: InstantlyClient, control: InstantlyControlClient) -> None:
    made = {new_account(client)[0] for _ in range(3)}
    listed = {a.email for a in client.list_accounts()}
    assert made <= listed
    assert {a.email for a in client.list_accounts(search=sorted(made)[0])} >= {sorted(made)[0]}


def test_a_duplicate_create_is_a_conflict_and_makes_no_second_account(
    client: InstantlyClient, control: InstantlyControlClient
) -> None:
    email, wanted = new_account(client)
    with pytest.raises(ConflictError):
        client.create_account({"email": email, **create_body(wanted)})
    assert [a.email for a in client.list_accounts()].count(email) == 1


def test_a_5xx_after_a_committed_create_leaves_no_duplicate(
    client: InstantlyClient, control: InstantlyControlClient
) -> None:
    control.add_fault(path="/api/v2/accounts", method="POST", status=502, after_commit=True, count=1)
    email, _ = new_account(client)
    assert [a.email for a in client.list_accounts()].count(email) == 1
    assert client.get_account(email).email == email


def test_a_429_without_headers_is_recovered(client: InstantlyClient, control: InstantlyControlClient) -> None:
    email, _ = new_account(client)
    control.add_fault(path_regex="^/api/v2/accounts/", method="GET", status=429, count=1)
    assert client.get_account(email).email == email


def test_patch_pause_resume_delete(client: InstantlyClient, control: InstantlyControlClient) -> None:
    email, _ = new_account(client)
    patched = client.patch_account(email, patch_body({"max_email_per_day": 33, "from_name": "Renamed Sender"}))
    assert live_fields(patched.raw)["max_email_per_day"] == 33
    assert live_fields(client.get_account(email).raw)["from_name"] == "Renamed Sender"
    assert client.pause_account(email).paused
    assert not client.resume_account(email).paused
    client.delete_account(email)
    client.delete_account(email)  # already gone: still fine
    assert client.find_account(email) is None


def test_warmup_enable_is_a_job_polled_to_success(client: InstantlyClient, control: InstantlyControlClient) -> None:
    email, _ = new_account(client)
    assert not client.get_account(email).warmup_enabled
    jobs = client.enable_warmup([email])
    assert jobs and all(not job.done for job in jobs)  # it takes a while in the emulator too
    done = client.wait_for_jobs(jobs, deadline_s=60)
    assert all(job.succeeded for job in done)
    assert client.get_account(email).warmup_enabled
    client.wait_for_jobs(client.disable_warmup([email]), deadline_s=60)
    assert not client.get_account(email).warmup_enabled


def test_tags_create_toggle_filter_delete(client: InstantlyClient, control: InstantlyControlClient) -> None:
    email, _ = new_account(client)
    label = f"contract-tag-{next(counter)}"
    tag = client.create_tag(label, "made by the contract suite")
    with pytest.raises(ConflictError):
        client.create_tag(f"  {label.upper()} ")
    client.toggle_tags([tag.id], [email], assign=True)
    assert [a.email for a in client.list_accounts(tag_ids=[tag.id])] == [email]
    client.toggle_tags([tag.id], [email], assign=False)
    assert client.list_accounts(tag_ids=[tag.id]) == []
    client.delete_tag(tag.id)
    assert tag.id not in {t.id for t in client.list_tags()}


def test_webhooks_round_trip(client: InstantlyClient, control: InstantlyControlClient) -> None:
    secret_header = {"X-Hook-Auth": "hook-secret-contract"}
    hook = client.create_webhook(
        url="https://hooks.example/instantly", event_type="email_sent", name="contract", headers=secret_header
    )
    assert client.get_webhook(hook.id).target_hook_url == "https://hooks.example/instantly"
    updated = client.update_webhook(hook.id, name="contract-renamed")
    assert updated.name == "contract-renamed"
    assert hook.id in {h.id for h in client.list_webhooks()}
    client.delete_webhook(hook.id)
    assert hook.id not in {h.id for h in client.list_webhooks()}
    assert "hook-secret-contract" not in scrub(repr(hook))


def test_daily_analytics_has_rows_for_the_mailboxes_asked(
    client: InstantlyClient, control: InstantlyControlClient
) -> None:
    email, _ = new_account(client)
    today = dt.date.today()
    rows = client.daily_account_analytics([email], today - dt.timedelta(days=6), today)
    assert all(row.email_account == email for row in rows)


def test_campaign_senders_are_the_email_list(client: InstantlyClient, control: InstantlyControlClient) -> None:
    first, _ = new_account(client)
    second, _ = new_account(client)
    campaign = control.seed_campaign(name="Contract outbound", email_list=[first])
    assert client.get_campaign(campaign["id"]).email_list == (first,)
    assert set(client.set_campaign_senders(campaign["id"], [first, second]).email_list) == {first, second}
    assert set(client.get_campaign(campaign["id"]).email_list) == {first, second}


def test_an_admin_key_acts_on_a_sub_workspace(target: Target, control: InstantlyControlClient) -> None:
    parent = control.workspaces()[0]["id"]
    sub = control.add_workspace(name="Contract client", parent=parent)
    with InstantlyClient(target.base_url, target.api_key, workspace_id=sub["id"]) as acting:
        email, _ = new_account(acting)
        assert acting.get_account(email).email == email
    with target.client() as own:
        assert own.find_account(email) is None  # it is in the sub-workspace, not the admin's own


def test_an_unpaid_workspace_is_payment_required(target: Target, control: InstantlyControlClient) -> None:
    unpaid = control.add_workspace(name="Unpaid", paid=False, api_key=True)
    with target.client(unpaid["api_key"]) as client, pytest.raises(PaymentRequiredError) as raised:
        client.list_accounts()
    assert raised.value.status == 402
    assert "paid plan" in str(raised.value)
