"""The control API: reset, clock, UI edits, pre-created accounts, campaigns, bad credentials, keys, switches."""

from __future__ import annotations

import httpx
import pytest
from starlette.applications import Starlette

from mailfleet.emulator.testing import ControlClient, EmulatorControlError, RunningEmulator

from .conftest import KEY, OTHER_KEY, Api, SyncASGITransport


def test_health_and_clock(live: RunningEmulator) -> None:
    assert live.control.health() == {"ok": True, "today": "2026-01-05"}
    assert live.control.advance_days(2) == "2026-01-07"
    assert live.control.clock()["offset_days"] == 2
    assert live.control.set_date("2026-03-01") == "2026-03-01"
    live.control.reset()
    assert live.control.today() == "2026-01-05"


def test_reset_all_or_one_key(live: RunningEmulator, live_api: Api) -> None:
    live_api.create()
    Api(live_api.http, OTHER_KEY).create()
    live.control.reset(api_key=OTHER_KEY)
    assert len(live.control.accounts(KEY)) == 1 and live.control.accounts(OTHER_KEY) == []
    live.control.reset()
    assert live.control.accounts() == []


def test_clock_advance_changes_warmup_stats_deterministically(live: RunningEmulator, live_api: Api) -> None:
    account_id = live_api.create()

    def stats() -> dict[str, object]:
        return dict(live_api("GET", f"/email-accounts/{account_id}/warmup-stats").json())

    day0 = stats()
    live.control.advance_days(5)
    day5, day5_again = stats(), stats()
    live.control.reset()
    again_id = live_api.create()
    live.control.advance_days(5)
    replay = dict(live_api("GET", f"/email-accounts/{again_id}/warmup-stats").json())

    assert again_id == account_id
    assert day5 == day5_again == replay
    assert int(str(day5["sent_count"])) > int(str(day0["sent_count"]))
    assert len(day5["stats_by_date"]) == 6  # type: ignore[arg-type]


def test_health_profile_makes_a_critical_mailbox(live: RunningEmulator, live_api: Api) -> None:
    healthy, critical = live_api.create(), live_api.create("bad@acme-mail.example")
    live.control.set_health(critical, "critical")
    live.control.advance_days(10)

    def inbox_rate(account_id: int) -> float:
        stats = live_api("GET", f"/email-accounts/{account_id}/warmup-stats").json()
        return int(stats["inbox_count"]) / int(stats["sent_count"])

    assert inbox_rate(healthy) > 0.9 and inbox_rate(critical) < 0.7
    reputation = live_api("GET", f"/email-accounts/{critical}").json()["warmup_details"]["warmup_reputation"]
    assert isinstance(reputation, int) and reputation < 70  # by id: a number (switch reputation_by_id)
    custom = live.control.set_health(healthy, {"inbox_rate": 0.8, "bounce_rate": 0.03})
    assert custom["inbox_rate"] == 0.8
    with pytest.raises(EmulatorControlError):
        live.control.set_health(healthy, "sparkling")


def test_ui_edit_shows_in_the_api(live: RunningEmulator, live_api: Api) -> None:
    account_id = live_api.create()
    edited = live.control.edit_account(account_id, from_name="Edited In UI", message_per_day=12, tags=["ui"])
    read = live_api("GET", f"/email-accounts/{account_id}").json()
    assert edited["from_name"] == read["from_name"] == "Edited In UI"
    assert read["message_per_day"] == 12 and [t["name"] for t in read["tags"]] == ["ui"]
    with pytest.raises(EmulatorControlError) as error:
        live.control.edit_account(account_id, max_email_per_day=3)
    assert error.value.status == 400
    assert live.control.requests().entries[-1].endpoint == "GET /email-accounts/{id}"  # edits are not logged


def test_pre_created_accounts_are_listed_for_adoption(live: RunningEmulator, live_api: Api) -> None:
    made = live.control.create_account(
        api_key=live.api_key, from_email="old@acme-mail.example", from_name="Old", warmup_started_days_ago=40
    )
    rows = live_api("GET", "/email-accounts/").json()
    assert [r["id"] for r in rows] == [made["id"]]
    assert rows[0]["warmup_details"]["status"] == "ACTIVE" and made["_emulator"]["warmup_started_on"] == "2025-11-26"
    with pytest.raises(EmulatorControlError):
        live.control.create_account(api_key=live.api_key, from_email="old@acme-mail.example")


