"""The Mailbox provider's check, diff, create, read, update and delete, called directly against a fake Smartlead."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from mailfleet.deepcheck import DeepChecks, store_path
from resources import connection
from resources.directory import directory
from resources.mailbox import MailboxProvider, observed_fields

from ._fake import BASE_URL, FakeSmartlead

EMAIL = "jane@acme-mail.example"


def declared(**overrides: Any) -> dict[str, Any]:
    """A mailbox's inputs as resources/fleet.py produces them (numbers as floats, as Pulumi sends them)."""
    props: dict[str, Any] = {
        "tenant": "acme",
        "email": EMAIL,
        "from_name": "Jane Doe",
        "password": "s3cret-pw",
        "smtp_host": "smtp.acme-mail.example",
        "smtp_port": 465.0,
        "smtp_security": "SSL",
        "imap_host": "imap.acme-mail.example",
        "imap_port": 993.0,
        "imap_security": "SSL",
        "warmup_enabled": True,
        "warmup_per_day": 20.0,
        "warmup_rampup": 2.0,
        "warmup_reply_rate": 30.0,
        "ramp": {"name": "standard"},
        "on_remove": "retain",
        "client_id": 7.0,
    }
    props.update(overrides)
    return props


def checked(olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
    result = MailboxProvider().check(olds, {**news, "client_email": "ops@acme.example"})
    assert not result.failures, result.failures
    assert result.inputs is not None
    return dict(result.inputs)


# ------------------------------------------------------------------------------------------------------- check
def test_check_derives_the_cap_and_start_of_a_new_mailbox(smartlead: FakeSmartlead) -> None:
    inputs = checked({}, declared())
    assert inputs["warmup_started_on"] == "2026-12-02"
    assert inputs["max_email_per_day"] == 10
    assert inputs["ramp_step"].startswith("standard step 1/7")
    assert "client_email" not in inputs


def test_check_takes_the_start_of_an_account_to_adopt(smartlead: FakeSmartlead) -> None:
    smartlead.add_account(EMAIL, client_id=7)
    inputs = checked({}, declared())
    assert inputs["warmup_started_on"] == "2026-11-20"
    assert inputs["max_email_per_day"] == 30  # day 13 of the standard ramp


def test_check_refuses_another_tenants_account(smartlead: FakeSmartlead) -> None:
    smartlead.add_account(EMAIL, client_id=99)
    result = MailboxProvider().check({}, {**declared(), "client_email": "ops@acme.example"})
    (failure,) = result.failures
    assert failure.property == "email"
    assert "under client 99" in failure.reason


# -------------------------------------------------------------------------------------------------------- diff
def test_diff_no_change_then_unknown_for_a_managed_field(smartlead: FakeSmartlead) -> None:
    old = checked({}, declared())
    assert MailboxProvider().diff("1", old, dict(old)).changes is False
    assert MailboxProvider().diff("1", old, {**old, "tracking_domain": "t.acme.example"}).changes is None
    assert MailboxProvider().diff("1", old, {**old, "imap_username": "other"}).changes is None


# ------------------------------------------------------------------------------------------------------ create
def test_create_saves_every_setting_under_its_write_name(smartlead: FakeSmartlead) -> None:
    props = checked(
        {},
        declared(
            username="jane.login",
            imap_username="jane.imap",
            imap_password="imap-pw",
            bcc="audit@acme.example",
            reply_to="r@acme.example",
            signature="<b>J</b>",
            time_to_wait_in_mins=7.0,
            tracking_domain="t.acme-mail.example",
        ),
    )

    result = MailboxProvider().create(props)

    (save,) = smartlead.writes()
    assert save.endpoint == "POST /email-accounts/save"
    assert save.body["id"] is None
    assert {k: save.body[k] for k in ("user_name", "imap_user_name", "imap_password", "bcc")} == {
        "user_name": "jane.login",
        "imap_user_name": "jane.imap",
        "imap_password": "imap-pw",
        "bcc": "audit@acme.example",
    }
    assert save.body["different_reply_to_address"] == "r@acme.example"
    assert save.body["custom_tracking_url"] == "t.acme-mail.example"
    assert (save.body["smtp_port"], save.body["time_to_wait_in_mins"], save.body["max_email_per_day"]) == (465, 7, 10)
    assert (save.body["total_warmup_per_day"], save.body["daily_rampup"], save.body["reply_rate_percentage"]) == (
        20,
        2,
        30,
    )
    assert result.id == str(smartlead.next_id)
    assert result.outs is not None and result.outs["account_id"] == smartlead.next_id


def test_create_adopts_and_writes_only_what_differs_including_by_id_fields(smartlead: FakeSmartlead) -> None:
    account_id = smartlead.add_account(EMAIL, client_id=7, from_name="Jane Doe", message_per_day=30)
    smartlead.accounts[account_id]["warmup_details"]["warmup_max_count"] = 5  # only GET by id shows it
    props = checked({}, declared())

    result = MailboxProvider().create(props)

    assert result.id == str(account_id)
    assert [c.endpoint for c in smartlead.calls] == [
        "GET /email-accounts/",
        "GET /email-accounts/{id}/",
        "POST /email-accounts/{id}/warmup",
    ]
    warmup = smartlead.writes()[0].body
    assert warmup == {
        "warmup_enabled": True,
        "total_warmup_per_day": 20,
        "daily_rampup": 2,
        "reply_rate_percentage": 30,
    }


def test_adopting_an_identical_account_writes_nothing(smartlead: FakeSmartlead) -> None:
    smartlead.add_account(EMAIL, client_id=7, from_name="Jane Doe", message_per_day=30)
    MailboxProvider().create(checked({}, declared()))
    assert smartlead.writes() == []


# ------------------------------------------------------------------------------------------------------ update
def test_update_sends_only_changed_settings(smartlead: FakeSmartlead) -> None:
    account_id = smartlead.add_account(EMAIL, client_id=7)
    old = checked({}, declared())
    new = {**old, "from_name": "Jane Smith", "bcc": "audit@acme.example"}

    MailboxProvider().update(str(account_id), old, new)

    (call,) = smartlead.writes()
    assert call.endpoint == "POST /email-accounts/{id}"
    assert call.body == {"from_name": "Jane Smith", "bcc": "audit@acme.example"}


def test_update_clears_a_setting_no_longer_declared(smartlead: FakeSmartlead) -> None:
    account_id = smartlead.add_account(EMAIL, client_id=7)
    old = checked({}, declared(signature="<b>J</b>"))
    new = dict(old)
    del new["signature"]
    MailboxProvider().update(str(account_id), old, new)
    assert smartlead.writes()[0].body == {"signature": None}


def test_update_sends_all_warmup_fields_together_and_resolves_a_pending_deep_drift(
    smartlead: FakeSmartlead,
) -> None:
    account_id = smartlead.add_account(EMAIL, client_id=7)
    path = store_path()
    assert path is not None
    DeepChecks(path).record(BASE_URL, {account_id: ["warmup_per_day"]}, datetime.now(UTC))
    old = checked({}, declared())

    MailboxProvider().update(str(account_id), {**old, "warmup_per_day": 5}, old)

    (call,) = smartlead.writes()
    assert call.endpoint == "POST /email-accounts/{id}/warmup"
    assert set(call.body) == {"warmup_enabled", "total_warmup_per_day", "daily_rampup", "reply_rate_percentage"}
    assert DeepChecks(path).pending(BASE_URL) == set()


def test_a_credential_change_is_a_full_save(smartlead: FakeSmartlead) -> None:
    account_id = smartlead.add_account(EMAIL, client_id=7)
    old = checked({}, declared())
    MailboxProvider().update(str(account_id), old, {**old, "smtp_port": 587.0, "warmup_per_day": 25.0})
    (call,) = smartlead.writes()
    assert call.endpoint == "POST /email-accounts/save"
    assert (call.body["id"], call.body["smtp_port"], call.body["total_warmup_per_day"]) == (account_id, 587, 25)


# -------------------------------------------------------------------------------------------------------- read
def test_read_projects_the_listing_and_keeps_unreadable_fields_as_declared(smartlead: FakeSmartlead) -> None:
    account_id = smartlead.add_account(EMAIL, client_id=7, from_name="Janet", message_per_day=10)
    smartlead.accounts[account_id]["warmup_details"].update(warmup_max_count=5, reply_rate=50)
    props = {**checked({}, declared()), "account_id": account_id}

    result = MailboxProvider().read(str(account_id), props)

    assert result.inputs is not None
    assert result.inputs["from_name"] == "Janet"
    assert result.inputs["warmup_reply_rate"] == 50
    assert result.inputs["warmup_per_day"] == 20.0  # by id only: not read tonight, kept as declared
    assert result.inputs["warmup_rampup"] == 2.0  # never readable: kept as declared
    assert [c.endpoint for c in smartlead.calls] == ["GET /email-accounts/"]


@pytest.mark.parametrize("deep_read", ["all", "{id}"])
def test_read_by_id_when_asked_sees_the_warmup_per_day(
    smartlead: FakeSmartlead, monkeypatch: pytest.MonkeyPatch, deep_read: str
) -> None:
    account_id = smartlead.add_account(EMAIL, client_id=7)
    smartlead.accounts[account_id]["warmup_details"]["warmup_max_count"] = 5
    monkeypatch.setenv("MAILFLEET_DEEP_READ", deep_read.format(id=account_id))
    props = {**checked({}, declared()), "account_id": account_id}

    result = MailboxProvider().read(str(account_id), props)

    assert result.inputs is not None
    assert result.inputs["warmup_per_day"] == 5
    assert "GET /email-accounts/{id}/" in [c.endpoint for c in smartlead.calls]


def test_read_by_id_an_account_the_bookkeeping_holds_as_drifted(smartlead: FakeSmartlead) -> None:
    account_id = smartlead.add_account(EMAIL, client_id=7)
    smartlead.accounts[account_id]["warmup_details"]["warmup_max_count"] = 5
    path = store_path()
    assert path is not None
    DeepChecks(path).record(BASE_URL, {account_id: ["warmup_per_day"]}, datetime.now(UTC))

    result = MailboxProvider().read(str(account_id), {**checked({}, declared()), "account_id": account_id})

    assert result.inputs is not None and result.inputs["warmup_per_day"] == 5


def test_read_of_a_vanished_account_drops_it(smartlead: FakeSmartlead) -> None:
    result = MailboxProvider().read("555", {**checked({}, declared()), "account_id": 555})
    assert result.id is None


def test_optional_fields_count_only_when_declared(smartlead: FakeSmartlead) -> None:
    account_id = smartlead.add_account(EMAIL, client_id=7, signature="set in the UI", bcc_email="X@acme.example")
    account = directory.get(connection.client(), account_id)
    assert account is not None
    undeclared = observed_fields(account, declared())
    assert "signature" not in undeclared and "bcc" not in undeclared
    live = observed_fields(account, declared(bcc="x@acme.example"))
    assert live["bcc"] == "x@acme.example"  # same address, other case: the declared spelling, no drift


# ------------------------------------------------------------------------------------------------------ delete
@pytest.mark.parametrize(
    ("policy", "expected"),
    [("retain", []), ("suspend", ["PUT /email-accounts/suspend/{id}"]), ("delete", ["DELETE /email-accounts/{id}"])],
)
def test_delete_follows_the_removal_policy(smartlead: FakeSmartlead, policy: str, expected: list[str]) -> None:
    account_id = smartlead.add_account(EMAIL, client_id=7)
    MailboxProvider().delete(str(account_id), declared(on_remove=policy))
    assert [c.endpoint for c in smartlead.writes()] == expected


def test_deleting_an_account_already_gone_succeeds(smartlead: FakeSmartlead) -> None:
    MailboxProvider().delete("999", declared(on_remove="delete"))
    assert [c.endpoint for c in smartlead.writes()] == ["DELETE /email-accounts/{id}"]


def test_check_applies_a_pools_rest_cap_and_leaves_its_campaign(smartlead: FakeSmartlead) -> None:
    olds = checked({}, declared(warmup_started_on="2026-10-01"))
    olds.update(attached_campaigns=[48213], max_email_per_day=75)
    cap = {"per_day": 10.0, "why": "resting (pool of campaign 48213)"}
    pool = {"campaigns": [48213.0], "note": "resting: bounce 6.1 % > 5 % since 2026-12-02", "cap": cap}
    inputs = checked(olds, declared(warmup_started_on="2026-10-01", campaigns=[], pool=pool))
    assert inputs["max_email_per_day"] == 10
    assert inputs["ramp_step"].startswith("resting (pool of campaign 48213): 10/day; ramp today: standard step 7/7")
    assert inputs["attached_campaigns"] == []
    assert inputs["warmup_enabled"] is True  # warmup stays on


def test_check_honours_campaign_min_warmup_days_of_zero(smartlead: FakeSmartlead) -> None:
    inputs = checked({}, declared(campaigns=[48213.0], campaign_min_warmup_days=0.0))
    assert inputs["attached_campaigns"] == [48213]


def test_refresh_sees_a_pool_campaign_attached_by_hand_while_resting() -> None:
    from mailfleet.smartlead.models import EmailAccount

    account = EmailAccount.from_api(
        {"id": 1, "from_email": EMAIL, "from_name": "Jane Doe", "campaign_ids": [48213, 99]}
    )
    live = observed_fields(account, {"email": EMAIL, "campaigns": [], "pool": {"campaigns": [48213]}})
    assert live["attached_campaigns"] == [48213]
