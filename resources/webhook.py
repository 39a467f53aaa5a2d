"""A tenant's webhook: an account-wide Smartlead webhook scoped to the tenant's client (``association_type``
``client``), or an Instantly workspace webhook (:mod:`resources.instantly.webhook`). Created, updated in place,
and deleted with the spec; ``read`` reports edits made in the vendor."""

from __future__ import annotations

import contextlib
from typing import Any

import pulumi
from pulumi.dynamic import (
    CreateResult,
    ReadResult,
    Resource,
    UpdateResult,
)

from mailfleet.smartlead.errors import NotFoundError
from mailfleet.smartlead.models import Webhook as LiveWebhook
from mailfleet.vendors import is_instantly
from resources import connection
from resources.instantly import webhook as instantly_webhook
from resources.provider import MailfleetProvider

MANAGED_KEYS = ("url", "events", "client_id", "name")


def observed(webhook: LiveWebhook) -> dict[str, Any]:
    return {"url": webhook.url, "events": sorted(webhook.event_types), "name": webhook.name}


class WebhookProvider(MailfleetProvider):
    managed_keys = MANAGED_KEYS

    def create(self, props: dict[str, Any]) -> CreateResult:
        if is_instantly(props):
            return instantly_webhook.create(props)
        webhook_id = connection.client().create_webhook(
            url=props["url"],
            name=props["name"],
            event_types=props["events"],
            association_type="client",
            client_id=int(props["client_id"]),
        )
        return CreateResult(id_=str(webhook_id), outs={**props, "webhook_id": webhook_id})

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        if is_instantly(news):
            return instantly_webhook.update(id_, news)
        connection.client().update_webhook(
            int(id_),
            url=news["url"],
            name=news["name"],
            event_types=news["events"],
            association_type="client",
            client_id=int(news["client_id"]),
        )
        return UpdateResult(outs={**news, "webhook_id": int(id_)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if is_instantly(props):
            return instantly_webhook.read(id_, props)
        try:
            live = connection.client().get_webhook(int(id_))
        except NotFoundError:
            return ReadResult(id_=None, outs={})
        inputs = {**{k: v for k, v in props.items() if k != "webhook_id"}, **observed(live)}
        return ReadResult(id_=id_, outs={**inputs, "webhook_id": int(id_)}, inputs=inputs)

    def delete(self, id_: str, _props: dict[str, Any]) -> None:
        if is_instantly(_props):
            return instantly_webhook.delete(id_, _props)
        with contextlib.suppress(NotFoundError):
            connection.client().delete_webhook(int(id_))


class Webhook(Resource, module="mailfleet", name="Webhook"):
    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(WebhookProvider(), name, {**props, "webhook_id": None}, opts)
