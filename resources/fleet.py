"""Turn the tenant specs into Pulumi resources: one ``Tenant`` component per file, its client, its mailboxes."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pulumi
from pulumi.runtime import resource as resource_runtime
from pulumi.runtime.config import CONFIG
from pulumi.runtime.proto import source_pb2

from mailfleet.fields import FIELDS, default_of
from mailfleet.health.gate import REPORT_CONFIG_KEY, REPORT_VARIABLE, HealthInput, HealthReportError, load_health_report
from mailfleet.pools.inputs import plan_from_report, pool_inputs
from mailfleet.spec import SpecError, load_tenants
from mailfleet.spec.loader import tenant_file_names
from mailfleet.spec.model import Mailbox as MailboxSpec
from mailfleet.spec.model import SecretRef
from mailfleet.spec.model import Tenant as TenantSpec
from mailfleet.spec.ramps import ramp_to_json
from mailfleet.stacks.mapping import STACKS_FILE, StackMap, load_stack_map
from mailfleet.stacks.ownership import foreign_claims
from mailfleet.vendors import INSTANTLY, backend_input
from resources.account import declare_account, resolve_reference, stack_account
from resources.mailbox import Mailbox
from resources.tag import Tag
from resources.tenant import Tenant, TenantClient
from resources.webhook import Webhook

PROJECT = "mailfleet"


def stack_config_keys() -> set[str]:
    """Keys of this project's stack config, without the ``mailfleet:`` namespace."""
    prefix = f"{PROJECT}:"
    return {key[len(prefix) :] for key in CONFIG.get() if key.startswith(prefix)}


def resolve_password(ref: SecretRef, config: pulumi.Config) -> pulumi.Output[str]:
    """A mailbox password, always as a Pulumi secret: from stack config, or from the environment."""
    return resolve_reference(ref, config, "a mailbox password reference")


def mailbox_props(tenant: TenantSpec, mailbox: MailboxSpec, scope: Mapping[str, Any]) -> dict[str, Any]:
    """The Mailbox resource's inputs: every declared field by its key, plus intent and the tenant's ``scope`` (its
    Smartlead client, or its Instantly workspace, see :func:`tenant_scope`). Secret fields are left to
    :func:`secret_props`, which needs the stack's config."""
    props: dict[str, Any] = {"tenant": tenant.name, "email": mailbox.email}
    for key, value in mailbox.settings.items():
        field = FIELDS[key]
        if field.secret or (field.elide and value == default_of(field, mailbox.email)):
            continue  # an elided default, e.g. a login equal to the address: less state per mailbox
        props[key] = value
    props.update(ramp=ramp_to_json(mailbox.ramp), on_remove=mailbox.on_remove, **scope)
    if mailbox.campaigns:
        # Left out when there are none, as check() leaves out the derived campaign fields: less state per mailbox.
        props["campaigns"] = sorted(mailbox.campaigns)
        props["campaign_min_warmup_days"] = tenant.campaign_min_warmup_days
    return props


def workspace_input(tenant: TenantSpec) -> dict[str, Any]:
    """An Instantly tenant's workspace as inputs: its id and/or the reference to its own key (never the key)."""
    workspace = tenant.workspace
    if workspace is None:
        raise pulumi.RunError(f"{tenant.location}: tenant {tenant.name!r} on Instantly declares no workspace")
    found: dict[str, Any] = {}
    if workspace.id:
        found["id"] = workspace.id
    if workspace.api_key is not None:
        found["key"] = {workspace.api_key.kind: workspace.api_key.name}
    return found


def tenant_scope(tenant: TenantSpec, component: Tenant) -> dict[str, Any]:
    """What places the tenant's resources with its vendor: the Smartlead client (a resource of its own, created
    here), or the Instantly workspace (nothing to create)."""
    if tenant.backend == INSTANTLY:
        return {**backend_input(INSTANTLY), "workspace": workspace_input(tenant)}
    record = tenant.smartlead_client
    client = TenantClient(
        f"{tenant.name}-client",
        {"tenant": tenant.name, "name": record.name, "email": record.email},
        pulumi.ResourceOptions(parent=component),
    )
    return {"client_id": client.client_id, "client_email": record.email}


