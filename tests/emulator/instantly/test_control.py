"""The control API (in-process): the shared endpoints and Instantly's seeding, editing, workspaces and keys."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from starlette.applications import Starlette

from mailfleet.emulator.instantly.app import InstantlyEmulator
from mailfleet.emulator.testing import EmulatorControlError, InstantlyControlClient

from ..conftest import SyncASGITransport
from .conftest import Api


@pytest.fixture
def control(app: Starlette) -> Iterator[InstantlyControlClient]:
    client = InstantlyControlClient("http://127.0.0.1", transport=SyncASGITransport(app))
    yield client
    client.close()


def test_ui_account_edit_shows_in_the_api(control: InstantlyControlClient, api: Api) -> None:
    made = control.create_account("ui@acme-mail.example", daily_limit=25, warmup_status=1)
    assert made["added_by"] == "ui" and made["warmup_status"] == 1 and made["imap_host"] == "imap.acme-mail.example"
    control.edit_account("ui@acme-mail.example", daily_limit=60, warmup={"limit": 5})
    shown = api("GET", "/accounts/ui@acme-mail.example").json()
    assert shown["daily_limit"] == 60 and shown["warmup"]["limit"] == 5 and shown["warmup"]["increment"] == "disabled"
    [dumped] = control.accounts()
    assert set(dumped["_emulator"]["password_hashes"]) == {"imap_password", "smtp_password"}
    with pytest.raises(EmulatorControlError) as error:
        control.create_account("x@acme-mail.example", colour="red")
    assert error.value.status == 400
    with pytest.raises(EmulatorControlError) as missing:
        control.edit_account("nobody@acme-mail.example", daily_limit=1)
    assert missing.value.status == 404


def test_history_campaigns_and_reset(control: InstantlyControlClient, api: Api, emulator: InstantlyEmulator) -> None:
    api.create()
    written = control.seed_history(
        "jane@acme-mail.example", last_days=7, per_day={"sent": 10, "landed_inbox": 7, "landed_spam": 3}
    )
    assert written == 7
    aggregate = api("POST", "/accounts/warmup-analytics", json={"emails": ["jane@acme-mail.example"]}).json()
    assert aggregate["aggregate_data"]["jane@acme-mail.example"]["health_score"] == 70
    campaign = control.seed_campaign(name="Q3", email_list=["jane@acme-mail.example"])
    assert api("GET", f"/campaigns/{campaign['id']}").json()["email_list"] == ["jane@acme-mail.example"]
    with pytest.raises(EmulatorControlError):
        control.seed_history("jane@acme-mail.example", kind="opens", last_days=1, per_day={})
    control.advance_days(2)
    control.reset()
    assert control.accounts() == [] and control.today() == "2026-01-05"


def test_workspaces_keys_plan_and_switches(control: InstantlyControlClient, http: httpx.Client) -> None:
    child = control.add_workspace(name="Tenant B", parent=control.workspaces()[0]["id"], api_key=True)
    key = child["api_key"]
    Api(http, key).create("b@tenant-b.example")
    assert [a["email"] for a in control.accounts(workspace_id=child["id"])] == ["b@tenant-b.example"]
    assert control.accounts(api_key=key) == control.accounts(workspace_id=child["id"])
    control.set_paid(child["id"], False)
    assert Api(http, key)("GET", "/accounts").status_code == 402
    extra = control.add_api_key(workspace_id=child["id"])
    assert Api(http, extra)("GET", "/accounts").status_code == 402
    assert control.set_switch("job_seconds", 5)["job_seconds"] == 5.0
    fault = control.add_fault(path="/api/v2/accounts", status=500, count=1)
    assert control.faults()[0]["id"] == fault
    control.reset(workspace_id=child["id"])
    assert control.accounts(workspace_id=child["id"]) == []
    assert control.switches()["job_seconds"] == 5.0  # a workspace reset keeps switches
