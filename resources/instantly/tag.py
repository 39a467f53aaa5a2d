"""An Instantly custom tag of one workspace and the accounts it is assigned to (``backend: instantly``).

Members are the mailboxes' resource ids, their addresses. A tag whose label the workspace already has (labels are
unique after trim and casefold) is adopted rather than created again. Assignment goes through
``custom-tags/toggle-resource``, 100 accounts a call; refresh reads the members from the workspace's account
listing (``include_tags``), which the mailboxes share: checking a tag costs no request of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from pulumi.dynamic import CreateResult, ReadResult, UpdateResult

from mailfleet.instantly.client import InstantlyClient
from resources import connection
from resources.instantly.directory import workspaces

TOGGLE_BATCH = 100


def _client(props: Mapping[str, Any]) -> InstantlyClient:
    return connection.instantly_client(props.get("workspace") or {})


def members_of(props: Mapping[str, Any]) -> list[str]:
    return sorted({str(member) for member in props.get("members") or ()})


def _label(text: str) -> str:
    return text.strip().casefold()


def _toggle(client: InstantlyClient, tag_id: str, emails: Iterable[str], *, assign: bool) -> None:
    batch = sorted(emails)
    for start in range(0, len(batch), TOGGLE_BATCH):
        client.toggle_tags([tag_id], batch[start : start + TOGGLE_BATCH], assign=assign)


def tagged(client: InstantlyClient, props: Mapping[str, Any], tag_id: str) -> set[str]:
    """Addresses of the workspace's accounts that carry the tag, casefolded, from the workspace listing the
    mailboxes share (one listing for every tag and mailbox of the workspace)."""
    accounts = workspaces.listing(client, props.get("workspace") or {})
    return {email for email, account in accounts.items() if any(tag.id == tag_id for tag in account.tags)}


def create(props: dict[str, Any]) -> CreateResult:
    client = _client(props)
    wanted = _label(str(props["name"]))
    existing = next((tag for tag in client.list_tags() if _label(tag.label) == wanted), None)
    if existing is None:
        tag_id = client.create_tag(str(props["name"])).id
        missing = members_of(props)
    else:
        tag_id = existing.id
        carrying = tagged(client, props, tag_id)
        missing = [m for m in members_of(props) if m.casefold() not in carrying]
    _toggle(client, tag_id, missing, assign=True)
    return CreateResult(id_=tag_id, outs={**props, "tag_id": tag_id})


def update(id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
    client = _client(news)
    before, after = set(members_of(olds)), set(members_of(news))
    _toggle(client, id_, before - after, assign=False)
    _toggle(client, id_, after - before, assign=True)
    return UpdateResult(outs={**news, "tag_id": id_})


def read(id_: str, props: dict[str, Any]) -> ReadResult:
    carrying = tagged(_client(props), props, id_)
    live = [m for m in members_of(props) if m.casefold() in carrying]
    inputs: dict[str, Any] = {key: props[key] for key in ("name", "color", "backend", "workspace") if key in props}
    inputs["members"] = live
    return ReadResult(id_=id_, outs={**inputs, "tag_id": id_}, inputs=inputs)
