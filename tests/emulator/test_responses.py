"""The public API's shapes and quirks, in process (httpx over ASGI)."""

from __future__ import annotations

import httpx

from mailfleet.emulator.app import Emulator

from .conftest import OTHER_KEY, Api, save_body


def test_auth_401_and_403(client: httpx.Client, emulator: Emulator) -> None:
    missing = Api(client, None)("GET", "/email-accounts/")
    unknown = Api(client, "nope")("GET", "/email-accounts/")
    emulator.backend.register_key("no-plan-key", no_plan=True)
    no_plan = Api(client, "no-plan-key")("GET", "/email-accounts/")
    assert (missing.status_code, missing.json()) == (401, {"message": "Invalid API Key"})
    assert (unknown.status_code, unknown.json()) == (401, {"message": "Invalid API Key"})
    assert (no_plan.status_code, no_plan.json()) == (403, {"message": "Access denied"})


def test_unknown_route_and_wrong_method_are_express_404(api: Api) -> None:
    for method, path in (("PATCH", "/email-accounts/1"), ("DELETE", "/client/5"), ("GET", "/nope")):
        response = api(method, path)
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("text/html")
        assert f"<pre>Cannot {method} /api/v1{path}</pre>" in response.text
        assert "api_key" not in response.text


def test_save_creates_and_answers_old_docs_shape(api: Api) -> None:
    response = api("POST", "/email-accounts/save", json=save_body())
    body = response.json()
    assert response.status_code == 200
    assert set(body) == {"ok", "message", "emailAccountId", "warmupKey"} and body["ok"] is True


def test_duplicate_create_is_400_account_already_exist(api: Api) -> None:
    api.create()
    response = api("POST", "/email-accounts/save", json=save_body())
    assert response.status_code == 400 and "ACCOUNT_ALREADY_EXIST" in response.text


def test_bad_credentials_are_406_without_echoing_them(api: Api) -> None:
    response = api("POST", "/email-accounts/save", json=save_body(password="bad-hunter2"))
    assert response.status_code == 406 and "ACCOUNT_VERIFICATION_FAILED" in response.text
    assert "hunter2" not in response.text
    assert api("GET", "/email-accounts/").json() == []


def test_joi_style_400_for_bad_bodies(api: Api) -> None:
    missing = api("POST", "/email-accounts/save", json={k: v for k, v in save_body().items() if k != "user_name"})
    unknown = api("POST", "/email-accounts/save", json={**save_body(), "username": "x"})
    not_object = api("POST", "/email-accounts/save", json=[1])
    assert missing.status_code == 400
    assert missing.json()["validation"]["body"] == {
        "source": "body",
        "keys": ["user_name"],
        "message": '"user_name" is required',
    }
    assert missing.json()["statusCode"] == 400 and missing.json()["error"] == "Bad Request"
    assert unknown.json()["validation"]["body"]["message"] == '"username" is not allowed'
    assert not_object.json()["validation"]["body"]["message"] == '"value" must be of type object'


def test_read_names_differ_from_write_names(api: Api) -> None:
    account_id = api.create(max_email_per_day=40, time_to_wait_in_mins=7, custom_tracking_url="t.x", bcc="b@x.example")
    listed = api("GET", "/email-accounts/").json()
    by_id = api("GET", f"/email-accounts/{account_id}/").json()
    no_slash = api("GET", f"/email-accounts/{account_id}").json()
    assert isinstance(listed, list) and listed[0]["id"] == account_id
    assert by_id == no_slash
    for name, value in {
        "username": "jane@acme-mail.example",
        "message_per_day": 40,
        "minTimeToWaitInMins": 7,
        "custom_tracking_domain": "t.x",
        "bcc_email": "b@x.example",
    }.items():
        assert by_id[name] == value
    assert "user_name" not in by_id and "campaign_count" in listed[0] and "campaign_count" not in by_id
    details = by_id["warmup_details"]
    assert details["status"] == "ACTIVE" and details["warmup_reputation"] == 100
    assert listed[0]["warmup_details"]["warmup_reputation"] == "100%"
    assert {"warmup_max_count", "is_warmup_blocked"} <= set(details)
    assert "is_warmup_blocked" not in listed[0]["warmup_details"]


