"""Every client method: path, method, query (api_key included), body under WRITE names, result parsing."""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

import httpx
import pytest
import respx

from mailfleet import __version__
from mailfleet.smartlead import (
    AccountSettings,
    EmailAccountWrite,
    RequestRecord,
    ServerError,
    SmartleadClient,
    Tag,
    UnexpectedResponseError,
    WarmupSettings,
    scrub,
)
from tests.smartlead._support import API_KEY, BASE_URL, account_row, body_of


def _write() -> EmailAccountWrite:
    return EmailAccountWrite(
        from_email="jane@acme.test",
        from_name="Jane",
        user_name="jane-login",
        password="pw-jane-123",
        smtp_host="smtp.acme.test",
        smtp_port=465,
        imap_host="imap.acme.test",
        imap_port=993,
        max_email_per_day=20,
        client_id=12,
    )


def _rows(start: int, count: int) -> list[dict[str, object]]:
    return [account_row(i, f"m{i}@acme.test") for i in range(start, start + count)]


# ------------------------------------------------------------------ basics


def test_every_request_carries_key_user_agent_and_json(router: respx.Router, client: SmartleadClient) -> None:
    route = router.post("/email-accounts/5").respond(200, json={"ok": True})
    client.update_email_account(5, AccountSettings(from_name="J"))
    request = route.calls.last.request
    assert request.url.params["api_key"] == API_KEY
    assert request.headers["user-agent"] == f"mailfleet/{__version__}"
    assert request.headers["content-type"] == "application/json"


def test_custom_user_agent_and_request_hook(router: respx.Router, make_client: Callable[..., SmartleadClient]) -> None:
    seen: list[RequestRecord] = []
    route = router.get("/client/").respond(200, json=[])
    client = make_client(user_agent="ci/1", on_request=seen.append)
    client.list_clients()
    assert route.calls.last.request.headers["user-agent"] == "ci/1"
    assert [(r.method, r.status) for r in seen] == [("GET", 200)]
    assert "api_key=***" in seen[0].url and API_KEY not in seen[0].url


def test_repr_context_manager_and_key_required() -> None:
    transport = httpx.MockTransport(lambda r: httpx.Response(200))
    with SmartleadClient(BASE_URL, API_KEY, transport=transport) as client:
        assert API_KEY not in repr(client)
        assert BASE_URL in repr(client)
    assert client._http.is_closed
    with pytest.raises(ValueError):
        SmartleadClient(BASE_URL, "", transport=transport)


# ------------------------------------------------------------------ email accounts: listing


def test_list_pages_until_a_short_page(router: respx.Router, client: SmartleadClient) -> None:
    route = router.get("/email-accounts/").mock(
        side_effect=[httpx.Response(200, json=_rows(1, 100)), httpx.Response(200, json=_rows(101, 30))]
    )
    accounts = client.list_email_accounts(client_id=12, emailWarmupStatus="ACTIVE", isSmtpSuccess=True)
    assert [a.id for a in accounts] == list(range(1, 131))
    params = [call.request.url.params for call in route.calls]
    assert [(p["offset"], p["limit"]) for p in params] == [("0", "100"), ("100", "100")]
    assert params[0]["client_id"] == "12" and params[0]["emailWarmupStatus"] == "ACTIVE"
    assert params[0]["isSmtpSuccess"] == "true" and params[0]["api_key"] == API_KEY
    assert "fetch_campaigns" not in params[0] and "username" not in params[0]


def test_list_never_asks_for_more_than_100(router: respx.Router, client: SmartleadClient) -> None:
    route = router.get("/email-accounts/").respond(200, json=[])
    client.list_email_accounts(page_size=500)
    assert route.calls.last.request.url.params["limit"] == "100"


def test_list_small_pages_and_fetch_campaigns(router: respx.Router, client: SmartleadClient) -> None:
    route = router.get("/email-accounts/").mock(
        side_effect=[
            httpx.Response(200, json=[account_row(1, "a@x.test", campaign_ids=[4]), *_rows(2, 1)]),
            httpx.Response(200, json=_rows(3, 1)),
        ]
    )
    accounts = client.list_email_accounts(page_size=2, fetch_campaigns=True, username="x")
    assert [a.id for a in accounts] == [1, 2, 3]
    assert accounts[0].campaign_ids == (4,)
    assert route.calls[1].request.url.params["offset"] == "2"
    assert route.calls[0].request.url.params["fetch_campaigns"] == "true"
    assert route.calls[0].request.url.params["username"] == "x"


