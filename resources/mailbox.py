"""A Smartlead email account with warmup, its sending ramp, and what happens when it leaves the spec.

How the diff stays honest (dynamic providers cannot send a detailed diff of their own):
- ``check`` turns the declared mailbox into the full desired inputs, including the values derived from time: the
  date warmup started (kept from the previous inputs) and today's step on the sending ramp.
- ``diff`` answers "no change" when no managed field differs, and otherwise "unknown", which makes the engine
  diff old and new inputs itself and show exactly the fields that changed.
- ``read`` (refresh) returns the live account projected onto the managed fields, as outputs *and* inputs. The
  refresh diff then names exactly the fields someone edited in Smartlead, and the next ``up`` writes them back.
  Fields Smartlead adds itself are never compared; the password is write-only upstream and is compared only
  between the previous and the new declared value.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pulumi
from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    CreateResult,
    ReadResult,
    Resource,
    UpdateResult,
)

from mailfleet import clock
from mailfleet.fields import FIELDS, default_of
from mailfleet.health.gate import critical_reason, hold_campaigns, hold_cap
from mailfleet.pools.caps import pool_cap
from mailfleet.smartlead.errors import NotFoundError
from mailfleet.smartlead.fields import (
    CREDENTIAL_KEYS,
    DEEP_KEYS,
    SETTINGS_KEYS,
    WARMUP_KEYS,
    live_fields,
    write_fields,
)
from mailfleet.smartlead.models import (
    AccountSettings,
    EmailAccount,
    EmailAccountWrite,
    WarmupSettings,
)
from mailfleet.spec.model import Ramp
from mailfleet.spec.ramps import WARMUP_COMPLETE_DAYS, ramp_from_json
from mailfleet.vendors import BACKEND_KEY, is_instantly
from resources import connection
from resources.directory import deep_reads, directory
from resources.instantly import mailbox as instantly_mailbox
from resources.provider import MailfleetProvider, desired_values, differs

MEMBERSHIP_KEYS = ("attached_campaigns",)
SECRET_KEYS = tuple(key for key, field in FIELDS.items() if field.secret)
# Inputs that describe intent rather than Smartlead fields; a change to them alone writes nothing.
INTENT_KEYS = (
    "ramp",
    "ramp_step",
    "on_remove",
    "tenant",
    "warmup_started_on",
    "campaigns",
    "campaign_min_warmup_days",
    "campaign_hold",
    "pool",
    BACKEND_KEY,
    instantly_mailbox.WORKSPACE_KEY,
)
MANAGED_KEYS = CREDENTIAL_KEYS + SETTINGS_KEYS + WARMUP_KEYS + MEMBERSHIP_KEYS
# The latest health report's verdict ({class, reason}), for the health gate. Not diffed itself: its effect shows in
# ``max_email_per_day``, ``ramp_step``, ``attached_campaigns`` and ``campaign_hold``.
HEALTH_KEY = "health"
# The tenant's client email, passed to check() so a new mailbox can be vetted before its tenant's client exists.
CLIENT_EMAIL_KEY = "client_email"
INPUT_KEYS = ("email", *MANAGED_KEYS, *INTENT_KEYS, HEALTH_KEY)


def ramp_position(ramp: Ramp, started_on: date, today: date) -> tuple[int, str]:
    """Today's daily cap on the ramp, and a short description of the step for previews."""
    day = max((today - started_on).days + 1, 1)
    index = ramp.step_index_on(day)
    step = ramp.steps[index]
    until = ramp.steps[index + 1].from_day - 1 if index + 1 < len(ramp.steps) else None
    days = f"days {step.from_day}-{until}" if until is not None else f"day {step.from_day} on"
    return step.per_day, f"{ramp.name} step {index + 1}/{len(ramp.steps)}: {days} at {step.per_day}/day"


