"""The stack's managed mailboxes, read from its state through the Pulumi Automation API.

Opening the stack and reading its settings is :mod:`mailfleet.automation`'s job; this module only picks the Mailbox
resources out of the exported state and keeps the few fields health needs (never the password).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import date
from typing import Any

from pulumi import automation as auto

from mailfleet.automation import command_error_line
from mailfleet.errors import SetupError
from mailfleet.health.assess import ManagedMailbox
from mailfleet.spec.ramps import ramp_from_json
from mailfleet.vendors import backend_of, is_instantly
from mailfleet.workspace import PROJECT_NAME

MAILBOX_TYPE_SUFFIX = f"dynamic/{PROJECT_NAME}:Mailbox"


def managed_mailboxes(stack: auto.Stack) -> list[ManagedMailbox]:
    """Every Mailbox resource in the stack's state, by tenant then email."""
    try:
        deployment = stack.export_stack().deployment or {}
    except auto.CommandError as error:
        raise SetupError(f"cannot read the stack's state: {command_error_line(error)}") from None
    found = [mailbox_from_outputs(outputs) for outputs in _mailbox_outputs(deployment)]
    return sorted((m for m in found if m is not None), key=lambda m: (m.tenant, m.email))


def _mailbox_outputs(deployment: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    for resource in deployment.get("resources") or ():
        if str(resource.get("type", "")).endswith(MAILBOX_TYPE_SUFFIX) and not resource.get("delete"):
            yield resource.get("outputs") or {}


def mailbox_from_outputs(outputs: Mapping[str, Any]) -> ManagedMailbox | None:
    """The fields health needs, and only those (the password and the rest are dropped here)."""
    account_id = outputs.get("account_id")
    instantly = is_instantly(outputs)
    if not (isinstance(account_id, int) or instantly) or not outputs.get("email"):
        return None
    started = outputs.get("warmup_started_on")
    ramp_value = outputs.get("ramp")
    ramp = None
    if isinstance(ramp_value, Mapping):
        try:
            ramp = ramp_from_json(ramp_value)
        except (KeyError, TypeError, ValueError):
            ramp = None
    cap = outputs.get("max_email_per_day")
    return ManagedMailbox(
        tenant=str(outputs.get("tenant") or "?"),
        email=str(outputs["email"]),
        account_id=account_id if isinstance(account_id, int) else 0,  # Instantly accounts have no number
        warmup_started_on=date.fromisoformat(started) if isinstance(started, str) else None,
        ramp=ramp,
        max_email_per_day=cap if isinstance(cap, int) else None,
        backend=backend_of(outputs),
        workspace=dict(outputs.get("workspace") or {}) if instantly else None,
    )
