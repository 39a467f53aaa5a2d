"""``mailfleet stacks migrate``: move resources into the stacks ``stacks.yaml`` gives them, without touching Smartlead.

The plan comes from the state alone (one ``pulumi stack export`` per stack): every resource under a ``Tenant``
component belongs to that tenant, so to the stack the mapping names for it. Moving is ``pulumi state move`` of the
tenant's component with everything under it (tenant client, mailboxes, webhooks), which keeps each resource's id,
inputs, outputs and creation time; no provider runs, so Smartlead sees no request.

Tags are account-wide and one ``Tag`` resource per name holds members from several tenants, which no move can split.
Each destination gets its own copy of the tag's state (same tag id, same creation time) holding only its mailboxes,
written with ``pulumi stack import``; the source's entry is dropped with ``pulumi state delete``. Each stack then maps
and unmaps only its own mailboxes.

The account-wide webhooks (``AccountWebhook``, at the top of a stack) move whole to the stack ``account:`` names,
and the ``mailfleet:account`` tag moves with them.

A destination stack that does not exist is created with the source's config (``pulumi config cp``), less the
password secrets of tenants it does not hold. A source left with no resource of its own is removed.
"""

from __future__ import annotations

import copy
import json
import tempfile
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailfleet.errors import SetupError
from mailfleet.stacks.ownership import release, release_account
from mailfleet.stacks.project import ROOT_TYPE, Project, managed_count
from mailfleet.workspace import PROJECT_NAME, PulumiCLI

TENANT_TYPE = "mailfleet:index:Tenant"
TAG_TYPE = "pulumi-python:dynamic/mailfleet:Tag"
MAILBOX_TYPE = "pulumi-python:dynamic/mailfleet:Mailbox"
ACCOUNT_WEBHOOK_TYPE = "pulumi-python:dynamic/mailfleet:AccountWebhook"


def urn_name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


def restack(urn: str, source: str, dest: str) -> str:
    prefix = f"urn:pulumi:{source}::"
    return f"urn:pulumi:{dest}::" + urn[len(prefix) :] if urn.startswith(prefix) else urn


@dataclass
class TagSplit:
    """One destination's copy of a tag: the source's state entry, and the account ids it keeps."""

    resource: dict[str, Any]
    members: list[int]


@dataclass
class StackPlan:
    source: str
    moves: dict[str, list[str]] = field(default_factory=dict)  # dest -> URNs, parents first
    tags: dict[str, list[TagSplit]] = field(default_factory=dict)  # dest -> tag copies
    dropped_tags: list[str] = field(default_factory=list)  # tag URNs leaving the source
    secret_keys: dict[str, set[str]] = field(default_factory=dict)  # dest -> password config keys its tenants use
    account_moves: dict[str, list[str]] = field(default_factory=dict)  # dest -> account webhook URNs

    @property
    def empty(self) -> bool:
        return not self.moves and not self.tags and not self.account_moves


@dataclass
class MigrationPlan:
    stacks: list[StackPlan]
    tenants: dict[str, str]  # tenant -> dest, for those that move

    @property
    def empty(self) -> bool:
        return all(plan.empty for plan in self.stacks)

    def lines(self) -> list[str]:
        out: list[str] = []
        for plan in self.stacks:
            for dest, urns in sorted(plan.moves.items()):
                tenants = sorted({urn_name(u) for u in urns if f"::{TENANT_TYPE}::" in u})
                out.append(
                    f"move {len(urns)} resources of tenant(s) {', '.join(tenants)} from stack {plan.source} "
                    f"to stack {dest}"
                )
            for dest, urns in sorted(plan.account_moves.items()):
                out.append(f"move {len(urns)} account-wide webhook(s) from stack {plan.source} to stack {dest}")
            for dest, splits in sorted(plan.tags.items()):
                for split in splits:
                    out.append(
                        f"copy tag {urn_name(split.resource['urn'])} (id {split.resource.get('id')}) to stack {dest} "
                        f"with its {len(split.members)} mailbox(es) there"
                    )
            for urn in plan.dropped_tags:
                out.append(f"drop tag {urn_name(urn)} from stack {plan.source} (now held by the stacks above)")
        return out