def campaign_plan(campaigns: list[Any], min_days: int, started_on: date, today: date) -> tuple[list[Any], str]:
    """Which declared campaigns the mailbox is in today, and why the others are not yet."""
    if not campaigns:
        return [], ""
    joins_on = started_on + timedelta(days=min_days - 1)
    if today >= joins_on:
        return sorted(campaigns), ""
    listed = ", ".join(str(c) for c in sorted(campaigns))
    return [], f"joins campaign(s) {listed} on warmup day {min_days} ({joins_on.isoformat()})"


def observed_fields(account: EmailAccount, declared: dict[str, Any], *, deep: bool = False) -> dict[str, Any]:
    """The live account projected onto the fields this resource manages and Smartlead returns.

    From the listing unless ``deep`` (the account was read by id, which adds the warmup per day). Optional fields
    count only when declared, so a value Smartlead fills in by itself is never drift; a field Smartlead does not
    return here (write-only, or by id only) is left out and so stays as declared.
    """
    email = str(declared.get("email") or account.from_email)
    live: dict[str, Any] = {}
    for key, value in live_fields(account.raw, deep=deep).items():
        field = FIELDS[key]
        if field.elide and value == default_of(field, email) and key not in declared:
            continue  # e.g. the login is the address, and the address is the declared login
        if field.optional and key not in declared:
            continue
        live[key] = declared[key] if key in declared and field.same(declared[key], value) else value
    if account.campaign_ids is not None:
        # Only campaigns this mailbox is declared for, or was put in by us: other memberships are not ours.
        ours = set(declared.get("campaigns") or ()) | set(declared.get("attached_campaigns") or ())
        ours |= set((declared.get("pool") or {}).get("campaigns") or ())  # a pool's campaign, when resting too
        if ours:
            live["attached_campaigns"] = sorted(set(account.campaign_ids) & ours)
    return live


def warmup_started_on(account: EmailAccount) -> str | None:
    if account.warmup is not None and account.warmup.warmup_created_at is not None:
        return account.warmup.warmup_created_at.date().isoformat()
    return None


def account_write(props: dict[str, Any]) -> EmailAccountWrite:
    """The full save: credentials, settings and warmup, under Smartlead's write names."""
    values = desired_values(props)
    return EmailAccountWrite(
        from_email=props["email"],
        **write_fields("save", values),
        **write_fields("settings", values),
        warmup=warmup_settings(props),
    )


def changed_keys(keys: tuple[str, ...], current: dict[str, Any], desired: dict[str, Any]) -> list[str]:
    return [key for key in keys if differs(key, current, desired)]


def apply_changes(account_id: int, current: dict[str, Any], desired: dict[str, Any]) -> None:
    """Bring an account from ``current`` to ``desired`` in as few calls as the API allows."""
    client = connection.client()
    if changed_keys(CREDENTIAL_KEYS, current, desired):
        # Credentials change only through a full save, which carries every other setting too.
        client.save_email_account(account_id, account_write(desired))
    else:
        settings = changed_keys(SETTINGS_KEYS, current, desired)
        if settings:
            client.update_email_account(account_id, settings_update(settings, desired))
        if changed_keys(WARMUP_KEYS, current, desired):
            client.set_warmup(account_id, warmup_settings(desired))
    apply_memberships(account_id, current, desired)


def apply_memberships(account_id: int, current: dict[str, Any], desired: dict[str, Any]) -> None:
    """Campaign membership (tags are mapped by their Tag resource, in batches)."""
    client = connection.client()
    joined = set(current.get("attached_campaigns") or ())
    wanted = set(desired.get("attached_campaigns") or ())
    for campaign_id in sorted(wanted - joined):
        client.attach_accounts(campaign_id, [account_id])
    for campaign_id in sorted(joined - wanted):
        client.detach_accounts(campaign_id, [account_id])


def settings_update(keys: list[str], desired: dict[str, Any]) -> AccountSettings:
    """Only the changed settings; one no longer declared is sent as null, which clears it."""
    values = desired_values(desired)
    return AccountSettings(**write_fields("settings", {key: values.get(key) for key in keys}))


