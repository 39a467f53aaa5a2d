"""The migration plan from a state export: tenants move whole, tags split by their members' new stacks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mailfleet.stacks.mapping import StackMap
from mailfleet.stacks.migrate import ACCOUNT_WEBHOOK_TYPE, TAG_TYPE, TENANT_TYPE, MigrationPlan, plan_stack
from mailfleet.stacks.project import Project

ROOT = "urn:pulumi:local::mailfleet::pulumi:pulumi:Stack::mailfleet-local"


def urn(kind: str, name: str, parent: str = "") -> str:
    return f"urn:pulumi:local::mailfleet::{parent + '$' if parent else ''}{kind}::{name}"


def tenant(name: str, account: int) -> list[dict[str, Any]]:
    component = urn(TENANT_TYPE, name)
    box = "pulumi-python:dynamic/mailfleet:Mailbox"
    return [
        {"urn": component, "type": TENANT_TYPE, "parent": ROOT},
        {"urn": urn(box, f"a@{name}", TENANT_TYPE), "type": box, "id": str(account), "parent": component},
    ]


def test_tenants_move_to_their_stacks_and_tags_split() -> None:
    tag = {"urn": urn(TAG_TYPE, "tag:sales"), "type": TAG_TYPE, "id": "7", "inputs": {"members": [1, 2]}}
    deployment = {"deployment": {"resources": [*tenant("acme", 1), *tenant("globex", 2), tag]}}
    mapping = StackMap({"acme": ("acme",), "globex": ("globex",)}, {}, Path("stacks.yaml"))
    project = Project(Path("."), mapping, {}, Path("bin"))
    plan = plan_stack(project, "local", deployment)
    assert sorted(plan.moves) == ["acme", "globex"]
    assert [u.rsplit("::", 1)[1] for u in plan.moves["acme"]] == ["acme", "a@acme"]
    assert {dest: [s.members for s in splits] for dest, splits in plan.tags.items()} == {
        "acme": [[1]],
        "globex": [[2]],
    }
    assert plan.dropped_tags == [tag["urn"]]


def test_account_webhooks_move_whole_to_the_account_stack() -> None:
    hook = {"urn": urn(ACCOUNT_WEBHOOK_TYPE, "account/crm"), "type": ACCOUNT_WEBHOOK_TYPE, "id": "9", "parent": ROOT}
    deployment = {"deployment": {"resources": [*tenant("acme", 1), hook]}}
    mapping = StackMap({"acme": ("acme",), "shared": ()}, {}, Path("stacks.yaml"), account="shared")
    plan = plan_stack(Project(Path("."), mapping, {}, Path("bin")), "local", deployment)
    assert plan.account_moves == {"shared": [hook["urn"]]}
    assert "move 1 account-wide webhook(s) from stack local to stack shared" in MigrationPlan([plan], {}).lines()
    staying = plan_stack(Project(Path("."), mapping, {}, Path("bin")), "shared", deployment)
    assert staying.account_moves == {}