def test_list_limit_over_100_follows_the_switch(api: Api, emulator: Emulator) -> None:
    api.create()
    refused = api("GET", "/email-accounts/", limit=101)
    emulator.set_switch("over_limit", "empty")
    silent = api("GET", "/email-accounts/", limit=101)
    assert (refused.status_code, refused.json()) == (422, {"error": "limit must be less than or equal to 100"})
    assert (silent.status_code, silent.json()) == (200, [])


def test_list_filters_and_fetch_campaigns(api: Api, emulator: Emulator) -> None:
    first = api.create()
    api.create("john@acme-mail.example", warmup_enabled=False)
    user = emulator.backend.user_for_key(api.api_key or "")
    assert user is not None
    emulator.backend.seed_campaign(user, campaign_id=48213, name="C")
    assert api("POST", "/campaigns/48213/email-accounts", json={"email_account_ids": [first]}).status_code == 200

    assert [a["id"] for a in api("GET", "/email-accounts/", isInUse=True).json()] == [first]
    assert [a["from_email"] for a in api("GET", "/email-accounts/", emailWarmupStatus="INACTIVE").json()] == [
        "john@acme-mail.example"
    ]
    assert api("GET", "/email-accounts/", username="john").json()[0]["from_email"] == "john@acme-mail.example"
    rows = api("GET", "/email-accounts/", fetch_campaigns=True).json()
    assert rows[0]["campaign_ids"] == [48213] and rows[1]["campaign_ids"] == []
    assert api("GET", "/email-accounts/", offset="x").status_code == 400


def test_settings_update_and_not_found(api: Api) -> None:
    account_id = api.create()
    ok = api("POST", f"/email-accounts/{account_id}", json={"max_email_per_day": 25, "from_name": "J"})
    credentials = api("POST", f"/email-accounts/{account_id}", json={"password": "x"})
    missing = api("POST", "/email-accounts/999", json={"from_name": "J"})
    assert ok.json() == {"ok": True, "message": "Email account updated successfully"}
    assert api("GET", f"/email-accounts/{account_id}").json()["message_per_day"] == 25
    assert credentials.status_code == 400
    assert (missing.status_code, missing.json()) == (404, {"error": "Email account not found"})


def test_warmup_settings_and_strict_ranges(api: Api, emulator: Emulator) -> None:
    account_id = api.create()
    lenient = api("POST", f"/email-accounts/{account_id}/warmup", json={"warmup_enabled": True, "daily_rampup": 2})
    emulator.set_switch("strict_warmup", True)
    strict = api(
        "POST", f"/email-accounts/{account_id}/warmup", json={"warmup_enabled": True, "total_warmup_per_day": 80}
    )
    assert lenient.json() == {"ok": True, "message": "Warmup settings updated successfully"}
    assert (strict.status_code, strict.json()) == (
        422,
        {"error": "total_warmup_per_day must be less than or equal to 50"},
    )


def test_warmup_stats_have_string_totals_and_int_days(api: Api, emulator: Emulator) -> None:
    account_id = api.create()
    emulator.clock.advance(9)
    stats = api("GET", f"/email-accounts/{account_id}/warmup-stats").json()
    assert set(stats) == {
        "id",
        "sent_count",
        "spam_count",
        "inbox_count",
        "warmup_email_received_count",
        "stats_by_date",
    }
    assert all(isinstance(stats[k], str) for k in ("sent_count", "spam_count", "inbox_count"))
    assert len(stats["stats_by_date"]) == 7
    day = stats["stats_by_date"][0]
    assert set(day) == {"id", "date", "sent_count", "reply_count", "save_from_spam_count"}
    assert isinstance(day["sent_count"], int)
    assert int(stats["sent_count"]) == sum(d["sent_count"] for d in stats["stats_by_date"])