def test_list_ends_on_an_empty_page_after_a_full_one(router: respx.Router, client: SmartleadClient) -> None:
    route = router.get("/email-accounts/").mock(
        side_effect=[httpx.Response(200, json=_rows(1, 100)), httpx.Response(200, json=[])]
    )
    assert len(client.list_email_accounts()) == 100
    assert route.call_count == 2


def test_list_empty_account(router: respx.Router, client: SmartleadClient) -> None:
    route = router.get("/email-accounts/").respond(200, json=[])
    assert client.list_email_accounts() == []
    assert route.call_count == 1


def test_list_accepts_a_data_envelope(router: respx.Router, client: SmartleadClient) -> None:
    router.get("/email-accounts/").respond(200, json={"ok": True, "data": _rows(1, 2)})
    assert [a.id for a in client.list_email_accounts()] == [1, 2]


def test_list_stops_when_the_server_ignores_offset(router: respx.Router, client: SmartleadClient) -> None:
    route = router.get("/email-accounts/").respond(200, json=_rows(1, 100))
    with pytest.raises(UnexpectedResponseError):
        client.list_email_accounts()
    assert route.call_count == 2


def test_list_rejects_non_json(router: respx.Router, client: SmartleadClient) -> None:
    router.get("/email-accounts/").respond(200, text="<html>login</html>")
    with pytest.raises(UnexpectedResponseError, match="HTML page"):
        client.list_email_accounts()


def test_get_email_account_trailing_slash(router: respx.Router, client: SmartleadClient) -> None:
    route = router.get("/email-accounts/5/").respond(200, json=account_row(5, "a@b.test"))
    assert client.get_email_account(5, fetch_campaigns=True).from_email == "a@b.test"
    assert route.calls.last.request.url.params["fetch_campaigns"] == "true"


def test_get_email_account_in_an_envelope(router: respx.Router, client: SmartleadClient) -> None:
    router.get("/email-accounts/5/").respond(200, json={"ok": True, "data": account_row(5, "a@b.test")})
    assert client.get_email_account(5).id == 5


def test_find_matches_the_address_exactly(router: respx.Router, client: SmartleadClient) -> None:
    route = router.get("/email-accounts/").respond(
        200, json=[account_row(1, "xjane@acme.test"), account_row(2, "Jane@Acme.test")]
    )
    found = client.find_email_account("jane@acme.test", client_id=3)
    assert found is not None and found.id == 2
    assert route.calls.last.request.url.params["client_id"] == "3"
    router.get("/email-accounts/").respond(200, json=[account_row(1, "xjane@acme.test")])
    assert client.find_email_account("jane@acme.test") is None


def test_find_also_tries_the_login(router: respx.Router, client: SmartleadClient) -> None:
    route = router.get("/email-accounts/").mock(
        side_effect=[httpx.Response(200, json=[]), httpx.Response(200, json=[account_row(4, "jane@acme.test")])]
    )
    found = client.find_email_account("jane@acme.test", username="jane-login")
    assert found is not None and found.id == 4
    assert [c.request.url.params["username"] for c in route.calls] == ["jane@acme.test", "jane-login"]


# ------------------------------------------------------------------ email accounts: writes


def test_create_sends_write_names_and_returns_the_stored_account(router: respx.Router, client: SmartleadClient) -> None:
    save = router.post("/email-accounts/save").respond(
        200, json={"ok": True, "message": "Email account added successfully", "emailAccountId": 91, "warmupKey": "k"}
    )
    router.get("/email-accounts/91/").respond(200, json=account_row(91, "jane@acme.test"))
    account = client.create_email_account(_write())
    assert account.id == 91
    body = body_of(save.calls.last.request)
    assert body["id"] is None
    assert body["user_name"] == "jane-login" and body["max_email_per_day"] == 20 and body["client_id"] == 12
    assert body["password"] == "pw-jane-123"


@pytest.mark.parametrize("answer", [{"ok": True, "data": {"id": 92}}, {"ok": True, "id": 92}])
def test_create_reads_the_other_id_shapes(
    answer: dict[str, object], router: respx.Router, client: SmartleadClient
) -> None:
    router.post("/email-accounts/save").respond(200, json=answer)
    router.get("/email-accounts/92/").respond(200, json=account_row(92, "jane@acme.test"))
    assert client.create_email_account(_write()).id == 92


