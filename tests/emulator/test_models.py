"""The backend without HTTP: accounts, tags, campaigns, clients, webhooks, isolation, UI edits."""

from __future__ import annotations

from typing import Any

import pytest

from mailfleet.emulator.exceptions import AlreadyExists, NotFound, Rejected, VerificationFailed
from mailfleet.emulator.models import Backend, User, key_hash

from .conftest import KEY, START


def fields(email: str = "jane@acme-mail.example", **over: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "from_name": "Jane Doe",
        "from_email": email,
        "user_name": email,
        "password": "pw",
        "smtp_host": "smtp.acme-mail.example",
        "smtp_port": 465,
        "imap_host": "imap.acme-mail.example",
        "imap_port": 993,
        "warmup_enabled": True,
    }
    base.update(over)
    return base


def test_create_then_update_by_id_keeps_the_id(backend: Backend, user: User) -> None:
    # Setup
    account, created = backend.save_account(user, fields())
    # Execute
    updated, created_again = backend.save_account(user, fields(id=account.id, from_name="Jane Smith"))
    # Verify
    assert created and not created_again
    assert updated.id == account.id == 100_001
    assert backend.get_account(user, account.id).account.from_name == "Jane Smith"


def test_duplicate_from_email_on_create_is_refused_case_insensitively(backend: Backend, user: User) -> None:
    backend.save_account(user, fields())
    with pytest.raises(AlreadyExists) as error:
        backend.save_account(user, fields("JANE@acme-mail.example"))
    assert error.value.code == "ACCOUNT_ALREADY_EXIST"


def test_bad_credentials_store_nothing(backend: Backend, user: User) -> None:
    backend.mark_bad_credentials(["bob@acme-mail.example"], ["broken.example"])
    for bad in (
        fields(password="bad-password"),
        fields(imap_password="bad-imap"),
        fields("bob@acme-mail.example"),
        fields(smtp_host="broken.example"),
    ):
        with pytest.raises(VerificationFailed):
            backend.save_account(user, bad)
    assert backend.list_accounts(user) == []


def test_keys_are_isolated(backend: Backend, user: User, other_user: User) -> None:
    account, _ = backend.save_account(user, fields())
    backend.save_account(other_user, fields())  # same address, other Smartlead account: allowed
    with pytest.raises(NotFound):
        backend.get_account(other_user, account.id)
    assert [v.account.id for v in backend.list_accounts(user)] == [account.id]
    assert user.key_hash == key_hash(KEY) and user.user_id != other_user.user_id


def test_list_pages_and_filters(backend: Backend, user: User) -> None:
    client, _ = backend.save_client(user, {"name": "Acme", "email": "ops@acme.example"})
    ids = [backend.save_account(user, fields(f"m{i}@acme-mail.example"))[0].id for i in range(5)]
    backend.save_account(user, fields("other@x.example", client_id=client.id, warmup_enabled=False))

    assert [v.account.id for v in backend.list_accounts(user, offset=2, limit=2)] == ids[2:4]
    assert [v.account.from_email for v in backend.list_accounts(user, client_id=client.id)] == ["other@x.example"]
    assert len(backend.list_accounts(user, username="acme-mail")) == 5
    assert len(backend.list_accounts(user, warmup_status="INACTIVE")) == 1
    assert backend.list_accounts(user, in_use=True) == []


def test_update_settings_cannot_move_to_an_unknown_client(backend: Backend, user: User) -> None:
    account, _ = backend.save_account(user, fields())
    with pytest.raises(Rejected):
        backend.update_account(user, account.id, {"client_id": 999})


def test_delete_is_soft_and_leaves_campaigns(backend: Backend, user: User) -> None:
    account, _ = backend.save_account(user, fields())
    campaign = backend.seed_campaign(user, campaign_id=48213, name="Outbound")
    backend.attach(user, campaign.id, [account.id])

    backend.delete_account(user, account.id)

    assert backend.list_accounts(user) == []
    assert backend.campaign_accounts(user, campaign.id) == []
    dumped = backend.dump_accounts(user, include_deleted=True)
    assert dumped[0].account.deleted and dumped[0].account.warmup.enabled is False
    # Re-adding the address creates a new account.
    again, _ = backend.save_account(user, fields())
    assert again.id != account.id


