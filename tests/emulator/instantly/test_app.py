"""The request pipeline: Fastify 404, Bearer auth, x-as-workspace, per-workspace rate limit (bare 429),
unpaid workspaces (402), faults (also after commit), the request log and the virtual Date."""

from __future__ import annotations

import httpx

from mailfleet.emulator.instantly.app import InstantlyEmulator
from mailfleet.emulator.models import key_hash

from .conftest import KEY, OTHER_KEY, Api, account_body


def test_unknown_route_and_auth(http: httpx.Client, api: Api) -> None:
    unknown = api("GET", "/nothing")
    assert unknown.status_code == 404 and unknown.json()["message"] == "Route GET:/api/v2/nothing not found"
    missing = Api(http, None)("GET", "/accounts")
    assert missing.status_code == 401
    assert missing.json() == {"statusCode": 401, "error": "Unauthorized", "message": "Missing Authorization header"}
    assert Api(http, "wrong")("GET", "/accounts").status_code == 401


def test_admin_key_acts_on_a_sub_workspace(http: httpx.Client, api: Api, emulator: InstantlyEmulator) -> None:
    child = emulator.backend.add_workspace(parent=emulator.settings.workspace_id)
    emulator.backend.register_key(OTHER_KEY, child.id)
    as_child = Api(http, KEY, as_workspace=child.id)
    as_child.create("child@acme-mail.example")
    assert [a["email"] for a in Api(http, OTHER_KEY)("GET", "/accounts").json()["items"]] == ["child@acme-mail.example"]
    assert api("GET", "/accounts").json()["items"] == []
    refused = Api(http, OTHER_KEY, as_workspace=emulator.settings.workspace_id)("GET", "/accounts")
    assert refused.status_code == 403


def test_unpaid_workspace_answers_402(api: Api, emulator: InstantlyEmulator) -> None:
    emulator.backend.set_paid(emulator.settings.workspace_id, False)
    response = api("GET", "/accounts")
    assert response.status_code == 402
    assert response.json()["message"] == "Workspace does not have an active paid plan"


def test_rate_limit_is_a_bare_429_per_workspace(http: httpx.Client, api: Api, emulator: InstantlyEmulator) -> None:
    emulator.set_switch("rate_limits", "3/60,100/60")
    other = emulator.backend.add_workspace()
    emulator.backend.register_key(OTHER_KEY, other.id)
    statuses = [api("GET", "/accounts").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = api("GET", "/accounts")
    assert limited.json() == {"statusCode": 429, "error": "Too Many Requests", "message": "Rate limit exceeded"}
    assert not any(h.startswith(("x-ratelimit", "retry-after")) for h in limited.headers)
    assert Api(http, OTHER_KEY)("GET", "/accounts").status_code == 200


def test_after_commit_fault_keeps_the_account(api: Api, emulator: InstantlyEmulator) -> None:
    emulator.faults.add({"path": "/api/v2/accounts", "method": "POST", "status": 503, "after_commit": True, "count": 1})
    failed = api("POST", "/accounts", json=account_body())
    assert failed.status_code == 503 and failed.json()["statusCode"] == 503
    assert api("GET", "/accounts/jane@acme-mail.example").status_code == 200
    assert api("POST", "/accounts", json=account_body()).status_code == 409


def test_request_log_names_endpoints_and_hides_the_key(api: Api, emulator: InstantlyEmulator) -> None:
    api.create()
    api("GET", "/accounts/jane@acme-mail.example")
    snapshot = emulator.requests.snapshot(api_key_hash=key_hash(KEY))
    assert snapshot["counts"] == {"GET /accounts/{email}": 1, "POST /accounts": 1}
    create = snapshot["entries"][0]
    assert "smtp_password" in create["body_keys"] and KEY not in str(snapshot)


def test_date_header_is_the_virtual_date(api: Api, emulator: InstantlyEmulator) -> None:
    emulator.clock.advance(3)
    assert "08 Jan 2026" in api("GET", "/accounts").headers["date"]