@pytest.mark.parametrize("answer", [httpx.Response(200, text="success"), httpx.Response(200)])
def test_create_without_an_id_finds_the_account(
    answer: httpx.Response, router: respx.Router, client: SmartleadClient
) -> None:
    router.post("/email-accounts/save").mock(return_value=answer)
    router.get("/email-accounts/").respond(200, json=[account_row(93, "jane@acme.test")])
    assert client.create_email_account(_write()).id == 93


def test_create_reports_ok_false(router: respx.Router, client: SmartleadClient) -> None:
    router.post("/email-accounts/save").respond(200, json={"ok": False, "message": "nope"})
    with pytest.raises(UnexpectedResponseError):
        client.create_email_account(_write())


def test_save_is_a_full_update_with_id(router: respx.Router, client: SmartleadClient) -> None:
    save = router.post("/email-accounts/save").respond(200, json={"ok": True})
    client.save_email_account(91, _write())
    body = body_of(save.calls.last.request)
    assert body["id"] == 91 and body["user_name"] == "jane-login"


def test_update_sends_only_set_fields(router: respx.Router, client: SmartleadClient) -> None:
    route = router.post("/email-accounts/5").respond(200, json={"ok": True})
    client.update_email_account(5, AccountSettings(max_email_per_day=30, time_to_wait_in_mins=4, client_id=None))
    assert body_of(route.calls.last.request) == {"max_email_per_day": 30, "time_to_wait_in_mins": 4, "client_id": None}
    client.update_email_account(5, AccountSettings())
    assert route.call_count == 1  # nothing to send, nothing sent


def test_set_warmup(router: respx.Router, client: SmartleadClient) -> None:
    route = router.post("/email-accounts/5/warmup").respond(200, json={"ok": True})
    client.set_warmup(5, WarmupSettings(True, total_warmup_per_day=20, daily_rampup=2, reply_rate_percentage=30))
    assert body_of(route.calls.last.request) == {
        "warmup_enabled": True,
        "total_warmup_per_day": 20,
        "daily_rampup": 2,
        "reply_rate_percentage": 30,
    }


def test_warmup_stats(router: respx.Router, client: SmartleadClient) -> None:
    router.get("/email-accounts/5/warmup-stats").respond(
        200,
        json={"id": 5, "sent_count": "7", "spam_count": "0", "inbox_count": "7", "stats_by_date": []},
    )
    assert client.get_warmup_stats(5).sent == 7


def test_suspend_unsuspend_delete(router: respx.Router, client: SmartleadClient) -> None:
    suspend = router.put("/email-accounts/suspend/5").respond(
        200, json={"success": True, "data": {"accountId": 5, "isSuspended": True}}
    )
    unsuspend = router.delete("/email-accounts/unsuspend/5").respond(200, text="success")
    delete = router.delete("/email-accounts/5").respond(200, json={"ok": True, "emailAccountId": 5})
    client.suspend_email_account(5)
    client.unsuspend_email_account(5)
    client.delete_email_account(5)
    assert (suspend.call_count, unsuspend.call_count, delete.call_count) == (1, 1, 1)


def test_suspend_not_found_is_400_in_smartlead(router: respx.Router, client: SmartleadClient) -> None:
    from mailfleet.smartlead import NotFoundError

    router.put("/email-accounts/suspend/5").respond(
        400, json={"success": False, "message": "Email account not found or does not belong to you"}
    )
    with pytest.raises(NotFoundError):
        client.suspend_email_account(5)


# ------------------------------------------------------------------ clients


def test_list_clients(router: respx.Router, client: SmartleadClient) -> None:
    router.get("/client/").respond(
        200, json=[{"id": 1, "name": "Acme", "email": "ops@acme.test", "client_permision": {"permission": ["x"]}}]
    )
    [record] = client.list_clients()
    assert (record.id, record.permission) == (1, ("x",))


@pytest.mark.parametrize(
    "answer", [{"ok": True, "clientId": 8}, {"ok": True, "data": {"id": 8}}, {"ok": True, "id": 8}]
)
def test_save_client_creates(answer: dict[str, object], router: respx.Router, client: SmartleadClient) -> None:
    route = router.post("/client/save").respond(200, json=answer)
    assert client.save_client("Acme", "ops@acme.test") == 8
    assert body_of(route.calls.last.request) == {
        "name": "Acme",
        "email": "ops@acme.test",
        "permission": ["full_access"],
    }


