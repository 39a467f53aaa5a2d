"""An Instantly account behind the ``mailfleet:Mailbox`` resource (``backend: instantly``).

The resource id is the address (Instantly's natural key). What differs from Smartlead, and why:
- **create** sends the provider code and every credential; an account the tenant's workspace already holds is
  adopted instead (only what differs is written). An address in another workspace is not visible here, so it is
  never adopted: Instantly refuses the create (409) and the error says so.
- **credentials** are create-only on Instantly (PATCH has none): the provider's diff replaces the resource, and the
  replacement deletes the old account before creating the new one (``recreate``, set by ``check``).
- **warmup on/off** is a background job: ``up`` starts it and polls it to completion (with a deadline). ``preview``
  never calls create or update, so it never waits for a job, and a preview with no change sends no request.
- **read** projects the listed account onto the managed fields, like Smartlead's, from one listing per workspace.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from pulumi.dynamic import CheckFailure, CreateResult, ReadResult, UpdateResult

from mailfleet.api.errors import ConflictError, NotFoundError
from mailfleet.fields import FIELDS, default_of
from mailfleet.instantly import fields as instantly_fields
from mailfleet.instantly.client import InstantlyClient
from mailfleet.instantly.models import Account
from resources import connection
from resources.instantly.directory import workspaces
from resources.provider import desired_values, differs

WORKSPACE_KEY = "workspace"
RECREATE_KEY = "recreate"
"""Set by ``check`` when credentials changed: the replacement's create deletes the old account first (the old
resource may be retained on delete, and Instantly cannot hold one address twice)."""
WARMUP_ENABLED = "warmup_enabled"
JOB_DEADLINE_SECONDS = 300.0

CREDENTIAL_KEYS: tuple[str, ...] = instantly_fields.CREDENTIAL_KEYS
PATCH_KEYS: tuple[str, ...] = instantly_fields.PATCH_KEYS
WARMUP_SETTING_KEYS = frozenset(key for key in PATCH_KEYS if instantly_fields.MAPPED[key].write[:1] == ("warmup",))
MANAGED_KEYS: tuple[str, ...] = (*CREDENTIAL_KEYS, *PATCH_KEYS, WARMUP_ENABLED, "attached_campaigns")


class ForeignAccountError(Exception):
    """The declared address exists in another Instantly workspace; it is never adopted."""


def workspace_of(props: Mapping[str, Any]) -> Mapping[str, Any]:
    return props.get(WORKSPACE_KEY) or {}


def client_for(props: Mapping[str, Any]) -> InstantlyClient:
    return connection.instantly_client(workspace_of(props))


def observed_fields(account: Account, declared: Mapping[str, Any]) -> dict[str, Any]:
    """The live account projected onto the fields this resource manages and Instantly returns.

    Optional fields count only when declared (a value Instantly fills in itself is never drift); a live value the
    field table calls the same as the declared one is reported as declared (case, the name's split)."""
    email = str(declared.get("email") or account.email)
    live: dict[str, Any] = {}
    for key, value in instantly_fields.live_fields(account.raw).items():
        field = FIELDS[key]
        if field.elide and value == default_of(field, email) and key not in declared:
            continue
        if field.optional and key not in declared:
            continue
        live[key] = declared[key] if key in declared and field.same(declared[key], value) else value
    return live


def warmup_started_on(account: Account | None) -> str | None:
    """The day warmup started (Instantly's read-only ``timestamp_warmup_start``), if it ever did."""
    started = account.raw.get("timestamp_warmup_start") if account is not None else None
    if isinstance(started, str) and len(started) >= 10:
        try:
            return date.fromisoformat(started[:10]).isoformat()
        except ValueError:
            return None
    return None


def vet_new(news: Mapping[str, Any]) -> tuple[str | None, list[CheckFailure]]:
    """A mailbox new to the stack: when its workspace already holds the address, its warmup start is the real one
    (it will be adopted). One listing per workspace serves every new mailbox; a preview with none makes no request."""
    existing = workspaces.find(client_for(news), workspace_of(news), str(news["email"]))
    return warmup_started_on(existing), []


def check_inputs(olds: Mapping[str, Any], news: Mapping[str, Any], inputs: dict[str, Any]) -> None:
    """Instantly's part of ``check``: mark a credential change so that its replacement re-creates the account."""
    inputs.pop(RECREATE_KEY, None)
    if olds and any(differs(key, dict(olds), dict(news)) for key in CREDENTIAL_KEYS):
        inputs[RECREATE_KEY] = True


def run_warmup(client: InstantlyClient, emails: Sequence[str], *, enabled: bool) -> None:
    """Turn warmup on or off and wait for the background job(s) to finish (``JobFailedError`` / timeout raise)."""
    jobs = client.enable_warmup(emails) if enabled else client.disable_warmup(emails)
    client.wait_for_jobs(jobs, deadline_s=JOB_DEADLINE_SECONDS)


def outputs(props: Mapping[str, Any], account: Account | None) -> dict[str, Any]:
    started = warmup_started_on(account)
    return {
        **{key: value for key, value in props.items() if key != RECREATE_KEY},
        "account_id": None,
        **({"warmup_started_on": started} if started else {}),
    }


def create(props: dict[str, Any]) -> CreateResult:
    client = client_for(props)
    email = str(props["email"])
    # The listing check() already made for this new mailbox: no extra request to find it.
    existing = workspaces.find(client, workspace_of(props), email)
    if existing is not None and props.get(RECREATE_KEY):
        client.delete_account(email)
        existing = None
    values = desired_values(props)
    if existing is not None:
        current = {**props, **observed_fields(existing, props)}
        apply_changes(client, email, current, props)
        return CreateResult(id_=email, outs=outputs(props, existing))
    try:
        account = client.create_account({"email": email, **instantly_fields.create_body(values)})
    except ConflictError:
        raise ForeignAccountError(
            f"{email} already exists in Instantly outside tenant {props.get('tenant')!r}'s workspace; mailfleet "
            "never adopts another workspace's account. Remove it from this tenant's file, or move the account into "
            "the tenant's workspace in Instantly first (POST /api/v2/accounts/move)."
        ) from None
    if values.get(WARMUP_ENABLED):
        run_warmup(client, [email], enabled=True)
    apply_campaigns(client, email, {}, props)
    return CreateResult(id_=email, outs=outputs(props, account))


def apply_changes(client: InstantlyClient, email: str, current: Mapping[str, Any], desired: Mapping[str, Any]) -> None:
    """Bring the account from ``current`` to ``desired``: one PATCH for the settings, a job for warmup on/off."""
    changed = {key for key in PATCH_KEYS if differs(key, dict(current), dict(desired))}
    if changed & WARMUP_SETTING_KEYS:
        changed |= WARMUP_SETTING_KEYS  # the warmup object travels whole, so no setting falls back to a default
    if changed:
        values = desired_values(desired)
        client.patch_account(email, instantly_fields.patch_body({key: values.get(key) for key in changed}))
    if differs(WARMUP_ENABLED, dict(current), dict(desired)):
        run_warmup(client, [email], enabled=bool(desired.get(WARMUP_ENABLED)))
    apply_campaigns(client, email, current, desired)


def apply_campaigns(
    client: InstantlyClient, email: str, current: Mapping[str, Any], desired: Mapping[str, Any]
) -> None:
    """Campaign senders (``email_list``): add the address to the campaigns it joins, take it out of those it left."""
    joined = {str(c) for c in current.get("attached_campaigns") or ()}
    wanted = {str(c) for c in desired.get("attached_campaigns") or ()}
    for campaign_id in sorted(joined ^ wanted):
        campaign = client.get_campaign(campaign_id)
        senders = [s for s in campaign.email_list if s.casefold() != email.casefold()]
        if campaign_id in wanted:
            senders.append(email)
        client.set_campaign_senders(campaign_id, senders)


def update(id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
    client = client_for(news)
    apply_changes(client, id_, olds, news)
    return UpdateResult(outs=outputs(news, None))


def read(id_: str, props: dict[str, Any], input_keys: Sequence[str]) -> ReadResult:
    account = workspaces.get(client_for(props), workspace_of(props), id_)
    if account is None:
        return ReadResult(id_=None, outs={})  # gone from the workspace: refresh drops it from state
    inputs = {key: props[key] for key in input_keys if key in props}
    inputs.update(observed_fields(account, props))
    inputs["warmup_started_on"] = warmup_started_on(account) or props.get("warmup_started_on")
    return ReadResult(id_=id_, outs=outputs(inputs, account), inputs=inputs)


def delete(id_: str, props: dict[str, Any]) -> None:
    client = client_for(props)
    policy = props.get("on_remove", "retain")
    try:
        if policy == "suspend":
            client.pause_account(id_)
        elif policy == "delete":
            client.delete_account(id_)
    except NotFoundError:
        pass  # already gone: the goal of a delete is met