def test_seeded_campaigns_and_bad_credentials(live: RunningEmulator, live_api: Api) -> None:
    campaign = live.control.seed_campaign(api_key=live.api_key, id=48213, name="Outbound", status="ACTIVE")
    live.control.mark_bad_credentials(emails=["bob@acme-mail.example"], hosts=["smtp.broken.example"])
    assert campaign["id"] == 48213
    assert live_api("GET", "/campaigns/48213/email-accounts").json() == []
    assert live_api("POST", "/email-accounts/save", json=_body("bob@acme-mail.example")).status_code == 406
    assert live_api("POST", "/email-accounts/save", json=_body(smtp_host="smtp.broken.example")).status_code == 406


def _body(email: str = "x@acme-mail.example", **over: object) -> dict[str, object]:
    from .conftest import save_body

    return save_body(email, **over)


def test_runtime_keys_and_no_plan(live: RunningEmulator, live_api: Api) -> None:
    fresh = live.control.add_api_key()
    blocked = live.control.add_api_key(no_plan=True)
    assert Api(live_api.http, fresh)("GET", "/email-accounts/").json() == []
    assert Api(live_api.http, blocked)("GET", "/email-accounts/").status_code == 403


def test_switches_validate_and_reset(live: RunningEmulator) -> None:
    assert live.control.set_switch("over_limit", "empty")["over_limit"] == "empty"
    with pytest.raises(EmulatorControlError):
        live.control.set_switch("over_limit", "maybe")
    with pytest.raises(EmulatorControlError):
        live.control.set_switch("nonsense", True)
    live.control.reset()
    assert live.control.switches()["over_limit"] == "422"


def test_bad_fault_specs_are_refused(live: RunningEmulator) -> None:
    for spec in ({}, {"path": "/x", "path_regex": "x", "status": 500}, {"path": "/x"}, {"path": "/x", "status": 99}):
        response = httpx.post(f"{live.root_url}/_emulator/faults", json=spec)
        assert response.status_code == 400, spec


def test_control_api_refuses_non_loopback_clients(app: Starlette) -> None:
    transport = SyncASGITransport(app)
    transport._inner = httpx.ASGITransport(app=app, client=("192.0.2.7", 5555))
    with httpx.Client(transport=transport, base_url="http://emulator") as http:
        control = ControlClient.__new__(ControlClient)
        control.root_url, control._http = (
            "http://emulator",
            httpx.Client(transport=transport, base_url="http://emulator/_emulator"),
        )
        with pytest.raises(EmulatorControlError) as error:
            control.health()
        control.close()
        assert error.value.status == 403
        assert Api(http, KEY)("GET", "/email-accounts/").status_code == 200


def test_recorded_webhook_deliveries_feed_the_summary(live: RunningEmulator, live_api: Api) -> None:
    live.control.seed_campaign(api_key=live.api_key, id=9, name="Hooked")
    at = "2026-01-05T10:00:00.000Z"
    assert live.control.record_webhook_events(api_key=live.api_key, campaign_id=9, ok=False, count=2, at=at) == 2
    assert live.control.record_webhook_events(api_key=live.api_key, campaign_id=9, ok=True) == 1  # now: Jan 5
    summary = live_api("GET", "/campaigns/9/webhooks/summary", fromTime="2026-01-05", toTime="2026-01-06").json()
    assert (summary["total_calls"], summary["failed_calls"]) == (3, 2)
    for bad in (
        {"ok": "yes"},
        {"ok": True, "count": 0},
        {"ok": True, "at": "later"},
        {"ok": True, "colour": 1},
        {"ok": True, "campaign_id": "9"},
    ):
        spec = {"api_key": live.api_key, "campaign_id": 9, **bad}
        assert httpx.post(f"{live.root_url}/_emulator/webhook-events", json=spec).status_code == 400, bad
    with pytest.raises(EmulatorControlError) as error:
        live.control.record_webhook_events(api_key=live.api_key, campaign_id=10, ok=True)
    assert error.value.status == 404


def test_new_switches_flip_through_the_control_api(live: RunningEmulator, live_api: Api) -> None:
    live_api.create()
    live.control.set_switch("tag_list_shape", "array")
    assert live_api("POST", "/email-accounts/tag-list", json={"email_ids": ["jane@acme-mail.example"]}).json()[0]["id"]
    with pytest.raises(EmulatorControlError):
        live.control.set_switch("reputation_by_id", "percent")
    live.control.reset()
    assert live.control.switches()["tag_list_shape"] == "envelope"
