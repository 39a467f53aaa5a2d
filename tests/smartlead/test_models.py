"""Read models accept every shape the research lists; write models use the WRITE names."""

from __future__ import annotations

import datetime as dt

import pytest

from mailfleet.smartlead.models import (
    UNSET,
    AccountSettings,
    CampaignWebhook,
    ClientApiKey,
    EmailAccount,
    EmailAccountWrite,
    SmartleadClientRecord,
    Tag,
    WarmupDetails,
    WarmupSettings,
    WarmupStats,
    Webhook,
    WebhookSummary,
    extract_client_id,
    extract_email_account_id,
)
from tests.smartlead._support import account_row


def test_account_reads_read_names() -> None:
    row = account_row(
        7,
        "jane@acme.test",
        username="jane-login",
        message_per_day=40,
        minTimeToWaitInMins=5,
        custom_tracking_domain="track.acme.test",
        bcc_email="bcc@acme.test",
        signature="<b>J</b>",
        different_reply_to_address="reply@acme.test",
        client_id=12,
        is_suspended=True,
        created_at="2025-01-02T03:04:05.000Z",
    )
    account = EmailAccount.from_api(row)
    assert account.id == 7
    assert account.username == "jane-login"
    assert account.max_email_per_day == 40
    assert account.time_to_wait_in_mins == 5
    assert account.custom_tracking_url == "track.acme.test"
    assert account.bcc == "bcc@acme.test"
    assert account.client_id == 12
    assert account.is_suspended is True
    assert account.created_at == dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def test_account_accepts_write_names_too() -> None:
    row = {
        "id": 1,
        "from_email": "a@b.test",
        "user_name": "login",
        "max_email_per_day": 9,
        "time_to_wait_in_mins": 2,
        "custom_tracking_url": "t.b.test",
        "bcc": "x@b.test",
    }
    account = EmailAccount.from_api(row)
    assert (account.username, account.max_email_per_day, account.time_to_wait_in_mins) == ("login", 9, 2)
    assert (account.custom_tracking_url, account.bcc) == ("t.b.test", "x@b.test")


def test_numbers_and_booleans_sent_as_strings() -> None:
    row = account_row(
        1,
        "a@b.test",
        id="1",
        smtp_port="465",
        message_per_day="40",
        daily_sent_count="3",
        client_id="55",
        is_smtp_success="true",
        is_imap_success="false",
    )
    account = EmailAccount.from_api(row)
    assert (account.id, account.smtp_port, account.max_email_per_day, account.daily_sent_count) == (1, 465, 40, 3)
    assert account.client_id == 55
    assert account.is_smtp_success is True
    assert account.is_imap_success is False


@pytest.mark.parametrize(("raw", "expected"), [("95%", 95.0), (95, 95.0), ("87.5", 87.5), (None, None), ("", None)])
def test_warmup_reputation_shapes(raw: object, expected: float | None) -> None:
    details = WarmupDetails.from_api({"status": "ACTIVE", "warmup_reputation": raw})
    assert details is not None
    assert details.reputation == expected


def test_warmup_details_null_and_by_id_extras() -> None:
    assert EmailAccount.from_api(account_row(1, "a@b.test", warmup_details=None)).warmup is None
    details = WarmupDetails.from_api(
        {
            "id": 4,
            "status": "ACTIVE",
            "total_sent_count": "120",
            "total_spam_count": 2,
            "warmup_reputation": "100%",
            "warmup_key_id": 88,
            "warmup_created_at": "2025-03-01T00:00:00Z",
            "reply_rate": "30",
            "warmup_max_count": 40,
            "warmup_min_count": 10,
            "is_warmup_blocked": False,
            "blocked_reason": None,
            "daily_rampup": 2,
            "total_warmup_per_day": 20,
        }
    )
    assert details is not None
    assert details.total_sent_count == 120
    assert details.warmup_key_id == "88"
    assert details.warmup_created_at == dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    assert (details.reply_rate, details.max_count, details.min_count) == (30, 40, 10)
    assert (details.per_day, details.rampup) == (20, 2)
    assert details.is_blocked is False


def test_blocked_reason_marks_blocked() -> None:
    details = WarmupDetails.from_api({"status": "INACTIVE", "blocked_reason": "Email account is deleted"})
    assert details is not None and details.is_blocked