def secret_props(mailbox: MailboxSpec, config: pulumi.Config) -> dict[str, pulumi.Output[str]]:
    """The mailbox's secret fields (its passwords), each resolved into a Pulumi secret."""
    return {key: resolve_password(value, config) for key, value in mailbox.settings.items() if FIELDS[key].secret}


def health_report(config: pulumi.Config) -> dict[str, HealthInput]:
    """The latest ``mailfleet health --json`` report, from $MAILFLEET_HEALTH_REPORT or ``mailfleet:healthReport``.

    None configured: no gate input. Configured but not written yet (before the first nightly run): a warning.
    """
    location = os.environ.get(REPORT_VARIABLE) or config.get(REPORT_CONFIG_KEY)
    if not location:
        return {}
    path = Path(location)
    if not path.exists():
        pulumi.log.warn(f"health report {path} does not exist yet; the health gate holds no mailbox")
        return {}
    try:
        return load_health_report(path)
    except HealthReportError as error:
        raise pulumi.RunError(str(error)) from None


def declare_tenant(
    tenant: TenantSpec, config: pulumi.Config, health: dict[str, HealthInput] | None = None
) -> dict[str, Mailbox]:
    """The tenant's component, client (Smartlead), mailboxes and webhooks; returns its mailboxes by email."""
    component = Tenant(tenant.name)
    mailboxes: dict[str, Mailbox] = {}
    scope = tenant_scope(tenant, component)
    plans, pools = plan_from_report(tenant, health or {})  # campaign pools (docs/rotation.md)
    for pool in pools:
        if pool.below_target:
            pulumi.log.warn(f"tenant {tenant.name}: pool of {pool.summary()}")
    for mailbox in tenant.mailboxes:
        props = {**mailbox_props(tenant, mailbox, scope), **secret_props(mailbox, config)}
        props.update(pool_inputs(tenant, mailbox, plans.get(mailbox.email)))
        verdict = (health or {}).get(mailbox.email.lower()) if tenant.health_gate else None
        if verdict is not None:
            props["health"] = verdict.as_input()
        mailboxes[mailbox.email] = Mailbox(
            mailbox.email,
            props,
            pulumi.ResourceOptions(parent=component, retain_on_delete=mailbox.on_remove == "retain"),
        )
    for webhook in tenant.webhooks:
        # An Instantly webhook has one event (validation requires exactly one) and lives in the workspace.
        where = scope if tenant.backend == INSTANTLY else {"client_id": scope["client_id"]}
        Webhook(
            f"{tenant.name}/{webhook.name}",
            {
                "tenant": tenant.name,
                "name": webhook.name,
                "url": webhook.url,
                "events": sorted(webhook.events),
                **where,
            },
            pulumi.ResourceOptions(parent=component),
        )
    component.register_outputs({})
    return mailboxes


def declare_tags(tenants: list[TenantSpec], mailboxes: dict[str, Mailbox]) -> list[Tag]:
    """Smartlead: one resource per tag name (tags are account-wide there), holding the mailboxes that carry it.
    Instantly: one per tenant and tag name (custom tags belong to a workspace)."""
    smartlead = [tenant for tenant in tenants if tenant.backend != INSTANTLY]
    names = sorted({tag for tenant in smartlead for mailbox in tenant.mailboxes for tag in mailbox.tags})
    tags = [
        Tag(
            name,
            # The resource id (the account id) stays known while a mailbox is updated, unlike its outputs.
            [mailboxes[m.email].id for tenant in smartlead for m in tenant.mailboxes if name in m.tags],
        )
        for name in names
    ]
    for tenant in tenants:
        if tenant.backend != INSTANTLY:
            continue
        scope = {**backend_input(INSTANTLY), "workspace": workspace_input(tenant)}
        for name in sorted({tag for mailbox in tenant.mailboxes for tag in mailbox.tags}):
            members = [mailboxes[m.email].id for m in tenant.mailboxes if name in m.tags]
            tags.append(Tag(name, members, scope=scope, resource_name=f"tag:{tenant.name}/{name}"))
    return tags


