"""The account-wide things of ``specs/account.yaml``: Smartlead webhooks at user scope (``association_type: user``).

A sibling of the tenant :class:`~resources.webhook.Webhook` rather than a mode of it: no client, its own type, and a
URL that is always a secret (``url`` is a Pulumi secret input and output, so state holds it encrypted and previews
show ``[secret]``; the provider registers it with the redactor, so no error message repeats it). ``read`` reports
every field edited in Smartlead (name, URL, events, categories, scope), so drift names it and ``up`` restores it.

Only the stack ``stacks.yaml`` names as ``account:`` declares these; before it declares anything it asks the backend
which stack carries the ``mailfleet:account`` tag, and refuses when another one does (:func:`refuse_foreign_owner`).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, Resource, UpdateResult

from mailfleet.smartlead.errors import NotFoundError
from mailfleet.smartlead.models import Webhook as LiveWebhook
from mailfleet.smartlead.redact import register_secret
from mailfleet.spec.account import AccountSpec, account_path, load_account
from mailfleet.spec.account import AccountWebhook as WebhookSpec
from mailfleet.spec.errors import Problem, SpecError
from mailfleet.spec.model import SecretRef
from mailfleet.stacks.mapping import STACKS_FILE, StackMap
from mailfleet.stacks.ownership import account_owners
from resources import connection
from resources.provider import SmartleadProvider

SCOPE = "user"
MANAGED_KEYS = ("name", "url", "events", "category_ids", "scope")
SECRET_KEYS = ("url",)


def observed(webhook: LiveWebhook) -> dict[str, Any]:
    """The managed fields as Smartlead holds them."""
    return {
        "name": webhook.name or "",
        "url": webhook.url,
        "events": sorted(webhook.event_types),
        "category_ids": sorted(int(c) for c in webhook.category_ids if str(c).isdigit()),
        "scope": webhook.association_type or "",
    }


def _write_fields(props: dict[str, Any]) -> dict[str, Any]:
    register_secret(props["url"])
    return {
        "url": props["url"],
        "name": props["name"],
        "event_types": props["events"],
        # Pulumi hands numbers over as floats: 1.0 would be sent as the category "1.0".
        "category_ids": [int(c) for c in props.get("category_ids") or []],
        "association_type": SCOPE,
    }


class AccountWebhookProvider(SmartleadProvider):
    managed_keys = MANAGED_KEYS

    def create(self, props: dict[str, Any]) -> CreateResult:
        webhook_id = connection.client().create_webhook(**_write_fields(props))
        return CreateResult(id_=str(webhook_id), outs={**props, "webhook_id": webhook_id})

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        connection.client().update_webhook(int(id_), **_write_fields(news))
        return UpdateResult(outs={**news, "webhook_id": int(id_)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        try:
            live = connection.client().get_webhook(int(id_))
        except NotFoundError:
            return ReadResult(id_=None, outs={})  # deleted in Smartlead: refresh drops it, up creates it again
        register_secret(live.url)
        inputs = {**{k: v for k, v in props.items() if k != "webhook_id"}, **observed(live)}
        return ReadResult(id_=id_, outs={**inputs, "webhook_id": int(id_)}, inputs=inputs)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        with contextlib.suppress(NotFoundError):
            connection.client().delete_webhook(int(id_))


class AccountWebhook(Resource, module="mailfleet", name="AccountWebhook"):
    """One user-scope webhook. Output ``webhook_id``."""

    webhook_id: pulumi.Output[int]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(
            AccountWebhookProvider(),
            name,
            {**props, "webhook_id": None},
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=list(SECRET_KEYS))),
        )


def resolve_reference(ref: SecretRef, config: pulumi.Config, what: str) -> pulumi.Output[str]:
    """A ``{secret: KEY}`` / ``{env: VAR}`` reference (``what`` it is, for the error), always as a Pulumi secret."""
    if ref.kind == "secret":
        return config.require_secret(ref.name)
    value = os.environ.get(ref.name)
    if value is None:
        raise pulumi.RunError(f"environment variable {ref.name} ({what}) is not set")
    return pulumi.Output.secret(value)


def resolve_url(url: str | SecretRef, config: pulumi.Config) -> pulumi.Output[str]:
    """The webhook URL, always as a Pulumi secret: as written, from stack config, or from the environment."""
    if isinstance(url, str):
        return pulumi.Output.secret(url)
    return resolve_reference(url, config, "a webhook URL reference")


def webhook_props(webhook: WebhookSpec, config: pulumi.Config) -> dict[str, Any]:
    return {
        "name": webhook.name,
        "url": resolve_url(webhook.url, config),
        "events": list(webhook.events),
        "category_ids": list(webhook.category_ids),
        "scope": SCOPE,
    }


def refuse_foreign_owner(spec: AccountSpec, stack: str) -> None:
    """Stop before declaring anything when another stack carries the ``mailfleet:account`` tag."""
    try:
        others = [owner for owner in account_owners() if owner != stack]
    except RuntimeError as error:
        pulumi.log.warn(f"cannot check which stack manages the account-wide webhooks: {error}")
        return
    if others:
        where = spec.webhooks[0].location if spec.webhooks else None
        raise pulumi.RunError(
            f"stack {stack!r} would declare the account-wide webhooks of {where.file if where else 'account.yaml'}, "
            f"but they are managed by stack {', '.join(others)}; account-wide things belong to exactly one stack, so "
            f"this stack will not create them again. Keep `account: {others[0]}` in stacks.yaml, or first run "
            f"`pulumi up --stack {others[0]}` with the new `account:` so that stack lets them go"
        )


def stack_account(directory: Path, stack: str, mapping: StackMap) -> AccountSpec:
    """What of the account file (beside ``directory``) this stack declares: all of it for the account stack,
    nothing for the others. Refuses an account file with webhooks that no stack declares, and an account stack
    whose things another stack manages."""
    owner = mapping.account_stack
    if owner is not None and not mapping.declares_account(stack):
        return AccountSpec()  # another stack's: this one never reads the file
    path = account_path(directory)
    try:
        spec = load_account(path, str(path))
        if spec.declares_anything and owner is None:
            first = spec.webhooks[0].location
            stacks = ", ".join(sorted(mapping.stacks))
            raise SpecError(
                [
                    Problem(
                        first.file,
                        first.line,
                        first.col,
                        f"account-wide webhooks need the one stack that declares them: add `account: STACK` to "
                        f"{STACKS_FILE} (one of {stacks}, or a new name for a stack of their own)",
                    )
                ]
            )
    except SpecError as error:
        raise pulumi.RunError(f"invalid account file:\n{error}") from None
    if spec.declares_anything and not mapping.single:
        refuse_foreign_owner(spec, stack)
    return spec


def declare_account(spec: AccountSpec, config: pulumi.Config) -> list[AccountWebhook]:
    """One resource per webhook of the account file, named ``account/<name>``."""
    return [AccountWebhook(f"account/{hook.name}", webhook_props(hook, config)) for hook in spec.webhooks]