def test_suspend_unsuspend_and_their_400s(api: Api) -> None:
    account_id = api.create()
    suspended = api("PUT", f"/email-accounts/suspend/{account_id}")
    assert suspended.json() == {
        "success": True,
        "message": "Email account suspended successfully",
        "data": {"accountId": account_id, "isSuspended": True},
    }
    assert api("GET", f"/email-accounts/{account_id}").json()["is_suspended"] is True
    assert api("DELETE", f"/email-accounts/unsuspend/{account_id}").json()["data"]["isSuspended"] is False
    missing = api("PUT", "/email-accounts/suspend/999")
    invalid = api("PUT", "/email-accounts/suspend/abc")
    assert (missing.status_code, missing.json()["success"]) == (400, False)
    assert invalid.json() == {"success": False, "message": "Valid account ID is required"}


def test_delete_and_its_switch(api: Api, emulator: Emulator) -> None:
    account_id = api.create()
    deleted = api("DELETE", f"/email-accounts/{account_id}")
    again = api("DELETE", f"/email-accounts/{account_id}")
    assert deleted.json() == {
        "ok": True,
        "message": "Email account deleted successfully!",
        "emailAccountId": account_id,
    }
    assert again.status_code == 404 and again.json()["errorCode"] == "ACCOUNT_NOT_FOUND"
    emulator.set_switch("delete_enabled", False)
    off = api("DELETE", f"/email-accounts/{api.create()}")
    assert off.status_code == 404 and "Cannot DELETE" in off.text


def test_tags_create_map_both_forms_and_list(api: Api) -> None:
    jane, john = api.create(), api.create("john@acme-mail.example")
    tag = api("POST", "/tags", json={"name": "sales", "color": "#ff0000"}).json()["data"]
    by_ids = api("POST", "/email-accounts/tag-mapping", json={"email_account_ids": [jane], "tag_ids": [tag["id"]]})
    by_emails = api(
        "POST", "/email-accounts/tag-mapping", json={"emails": ["john@acme-mail.example"], "tag_ids": [tag["id"]]}
    )
    too_many = api("POST", "/email-accounts/tag-mapping", json={"email_account_ids": list(range(26)), "tag_ids": [1]})
    assert by_ids.json()["ok"] and by_emails.json()["ok"]
    assert too_many.status_code == 400
    renamed = api("POST", "/email-accounts/tag-manager", json={"id": tag["id"], "name": "vip", "color": "#00ff00"})
    assert renamed.json()["data"]["name"] == "vip"
    listed = api("POST", "/email-accounts/tag-list", json={"email_ids": ["jane@acme-mail.example"]}).json()
    assert listed == {
        "ok": True,
        "data": [
            {
                "email_account_id": jane,
                "from_email": "jane@acme-mail.example",
                "tags": [{**tag, "name": "vip", "color": "#00ff00"}],
            }
        ],
    }
    removed = api("DELETE", "/email-accounts/tag-mapping", json={"email_account_ids": [john], "tag_ids": [tag["id"]]})
    assert removed.json()["ok"] and api("GET", f"/email-accounts/{john}").json()["tags"] == []


def test_campaign_accounts_accept_plural_and_singular(api: Api, emulator: Emulator) -> None:
    jane, john = api.create(), api.create("john@acme-mail.example")
    user = emulator.backend.user_for_key(api.api_key or "")
    assert user is not None
    emulator.backend.seed_campaign(user, campaign_id=5, name="C")
    api("POST", "/campaigns/5/email-accounts", json={"email_account_ids": [jane]})
    api("POST", "/campaigns/5/email-accounts", json={"email_account_id": john})
    assert [a["id"] for a in api("GET", "/campaigns/5/email-accounts").json()] == [jane, john]
    api("DELETE", "/campaigns/5/email-accounts", json={"email_account_id": john})
    assert [a["id"] for a in api("GET", "/campaigns/5/email-accounts").json()] == [jane]
    api("PUT", f"/email-accounts/suspend/{john}")
    refused = api("POST", "/campaigns/5/email-accounts", json={"email_account_ids": [john]})
    assert refused.status_code == 400 and refused.json()["ok"] is False
    assert api("GET", "/campaigns/6/email-accounts").status_code == 404