def test_tags_and_campaign_ids() -> None:
    row = account_row(
        1,
        "a@b.test",
        tags=[{"id": 3, "name": "sales", "color": "#ff0000"}, {"id": "4", "name": "ops"}],
        campaign_ids=[10, "11"],
    )
    account = EmailAccount.from_api(row)
    assert account.tags == (Tag(3, "sales", "#ff0000"), Tag(4, "ops", None))
    assert account.campaign_ids == (10, 11)
    assert EmailAccount.from_api(account_row(1, "a@b.test")).campaign_ids is None


def test_account_without_id_is_rejected() -> None:
    with pytest.raises(ValueError):
        EmailAccount.from_api({"from_email": "a@b.test"})


def test_account_repr_holds_no_password() -> None:
    account = EmailAccount.from_api(account_row(1, "a@b.test", password="hunter2-secret"))
    assert "hunter2-secret" not in repr(account)


def test_warmup_stats_real_shape() -> None:
    body = {
        "id": 9,
        "sent_count": "70",
        "spam_count": "2",
        "inbox_count": "68",
        "warmup_email_received_count": "30",
        "stats_by_date": [
            {"id": 2, "date": "2025-05-02", "sent_count": 10, "reply_count": 3, "save_from_spam_count": 1},
            {"id": 1, "date": "2025-05-01", "sent_count": 9, "reply_count": 2, "save_from_spam_count": 0},
        ],
    }
    stats = WarmupStats.from_api(body)
    assert (stats.account_id, stats.sent, stats.spam, stats.inbox, stats.received) == (9, 70, 2, 68, 30)
    assert [d.date for d in stats.days] == [dt.date(2025, 5, 1), dt.date(2025, 5, 2)]
    assert stats.days[1].reply_count == 3 and stats.days[1].save_from_spam_count == 1


def test_warmup_stats_new_docs_shape() -> None:
    body = {
        "success": True,
        "data": {
            "total_sent": 20,
            "spam_count": 1,
            "reputation_score": "97%",
            "daily_stats": [{"date": "2025-05-01T00:00:00Z", "sent": 20, "spam": 1}],
        },
    }
    stats = WarmupStats.from_api(body)
    assert (stats.sent, stats.spam, stats.inbox, stats.reputation) == (20, 1, 19, 97.0)
    assert stats.days[0].sent_count == 20 and stats.days[0].spam_count == 1


def test_client_record_reads_misspelt_permission() -> None:
    record = SmartleadClientRecord.from_api(
        {
            "id": 5,
            "name": "Acme",
            "email": "ops@acme.test",
            "uuid": "u-1",
            "client_permision": {"permission": ["full_access"], "retricted_category": ["Spam"]},
        }
    )
    assert record.permission == ("full_access",)
    assert record.restricted_categories == ("Spam",)


def test_campaign_webhook() -> None:
    hook = CampaignWebhook.from_api(
        {
            "id": 3,
            "name": "crm",
            "webhook_url": "https://h.test/x",
            "email_campaign_id": 48213,
            "event_types": ["EMAIL_SENT"],
            "categories": ["Interested"],
        }
    )
    assert (hook.id, hook.url, hook.campaign_id, hook.event_types, hook.categories) == (
        3,
        "https://h.test/x",
        48213,
        ("EMAIL_SENT",),
        ("Interested",),
    )


@pytest.mark.parametrize(("raw", "name"), [("client", "client"), (2, "client"), ("3", "campaign"), (1, "user")])
def test_webhook_association_type_words_or_numbers(raw: object, name: str) -> None:
    hook = Webhook.from_api(
        {
            "ok": True,
            "data": {
                "id": 1,
                "webhook_url": "https://h.test",
                "association_type": raw,
                "event_type_map": {"EMAIL_REPLY": True, "EMAIL_SENT": False},
            },
        }
    )
    assert hook.association_type == name
    assert hook.event_types == ("EMAIL_REPLY",)


def _write(**extra: object) -> EmailAccountWrite:
    base: dict[str, object] = {
        "from_email": "jane@acme.test",
        "from_name": "Jane",
        "user_name": "jane@acme.test",
        "password": "s3cret-pass",
        "smtp_host": "smtp.acme.test",
        "smtp_port": 465,
        "imap_host": "imap.acme.test",
        "imap_port": 993,
    }
    base.update(extra)
    return EmailAccountWrite(**base)  # type: ignore[arg-type]


