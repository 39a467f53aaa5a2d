"""Synthetic preview digests shaped like ``pulumi preview --json`` output (see tests/e2e for the real thing)."""

from __future__ import annotations

from typing import Any

MAILBOX = "pulumi-python:dynamic/mailfleet:Mailbox"
SIGNED_SECRET = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", "ciphertext": "[secret]"}


def urn(name: str, type_: str = MAILBOX, stack: str = "ci") -> str:
    return f"urn:pulumi:{stack}::mailfleet::mailfleet:index:Tenant${type_}::{name}"


def mailbox_inputs(email: str, tenant: str = "acme", **overrides: Any) -> dict[str, Any]:
    return {
        "__provider": "gASV",
        "tenant": tenant,
        "email": email,
        "from_name": "Jane Doe",
        "password": "[secret]",
        "smtp_port": 465,
        "tags": ["sales"],
        "on_remove": "retain",
        **overrides,
    }


def step(op: str, name: str, old: dict[str, Any] | None, new: dict[str, Any] | None, **diff: str) -> dict[str, Any]:
    made: dict[str, Any] = {"op": op, "urn": urn(name)}
    if old is not None:
        made["oldState"] = {"urn": urn(name), "type": MAILBOX, "inputs": old, "outputs": {**old, "account_id": 7}}
    if new is not None:
        made["newState"] = {"urn": urn(name), "type": MAILBOX, "inputs": new}
    if diff:
        made["detailedDiff"] = {path: {"kind": kind, "inputDiff": True} for path, kind in diff.items()}
        made["diffReasons"] = sorted({path.split(".")[0].split("[")[0] for path in diff})
    return made


def update_step(email: str, tenant: str = "acme", **new: Any) -> dict[str, Any]:
    old = mailbox_inputs(email, tenant)
    return step("update", email, old, {**old, **new}, **dict.fromkeys(new, "update"))


def digest(*steps: dict[str, Any], same: int = 0) -> dict[str, Any]:
    summary: dict[str, int] = {}
    for item in steps:
        summary[item["op"]] = summary.get(item["op"], 0) + 1
    if same:
        summary["same"] = same
    return {"steps": list(steps), "changeSummary": summary}
