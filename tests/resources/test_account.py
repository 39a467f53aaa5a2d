"""The AccountWebhook provider: a user-scope webhook, created, updated, read (drift) and deleted, its URL secret."""

from __future__ import annotations

from typing import Any

import pytest

from mailfleet.smartlead.errors import SmartleadError
from mailfleet.smartlead.redact import scrub
from resources.account import MANAGED_KEYS, SECRET_KEYS, AccountWebhookProvider

from ._fake import FakeSmartlead

URL = "https://hooks.example/smartlead/tok-9f8e7d6c5b4a"
PROPS: dict[str, Any] = {
    "name": "crm",
    "url": URL,
    "events": ["EMAIL_BOUNCE", "EMAIL_REPLY"],
    "category_ids": [1, 3],
    "scope": "user",
}


def test_create_sends_user_scope_without_a_client(smartlead: FakeSmartlead) -> None:
    created = AccountWebhookProvider().create(dict(PROPS))
    stored = smartlead.webhooks[int(created.id)]
    assert stored["association_type"] == "user" and "client_id" not in stored
    assert stored["webhook_url"] == URL
    assert stored["event_type_map"] == {"EMAIL_BOUNCE": True, "EMAIL_REPLY": True}
    assert stored["category_id_map"] == {"1": True, "3": True}
    floats = AccountWebhookProvider().create({**PROPS, "category_ids": [1.0, 3.0]})  # numbers as Pulumi passes them
    assert smartlead.webhooks[int(floats.id)]["category_id_map"] == {"1": True, "3": True}
    assert created.outs is not None and created.outs["webhook_id"] == int(created.id)


def test_read_reports_each_field_edited_in_smartlead_and_update_restores_it(smartlead: FakeSmartlead) -> None:
    provider = AccountWebhookProvider()
    created = provider.create(dict(PROPS))
    webhook_id = int(created.id)
    same = provider.read(created.id, {**PROPS, "webhook_id": webhook_id})
    assert same.inputs == PROPS and provider.diff(created.id, PROPS, same.inputs).changes is False

    smartlead.webhooks[webhook_id].update(
        webhook_url="https://elsewhere.example/x",
        event_type_map={"EMAIL_SENT": True},
        category_id_map={},
        name="renamed",
        association_type="client",
        client_id=7,
    )
    read = provider.read(created.id, {**PROPS, "webhook_id": webhook_id})
    assert read.inputs is not None
    drifted = {key for key in MANAGED_KEYS if read.inputs[key] != PROPS[key]}
    assert drifted == set(MANAGED_KEYS)
    assert provider.diff(created.id, read.inputs, PROPS).changes is None  # up puts it back

    provider.update(created.id, read.inputs, dict(PROPS))
    assert provider.read(created.id, {**PROPS, "webhook_id": webhook_id}).inputs == PROPS
    assert smartlead.calls[-2].method == "PUT" and smartlead.calls[-2].body["association_type"] == "user"


def test_delete_and_a_webhook_deleted_in_smartlead(smartlead: FakeSmartlead) -> None:
    provider = AccountWebhookProvider()
    created = provider.create(dict(PROPS))
    provider.delete(created.id, dict(PROPS))
    assert int(created.id) not in smartlead.webhooks
    assert provider.read(created.id, dict(PROPS)).id is None  # refresh drops it; up creates it again
    provider.delete(created.id, dict(PROPS))  # already gone: still a success


def test_the_url_is_a_secret_output_and_never_in_an_error(smartlead: FakeSmartlead) -> None:
    assert SECRET_KEYS == ("url",)
    provider = AccountWebhookProvider()
    with pytest.raises(SmartleadError) as caught:
        provider.update("999", dict(PROPS), dict(PROPS))  # no such webhook: the error must not carry the URL
    assert URL not in str(caught.value)
    assert scrub(f"posted to {URL}") == "posted to ***"  # registered with the redactor when written
