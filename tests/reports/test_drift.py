from __future__ import annotations

from typing import Any

from pulumi.automation.events import DiffKind, OpType, PropertyDiff, StepEventMetadata, StepEventStateMetadata

from mailfleet.reports.drift import build_report, render_markdown, render_text
from mailfleet.smartlead.models import EmailAccount
from tests.reports.conftest import MAILBOX, SIGNED_SECRET, urn

CLIENT = "pulumi-python:dynamic/mailfleet:TenantClient"


def state(type_: str, name: str, id_: str, inputs: dict[str, Any], **outputs: Any) -> StepEventStateMetadata:
    return StepEventStateMetadata(
        type=type_, urn=urn(name, type_), id=id_, parent="", provider="", inputs=inputs, outputs={**inputs, **outputs}
    )


def refreshed(
    type_: str, name: str, id_: str, old: dict[str, Any], new: dict[str, Any], **out: Any
) -> StepEventMetadata:
    paths = sorted(key for key in {*old, *new} if old.get(key) != new.get(key))
    return StepEventMetadata(
        op=OpType.UPDATE if paths else OpType.SAME,
        urn=urn(name, type_),
        type=type_,
        provider="",
        old=state(type_, name, id_, old, **out),
        new=state(type_, name, id_, new, **out),
        diffs=paths,
        detailed_diff={path: PropertyDiff(DiffKind.UPDATE, True) for path in paths},
    )


def mailbox(email: str, **overrides: Any) -> dict[str, Any]:
    return {"tenant": "acme", "email": email, "from_name": "Jane Doe", "password": SIGNED_SECRET, **overrides}


def account(id_: int, email: str, client_id: int | None) -> EmailAccount:
    return EmailAccount.from_api({"id": id_, "from_email": email, "from_name": "x", "client_id": client_id})


def steps() -> list[StepEventMetadata]:
    return [
        refreshed(
            CLIENT,
            "acme-client",
            "5001",
            {"tenant": "acme", "name": "Acme"},
            {"tenant": "acme", "name": "Acme"},
            client_id=5001,
        ),
        refreshed(
            MAILBOX,
            "jane@a.example",
            "1",
            mailbox("jane@a.example"),
            mailbox("jane@a.example", from_name="Janet"),
            account_id=1,
        ),
        refreshed(MAILBOX, "john@a.example", "2", mailbox("john@a.example"), mailbox("john@a.example"), account_id=2),
        refreshed(MAILBOX, "gone@a.example", "3", mailbox("gone@a.example"), mailbox("gone@a.example"), account_id=3),
    ]


def test_changed_unmanaged_and_vanished_are_drift_grouped_by_tenant() -> None:
    live = [
        account(1, "jane@a.example", 5001),
        account(2, "john@a.example", 5001),
        account(9, "rogue@a.example", 5001),
        account(10, "planned@a.example", 5001),  # declared in the specs, not applied yet: not unmanaged
        account(11, "other@b.example", 6000),  # another client's account: not this stack's business
        account(12, "loose@c.example", None),
    ]

    report = build_report("ci", steps(), live, declared_emails={"Planned@a.example"})

    assert report.has_drift
    assert report.summary() == {
        "changed_resources": 1,
        "changed_fields": 1,
        "unmanaged_accounts": 1,
        "vanished_resources": 1,
        "resources_checked": 4,
    }
    (tenant,) = report.to_json()["tenants"]
    assert tenant["changed"] == [
        {
            "kind": "Mailbox",
            "name": "jane@a.example",
            "fields": [{"path": "from_name", "declared": "Jane Doe", "live": "Janet"}],
        }
    ]
    assert tenant["unmanaged"] == [{"email": "rogue@a.example", "account_id": 9, "client_id": 5001}]
    assert tenant["vanished"] == [{"kind": "Mailbox", "name": "gone@a.example", "account_id": 3}]
    markdown = render_markdown(report)
    assert markdown.startswith(
        "<!-- mailfleet-drift -->\n### mailfleet drift report for stack `ci`\n\n**Drift detected:"
    )
    assert '  - `from_name`: "Jane Doe" -> "Janet"' in markdown
    assert "Unmanaged account `rogue@a.example` (Smartlead account 9)" in markdown
    assert "Vanished Mailbox `gone@a.example` (Smartlead account 3): declared, but no longer in Smartlead" in markdown
    assert "1b47061264138c4ac30d75fd1eb44270" not in markdown


def test_a_clean_stack_states_no_drift_detected() -> None:
    live = [account(1, "jane@a.example", 5001), account(2, "john@a.example", 5001), account(3, "gone@a.example", 5001)]
    jane = mailbox("jane@a.example")
    clean = [refreshed(MAILBOX, "jane@a.example", "1", jane, jane) if "jane" in s.urn else s for s in steps()]

    report = build_report("ci", clean, live)

    assert not report.has_drift
    assert render_text(report)[0].startswith("No drift detected: all 4 declared resources match Smartlead")
    assert "**No drift detected" in render_markdown(report)
    assert report.to_json()["tenants"] == []
