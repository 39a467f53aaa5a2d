"""The Webhook provider: a client-scoped account-wide webhook, created, updated, read and deleted."""

from __future__ import annotations

from typing import Any

from resources.webhook import WebhookProvider

from ._fake import FakeSmartlead

PROPS: dict[str, Any] = {
    "tenant": "acme",
    "name": "crm",
    "url": "https://hooks.acme.example/smartlead",
    "events": ["EMAIL_REPLY", "EMAIL_SENT"],
    "client_id": 7.0,
}


def test_create_update_read_delete(smartlead: FakeSmartlead) -> None:
    provider = WebhookProvider()
    created = provider.create(dict(PROPS))
    webhook_id = int(created.id)
    stored = smartlead.webhooks[webhook_id]
    assert (stored["association_type"], stored["client_id"], stored["webhook_url"]) == ("client", 7, PROPS["url"])

    provider.update(created.id, dict(PROPS), {**PROPS, "url": "https://hooks.acme.example/v2"})
    assert smartlead.webhooks[webhook_id]["webhook_url"] == "https://hooks.acme.example/v2"

    smartlead.webhooks[webhook_id]["webhook_url"] = "https://elsewhere.example/x"
    read = provider.read(created.id, {**PROPS, "webhook_id": webhook_id})
    assert read.inputs is not None and read.inputs["url"] == "https://elsewhere.example/x"

    provider.delete(created.id, dict(PROPS))
    assert webhook_id not in smartlead.webhooks
    assert provider.read(created.id, dict(PROPS)).id is None
    provider.delete(created.id, dict(PROPS))  # already gone: still a success


def test_diff(smartlead: FakeSmartlead) -> None:
    assert WebhookProvider().diff("1", dict(PROPS), dict(PROPS)).changes is False
    assert WebhookProvider().diff("1", dict(PROPS), {**PROPS, "events": ["EMAIL_SENT"]}).changes is None
