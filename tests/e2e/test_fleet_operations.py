"""Fleet operations with the real CLI: out-of-band edits, removal policies, adoption, faults, ramps, secrets."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest

from mailfleet.testing.e2e import Project, changed_steps, drifted_steps

pytestmark = pytest.mark.e2e

JANE = "jane@acme-mail.example"
HANK = "hank@globex-mail.example"


def accounts_by_email(project: Project) -> dict[str, dict[str, object]]:
    return {str(a["from_email"]): a for a in project.emulator.control.accounts(project.emulator.api_key)}


def test_an_edit_in_the_ui_shows_in_refresh_as_that_field_and_up_restores_it(project: Project) -> None:
    project.up()
    jane = accounts_by_email(project)[JANE]
    project.emulator.control.edit_account(int(str(jane["id"])), from_name="Edited In UI")

    refresh = project.pulumi.run("refresh", "--preview-only", "--json").stdout
    steps = drifted_steps(json.loads(refresh))

    assert list(steps) == [JANE]
    assert set(steps[JANE]["detailedDiff"]) == {"from_name"}

    project.pulumi.run("refresh", "--yes", "--skip-preview")
    digest = project.preview()
    assert set(changed_steps(digest)[JANE]["detailedDiff"]) == {"from_name"}

    project.up()
    assert accounts_by_email(project)[JANE]["from_name"] == "Jane Doe"
    assert set(project.preview()["changeSummary"]) == {"same"}


def test_refresh_with_no_edits_reports_nothing(project: Project) -> None:
    project.up()

    refresh = json.loads(project.pulumi.run("refresh", "--preview-only", "--json").stdout)

    assert drifted_steps(refresh) == {}


@pytest.mark.parametrize(
    ("policy", "expect_present", "expect_suspended"),
    [("retain", True, False), ("suspend", True, True), ("delete", False, False)],
)
def test_removing_a_mailbox_applies_its_removal_policy(
    project: Project, policy: str, expect_present: bool, expect_suspended: bool
) -> None:
    project.edit_spec("acme", "on_remove: retain", f"on_remove: {policy}")
    project.up()
    project.edit_spec(
        "acme",
        "  - email: jane@acme-mail.example\n    from_name: Jane Doe\n    password: {secret: acme-jane}\n"
        "    tags: [sales]\n",
        "",
    )

    project.up()

    live = accounts_by_email(project)
    assert (JANE in live) is expect_present
    if expect_present:
        assert bool(live[JANE].get("is_suspended")) is expect_suspended
    state = project.pulumi.run("stack", "export").stdout
    assert JANE not in state
    assert set(project.preview()["changeSummary"]) == {"same"}


ACME_SERVERS = {
    "smtp_host": "smtp.acme-mail.example",
    "smtp_port": 465,
    "smtp_port_type": "SSL",
    "imap_host": "imap.acme-mail.example",
    "imap_port": 993,
    "imap_port_type": "SSL",
}
ACME_NAMES = {"jane": "Jane Doe", "john": "John Roe", "max": "Max Mustermann"}


def test_existing_accounts_are_adopted_with_no_create(project: Project) -> None:
    with project.client() as client:
        acme = client.save_client("Acme Corp", "ops@acme.example")
    before = {
        f"{local}@acme-mail.example": project.emulator.control.create_account(
            api_key=project.emulator.api_key,
            from_email=f"{local}@acme-mail.example",
            username=f"{local}@acme-mail.example",
            from_name=name,
            client_id=acme,
            **ACME_SERVERS,
        )["id"]
        for local, name in ACME_NAMES.items()
    }
    project.emulator.control.clear_requests()

    project.up()

    saves = [e for e in project.emulator.control.requests().entries if e.endpoint == "POST /email-accounts/save"]
    live = accounts_by_email(project)
    assert len(saves) == 2  # the two globex mailboxes only
    assert {email: live[email]["id"] for email in before} == before
    assert len(live) == 5


def test_an_account_under_another_tenants_client_is_never_adopted(project: Project) -> None:
    with project.client() as client:
        other = client.save_client("Someone Else", "someone@else.example")
    project.emulator.control.create_account(
        api_key=project.emulator.api_key,
        from_email=JANE,
        from_name="Jane Doe",
        client_id=other,
        **ACME_SERVERS,
    )

    project.emulator.control.clear_requests()

    result = project.pulumi.run("up", "--yes", check=False)

    assert result.returncode != 0
    assert JANE in result.stdout and "never adopts another tenant" in result.stdout
    assert accounts_by_email(project)[JANE]["client_id"] == other
    # Refused in the preview that `up` runs first: nothing at all was applied.
    assert [e.endpoint for e in project.emulator.control.requests().entries if e.method != "GET"] == []


def test_a_create_that_failed_after_the_server_stored_it_converges_without_a_duplicate(
    project: Project,
) -> None:
    project.emulator.control.add_fault(
        path_regex=r"/email-accounts/save$", method="POST", status=502, after_commit=True, count=1
    )

    first = project.pulumi.run("up", "--yes", "--skip-preview", check=False)
    project.emulator.control.clear_faults()
    project.up()

    live = accounts_by_email(project)
    assert first.returncode in (0, 255)
    assert sorted(live) == sorted(set(live))
    assert len(project.emulator.control.accounts(project.emulator.api_key)) == 5


def test_advancing_the_clock_moves_max_email_per_day_along_the_standard_ramp(project: Project) -> None:
    project.up()
    start = date.fromisoformat(project.emulator.control.today())
    assert {a["message_per_day"] for a in accounts_by_email(project).values()} == {10}

    project.emulator.control.advance_days(5)
    later = {"MAILFLEET_TODAY": (start + timedelta(days=5)).isoformat()}
    digest = project.preview(env=later)
    steps = changed_steps(digest)
    assert set(steps) == {a for a in accounts_by_email(project)}
    assert {"max_email_per_day", "ramp_step"} <= set(steps[JANE]["detailedDiff"])

    project.up(env=later)

    assert {a["message_per_day"] for a in accounts_by_email(project).values()} == {20}


def test_no_password_or_api_key_in_state_or_cli_output(project: Project) -> None:
    output = project.pulumi.run("up", "--yes", "--skip-preview").stdout
    output += project.pulumi.run("preview", "--diff").stdout
    output += project.pulumi.run("refresh", "--yes", "--skip-preview").stdout
    state = project.pulumi.run("stack", "export").stdout
    config = json.loads(project.pulumi.run("config", "--json", "--show-secrets").stdout)
    secrets = [str(v["value"]) for v in config.values() if v.get("secret")]

    assert project.emulator.api_key in secrets
    for secret in secrets:
        assert secret not in state
        assert secret not in output
    assert re.search(r'"password":\s*"[^"\[]', state) is None


def webhook_ids(project: Project) -> dict[str, int]:
    state = json.loads(project.pulumi.run("stack", "export").stdout)
    return {
        r["outputs"]["name"]: int(r["id"])
        for r in state["deployment"]["resources"]
        if r["type"].endswith(":Webhook") and r.get("id")
    }


def test_a_tenant_webhook_is_created_updated_in_place_and_deleted(project: Project) -> None:
    from mailfleet.smartlead.errors import NotFoundError

    hook = '  - {name: crm, url: "https://hooks.acme.example/a", events: [EMAIL_SENT, EMAIL_REPLY]}\n'
    (project.specs / "acme.yaml").write_text((project.specs / "acme.yaml").read_text() + "webhooks:\n" + hook)
    project.up()
    (webhook_id,) = webhook_ids(project).values()
    with project.client() as client:
        created = client.get_webhook(webhook_id)
    assert (created.url, sorted(created.event_types)) == ("https://hooks.acme.example/a", ["EMAIL_REPLY", "EMAIL_SENT"])
    assert created.client_id == accounts_by_email(project)[JANE]["client_id"]

    project.edit_spec("acme", "hooks.acme.example/a", "hooks.acme.example/b")
    steps = changed_steps(project.preview())
    assert list(steps) == ["acme/crm"] and set(steps["acme/crm"]["detailedDiff"]) == {"url"}
    project.up()
    assert webhook_ids(project) == {"crm": webhook_id}
    with project.client() as client:
        assert client.get_webhook(webhook_id).url == "https://hooks.acme.example/b"

    project.edit_spec("acme", "webhooks:\n" + hook.replace("/a", "/b"), "")
    project.up()
    assert webhook_ids(project) == {}
    with project.client() as client, pytest.raises(NotFoundError):
        client.get_webhook(webhook_id)


def test_a_mailbox_joins_its_campaign_on_warmup_day_30_and_leaves_when_removed(project: Project) -> None:
    campaign = int(project.emulator.control.seed_campaign(api_key=project.emulator.api_key, name="Pool")["id"])
    project.edit_spec("acme", "    tags: [sales]\n", f"    tags: [sales]\n    campaigns: [{campaign}]\n", count=1)
    project.up()
    start = date.fromisoformat(project.emulator.control.today())

    def members() -> list[str]:
        with project.client() as client:
            return [a.from_email for a in client.list_campaign_accounts(campaign)]

    def day(n: int) -> dict[str, str]:
        return {"MAILFLEET_TODAY": (start + timedelta(days=n - 1)).isoformat()}

    assert members() == []
    state = json.loads(project.pulumi.run("stack", "export").stdout)
    (jane,) = [r for r in state["deployment"]["resources"] if r.get("id") and r["urn"].endswith("::" + JANE)]
    assert f"joins campaign(s) {campaign} on warmup day 30" in jane["outputs"]["campaign_hold"]

    project.emulator.control.advance_days(29)
    digest = project.preview(env=day(30))
    fields = {path.split("[")[0] for path in changed_steps(digest)[JANE]["detailedDiff"]}
    assert {"attached_campaigns", "campaign_hold"} <= fields
    project.up(env=day(30))
    assert members() == [JANE]

    project.edit_spec("acme", f"    campaigns: [{campaign}]\n", "")
    project.up(env=day(30))
    assert members() == []