def test_save_client_updates_with_id(router: respx.Router, client: SmartleadClient) -> None:
    route = router.post("/client/save").respond(200, json={"ok": True})
    assert client.save_client("Acme", "ops@acme.test", client_id=8, permission=("reply_master_inbox",)) == 8
    assert body_of(route.calls.last.request)["id"] == 8
    assert body_of(route.calls.last.request)["permission"] == ["reply_master_inbox"]


# ------------------------------------------------------------------ tags


@pytest.mark.parametrize(
    "answer",
    [{"ok": True, "data": {"id": 4, "name": "sales", "color": "#f00"}}, {"id": 4}, {"ok": True, "tagId": 4}],
)
def test_create_tag(answer: dict[str, object], router: respx.Router, client: SmartleadClient) -> None:
    route = router.post("/tags").respond(200, json=answer)
    assert client.create_tag("sales", "#f00") == Tag(4, "sales", "#f00")
    assert body_of(route.calls.last.request) == {"name": "sales", "color": "#f00"}


def test_update_tag(router: respx.Router, client: SmartleadClient) -> None:
    route = router.post("/email-accounts/tag-manager").respond(200, json={"ok": True})
    client.update_tag(4, "ops", "#0f0")
    assert body_of(route.calls.last.request) == {"id": 4, "name": "ops", "color": "#0f0"}


@pytest.mark.parametrize(
    "answer",
    [
        [{"email": "a@x.test", "tags": [{"id": 1, "name": "s", "color": "#1"}]}],
        {"ok": True, "data": [{"email_account": "a@x.test", "tag_id": 1, "tag_name": "s", "tag_color": "#1"}]},
        {"a@x.test": [{"id": 1, "name": "s", "color": "#1"}]},
        # The documented answer, and the bare array the emulator sends with tag_list_shape=array.
        {
            "ok": True,
            "data": [
                {"email_account_id": 101, "from_email": "a@x.test", "tags": [{"id": 1, "name": "s", "color": "#1"}]}
            ],
        },
        [{"id": 101, "from_email": "a@x.test", "tags": [{"id": 1, "name": "s", "color": "#1"}]}],
    ],
)
def test_list_tags_for_emails(answer: object, router: respx.Router, client: SmartleadClient) -> None:
    route = router.post("/email-accounts/tag-list").respond(200, json=answer)
    result = client.list_tags_for_emails(["A@x.test", "b@x.test"])
    assert result == {"A@x.test": [Tag(1, "s", "#1")], "b@x.test": []}
    assert body_of(route.calls.last.request) == {"email_ids": ["A@x.test", "b@x.test"]}


def test_map_and_unmap_tags_in_batches_of_25(router: respx.Router, client: SmartleadClient) -> None:
    mapped = router.post("/email-accounts/tag-mapping").respond(200, json={"ok": True})
    unmapped = router.delete("/email-accounts/tag-mapping").respond(200, json={"ok": True})
    client.map_tags(list(range(1, 61)), [7, 8])
    client.unmap_tags([1], [7])
    client.map_tags([], [7])
    sizes = [len(body_of(c.request)["email_account_ids"]) for c in mapped.calls]
    assert sizes == [25, 25, 10]
    assert body_of(mapped.calls[0].request)["tag_ids"] == [7, 8]
    assert body_of(unmapped.calls.last.request) == {"email_account_ids": [1], "tag_ids": [7]}


# ------------------------------------------------------------------ campaigns


def test_campaign_accounts(router: respx.Router, client: SmartleadClient) -> None:
    listing = router.get("/campaigns/48213/email-accounts").respond(200, json=[account_row(1, "a@x.test")])
    attach = router.post("/campaigns/48213/email-accounts").respond(200, json={"ok": True})
    detach = router.delete("/campaigns/48213/email-accounts").respond(200, json={"ok": True})
    assert [a.id for a in client.list_campaign_accounts(48213)] == [1]
    client.attach_accounts(48213, [1, 2])
    client.detach_accounts(48213, [2])
    client.attach_accounts(48213, [])
    assert listing.call_count == 1 and attach.call_count == 1
    assert body_of(attach.calls.last.request) == {"email_account_ids": [1, 2]}
    assert body_of(detach.calls.last.request) == {"email_account_ids": [2]}
    client.attach_accounts(48213, [3], auto_adjust_warmup=True)
    assert body_of(attach.calls.last.request) == {"email_account_ids": [3], "auto_adjust_warmup": True}