def export(cli: PulumiCLI) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(cli.run("stack", "export").stdout)
    return data


def _resources(deployment: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(deployment.get("deployment", {}).get("resources") or [])


def _tenant_of(resource: Mapping[str, Any], by_urn: Mapping[str, Mapping[str, Any]]) -> str | None:
    current: Mapping[str, Any] | None = resource
    while current is not None:
        if current.get("type") == TENANT_TYPE:
            return urn_name(str(current["urn"]))
        parent = current.get("parent")
        current = by_urn.get(parent) if isinstance(parent, str) else None
    return None


def plan_stack(project: Project, source: str, deployment: Mapping[str, Any]) -> StackPlan:
    plan = StackPlan(source)
    resources = _resources(deployment)
    by_urn = {str(r["urn"]): r for r in resources}
    account_dest: dict[int, str] = {}
    for resource in resources:
        tenant = _tenant_of(resource, by_urn)
        if tenant is None:
            continue
        dest = project.mapping.owner_of(tenant)
        if dest is None:
            raise SetupError(
                f"stack {source} holds tenant {tenant!r}, which no tenant file declares any more: retire it first "
                f"(pulumi destroy --stack {source} applies each mailbox's on_remove) or restore its file"
            )
        if resource.get("type") == MAILBOX_TYPE and resource.get("id"):
            account_dest[int(resource["id"])] = dest
        if dest != source:
            plan.moves.setdefault(dest, []).append(str(resource["urn"]))
    account = project.mapping.account_stack
    for resource in resources:
        moves_away = account not in (None, "*", source)
        if resource.get("type") == ACCOUNT_WEBHOOK_TYPE and not resource.get("delete") and moves_away:
            plan.account_moves.setdefault(str(account), []).append(str(resource["urn"]))
    dests = set(plan.moves)
    for resource in resources:
        if resource.get("type") != TAG_TYPE or resource.get("delete"):
            continue
        members = [int(m) for m in (resource.get("inputs") or {}).get("members") or []]
        by_dest: dict[str, list[int]] = defaultdict(list)
        for member in members:
            by_dest[account_dest.get(member, source)].append(member)
        moving = {dest for dest in by_dest if dest != source}
        if not moving:
            continue
        for dest in sorted(moving):
            plan.tags.setdefault(dest, []).append(TagSplit(resource, sorted(by_dest[dest])))
        dests |= moving
        if source not in by_dest:
            plan.dropped_tags.append(str(resource["urn"]))
    return plan


def plan_migration(project: Project) -> MigrationPlan:
    stacks: list[StackPlan] = []
    tenants: dict[str, str] = {}
    for name, info in sorted(project.existing().items()):
        if not info.resources:
            continue
        plan = plan_stack(project, name, export(project.cli(name)))
        for dest, urns in plan.moves.items():
            tenants.update({urn_name(u): dest for u in urns if f"::{TENANT_TYPE}::" in u})
        stacks.append(plan)
    return MigrationPlan(stacks, tenants)


def _filtered_tag(
    split: TagSplit, source: str, dest: str, dest_urns: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """The destination's copy of a tag entry: its members only, URNs in the destination stack."""
    entry = copy.deepcopy(split.resource)
    keep = set(split.members)
    kept = {u for u, r in dest_urns.items() if r.get("type") == MAILBOX_TYPE and int(r.get("id") or 0) in keep}
    for part in ("inputs", "outputs"):
        values = entry.get(part) or {}
        if "members" in values:
            values["members"] = [m for m in values["members"] if int(m) in keep]
    entry["urn"] = restack(str(entry["urn"]), source, dest)
    if isinstance(entry.get("parent"), str):
        # Tags sit under the stack's root resource, whose name carries the stack's (mailfleet-<stack>).
        root = next((u for u, r in dest_urns.items() if r.get("type") == ROOT_TYPE), None)
        if root is None:
            raise SetupError(f"stack {dest} has no root resource: cannot place tag {urn_name(entry['urn'])}")
        entry["parent"] = root
    entry["dependencies"] = [
        u for u in (restack(d, source, dest) for d in entry.get("dependencies") or []) if u in kept
    ]
    deps = entry.get("propertyDependencies") or {}
    for key, urns in list(deps.items()):
        deps[key] = [u for u in (restack(d, source, dest) for d in urns) if u in kept]
    provider = entry.get("provider")
    if isinstance(provider, str):
        urn = restack(provider.rsplit("::", 1)[0], source, dest)
        if urn not in dest_urns:
            raise SetupError(f"stack {dest} has no provider {urn}: cannot place tag {urn_name(entry['urn'])}")
        entry["provider"] = f"{urn}::{dest_urns[urn].get('id')}"
    return entry


def _ensure_dest(project: Project, source: PulumiCLI, dest: str, foreign_secrets: set[str]) -> None:
    if dest in project.existing():
        return
    cli = project.cli(dest)
    cli.select_stack()
    source.run("config", "cp", "--dest", dest)
    if foreign_secrets:
        cli.run("config", "rm-all", *sorted(f"{PROJECT_NAME}:{k}" for k in foreign_secrets))
    project.existing(refresh=True)


def apply_migration(
    project: Project,
    plan: MigrationPlan,
    password_keys: Mapping[str, set[str]],
    say: Callable[[str], None],
    clients: Mapping[str, str] | None = None,
) -> None:
    """Carry out ``plan``. ``password_keys``: tenant -> the password secret keys its mailboxes use; ``clients``:
    tenant -> client email (their ownership tags move with them)."""
    clients = clients or {}
    all_keys = {key for keys in password_keys.values() for key in keys}
    for stack_plan in plan.stacks:
        source = project.cli(stack_plan.source)
        for dest in sorted(set(stack_plan.moves) | set(stack_plan.tags) | set(stack_plan.account_moves)):
            own = {k for t in project.tenants_of(dest) for k in password_keys.get(t, set())}
            _ensure_dest(project, source, dest, all_keys - own)
        for urn in stack_plan.dropped_tags:
            say(f"dropping {urn_name(urn)} from {stack_plan.source}")
            source.run("state", "delete", urn, "--yes")
        for dest, urns in sorted(stack_plan.moves.items()):
            say(f"moving {len(urns)} resources from {stack_plan.source} to {dest}")
            source.run("state", "move", "--source", stack_plan.source, "--dest", dest, "--yes", *urns, stack=False)
        for dest, urns in sorted(stack_plan.account_moves.items()):
            say(f"moving {len(urns)} account-wide webhook(s) from {stack_plan.source} to {dest}")
            source.run("state", "move", "--source", stack_plan.source, "--dest", dest, "--yes", *urns, stack=False)
            release_account(source)
            project.claim(dest)
        for dest, splits in sorted(stack_plan.tags.items()):
            cli = project.cli(dest)
            deployment = export(cli)
            resources = _resources(deployment)
            by_urn = {str(r["urn"]): r for r in resources}
            for split in splits:
                resources.append(_filtered_tag(split, stack_plan.source, dest, by_urn))
            deployment["deployment"]["resources"] = resources
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
                json.dump(deployment, handle)
                path = Path(handle.name)
            try:
                say(f"writing {len(splits)} tag(s) into {dest}")
                cli.run("stack", "import", "--file", str(path))
            finally:
                path.unlink(missing_ok=True)
        moved = {urn_name(u) for urns in stack_plan.moves.values() for u in urns if f"::{TENANT_TYPE}::" in u}
        release(source, [email for tenant, email in clients.items() if tenant in moved])
        for dest in sorted(stack_plan.moves):
            project.claim(dest)
        _remove_if_emptied(project, source)
    project.existing(refresh=True)


def _remove_if_emptied(project: Project, source: PulumiCLI) -> None:
    """Remove a source stack the mapping does not name once it holds only its root and providers."""
    if source.stack in project.mapping.stacks:
        return
    if not managed_count(export(source)):
        source.run("stack", "rm", "--yes", "--force", source.stack, stack=False)