def test_clients_have_the_real_misspellings_and_no_delete(api: Api) -> None:
    saved = api(
        "POST", "/client/save", json={"name": "Acme", "email": "ops@acme.example", "permission": ["full_access"]}
    )
    client_id = saved.json()["clientId"]
    api("POST", "/client/save", json={"id": client_id, "name": "Acme Corp", "email": "ops@acme.example"})
    listed = api("GET", "/client/").json()
    assert listed[0]["name"] == "Acme Corp" and len(listed) == 1
    assert listed[0]["client_permision"] == {"permission": ["full_access"], "retricted_category": []}
    assert api("DELETE", f"/client/{client_id}").status_code == 404


def test_campaign_webhooks_upsert_list_delete_and_path_switch(api: Api, emulator: Emulator) -> None:
    user = emulator.backend.user_for_key(api.api_key or "")
    assert user is not None
    emulator.backend.seed_campaign(user, campaign_id=9, name="C")
    hook = {
        "id": None,
        "name": "crm",
        "webhook_url": "https://h.example",
        "event_types": ["EMAIL_SENT"],
        "categories": [],
    }
    assert api("POST", "/campaigns/9/webhooks", json=hook).json() == {"ok": True}
    bad = api("POST", "/campaigns/9/webhooks", json={**hook, "event_types": ["EMAIL_OPENED"]})
    listed = api("GET", "/campaigns/9/webhooks").json()
    assert bad.status_code == 400 and "event_types[0]" in bad.json()["validation"]["body"]["message"]
    assert listed[0]["email_campaign_id"] == 9 and listed[0]["event_types"] == ["EMAIL_SENT"]
    path_form = api("DELETE", f"/campaigns/9/webhooks/{listed[0]['id']}")
    assert path_form.status_code == 404 and "Cannot DELETE" in path_form.text
    assert api("DELETE", "/campaigns/9/webhooks", json={"id": listed[0]["id"]}).json() == {"ok": True}
    api("POST", "/campaigns/9/webhooks", json=hook)
    emulator.set_switch("campaign_webhook_delete", "path")
    second = api("GET", "/campaigns/9/webhooks").json()[0]["id"]
    assert api("DELETE", f"/campaigns/9/webhooks/{second}").json() == {"ok": True}
    assert api("DELETE", "/campaigns/9/webhooks", json={"id": second}).status_code == 404


def test_account_wide_webhooks(api: Api) -> None:
    created = api(
        "POST",
        "/webhook/create",
        json={"webhook_url": "https://h.example", "association_type": 1, "event_type_map": {"EMAIL_REPLY": True}},
    ).json()
    assert created["ok"] and created["webhook_url"] == "https://h.example"
    got = api("GET", f"/webhook/{created['id']}").json()
    assert got["ok"] and got["data"]["association_type"] == "user"
    api("PUT", f"/webhook/update/{created['id']}", json={"name": "renamed"})
    assert api("GET", f"/webhook/{created['id']}").json()["data"]["name"] == "renamed"
    bad = api("POST", "/webhook/create", json={"webhook_url": "https://h.example", "event_type_map": {"SENT": True}})
    assert bad.status_code == 400
    assert api("DELETE", "/webhook/delete", json={"id": created["id"]}).json()["ok"]
    assert api("GET", f"/webhook/{created['id']}").status_code == 404


def test_a_user_scope_webhook_keeps_no_client_and_takes_boolean_maps(api: Api) -> None:
    client_id = api("POST", "/client/save", json={"name": "Acme", "email": "ops@acme.example"}).json()["clientId"]
    body = {"webhook_url": "https://h.example/a", "association_type": "client", "client_id": client_id}
    created = api("POST", "/webhook/create", json={**body, "category_id_map": {"1": True}}).json()
    assert api("GET", f"/webhook/{created['id']}").json()["data"]["client_id"] == client_id
    api("PUT", f"/webhook/update/{created['id']}", json={"association_type": "user"})
    data = api("GET", f"/webhook/{created['id']}").json()["data"]
    assert (data["association_type"], data["client_id"], data["category_id_map"]) == ("user", None, {"1": True})
    bad = api("POST", "/webhook/create", json={**body, "category_id_map": {"1": "yes"}})
    assert bad.status_code == 400 and "category_id_map.1" in bad.text


def test_keys_see_only_their_own_data(client: httpx.Client, api: Api) -> None:
    account_id = api.create()
    other = Api(client, OTHER_KEY)
    assert other("GET", "/email-accounts/").json() == []
    assert other("GET", f"/email-accounts/{account_id}").status_code == 404


