"""One contract for the client and the API it talks to, run against the emulator or the real Smartlead API.

Tests taking the ``control`` fixture create data and run against the emulator only; the others are read-only or
restore what they change, so they are safe against a real account.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from mailfleet.emulator.testing import ControlClient
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.smartlead.errors import (
    AuthenticationError,
    NotFoundError,
    RequestValidationError,
    VerificationFailedError,
)
from mailfleet.smartlead.models import AccountSettings, EmailAccountWrite, WarmupSettings
from mailfleet.smartlead.redact import scrub
from tests.contract.conftest import Target

pytestmark = pytest.mark.contract
counter = itertools.count(1)


def new_account(client: SmartleadClient, client_id: int | None = None, password: str = "pw-contract") -> int:
    n = next(counter)
    account = client.create_email_account(
        EmailAccountWrite(
            from_email=f"contract{n}@mail.example",
            from_name=f"Contract {n}",
            user_name=f"contract{n}@mail.example",
            password=password,
            smtp_host="smtp.mail.example",
            smtp_port=465,
            smtp_port_type="SSL",
            imap_host="imap.mail.example",
            imap_port=993,
            imap_port_type="SSL",
            max_email_per_day=10,
            client_id=client_id,
            warmup=WarmupSettings(True, 20, 2, 30),
        )
    )
    return account.id


def test_a_wrong_key_is_refused_and_never_echoed(target: Target) -> None:
    wrong = "00000000-0000-4000-8000-000000000000_wrongk1"
    wrong_target = Target(target.base_url, wrong, target.control)
    with wrong_target.client() as client, pytest.raises(AuthenticationError) as raised:
        client.list_clients()
    assert raised.value.status == 401
    assert wrong not in str(raised.value) and wrong not in repr(raised.value)


def test_an_unknown_account_is_not_found(client: SmartleadClient) -> None:
    with pytest.raises(NotFoundError):
        client.get_email_account(987654321)


def test_small_pages_and_full_pages_list_the_same_accounts(client: SmartleadClient, target: Target) -> None:
    if target.control is not None:
        for _ in range(5):
            new_account(client)
    full = client.list_email_accounts()
    paged = client.list_email_accounts(page_size=2)
    assert [a.id for a in paged] == [a.id for a in full]


def test_get_by_id_agrees_with_the_listing(client: SmartleadClient) -> None:
    for listed in client.list_email_accounts()[:3]:
        fetched = client.get_email_account(listed.id)
        assert (fetched.from_email, fetched.client_id) == (listed.from_email, listed.client_id)


def test_clients_list_as_records(client: SmartleadClient) -> None:
    for record in client.list_clients():
        assert isinstance(record.id, int) and record.email


def test_warmup_stats_cover_at_most_seven_days(client: SmartleadClient) -> None:
    accounts = client.list_email_accounts()
    if not accounts:
        pytest.skip("no account to read")
    stats = client.get_warmup_stats(accounts[0].id)
    assert len(stats.days) <= 7
    assert [d.date for d in stats.days] == sorted(d.date for d in stats.days)


def test_a_settings_update_reads_back_and_is_restored(client: SmartleadClient, target: Target) -> None:
    if target.control is not None:
        new_account(client)
    accounts = client.list_email_accounts()
    if not accounts:
        pytest.skip("no account to update")
    account = accounts[0]
    try:
        client.update_email_account(account.id, AccountSettings(from_name="mailfleet contract check"))
        assert client.get_email_account(account.id).from_name == "mailfleet contract check"
    finally:
        client.update_email_account(account.id, AccountSettings(from_name=account.from_name))
    assert client.get_email_account(account.id).from_name == account.from_name


def test_a_created_account_reads_back_under_read_names(client: SmartleadClient, control: ControlClient) -> None:
    client_id = client.save_client("Contract Client", "contract-client@mail.example")
    account = client.get_email_account(new_account(client, client_id))

    assert account.client_id == client_id
    assert account.username == account.from_email
    assert (account.smtp_host, account.smtp_port, account.smtp_port_type) == ("smtp.mail.example", 465, "SSL")
    assert account.max_email_per_day == 10
    assert account.warmup is not None and account.warmup.status == "ACTIVE"
    found = client.find_email_account(account.from_email.upper())
    assert found is not None and found.id == account.id
    assert client.find_client("contract-client@mail.example") is not None


def test_creating_an_existing_email_again_is_refused_not_duplicated(
    client: SmartleadClient, control: ControlClient
) -> None:
    account_id = new_account(client)
    email = client.get_email_account(account_id).from_email
    write = EmailAccountWrite(
        from_email=email,
        from_name="Again",
        user_name=email,
        password="pw",
        smtp_host="smtp.mail.example",
        smtp_port=465,
        imap_host="imap.mail.example",
        imap_port=993,
    )
    with pytest.raises(RequestValidationError):
        client.create_email_account(write)
    assert [a.id for a in client.list_email_accounts() if a.from_email == email] == [account_id]


def test_bad_credentials_are_refused_with_406(client: SmartleadClient, control: ControlClient) -> None:
    with pytest.raises(VerificationFailedError):
        new_account(client, password="bad-password")


def test_warmup_settings_round_trip(client: SmartleadClient, control: ControlClient) -> None:
    account_id = new_account(client)
    client.set_warmup(account_id, WarmupSettings(False))
    warmup = client.get_email_account(account_id).warmup
    assert warmup is not None and warmup.status == "INACTIVE"
    client.set_warmup(account_id, WarmupSettings(True, 25, 3, 40))
    warmup = client.get_email_account(account_id).warmup
    assert warmup is not None and warmup.status == "ACTIVE" and warmup.reply_rate == 40


def test_suspend_unsuspend_and_delete(client: SmartleadClient, control: ControlClient) -> None:
    account_id = new_account(client)
    client.suspend_email_account(account_id)
    assert client.get_email_account(account_id).is_suspended
    client.unsuspend_email_account(account_id)
    assert not client.get_email_account(account_id).is_suspended
    client.delete_email_account(account_id)
    with pytest.raises(NotFoundError):
        client.get_email_account(account_id)


def test_tags_map_list_and_unmap(client: SmartleadClient, control: ControlClient) -> None:
    account_id = new_account(client)
    email = client.get_email_account(account_id).from_email
    tag = client.create_tag("contract", "#2563eb")
    client.map_tags([account_id], [tag.id])
    assert [t.name for t in client.list_tags_for_emails([email])[email]] == ["contract"]
    assert [t.name for t in client.get_email_account(account_id).tags] == ["contract"]
    client.unmap_tags([account_id], [tag.id])
    assert client.list_tags_for_emails([email])[email] == []


def test_campaign_attach_and_detach(client: SmartleadClient, control: ControlClient, target: Target) -> None:
    account_id = new_account(client)
    campaign = control.seed_campaign(api_key=target.api_key, name="Contract campaign")
    campaign_id = int(campaign["id"])
    client.attach_accounts(campaign_id, [account_id])
    assert [a.id for a in client.list_campaign_accounts(campaign_id)] == [account_id]
    assert campaign_id in (client.get_email_account(account_id, fetch_campaigns=True).campaign_ids or ())
    client.detach_accounts(campaign_id, [account_id])
    assert client.list_campaign_accounts(campaign_id) == []


def test_account_wide_webhooks_round_trip(client: SmartleadClient, control: ControlClient) -> None:
    client_id = client.save_client("Hooked", "hooked@mail.example")
    webhook_id = client.create_webhook(
        url="https://hooks.mail.example/a", event_types=["EMAIL_SENT"], association_type="client", client_id=client_id
    )
    assert client.get_webhook(webhook_id).url == "https://hooks.mail.example/a"
    client.update_webhook(webhook_id, url="https://hooks.mail.example/b", event_types=["EMAIL_REPLY"])
    updated = client.get_webhook(webhook_id)
    assert (updated.url, updated.event_types) == ("https://hooks.mail.example/b", ("EMAIL_REPLY",))
    client.delete_webhook(webhook_id)
    with pytest.raises(NotFoundError):
        client.get_webhook(webhook_id)


Switch = Callable[[str, Any], None]


def test_joi_reports_a_missing_required_key_before_an_unknown_one(target: Target) -> None:
    # Refused by validation before anything is stored, so safe against a real account too. Which required key
    # Smartlead names first depends on its schema's order; that it names a missing one, not the unknown one, is Joi's.
    body = {"id": None, "from_name": "Order", "from_email": "order@mail.example", "username": "x"}
    response = httpx.post(f"{target.base_url}/email-accounts/save", params={"api_key": target.api_key}, json=body)
    assert response.status_code == 400
    assert "is required" in response.text and "is not allowed" not in response.text
    if target.is_emulator:
        assert response.json()["validation"]["body"]["message"] == '"user_name" is required'


@pytest.mark.parametrize("shape", ["envelope", "array"])
def test_tag_list_is_read_in_either_shape(client: SmartleadClient, switch: Switch, shape: str) -> None:
    switch("tag_list_shape", shape)
    account_id = new_account(client)
    email = client.get_email_account(account_id).from_email
    tag = client.create_tag(f"tag-list-{shape}", "#2563eb")
    client.map_tags([account_id], [tag.id])
    assert client.list_tags_for_emails([email, "nobody@mail.example"]) == {email: [tag], "nobody@mail.example": []}


def test_warmup_reputation_reads_the_same_by_id_and_in_the_listing(client: SmartleadClient, target: Target) -> None:
    if target.control is not None:
        new_account(client)
    for listed in client.list_email_accounts()[:3]:
        by_id = client.get_email_account(listed.id).warmup
        if listed.warmup is None or by_id is None:
            continue
        assert by_id.reputation == listed.warmup.reputation


@pytest.mark.parametrize("rendering", ["number", "string"])
def test_warmup_reputation_by_id_is_read_as_number_or_string(
    client: SmartleadClient, control: ControlClient, switch: Switch, rendering: str
) -> None:
    switch("reputation_by_id", rendering)
    account_id = new_account(client)
    control.edit_account(account_id, warmup_details={"warmup_reputation": "87%"})
    warmup = client.get_email_account(account_id).warmup
    assert warmup is not None and warmup.reputation == 87.0


def test_reconnect_failed_accounts_reconnects_them(client: SmartleadClient, control: ControlClient) -> None:
    account_id = new_account(client)
    control.edit_account(account_id, is_imap_success=False, imap_failure_error="AUTH failed")
    assert not client.get_email_account(account_id).is_imap_success
    client.reconnect_failed_email_accounts()
    assert client.get_email_account(account_id).is_imap_success


@pytest.mark.parametrize("accepted", [True, False])
def test_attach_with_auto_adjust_warmup_follows_the_switch(
    client: SmartleadClient, control: ControlClient, target: Target, switch: Switch, accepted: bool
) -> None:
    switch("attach_auto_adjust_warmup", accepted)
    account_id = new_account(client)
    campaign_id = int(control.seed_campaign(api_key=target.api_key, name="Auto adjust")["id"])
    if accepted:
        client.attach_accounts(campaign_id, [account_id], auto_adjust_warmup=True)
        assert [a.id for a in client.list_campaign_accounts(campaign_id)] == [account_id]
    else:
        with pytest.raises(RequestValidationError, match="auto_adjust_warmup"):
            client.attach_accounts(campaign_id, [account_id], auto_adjust_warmup=True)
        client.attach_accounts(campaign_id, [account_id])  # without it, still fine
    assert [a.id for a in client.list_campaign_accounts(campaign_id)] == [account_id]


@pytest.mark.parametrize("shape", ["docs", "cli"])
def test_webhook_summary_and_retrigger(
    client: SmartleadClient, control: ControlClient, target: Target, switch: Switch, shape: str
) -> None:
    switch("webhook_summary_shape", shape)
    campaign_id = int(control.seed_campaign(api_key=target.api_key, name="Hooked")["id"])
    today = dt.datetime.fromisoformat(control.clock()["now"].replace("Z", "+00:00"))
    control.record_webhook_events(api_key=target.api_key, campaign_id=campaign_id, ok=True, count=3)
    control.record_webhook_events(api_key=target.api_key, campaign_id=campaign_id, ok=False)
    window = (today - dt.timedelta(days=1), today + dt.timedelta(days=1))

    summary = client.get_campaign_webhook_summary(campaign_id, *window)
    assert (summary.total, summary.successful, summary.failed, summary.success_rate) == (4, 3, 1, 75.0)
    assert client.retrigger_failed_webhook_events(campaign_id, *window) == 1
    assert client.get_campaign_webhook_summary(campaign_id, *window).failed == 0
    # The client only sends aware datetimes; the server's own check, for other callers:
    url = f"{target.base_url}/campaigns/{campaign_id}/webhooks/summary"
    bad = httpx.get(url, params={"api_key": target.api_key, "fromTime": "soon", "toTime": "later"})
    assert bad.status_code == 400 and "ISO 8601" in bad.text


def test_client_api_keys_round_trip_and_stay_secret(client: SmartleadClient, control: ControlClient) -> None:
    client_id = client.save_client("Keyed", "keyed@mail.example")
    created = client.create_client_api_key(client_id, "Production Key")
    assert created.api_key and created.client_id == client_id and created.status == "active"
    assert scrub(f"leaked {created.api_key}") == "leaked ***"
    listed = client.list_client_api_keys(client_id=client_id, status="active", key_name="prod")
    assert [(k.id, k.api_key) for k in listed] == [(created.id, created.api_key)]
    reset = client.reset_client_api_key(created.id)
    assert reset.id == created.id and reset.api_key not in (None, created.api_key)
    assert [k.api_key for k in client.list_client_api_keys(client_id=client_id)] == [reset.api_key]
    client.delete_client_api_key(created.id)
    assert client.list_client_api_keys(client_id=client_id) == []
    with pytest.raises(NotFoundError):
        client.delete_client_api_key(created.id)
    with pytest.raises(RequestValidationError, match="keyName"):
        client.create_client_api_key(client_id, "no/slashes")