def test_write_body_uses_write_names() -> None:
    write = _write(
        max_email_per_day=20,
        time_to_wait_in_mins=4,
        custom_tracking_url="t.acme.test",
        bcc="b@acme.test",
        client_id=12,
        smtp_port_type="SSL",
        warmup=WarmupSettings(True, total_warmup_per_day=20, daily_rampup=2, reply_rate_percentage=30),
    )
    body = write.to_body()
    assert body["id"] is None
    assert body["user_name"] == "jane@acme.test" and "username" not in body
    assert body["max_email_per_day"] == 20 and "message_per_day" not in body
    assert body["time_to_wait_in_mins"] == 4 and "minTimeToWaitInMins" not in body
    assert body["custom_tracking_url"] == "t.acme.test" and body["bcc"] == "b@acme.test"
    assert body["client_id"] == 12
    assert (body["warmup_enabled"], body["total_warmup_per_day"], body["daily_rampup"]) == (True, 20, 2)
    assert body["reply_rate_percentage"] == 30
    assert "warmup" not in body and "imap_password" not in body


def test_write_body_for_update_and_without_warmup() -> None:
    body = _write().to_body(42)
    assert body["id"] == 42
    assert body["warmup_enabled"] is False
    assert "total_warmup_per_day" not in body and "client_id" not in body


def test_write_repr_hides_passwords() -> None:
    text = repr(_write(imap_password="imap-pass-77"))
    assert "s3cret-pass" not in text and "imap-pass-77" not in text


def test_account_settings_sends_only_set_fields() -> None:
    assert AccountSettings().to_body() == {}
    assert AccountSettings().is_empty()
    body = AccountSettings(max_email_per_day=30, client_id=None, bcc=UNSET).to_body()
    assert body == {"max_email_per_day": 30, "client_id": None}


def test_warmup_settings_body() -> None:
    assert WarmupSettings(False).to_body() == {"warmup_enabled": False}
    body = WarmupSettings(True, total_warmup_per_day=20, warmup_key_id=None).to_body()
    assert body == {"warmup_enabled": True, "total_warmup_per_day": 20, "warmup_key_id": None}


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"ok": True, "message": "m", "emailAccountId": 11, "warmupKey": "k"}, 11),
        ({"ok": True, "id": "12"}, 12),
        ({"ok": True, "data": {"id": 13, "from_email": "a@b.test"}}, 13),
        ("success", None),
        (None, None),
        ({"ok": True}, None),
    ],
)
def test_extract_email_account_id(body: object, expected: int | None) -> None:
    assert extract_email_account_id(body) == expected


@pytest.mark.parametrize(
    ("body", "expected"),
    [({"ok": True, "clientId": 5}, 5), ({"ok": True, "id": 6}, 6), ({"ok": True, "data": {"id": 7}}, 7), ("", None)],
)
def test_extract_client_id(body: object, expected: int | None) -> None:
    assert extract_client_id(body) == expected


def test_client_api_key_reads_the_cli_schema_and_hides_the_value() -> None:
    key = ClientApiKey.from_api(
        {
            "id": "45",
            "client_id": 301,
            "key_name": "Production Key",
            "api_key": "cl_live_secret_value",
            "status": "active",
            "created_at": "2025-12-01T10:00:00.000Z",
        }
    )
    assert (key.id, key.client_id, key.key_name, key.status) == (45, 301, "Production Key", "active")
    assert key.api_key == "cl_live_secret_value" and "cl_live_secret_value" not in repr(key)
    assert key.created_at == dt.datetime(2025, 12, 1, 10, tzinfo=dt.UTC)
    camel = ClientApiKey.from_api({"id": 7, "clientId": 3, "keyName": "ci", "apiKey": "v"})
    assert (camel.client_id, camel.key_name, camel.api_key, camel.status) == (3, "ci", "v", None)
    with pytest.raises(ValueError):
        ClientApiKey.from_api({"key_name": "no id"})


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ({"total_calls": 150, "successful_calls": 145, "failed_calls": 5, "success_rate": 96.7}, (150, 145, 5, 96.7)),
        ({"total": 4, "success": 3, "failed": 1}, (4, 3, 1, 75.0)),
        ({"total": "4", "success": "3", "failed": "1"}, (4, 3, 1, 75.0)),
        ({"success": True, "data": {"total_calls": 2, "successful_calls": 2, "failed_calls": 0}}, (2, 2, 0, 100.0)),
        ({"success": 3, "failed": 1}, (4, 3, 1, 75.0)),
        ({"total": 0, "success": 0, "failed": 0}, (0, 0, 0, None)),
        ({}, (0, 0, 0, None)),
    ],
)
def test_webhook_summary_reads_both_shapes(body: object, expected: tuple[object, ...]) -> None:
    summary = WebhookSummary.from_api(body)
    assert (summary.total, summary.successful, summary.failed, summary.success_rate) == expected
