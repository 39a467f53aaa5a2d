"""Simulated campaign mail and its two endpoints, and the SmartDelivery sub-emulator, in process."""

from __future__ import annotations

from typing import Any

import httpx

from mailfleet.emulator.app import Emulator
from tests.emulator.conftest import KEY, Api


def attached(api: Api, emulator: Emulator, status: str = "ACTIVE", bounce: float = 0.064) -> int:
    account_id = api.create()
    user = emulator.backend.user_for_key(KEY)
    assert user is not None
    emulator.backend.seed_campaign(user, campaign_id=48213, name="Outbound", status=status)
    emulator.backend.edit_account(account_id, {"message_per_day": 100})
    emulator.backend.set_health(account_id, {"bounce_rate": bounce})
    assert api("POST", "/campaigns/48213/email-accounts", json={"email_account_ids": [account_id]}).status_code == 200
    return account_id


def window(emulator: Emulator, days: int) -> dict[str, Any]:
    from datetime import timedelta

    today = emulator.clock.today()
    return {"start_date": (today - timedelta(days=days - 1)).isoformat(), "end_date": today.isoformat()}


def test_an_active_campaign_sends_the_cap_and_bounces_at_the_profile_rate(api: Api, emulator: Emulator) -> None:
    account_id = attached(api, emulator)
    emulator.clock.advance(7)
    rows = api("GET", "/campaigns/48213/mailbox-statistics", **window(emulator, 7), limit=20).json()
    assert [(r["email_account_id"], r["sent_count"]) for r in rows] == [(account_id, 700)]
    assert 0.06 <= rows[0]["bounce_count"] / 700 < 0.07
    metrics = api("GET", "/analytics/mailbox/name-wise-health-metrics", **window(emulator, 7)).json()
    row = metrics["data"]["email_health_metrics"][0]
    assert (row["sent"], row["bounced"]) == ("700", str(rows[0]["bounce_count"]))


def test_a_paused_campaign_sends_nothing_and_limits_are_checked(api: Api, emulator: Emulator) -> None:
    attached(api, emulator, status="PAUSED")
    emulator.clock.advance(7)
    rows = api("GET", "/campaigns/48213/mailbox-statistics", **window(emulator, 7)).json()
    assert rows[0]["sent_count"] == 0
    over = api("GET", "/campaigns/48213/mailbox-statistics", **window(emulator, 7), limit=21)
    assert over.status_code == 422
    assert api("GET", "/campaigns/48213/mailbox-statistics").status_code == 400  # the window is required
    assert api("GET", "/campaigns/99/mailbox-statistics", **window(emulator, 7)).status_code == 404


def test_the_one_call_route_can_be_switched_off(api: Api, emulator: Emulator) -> None:
    emulator.set_switch("health_metrics", False)
    response = api("GET", "/analytics/mailbox/name-wise-health-metrics", **window(emulator, 7))
    assert response.status_code == 404 and "Cannot GET" in response.text


def test_smartdelivery_test_completes_on_the_second_read(api: Api, emulator: Emulator, client: httpx.Client) -> None:
    attached(api, emulator)
    base = "/smartdelivery/api/v1"
    body = {"test_name": "t", "campaign_id": 48213, "sender_accounts": ["jane@acme-mail.example"]}
    assert client.post(f"{base}/spam-test/manual", json=body).status_code == 401  # no key
    created = client.post(f"{base}/spam-test/manual", params={"api_key": KEY}, json=body).json()
    test_id = created["data"]["id"]
    read = [client.get(f"{base}/spam-test/{test_id}", params={"api_key": KEY}).json()["status"] for _ in range(2)]
    assert read == ["ACTIVE", "COMPLETED"]
    report = client.post(f"{base}/spam-test/report/{test_id}/sender-account-wise", params={"api_key": KEY}, json={})
    row = report.json()["data"][0]
    assert (row["from_email"], row["inbox_count"] + row["spam_count"]) == ("jane@acme-mail.example", 40)
    stranger = {**body, "sender_accounts": ["nobody@acme-mail.example"]}
    refused = client.post(f"{base}/spam-test/manual", params={"api_key": KEY}, json=stranger)
    assert refused.status_code == 400 and "not in campaign" in refused.json()["message"]