# ------------------------------------------------------------------ campaign webhooks

HOOK = {"name": "crm", "webhook_url": "https://h.test/s", "event_types": ["EMAIL_SENT"], "categories": []}


def test_list_campaign_webhooks(router: respx.Router, client: SmartleadClient) -> None:
    router.get("/campaigns/3/webhooks").respond(200, json=[{"id": 1, **HOOK}])
    assert [w.url for w in client.list_campaign_webhooks(3)] == ["https://h.test/s"]


def test_upsert_campaign_webhook_create_finds_the_new_id(router: respx.Router, client: SmartleadClient) -> None:
    listing = router.get("/campaigns/3/webhooks").mock(
        side_effect=[
            httpx.Response(200, json=[{"id": 1, **HOOK}]),  # an older duplicate
            httpx.Response(200, json=[{"id": 1, **HOOK}, {"id": 2, **HOOK}]),
        ]
    )
    upsert = router.post("/campaigns/3/webhooks").respond(200, json={"ok": True})
    hook = client.upsert_campaign_webhook(3, name="crm", url="https://h.test/s", event_types=["EMAIL_SENT"])
    assert hook.id == 2 and hook.campaign_id == 3
    assert body_of(upsert.calls.last.request) == {"id": None, **HOOK}
    assert listing.call_count == 2


def test_upsert_campaign_webhook_update(router: respx.Router, client: SmartleadClient) -> None:
    upsert = router.post("/campaigns/3/webhooks").respond(200, json={"ok": True})
    hook = client.upsert_campaign_webhook(
        3, webhook_id=9, name="crm", url="https://h.test/s", event_types=["EMAIL_SENT"], categories=["Interested"]
    )
    assert hook.id == 9 and hook.categories == ("Interested",)
    assert body_of(upsert.calls.last.request)["id"] == 9


def test_delete_campaign_webhook_sends_id_in_body(router: respx.Router, client: SmartleadClient) -> None:
    route = router.delete("/campaigns/3/webhooks").respond(200, json={"ok": True})
    client.delete_campaign_webhook(3, 9)
    assert body_of(route.calls.last.request) == {"id": 9}


# ------------------------------------------------------------------ account-wide webhooks


def test_account_webhooks(router: respx.Router, client: SmartleadClient) -> None:
    create = router.post("/webhook/create").respond(200, json={"ok": True, "id": 50, "webhook_url": "https://h.test"})
    get = router.get("/webhook/50").respond(
        200,
        json={
            "ok": True,
            "data": {"id": 50, "webhook_url": "https://h.test", "association_type": "client", "client_id": 8},
        },
    )
    update = router.put("/webhook/update/50").respond(200, json={"ok": True})
    delete = router.delete("/webhook/delete").respond(200, json={"ok": True})

    new_id = client.create_webhook(
        url="https://h.test", event_types=["EMAIL_REPLY"], association_type="client", client_id=8, name="n"
    )
    assert new_id == 50
    assert body_of(create.calls.last.request) == {
        "webhook_url": "https://h.test",
        "name": "n",
        "association_type": "client",
        "client_id": 8,
        "event_type_map": {"EMAIL_REPLY": True},
        "category_id_map": {},
    }
    hook = client.get_webhook(50)
    assert (hook.association_type, hook.client_id) == ("client", 8)
    client.update_webhook(50, event_types=["EMAIL_SENT"], campaign_id=4)
    assert body_of(update.calls.last.request) == {"email_campaign_id": 4, "event_type_map": {"EMAIL_SENT": True}}
    client.delete_webhook(50)
    assert body_of(delete.calls.last.request) == {"id": 50}
    assert get.call_count == 1


def test_webhook_scope_is_checked(client: SmartleadClient) -> None:
    with pytest.raises(ValueError):
        client.create_webhook(url="https://h.test", event_types=[], association_type="team")


# ------------------------------------------------------------------ reputation on GET by id


@pytest.mark.parametrize("reputation", [87, "87%", 87.0, "87"])
def test_get_by_id_reads_reputation_as_number_or_string(
    reputation: object, router: respx.Router, client: SmartleadClient
) -> None:
    details = {"status": "ACTIVE", "warmup_reputation": reputation, "warmup_max_count": 20}
    router.get("/email-accounts/5/").respond(200, json=account_row(5, "a@b.test", warmup_details=details))
    warmup = client.get_email_account(5).warmup
    assert warmup is not None and warmup.reputation == 87.0


