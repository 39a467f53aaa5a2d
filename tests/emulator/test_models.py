"""The backend without HTTP: accounts, tags, campaigns, clients and their API keys, webhooks and their deliveries,
isolation, UI edits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from mailfleet.emulator.exceptions import AlreadyExists, NotFound, Rejected, VerificationFailed
from mailfleet.emulator.keys import looks_like_api_key
from mailfleet.emulator.models import Backend, User, WebhookCounts, key_hash

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
    # Plain pages (read as pages) and filtered ones (filtered, then paged) agree, deleted accounts left out of both.
    backend.delete_account(user, ids[1])
    live = [ids[0], *ids[2:]]
    assert [v.account.id for v in backend.list_accounts(user, offset=1, limit=3)] == live[1:]
    assert [v.account.from_email for v in backend.list_accounts(user, offset=3, limit=3)][-1] == "other@x.example"
    assert [v.account.id for v in backend.list_accounts(user, username="acme-mail", offset=1, limit=3)] == live[1:]
    assert backend.list_accounts(user, offset=5) == []


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


def test_reconnect_retries_failed_accounts_and_keeps_bad_credentials_failed(backend: Backend, user: User) -> None:
    healthy, _ = backend.save_account(user, fields())
    fixed, _ = backend.save_account(user, fields("john@acme-mail.example"))
    broken, _ = backend.save_account(user, fields("bob@acme-mail.example"))
    for account in (fixed, broken):
        backend.edit_account(account.id, {"is_imap_success": False, "imap_failure_error": "AUTH failed"})
    backend.mark_bad_credentials(["bob@acme-mail.example"], [])

    assert backend.reconnect_failed(user) == (2, 1)

    after = {v.account.id: v.account for v in backend.list_accounts(user)}
    assert after[healthy.id].is_imap_success and after[fixed.id].is_imap_success
    assert after[fixed.id].imap_failure_error is None
    assert not after[broken.id].is_imap_success and after[broken.id].imap_failure_error == "AUTH failed"
    assert backend.reconnect_failed(user) == (1, 0)


def test_client_api_keys_create_filter_reset_delete(backend: Backend, user: User, other_user: User) -> None:
    acme, _ = backend.save_client(user, {"name": "Acme", "email": "ops@acme.example"})
    beta, _ = backend.save_client(user, {"name": "Beta", "email": "ops@beta.example"})
    prod = backend.create_client_key(user, acme.id, "Production Key")
    ci = backend.create_client_key(user, acme.id, "ci")
    other = backend.create_client_key(user, beta.id, "production")

    assert (prod.id, prod.status, prod.client_id) == (601, "active", acme.id)
    assert looks_like_api_key(prod.api_key) and prod.api_key not in repr(prod)
    assert [k.id for k in backend.list_client_keys(user)] == [prod.id, ci.id, other.id]
    assert [k.id for k in backend.list_client_keys(user, client_id=acme.id)] == [prod.id, ci.id]
    assert [k.id for k in backend.list_client_keys(user, key_name="PROD")] == [prod.id, other.id]
    assert backend.list_client_keys(user, status="inactive") == []
    assert backend.list_client_keys(other_user) == []

    reset = backend.reset_client_key(user, prod.id)
    assert (reset.id, reset.key_name) == (prod.id, prod.key_name) and reset.api_key != prod.api_key
    backend.delete_client_key(user, ci.id)
    assert [k.api_key for k in backend.list_client_keys(user, client_id=acme.id)] == [reset.api_key]
    # A client key is stored, not an API key of the emulator's API.
    assert backend.user_for_key(reset.api_key) is None
    for refused in (
        lambda: backend.create_client_key(other_user, acme.id, "x"),
        lambda: backend.reset_client_key(other_user, prod.id),
        lambda: backend.delete_client_key(user, ci.id),
    ):
        with pytest.raises(NotFound):
            refused()


def test_webhook_deliveries_are_counted_in_the_window_and_failed_ones_retriggered(
    backend: Backend, user: User, other_user: User
) -> None:
    campaign = backend.seed_campaign(user, name="C")
    day = datetime(2026, 1, 5, 12, tzinfo=UTC)
    backend.record_webhook_events(user, campaign.id, ok=True, count=3, at=day)
    backend.record_webhook_events(user, campaign.id, ok=False, count=2, at=day)
    backend.record_webhook_events(user, campaign.id, ok=False, at=day + timedelta(days=2))
    window = (day - timedelta(hours=1), day + timedelta(hours=1))

    counts = backend.webhook_counts(user, campaign.id, *window)
    assert (counts.total, counts.successful, counts.failed) == (5, 3, 2)
    assert backend.webhook_counts(user, campaign.id, day, day).total == 5  # both ends included
    assert backend.retrigger_failed_webhook_events(user, campaign.id, *window) == 2
    assert backend.webhook_counts(user, campaign.id, *window) == WebhookCounts(successful=5, failed=0)
    assert backend.webhook_counts(user, campaign.id, day, day + timedelta(days=3)).failed == 1
    with pytest.raises(NotFound):
        backend.webhook_counts(other_user, campaign.id, *window)


def test_reset_one_user_clears_its_client_keys_and_webhook_deliveries(
    backend: Backend, user: User, other_user: User
) -> None:
    for owner in (user, other_user):
        client, _ = backend.save_client(owner, {"name": "Acme", "email": "ops@acme.example"})
        backend.create_client_key(owner, client.id, "k")
        backend.record_webhook_events(owner, backend.seed_campaign(owner).id, ok=False)
    backend.reset(user)
    assert backend.list_client_keys(user) == [] and len(backend.list_client_keys(other_user)) == 1
    with backend.store.tx() as db:
        rows = db.all("SELECT user_id FROM webhook_events")
    assert [int(r["user_id"]) for r in rows] == [other_user.user_id]
