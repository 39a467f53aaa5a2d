"""Synthetic fleets for ``make bench`` and the scale tests: N tenants of M mailboxes as tenant files.

Every mailbox carries one tag (two names across the fleet, as in the example tenants) and no campaign; tenants have
no webhooks (Smartlead cannot list webhooks, so each would cost one GET per refresh: see docs/performance.md).
Passwords are ``{env: BENCH_MAILBOX_PASSWORD}`` references: one environment variable serves the whole fleet, where
1,000 secret config keys would take 1,000 ``pulumi config set`` runs to create.
"""

from __future__ import annotations

import secrets
from pathlib import Path

PASSWORD_ENV = "BENCH_MAILBOX_PASSWORD"
TAGS = ("sales", "partners")


WARMUP_PER_DAY = 20
"""Every synthetic tenant's ``warmup.per_day`` (the bench's fleet-wide change raises it)."""


def tenant_name(index: int) -> str:
    return f"t{index:04d}"


def mailbox_lines(name: str, index: int, mailboxes: int) -> list[str]:
    """The ``mailboxes:`` entries of a synthetic tenant: one tag each, the shared password reference."""
    lines = []
    for box in range(mailboxes):
        lines += [
            f"  - email: box{box:03d}@{name}-mail.example",
            f"    from_name: Sender {index}-{box}",
            f"    password: {{env: {PASSWORD_ENV}}}",
            f"    tags: [{TAGS[box % len(TAGS)]}]",
        ]
    return lines


def tenant_yaml(index: int, mailboxes: int) -> str:
    name = tenant_name(index)
    lines = [
        "apiVersion: mailfleet/v1",
        f"tenant: {name}",
        f"client: {{name: Tenant {index}, email: ops@{name}.example}}",
        "defaults:",
        f"  smtp: {{host: smtp.{name}-mail.example, port: 465, security: SSL}}",
        f"  imap: {{host: imap.{name}-mail.example, port: 993, security: SSL}}",
        f"  warmup: {{enabled: true, per_day: {WARMUP_PER_DAY}, rampup: 2, reply_rate: 30}}",
        "  sending: {ramp: standard}",
        "  on_remove: retain",
        "mailboxes:",
    ]
    return "\n".join(lines + mailbox_lines(name, index, mailboxes)) + "\n"


def instantly_workspace_id(index: int) -> str:
    """A stable UUID-shaped workspace id for synthetic Instantly tenant ``index``."""
    return f"00000000-0000-4000-8000-{index:012d}"


def instantly_tenant_yaml(index: int, mailboxes: int) -> str:
    """An Instantly tenant: its own workspace (through the admin key), ``mailboxes`` senders, the same two tags."""
    name = f"i{index:04d}"
    lines = [
        "apiVersion: mailfleet/v1",
        f"tenant: {name}",
        "backend: instantly",
        f"workspace: {{id: {instantly_workspace_id(index)}}}",
        "defaults:",
        f"  smtp: {{host: smtp.{name}-mail.example, port: 587}}",
        f"  imap: {{host: imap.{name}-mail.example, port: 993}}",
        f"  warmup: {{enabled: true, per_day: {WARMUP_PER_DAY}, rampup: 2, reply_rate: 30}}",
        "  sending: {ramp: standard}",
        "  on_remove: retain",
        "mailboxes:",
    ]
    return "\n".join(lines + mailbox_lines(name, index, mailboxes)) + "\n"


def write_instantly_specs(directory: Path, tenants: int, mailboxes: int) -> list[str]:
    """Write Instantly tenant files ``i0000`` ..; returns their workspace ids."""
    directory.mkdir(parents=True, exist_ok=True)
    for index in range(tenants):
        (directory / f"i{index:04d}.yaml").write_text(instantly_tenant_yaml(index, mailboxes))
    return [instantly_workspace_id(index) for index in range(tenants)]


def write_specs(directory: Path, tenants: int, mailboxes: int, *, first: int = 0) -> list[str]:
    """Write tenant files ``t{first}`` .. ``t{first+tenants-1}``; returns their names."""
    directory.mkdir(parents=True, exist_ok=True)
    names = []
    for index in range(first, first + tenants):
        (directory / f"{tenant_name(index)}.yaml").write_text(tenant_yaml(index, mailboxes))
        names.append(tenant_name(index))
    return names


def bench_password() -> str:
    """A fresh password for the synthetic mailboxes of one run (never printed)."""
    return secrets.token_urlsafe(18)