# ------------------------------------------------------------------ reconnect


def test_reconnect_failed_accounts_is_a_bulk_post_not_retried_when_ambiguous(
    router: respx.Router, client: SmartleadClient
) -> None:
    route = router.post("/email-accounts/reconnect-failed-email-accounts").mock(
        side_effect=[httpx.Response(200, json={"ok": True, "message": "started"}), httpx.Response(502)]
    )
    client.reconnect_failed_email_accounts()
    assert body_of(route.calls.last.request) == {}
    with pytest.raises(ServerError):
        client.reconnect_failed_email_accounts()
    assert route.call_count == 2  # the 502 was not retried: it may have counted against the daily limit


# ------------------------------------------------------------------ client API keys

KEY_VALUE = "9f3e2d1c-0b4a-4c5d-8e7f-6a5b4c3d2e1f_clkey01"
RESET_VALUE = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d_clkey02"


def _key(key_id: int = 45, value: str = KEY_VALUE, name: str = "Production Key") -> dict[str, object]:
    return {
        "id": key_id,
        "client_id": 301,
        "key_name": name,
        "api_key": value,
        "status": "active",
        "created_at": "2025-12-01T10:00:00.000Z",
    }


def test_list_client_api_keys_sends_the_filters_and_reads_the_envelope(
    router: respx.Router, client: SmartleadClient
) -> None:
    route = router.get("/client/api-key").respond(200, json={"message": "ok", "data": [_key()]})
    keys = client.list_client_api_keys(client_id=301, status="active", key_name="Prod")
    assert [(k.id, k.client_id, k.key_name, k.status, k.api_key) for k in keys] == [
        (45, 301, "Production Key", "active", KEY_VALUE)
    ]
    params = route.calls.last.request.url.params
    assert (params["clientId"], params["status"], params["keyName"]) == ("301", "active", "Prod")
    client.list_client_api_keys()
    assert set(route.calls.last.request.url.params) == {"api_key"}


def test_create_client_api_key_returns_the_answered_key(router: respx.Router, client: SmartleadClient) -> None:
    listing = router.get("/client/api-key").respond(200, json={"message": "ok", "data": []})
    create = router.post("/client/api-key").respond(200, json={"ok": True, "data": _key()})
    key = client.create_client_api_key(301, "Production Key")
    assert (key.id, key.api_key) == (45, KEY_VALUE)
    assert body_of(create.calls.last.request) == {"clientId": 301, "keyName": "Production Key"}
    assert listing.call_count == 1  # the keys that existed before


def test_create_client_api_key_without_a_record_finds_the_new_key(
    router: respx.Router, client: SmartleadClient
) -> None:
    router.get("/client/api-key").mock(
        side_effect=[
            httpx.Response(200, json={"message": "ok", "data": [_key(44, RESET_VALUE)]}),  # same name, older
            httpx.Response(200, json={"message": "ok", "data": [_key(44, RESET_VALUE), _key()]}),
        ]
    )
    router.post("/client/api-key").respond(200, json={"ok": True})
    assert client.create_client_api_key(301, "Production Key").id == 45


def test_create_client_api_key_after_an_ambiguous_failure_never_makes_two(
    router: respx.Router, client: SmartleadClient
) -> None:
    router.get("/client/api-key").mock(
        side_effect=[
            httpx.Response(200, json={"message": "ok", "data": []}),
            httpx.Response(200, json={"message": "ok", "data": [_key()]}),  # the 502 had created it
        ]
    )
    create = router.post("/client/api-key").respond(502)
    assert client.create_client_api_key(301, "Production Key").id == 45
    assert create.call_count == 1


def test_reset_client_api_key_returns_the_new_value(router: respx.Router, client: SmartleadClient) -> None:
    reset = router.put("/client/api-key/reset/45").respond(200, json={"ok": True, "data": _key(value=RESET_VALUE)})
    assert client.reset_client_api_key(45).api_key == RESET_VALUE
    assert reset.call_count == 1
    reset.respond(200, json={"ok": True})
    router.get("/client/api-key").respond(200, json={"message": "ok", "data": [_key(value=RESET_VALUE)]})
    assert client.reset_client_api_key(45).api_key == RESET_VALUE
    router.get("/client/api-key").respond(200, json={"message": "ok", "data": []})
    with pytest.raises(UnexpectedResponseError, match="key 45 cannot be found"):
        client.reset_client_api_key(45)