def test_attach_needs_connected_unsuspended_accounts(backend: Backend, user: User) -> None:
    account, _ = backend.save_account(user, fields())
    campaign = backend.seed_campaign(user, name="Outbound", status="ACTIVE")
    backend.suspend(user, account.id, True)
    with pytest.raises(Rejected):
        backend.attach(user, campaign.id, [account.id])
    backend.suspend(user, account.id, False)
    backend.edit_account(account.id, {"is_smtp_success": False})
    with pytest.raises(Rejected):
        backend.attach(user, campaign.id, [account.id])
    backend.edit_account(account.id, {"is_smtp_success": True})
    backend.attach(user, campaign.id, [account.id])
    with pytest.raises(Rejected):  # an ACTIVE campaign keeps one account
        backend.detach(user, campaign.id, [account.id])


def test_tags_map_by_id_and_email(backend: Backend, user: User) -> None:
    a, _ = backend.save_account(user, fields())
    b, _ = backend.save_account(user, fields("john@acme-mail.example"))
    tag = backend.create_tag(user, "sales", None)
    backend.map_tags(user, [a.id], ["john@acme-mail.example"], [tag["id"]], add=True)
    views = backend.tags_for_emails(user, ["jane@acme-mail.example", "john@acme-mail.example", "x@y.example"])
    assert [[t["name"] for t in v.tags] for v in views] == [["sales"], ["sales"]]
    backend.map_tags(user, [b.id], [], [tag["id"]], add=False)
    assert backend.get_account(user, b.id).tags == []


def test_clients_upsert_and_unique_email(backend: Backend, user: User) -> None:
    client, created = backend.save_client(user, {"name": "Acme", "email": "ops@acme.example"})
    same, created_again = backend.save_client(user, {"id": client.id, "name": "Acme Corp", "email": "ops@acme.example"})
    assert created and not created_again and same.id == client.id
    assert [c.name for c in backend.list_clients(user)] == ["Acme Corp"]
    with pytest.raises(AlreadyExists):
        backend.save_client(user, {"name": "Dup", "email": "OPS@acme.example"})


def test_campaign_webhook_upsert_and_delete(backend: Backend, user: User) -> None:
    campaign = backend.seed_campaign(user, campaign_id=7, name="C")
    hook = backend.upsert_campaign_webhook(
        user, 7, {"id": None, "name": "crm", "webhook_url": "https://h.example", "event_types": ["EMAIL_SENT"]}
    )
    backend.upsert_campaign_webhook(
        user, 7, {"id": hook["id"], "name": "crm2", "webhook_url": "https://h.example", "event_types": []}
    )
    assert [h["name"] for h in backend.list_campaign_webhooks(user, campaign.id)] == ["crm2"]
    backend.delete_campaign_webhook(user, 7, hook["id"])
    with pytest.raises(NotFound):
        backend.delete_campaign_webhook(user, 7, hook["id"])


def test_ui_edit_uses_read_names(backend: Backend, user: User) -> None:
    account, _ = backend.save_account(user, fields())
    view = backend.edit_account(
        account.id,
        {
            "message_per_day": 33,
            "username": "login@acme",
            "custom_tracking_domain": "t.example",
            "tags": ["vip"],
            "warmup_details": {"status": "INACTIVE", "warmup_reputation": "87%", "is_warmup_blocked": True},
        },
    )
    a = view.account
    assert (a.max_email_per_day, a.user_name, a.custom_tracking_url) == (33, "login@acme", "t.example")
    assert [t["name"] for t in view.tags] == ["vip"]
    assert a.warmup.enabled is False and a.warmup.reputation_override == "87%" and a.warmup.is_blocked
    with pytest.raises(Rejected):
        backend.edit_account(account.id, {"max_email_per_day": 3})  # a WRITE name


def test_create_direct_fills_defaults_and_backdates_warmup(backend: Backend, user: User) -> None:
    view = backend.create_account_direct(user, {"from_email": "old@acme-mail.example", "warmup_started_days_ago": 40})
    a = view.account
    assert (a.smtp_host, a.imap_host, a.user_name) == ("smtp.acme-mail.example", "imap.acme-mail.example", a.from_email)
    assert a.warmup.enabled and view.total_sent > 0


def test_reset_one_user_keeps_the_other(backend: Backend, user: User, other_user: User) -> None:
    backend.save_account(user, fields())
    backend.save_account(other_user, fields())
    backend.reset(user)
    assert backend.list_accounts(user) == [] and len(backend.list_accounts(other_user)) == 1
    backend.reset(None)
    assert backend.list_accounts(other_user) == []
    assert backend.save_account(user, fields())[0].id == 100_001  # ids restart


def test_clock_is_frozen_at_start(backend: Backend) -> None:
    assert backend.clock.today() == START