def test_rate_limit_headers_on_every_response(api: Api) -> None:
    response = api("GET", "/email-accounts/")
    assert response.headers["x-ratelimit-limit"] == "1000"
    assert int(response.headers["x-ratelimit-remaining"]) == 999
    assert "x-ratelimit-reset" in response.headers
    assert response.headers["date"].endswith("GMT") and "05 Jan 2026" in response.headers["date"]


def test_joi_reports_a_missing_key_before_an_unknown_one(api: Api) -> None:
    body = {k: v for k, v in save_body().items() if k != "user_name"}
    response = api("POST", "/email-accounts/save", json={**body, "username": "x"})
    assert response.json()["validation"]["body"]["message"] == '"user_name" is required'


def test_tag_list_shape_follows_the_switch(api: Api, emulator: Emulator) -> None:
    jane = api.create()
    tag = api("POST", "/tags", json={"name": "sales", "color": "#ff0000"}).json()["data"]
    api("POST", "/email-accounts/tag-mapping", json={"email_account_ids": [jane], "tag_ids": [tag["id"]]})
    body = {"email_ids": ["jane@acme-mail.example", "nobody@acme-mail.example"]}
    row = {"from_email": "jane@acme-mail.example", "tags": [tag]}
    assert api("POST", "/email-accounts/tag-list", json=body).json() == {
        "ok": True,
        "data": [{"email_account_id": jane, **row}],
    }
    emulator.set_switch("tag_list_shape", "array")
    assert api("POST", "/email-accounts/tag-list", json=body).json() == [{"id": jane, **row}]


def test_reconnect_has_its_own_route(api: Api, emulator: Emulator) -> None:
    account_id = api.create()
    emulator.backend.edit_account(account_id, {"is_smtp_success": False, "smtp_failure_error": "timeout"})
    for body in (None, {}, {"email_account_ids": [account_id]}):
        response = api("POST", "/email-accounts/reconnect-failed-email-accounts", json=body)
        assert response.status_code == 200 and response.json()["ok"] is True, response.text
    assert api("GET", f"/email-accounts/{account_id}").json()["is_smtp_success"] is True
    assert api("POST", "/email-accounts/reconnect-failed-email-accounts", json=[1]).status_code == 400


def test_warmup_reputation_by_id_follows_the_switch_and_the_list_stays_a_string(api: Api, emulator: Emulator) -> None:
    account_id = api.create()
    emulator.backend.edit_account(account_id, {"warmup_details": {"warmup_reputation": "87%"}})

    def by_id() -> object:
        return api("GET", f"/email-accounts/{account_id}").json()["warmup_details"]["warmup_reputation"]

    assert by_id() == 87
    emulator.set_switch("reputation_by_id", "string")
    assert by_id() == "87%"
    assert api("GET", "/email-accounts/").json()[0]["warmup_details"]["warmup_reputation"] == "87%"


def test_attach_accepts_auto_adjust_warmup_unless_switched_off(api: Api, emulator: Emulator) -> None:
    account_id = api.create()
    user = emulator.backend.user_for_key(api.api_key or "")
    assert user is not None
    emulator.backend.seed_campaign(user, campaign_id=5, name="C")
    body = {"email_account_ids": [account_id], "auto_adjust_warmup": True}
    assert api("POST", "/campaigns/5/email-accounts", json=body).json()["ok"] is True
    detach_with_it = api("DELETE", "/campaigns/5/email-accounts", json=body)
    assert detach_with_it.json()["validation"]["body"]["message"] == '"auto_adjust_warmup" is not allowed'
    emulator.set_switch("attach_auto_adjust_warmup", False)
    refused = api("POST", "/campaigns/5/email-accounts", json=body)
    assert refused.status_code == 400
    assert refused.json()["validation"]["body"]["message"] == '"auto_adjust_warmup" is not allowed'