def test_delete_client_api_key(router: respx.Router, client: SmartleadClient) -> None:
    route = router.delete("/client/api-key/45").respond(200, json={"ok": True})
    client.delete_client_api_key(45)
    assert route.call_count == 1


def test_client_api_keys_never_reach_reprs_logs_or_errors(
    router: respx.Router, client: SmartleadClient, caplog: pytest.LogCaptureFixture
) -> None:
    odd = "cl_live_a1b2c3d4e5f6g7h8"  # the docs' example shape, which no pattern recognises
    caplog.set_level(logging.DEBUG)
    router.get("/client/api-key").respond(200, json={"message": "ok", "data": [_key(value=odd)]})
    key = client.list_client_api_keys()[0]
    assert key.api_key == odd and odd not in repr(key) and odd not in str(key)
    # Once read, the value is masked wherever it shows up later: here an error quoting a body that has it outside
    # any "api_key" field, and a log line.
    assert scrub(f"the key is {odd}") == "the key is ***"
    router.put("/client/api-key/reset/45").respond(200, json={"ok": True})
    router.get("/client/api-key").respond(200, json={"message": f"shown once: {odd}", "data": [{"key_name": "x"}]})
    with pytest.raises(UnexpectedResponseError) as raised:
        client.reset_client_api_key(45)
    assert "shown once: ***" in str(raised.value)
    assert odd not in str(raised.value) and odd not in repr(raised.value)
    logging.getLogger("mailfleet.smartlead").warning("reset %s", odd)
    assert "reset ***" in caplog.text and odd not in caplog.text


# ------------------------------------------------------------------ campaign webhook summary and retrigger

_CET = dt.timezone(dt.timedelta(hours=2))
WINDOW = (dt.datetime(2024, 1, 1, tzinfo=dt.UTC), dt.datetime(2024, 2, 1, 1, 59, 59, 999_000, tzinfo=_CET))


@pytest.mark.parametrize(
    "answer",
    [
        {"total_calls": 150, "successful_calls": 145, "failed_calls": 5, "success_rate": 96.7},
        {"total": 150, "success": 145, "failed": 5},
        {"success": True, "data": {"total": 150, "success": 145, "failed": 5}},
    ],
)
def test_webhook_summary_reads_the_docs_and_the_cli_shapes(
    answer: dict[str, object], router: respx.Router, client: SmartleadClient
) -> None:
    route = router.get("/campaigns/3/webhooks/summary").respond(200, json=answer)
    summary = client.get_campaign_webhook_summary(3, *WINDOW)
    assert (summary.total, summary.successful, summary.failed, summary.success_rate) == (150, 145, 5, 96.7)
    params = route.calls.last.request.url.params
    assert (params["fromTime"], params["toTime"]) == ("2024-01-01T00:00:00.000Z", "2024-01-31T23:59:59.999Z")


def test_webhook_window_must_be_timezone_aware(router: respx.Router, client: SmartleadClient) -> None:
    route = router.get("/campaigns/3/webhooks/summary").respond(200, json={})
    with pytest.raises(ValueError, match="timezone-aware"):
        client.get_campaign_webhook_summary(3, dt.datetime(2024, 1, 1), WINDOW[1])
    assert route.call_count == 0


def test_retrigger_sends_the_window_and_is_not_repeated_after_an_ambiguous_failure(
    router: respx.Router, client: SmartleadClient
) -> None:
    route = router.post("/campaigns/3/webhooks/retrigger-failed-events").mock(
        side_effect=[
            httpx.Response(200, json={"success": True, "retriggered_count": 5}),
            httpx.Response(200, json={"ok": True}),
            httpx.Response(502),
        ]
    )
    assert client.retrigger_failed_webhook_events(3, *WINDOW) == 5
    assert body_of(route.calls.last.request) == {
        "fromTime": "2024-01-01T00:00:00.000Z",
        "toTime": "2024-01-31T23:59:59.999Z",
    }
    assert client.retrigger_failed_webhook_events(3, *WINDOW) is None
    with pytest.raises(ServerError):
        client.retrigger_failed_webhook_events(3, *WINDOW)
    assert route.call_count == 3