def warmup_settings(props: dict[str, Any]) -> WarmupSettings:
    """Every warmup field at once: the warmup call sets them together (the rampup too, which cannot be read)."""
    return WarmupSettings(**write_fields("warmup", desired_values(props)))


def owned_by_tenant(account: EmailAccount, client_id: Any, client_email: Any) -> bool:
    """Whether ``account`` is under this tenant's Smartlead client.

    ``client_id`` is unknown during the first preview of a new tenant; its client is then found by email (it may
    already exist, to be adopted), and when there is none yet, no existing account can be this tenant's.
    """
    if isinstance(client_id, (int, float)):
        return account.client_id == int(client_id)
    record = next(
        (c for c in directory.clients(connection.client()) if c.email.casefold() == str(client_email).casefold()),
        None,
    )
    return record is not None and account.client_id == record.id


def foreign_account_message(existing: EmailAccount, props: dict[str, Any]) -> str:
    return (
        f"{props['email']} already exists in Smartlead (account {existing.id}) under client {existing.client_id}, "
        f"which is not tenant {props['tenant']!r}'s client; mailfleet never adopts another tenant's mailbox. Remove "
        "it from this tenant's file, or move the account to this tenant's client in Smartlead first."
    )


class ForeignAccountError(Exception):
    """The declared email exists in Smartlead under another tenant's client; it is never adopted."""