def test_client_api_keys_create_list_reset_delete(api: Api) -> None:
    client_id = api("POST", "/client/save", json={"name": "Acme", "email": "ops@acme.example"}).json()["clientId"]
    created = api("POST", "/client/api-key", json={"clientId": client_id, "keyName": "Production Key"})
    assert created.status_code == 200 and created.json()["ok"] is True
    key = created.json()["data"]
    assert set(key) == {"id", "client_id", "key_name", "api_key", "status", "created_at"}
    assert (key["client_id"], key["key_name"], key["status"]) == (client_id, "Production Key", "active")
    api("POST", "/client/api-key", json={"clientId": client_id, "keyName": "ci"})

    listed = api("GET", "/client/api-key", clientId=client_id, keyName="prod").json()
    assert set(listed) == {"message", "data"} and listed["data"] == [key]
    assert api("GET", "/client/api-key", status="inactive").json()["data"] == []
    assert len(api("GET", "/client/api-key").json()["data"]) == 2

    reset = api("PUT", f"/client/api-key/reset/{key['id']}").json()["data"]
    assert reset["id"] == key["id"] and reset["api_key"] != key["api_key"]
    assert api("DELETE", f"/client/api-key/{key['id']}").json()["ok"] is True
    assert api("DELETE", f"/client/api-key/{key['id']}").status_code == 404
    assert api("PUT", f"/client/api-key/reset/{key['id']}").status_code == 404
    # Stored only: a client key is not accepted by the emulator's API.
    assert Api(api.http, reset["api_key"])("GET", "/email-accounts/").status_code == 401


def test_client_api_key_validation(api: Api) -> None:
    client_id = api("POST", "/client/save", json={"name": "Acme", "email": "ops@acme.example"}).json()["clientId"]

    def message(body: object) -> str:
        response = api("POST", "/client/api-key", json=body)
        assert response.status_code == 400
        return str(response.json()["validation"]["body"]["message"])

    assert message({"keyName": "k", "name": "x"}) == '"clientId" is required'
    assert message({"clientId": client_id, "keyName": "no/slash"}).startswith(
        '"keyName" with value "no/slash" fails to match the required pattern'
    )
    assert message({"clientId": client_id, "keyName": "k", "status": "active"}) == '"status" is not allowed'
    missing = api("POST", "/client/api-key", json={"clientId": 4, "keyName": "k"})
    assert (missing.status_code, missing.json()) == (404, {"ok": False, "message": "Client not found"})
    assert api("GET", "/client/api-key", status="revoked").status_code == 400


def test_campaign_webhook_summary_and_retrigger(api: Api, emulator: Emulator) -> None:
    user = emulator.backend.user_for_key(api.api_key or "")
    assert user is not None
    emulator.backend.seed_campaign(user, campaign_id=9, name="C")
    now = emulator.clock.now()
    emulator.backend.record_webhook_events(user, 9, ok=True, count=3, at=now)
    emulator.backend.record_webhook_events(user, 9, ok=False, at=now)
    window = {"fromTime": "2026-01-01T00:00:00.000Z", "toTime": "2026-01-31T23:59:59.999Z"}

    summary = api("GET", "/campaigns/9/webhooks/summary", **window).json()
    assert summary == {"total_calls": 4, "successful_calls": 3, "failed_calls": 1, "success_rate": 75.0}
    emulator.set_switch("webhook_summary_shape", "cli")
    assert api("GET", "/campaigns/9/webhooks/summary", **window).json() == {"total": 4, "success": 3, "failed": 1}

    retriggered = api("POST", "/campaigns/9/webhooks/retrigger-failed-events", json=window)
    assert retriggered.json() == {"success": True, "retriggered_count": 1}
    assert api("GET", "/campaigns/9/webhooks/summary", **window).json()["failed"] == 0

    missing = api("GET", "/campaigns/9/webhooks/summary", toTime=window["toTime"])
    assert missing.status_code == 400
    assert missing.json()["validation"]["query"]["message"] == '"fromTime" is required'
    bad = api("POST", "/campaigns/9/webhooks/retrigger-failed-events", json={**window, "toTime": "soon"})
    assert bad.json()["validation"]["body"]["message"] == '"toTime" must be in ISO 8601 date format'
    assert api("GET", "/campaigns/10/webhooks/summary", **window).status_code == 404
    assert api("POST", "/campaigns/10/webhooks/retrigger-failed-events", json=window).status_code == 404
