"""A workspace webhook on Instantly (``backend: instantly``): Instantly subscribes a webhook to a single
``event_type``, and an Instantly tenant file declares exactly one event per webhook, under Instantly's own name.
Created, updated in place, deleted with the spec; ``read`` reports edits made in Instantly. Instantly signs
nothing: the only authentication is what the receiver checks in the URL or headers.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from mailfleet.instantly.client import InstantlyClient
from mailfleet.instantly.models import Webhook as LiveWebhook
from mailfleet.smartlead.errors import NotFoundError
from resources import connection


def _client(props: Mapping[str, Any]) -> InstantlyClient:
    return connection.instantly_client(props.get("workspace") or {})


def event_type(props: Mapping[str, Any]) -> str:
    """The webhook's one event, as the tenant file names it (Instantly's own subscription names)."""
    return str((props.get("events") or [""])[0])


def observed(webhook: LiveWebhook, props: Mapping[str, Any]) -> dict[str, Any]:
    events = list(props.get("events") or ()) if webhook.event_type == event_type(props) else [webhook.event_type]
    return {"url": webhook.target_hook_url, "events": events, "name": webhook.name}


def create(props: dict[str, Any]) -> CreateResult:
    made = _client(props).create_webhook(url=props["url"], event_type=event_type(props), name=props["name"])
    return CreateResult(id_=made.id, outs={**props, "webhook_id": made.id})


def update(id_: str, news: dict[str, Any]) -> UpdateResult:
    _client(news).update_webhook(id_, target_hook_url=news["url"], event_type=event_type(news), name=news["name"])
    return UpdateResult(outs={**news, "webhook_id": id_})


def read(id_: str, props: dict[str, Any]) -> ReadResult:
    try:
        live = _client(props).get_webhook(id_)
    except NotFoundError:
        return ReadResult(id_=None, outs={})
    inputs = {**{k: v for k, v in props.items() if k != "webhook_id"}, **observed(live, props)}
    return ReadResult(id_=id_, outs={**inputs, "webhook_id": id_}, inputs=inputs)


def delete(id_: str, props: dict[str, Any]) -> None:
    with contextlib.suppress(NotFoundError):
        _client(props).delete_webhook(id_)