class MailboxProvider(MailfleetProvider):
    """One provider for every vendor: Smartlead here, Instantly in :mod:`resources.instantly.mailbox`, chosen by
    the resource's ``backend`` input. The sending ramp, the health gate, campaign timing and pools are the same for
    both and stay here."""

    managed_keys = tuple(dict.fromkeys(MANAGED_KEYS + instantly_mailbox.MANAGED_KEYS + INTENT_KEYS))

    def replace_keys(self, news: dict[str, Any]) -> tuple[str, ...]:
        return instantly_mailbox.CREDENTIAL_KEYS if is_instantly(news) else ()

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = dict(news)
        # Only needed to vet a new mailbox; not kept in state.
        client_email = inputs.pop(CLIENT_EMAIL_KEY, None)
        failures: list[CheckFailure] = []
        today = clock.today()
        instantly = is_instantly(news)
        started_text = _olds.get("warmup_started_on") or news.get("warmup_started_on")
        if not started_text and instantly:
            started_text, failures = instantly_mailbox.vet_new(news)
        elif not started_text:
            # A mailbox new to the stack: if it already exists (to be adopted), its ramp day is its real one, and
            # it must belong to this tenant. One shared listing serves every new mailbox; previews with no new
            # mailbox make no request.
            existing = directory.find_email(connection.client(), news["email"])
            if existing is not None and not owned_by_tenant(existing, news.get("client_id"), client_email):
                failures.append(CheckFailure("email", foreign_account_message(existing, news)))
            started_text = warmup_started_on(existing) if existing else None
        started_text = started_text or today.isoformat()
        inputs["warmup_started_on"] = started_text
        started = date.fromisoformat(started_text)
        # The health gate: a critical mailbox keeps yesterday's cap and joins no new campaign.
        held = critical_reason(news.get(HEALTH_KEY))
        try:
            per_day, step = ramp_position(ramp_from_json(news["ramp"]), started, today)
        except (KeyError, TypeError, ValueError) as error:
            failures.append(CheckFailure("ramp", f"invalid sending ramp: {error}"))
        else:
            inputs["max_email_per_day"], inputs["ramp_step"] = pool_cap(
                news.get("pool"), *hold_cap(held, _olds.get("max_email_per_day"), per_day, step)
            )
        # Numbers reach providers as floats: Smartlead campaign ids are integers, Instantly's are UUID strings.
        campaigns = sorted(str(c) if instantly else int(c) for c in news.get("campaigns") or ())
        declared_days = news.get("campaign_min_warmup_days")
        min_days = int(declared_days if declared_days is not None else WARMUP_COMPLETE_DAYS)  # 0 is a valid value
        planned, hold = campaign_plan(campaigns, min_days, started, today)
        attached, hold = hold_campaigns(held, _olds.get("attached_campaigns"), planned, hold)
        if campaigns or attached or _olds.get("attached_campaigns"):
            # Left out for the many mailboxes that are in no campaign: less state per mailbox.
            inputs.update(campaigns=campaigns, attached_campaigns=attached, campaign_hold=hold)
        if instantly:
            instantly_mailbox.check_inputs(_olds, news, inputs)
        return CheckResult(inputs, failures)

    def create(self, props: dict[str, Any]) -> CreateResult:
        if is_instantly(props):
            return instantly_mailbox.create(props)
        client = connection.client()
        # The listing check() already made for this new mailbox: no extra request to find it.
        existing = directory.find_email(client, props["email"])
        if existing is not None:
            return self._adopt(existing, props)
        account_id = client.create_email_account_id(account_write(props))
        apply_memberships(account_id, {}, props)
        return CreateResult(id_=str(account_id), outs={**props, "account_id": account_id})

    def _adopt(self, existing: EmailAccount, props: dict[str, Any]) -> CreateResult:
        """Take over an account that already exists under this tenant's client, writing only what differs."""
        if existing.client_id != int(props["client_id"]):
            # check() refuses this at preview; this is the last line for `up --skip-preview`.
            raise ForeignAccountError(foreign_account_message(existing, props))
        # Read by id: the listing lacks some settings (warmup per day), and adopting must compare them all. The
        # password is absorbed as declared, never read back.
        full = connection.client().get_email_account(existing.id, fetch_campaigns=True)
        apply_changes(existing.id, {**props, **observed_fields(full, props, deep=True)}, props)
        return CreateResult(id_=str(existing.id), outs=self._outputs(props, existing))

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        if is_instantly(news):
            return instantly_mailbox.update(id_, olds, news)
        apply_changes(int(id_), olds, news)
        if changed_keys(DEEP_KEYS, olds, news) or changed_keys(WARMUP_KEYS, olds, news):
            deep_reads.resolved(connection.base_url(), int(id_))
        return UpdateResult(outs={**news, "account_id": int(id_)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if is_instantly(props):
            return instantly_mailbox.read(id_, props, INPUT_KEYS)
        account_id = int(id_)
        deep = deep_reads.wanted(connection.base_url(), account_id)
        account = directory.get(connection.client(), account_id, by_id=deep)
        if account is None:
            return ReadResult(id_=None, outs={})  # gone from Smartlead: refresh drops it from state
        inputs = {key: props[key] for key in INPUT_KEYS if key in props}
        inputs.update(observed_fields(account, props, deep=deep))
        inputs["warmup_started_on"] = warmup_started_on(account) or props.get("warmup_started_on")
        return ReadResult(id_=id_, outs=self._outputs(inputs, account), inputs=inputs)

    def delete(self, id_: str, props: dict[str, Any]) -> None:
        if is_instantly(props):
            return instantly_mailbox.delete(id_, props)
        client = connection.client()
        policy = props.get("on_remove", "retain")
        try:
            if policy == "suspend":
                client.suspend_email_account(int(id_))
            elif policy == "delete":
                client.delete_email_account(int(id_))
        except NotFoundError:
            pass  # already gone: the goal of a delete is met

    @staticmethod
    def _outputs(inputs: dict[str, Any], account: EmailAccount) -> dict[str, Any]:
        started = warmup_started_on(account)
        return {
            **inputs,
            "account_id": account.id,
            **({"warmup_started_on": started} if started else {}),
        }


class Mailbox(Resource, module="mailfleet", name="Mailbox"):
    """One declared mailbox. Outputs: everything declared, plus ``account_id``."""

    account_id: pulumi.Output[int]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(
            MailboxProvider(),
            name,
            {**props, "account_id": None},
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=list(SECRET_KEYS))),
        )