def record_source_positions_only() -> None:
    """Keep only the top frame of the stack trace Pulumi records in state for every resource.

    The SDK stores the whole Python stack at each registration: here the fleet builder, ``runpy``, the language
    host's gRPC server and threading frames, about 2 KB per mailbox and more than a third of its state. The top frame
    is the source position Pulumi shows; the rest says nothing about a mailbox. ``_get_stack_trace`` is private, so
    this relies on the exact SDK version pinned in pyproject.toml, and does nothing if the function is gone.
    """
    original = getattr(resource_runtime, "_get_stack_trace", None)
    if original is None or getattr(original, "top_frame_only", False):
        return

    def top_frame_only() -> source_pb2.StackTrace:
        return source_pb2.StackTrace(frames=original().frames[:1])

    top_frame_only.top_frame_only = True  # type: ignore[attr-defined]
    resource_runtime._get_stack_trace = top_frame_only


def stack_mapping(directory: Path) -> StackMap:
    """``stacks.yaml`` for the tenant files of ``directory``; raises SpecError."""
    try:
        names = [Path(name).stem for name in tenant_file_names(directory)]
    except OSError:
        names = []  # load_tenants says what is wrong with the directory
    return load_stack_map(Path.cwd(), names)


def stack_tenants(directory: Path, stack: str) -> list[TenantSpec]:
    """The tenants this stack declares, after validating every tenant file and ``stacks.yaml`` together.

    The whole directory is validated (a client email in two files is refused across stacks too); secret references
    are checked only for this stack's tenants, the secrets it holds. A stack that ``stacks.yaml`` does not name holds
    no tenant: it is refused, so it can neither adopt another stack's tenant client nor delete what it manages.
    """
    try:
        mapping = stack_mapping(directory)
        own = mapping.tenants_of(stack)
        tenants = load_tenants(directory, known_secrets=stack_config_keys(), secrets_of=own, only=own)
    except SpecError as error:
        raise pulumi.RunError(f"invalid tenant specs:\n{error}") from None
    if not own and not mapping.declares_account(stack):
        raise pulumi.RunError(
            f"stack {stack!r} manages no tenant: {STACKS_FILE} names it nowhere, and every tenant (with its Smartlead "
            "client) belongs to exactly one stack; list it in stacks.yaml, or move its resources with "
            "`mailfleet stacks migrate`"
        )
    chosen = [tenant for tenant in tenants if tenant.name in own]
    if not mapping.single:
        refuse_foreign_clients(chosen, stack)
    return chosen


def refuse_foreign_clients(tenants: list[TenantSpec], stack: str) -> None:
    """Stop before declaring anything when another stack manages one of these tenants' clients (its stack tag)."""
    tenants = [tenant for tenant in tenants if tenant.client is not None]  # Instantly tenants have a workspace
    try:
        foreign = foreign_claims([tenant.client.email for tenant in tenants if tenant.client is not None], stack)
    except RuntimeError as error:
        pulumi.log.warn(f"cannot check which stack manages each tenant client: {error}")
        return
    if foreign:
        lines = [
            f"  {tenant.location}: client {email} is managed by stack {', '.join(foreign[email])}"
            for tenant in tenants
            if tenant.client is not None and (email := tenant.client.email) in foreign
        ]
        raise pulumi.RunError(
            f"stack {stack!r} declares tenant clients another stack manages; a client belongs to exactly one "
            "stack, so this stack will not adopt them (move them with `mailfleet stacks migrate`):\n" + "\n".join(lines)
        )


def declare_fleet() -> None:
    """Load and validate every tenant file, then declare this stack's resources. Invalid specs stop the program
    cleanly."""
    record_source_positions_only()
    config = pulumi.Config(PROJECT)
    directory = Path(config.get("specsDir") or "specs/tenants")
    stack = pulumi.get_stack()
    tenants = stack_tenants(directory, stack)
    account = stack_account(directory, stack, stack_mapping(directory))  # refuses before anything is declared
    health = health_report(config)
    mailboxes: dict[str, Mailbox] = {}
    for tenant in tenants:
        mailboxes.update(declare_tenant(tenant, config, health))
    declare_tags(tenants, mailboxes)
    declare_account(account, config)
