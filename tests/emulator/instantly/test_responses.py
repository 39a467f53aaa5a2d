"""Handlers over HTTP (in-process): bodies, Fastify error shapes, and the account/tag/campaign/webhook routes."""

from __future__ import annotations

from mailfleet.emulator.instantly.app import InstantlyEmulator
from mailfleet.emulator.instantly.responses import error_body

from .conftest import Api, account_body


def test_error_body_shape() -> None:
    assert error_body(409, "x") == {"statusCode": 409, "error": "Conflict", "message": "x"}


def test_create_validates_and_refuses_a_duplicate(api: Api, emulator: InstantlyEmulator) -> None:
    body = account_body()
    del body["provider_code"]
    missing = api("POST", "/accounts", json=body)
    assert missing.status_code == 400
    assert missing.json() == error_body(400, "body must have required property 'provider_code'")
    created = api.create()
    assert "smtp_password" not in created and created["smtp_username"] == "jane@acme-mail.example"
    again = api("POST", "/accounts", json=account_body("JANE@acme-mail.example"))
    assert again.status_code == 409 and again.json()["message"] == "Account already exists"
    assert len(emulator.backend.dump_accounts(None)) == 1


def test_get_patch_delete_by_email(api: Api) -> None:
    api.create()
    assert api("GET", "/accounts/jane%40acme-mail.example").json()["email"] == "jane@acme-mail.example"
    refused = api("PATCH", "/accounts/jane@acme-mail.example", json={"smtp_host": "smtp.x.example"})
    assert refused.status_code == 400 and refused.json()["message"] == "body must NOT have additional properties"
    patched = api("PATCH", "/accounts/jane@acme-mail.example", json={"daily_limit": 45, "sending_gap": 3})
    assert (patched.json()["daily_limit"], patched.json()["sending_gap"]) == (45, 3)
    assert api("POST", "/accounts/jane@acme-mail.example/pause").json()["status"] == 2
    assert api("POST", "/accounts/jane@acme-mail.example/resume").json()["status"] == 1
    deleted = api("DELETE", "/accounts/jane@acme-mail.example")
    assert deleted.status_code == 200 and deleted.json()["daily_limit"] == 45
    gone = api("GET", "/accounts/jane@acme-mail.example")
    assert gone.status_code == 404 and gone.json() == error_body(404, "Resource not found")


def test_list_pages_with_limit_and_trailing_cursor(api: Api) -> None:
    for i in range(3):
        api.create(f"m{i}@acme-mail.example")
    first = api("GET", "/accounts", limit=2).json()
    second = api("GET", "/accounts", limit=2, starting_after=first["next_starting_after"]).json()
    last = api("GET", "/accounts", limit=2, starting_after=second["next_starting_after"]).json()
    assert len(first["items"]) == 2 and len(second["items"]) == 1 and second["next_starting_after"]
    assert last == {"items": [], "next_starting_after": None}
    over = api("GET", "/accounts", limit=101)
    assert over.status_code == 400 and over.json()["message"] == "querystring/limit must be <= 100"


def test_warmup_job_and_analytics(api: Api, emulator: InstantlyEmulator) -> None:
    api.create()
    job = api("POST", "/accounts/warmup/enable", json={"emails": ["jane@acme-mail.example"]}).json()
    assert job["status"] == "success"  # job_seconds 0 in these tests
    assert api("GET", f"/background-jobs/{job['id']}").json()["progress"] == 100
    assert api("GET", "/accounts/jane@acme-mail.example").json()["warmup_status"] == 1
    assert api("POST", "/accounts/warmup/disable", json={}).json()["message"] == (
        "body must have required property 'emails'"
    )
    assert api("GET", "/background-jobs/nope").status_code == 404
    analytics = api("POST", "/accounts/warmup-analytics", json={"emails": ["jane@acme-mail.example"]}).json()
    assert analytics == {
        "email_date_data": {"jane@acme-mail.example": {}},
        "aggregate_data": {"jane@acme-mail.example": {}},
    }
    today = emulator.clock.today().isoformat()
    ws = emulator.backend.workspace(emulator.settings.workspace_id)
    emulator.backend.seed_history(ws, "jane@acme-mail.example", "daily", {today: {"sent": 12, "bounced": 1}})
    rows = api("GET", "/accounts/analytics/daily", emails="jane@acme-mail.example", start_date=today, end_date=today)
    assert [(r["email_account"], r["sent"], r["bounced"]) for r in rows.json()] == [("jane@acme-mail.example", 12, 1)]
    assert api("GET", "/accounts/analytics/daily").json()["message"] == (
        "querystring must have required property 'emails'"
    )


def test_tags_toggle_and_list_by_tag(api: Api) -> None:
    api.create()
    tag = api("POST", "/custom-tags", json={"label": "Client A", "description": "d"}).json()
    assert api("POST", "/custom-tags", json={"label": " client a"}).status_code == 409
    toggled = api(
        "POST",
        "/custom-tags/toggle-resource",
        json={"tag_ids": [tag["id"]], "resource_ids": ["jane@acme-mail.example"], "resource_type": 1, "assign": True},
    )
    assert toggled.status_code == 200 and "message" in toggled.json()
    tagged = api("GET", "/accounts", tag_ids=tag["id"], include_tags=True).json()["items"]
    assert [a["tags"] for a in tagged] == [[{"id": tag["id"], "label": "Client A"}]]
    assert api("PATCH", f"/custom-tags/{tag['id']}", json={"description": "e"}).json()["description"] == "e"
    assert api("GET", "/custom-tags").json()["items"][0]["id"] == tag["id"]
    assert api("DELETE", f"/custom-tags/{tag['id']}").json()["label"] == "Client A"
    assert api("GET", f"/custom-tags/{tag['id']}").status_code == 404


def test_campaign_senders_and_webhooks(api: Api, emulator: InstantlyEmulator) -> None:
    api.create()
    ws = emulator.backend.workspace(emulator.settings.workspace_id)
    campaign = emulator.backend.seed_campaign(ws, name="Outbound")
    patched = api("PATCH", f"/campaigns/{campaign['id']}", json={"email_list": ["jane@acme-mail.example"]})
    assert patched.json()["email_list"] == ["jane@acme-mail.example"]
    assert api("GET", f"/campaigns/{campaign['id']}").json()["name"] == "Outbound"
    bad = api("POST", "/webhooks", json={"target_hook_url": "https://h.example", "event_type": "nope"})
    assert bad.json()["message"] == "body/event_type must be equal to one of the allowed values"
    hook = api(
        "POST",
        "/webhooks",
        json={"target_hook_url": "https://h.example", "event_type": "all_events", "headers": {"X-A": "1"}},
    ).json()
    assert hook["status"] == 1 and hook["headers"] == {"X-A": "1"}
    assert api("PATCH", f"/webhooks/{hook['id']}", json={"name": "n"}).json()["name"] == "n"
    assert [h["id"] for h in api("GET", "/webhooks").json()["items"]] == [hook["id"]]
    assert api("DELETE", f"/webhooks/{hook['id']}").status_code == 200
    assert api("GET", f"/webhooks/{hook['id']}").status_code == 404
