"""Account-wide (user-scope) webhooks across per-tenant stacks, on the real CLI and a real emulator.

Two tenant stacks (acme, globex) and the stack ``account:`` names (``shared``): up creates the user-scope webhook
once, in ``shared`` only; a tenant stack that would declare it too is refused before anything is written; an edit
made in Smartlead is named by drift and put back by up; previews are clean after.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailfleet.emulator.testing import RunningEmulator
from mailfleet.smartlead.client import SmartleadClient
from tests.stacks.conftest import PER_TENANT, new_fleet

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

URL = "https://hooks.example/all-tenants/path-secret-7c1d9e"
ACCOUNT = f"""\
apiVersion: mailfleet/v1
webhooks:
  - name: crm
    url: {URL}
    events: [EMAIL_REPLY, LEAD_UNSUBSCRIBED]
    categories: [1]
"""
WITH_ACCOUNT = PER_TENANT.replace("stacks: {}", "stacks: {}\naccount: shared")
WEBHOOK_TYPE = "pulumi-python:dynamic/mailfleet:AccountWebhook"


def test_user_scope_webhooks_belong_to_one_stack(tmp_path: Path, emulator: RunningEmulator) -> None:
    fleet = new_fleet(tmp_path, emulator, WITH_ACCOUNT)
    (fleet.directory / "specs" / "account.yaml").write_text(ACCOUNT)
    fleet.mailfleet("stacks", "configure", "--local-secrets")
    emulator.control.clear_requests()
    fleet.mailfleet("up", "--yes")

    # Created once, at user scope, by the account stack only.
    creates = emulator.control.requests(api_key=emulator.api_key, endpoint="POST /webhook/create").entries
    assert len(creates) == 1
    hooks = {s: [r for r in fleet.export(s) if r["type"] == WEBHOOK_TYPE] for s in ("acme", "globex", "shared")}
    assert {stack: len(found) for stack, found in hooks.items()} == {"acme": 0, "globex": 0, "shared": 1}
    webhook_id = int(hooks["shared"][0]["id"])
    client = SmartleadClient(emulator.base_url, emulator.api_key)
    live = client.get_webhook(webhook_id)
    assert (live.association_type, live.client_id, live.url) == ("user", None, URL)
    assert sorted(live.event_types) == ["EMAIL_REPLY", "LEAD_UNSUBSCRIBED"]
    # The URL is a secret: state holds it encrypted.
    assert "path-secret-7c1d9e" not in fleet.stack("shared").run("stack", "export").stdout
    listing = json.loads(fleet.mailfleet("stacks", "--json").stdout)
    assert listing["account"] == {"stack": "shared", "file": "specs/account.yaml", "webhooks": 1}
    assert "account-wide webhooks (specs/account.yaml): stack shared" in fleet.mailfleet("stacks").stdout

    # Someone names acme as the account stack and runs it by hand: refused, nothing written.
    fleet.write_stacks(PER_TENANT.replace("stacks: {}", "stacks: {}\naccount: acme"))
    rogue = fleet.stack("acme")
    emulator.control.clear_requests()
    for command in (("preview",), ("up", "--yes", "--skip-preview")):
        result = rogue.run(*command, check=False)
        output = result.stdout + result.stderr
        assert result.returncode != 0
        assert "account-wide webhooks of specs/account.yaml, but they are managed by stack shared" in output, output
    writes = [e for e in emulator.control.requests(api_key=emulator.api_key).entries if e.method != "GET"]
    assert writes == []
    assert [r for r in fleet.export("acme") if r["type"] == WEBHOOK_TYPE] == []
    fleet.write_stacks(WITH_ACCOUNT)

    # An edit in Smartlead: drift names it, up puts it back.
    client.update_webhook(webhook_id, url="https://elsewhere.example/in", event_types=["EMAIL_SENT"])
    report = tmp_path / "drift.json"
    drift = fleet.mailfleet("drift", "--stack", "shared", "--json", str(report), check=False)
    assert drift.returncode == 2, drift.stdout + drift.stderr
    changed = [c for t in json.loads(report.read_text())["tenants"] for c in t["changed"]]
    assert [c["name"] for c in changed] == ["account/crm"]
    paths = {f["path"].split("[")[0] for f in changed[0]["fields"]}
    assert paths == {"url", "events"}, changed
    assert "elsewhere.example" not in report.read_text() + drift.stdout + drift.stderr  # the URL stays secret
    fleet.mailfleet("up", "--yes", "--refresh")
    restored = client.get_webhook(webhook_id)
    assert (restored.url, sorted(restored.event_types)) == (URL, ["EMAIL_REPLY", "LEAD_UNSUBSCRIBED"])

    # Previews clean on every stack.
    summary = tmp_path / "preview.json"
    fleet.mailfleet("preview", "--json", str(summary))
    assert set(json.loads(summary.read_text())["summary"]) == {"same"}
    client.close()
