"""A Smartlead tag and the mailboxes that carry it: one resource per distinct tag name in the specs.

Tags are account-wide in Smartlead. Membership lives here rather than on each mailbox because the API maps a tag to
up to 25 accounts per call: a fleet of N tagged mailboxes costs about N/25 calls instead of N. Members are the sorted
account ids (the mailboxes' resource ids): a few bytes of state per member.

The API can create a tag and map it, but cannot list or delete tags. A tag that some live account already carries is
adopted by its id rather than created again; a tag no spec uses any more stays in Smartlead (``retain_on_delete``).
Refresh reports a managed member whose tag was removed in Smartlead; accounts tagged outside mailfleet are not ours.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, ReadResult, Resource, UpdateResult

from mailfleet.smartlead.models import EmailAccount
from mailfleet.smartlead.shared_listing import run_tags
from mailfleet.vendors import is_instantly
from resources import connection
from resources.directory import directory
from resources.instantly import tag as instantly_tag
from resources.provider import MailfleetProvider

# Smartlead's UI palette is free-form hex; a colour derived from the name keeps one tag one colour everywhere.
PALETTE = ("#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#4b5563")


def colour_for(name: str) -> str:
    return PALETTE[hashlib.sha256(name.encode()).digest()[0] % len(PALETTE)]


def carries(account: EmailAccount | None, tag_id: int) -> bool:
    return account is not None and any(tag.id == tag_id for tag in account.tags)


def member_ids(props: dict[str, Any]) -> set[int]:
    return {int(member) for member in props.get("members") or ()}


class TagProvider(MailfleetProvider):
    managed_keys = ("name", "members")

    def create(self, props: dict[str, Any]) -> CreateResult:
        if is_instantly(props):
            return instantly_tag.create(props)
        client = connection.client()
        with run_tags() as known:
            tag_id = known.get(props["name"]) or directory.tag_named(client, props["name"])
            if tag_id is None:
                tag_id = client.create_tag(props["name"], props["color"]).id
            known[props["name"]] = tag_id
        # Adopted accounts may carry the tag already: map only the others.
        missing = [member for member in sorted(member_ids(props)) if not carries(directory.peek(member), tag_id)]
        client.map_tags(missing, [tag_id])
        return CreateResult(id_=str(tag_id), outs={**props, "tag_id": tag_id})

    def update(self, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        if is_instantly(news):
            return instantly_tag.update(id_, olds, news)
        client = connection.client()
        before, after = member_ids(olds), member_ids(news)
        client.unmap_tags(sorted(before - after), [int(id_)])
        client.map_tags(sorted(after - before), [int(id_)])
        return UpdateResult(outs={**news, "tag_id": int(id_)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        if is_instantly(props):
            return instantly_tag.read(id_, props)
        tag_id = int(id_)
        live = sorted(m for m in member_ids(props) if carries(directory.get(connection.client(), m), tag_id))
        inputs = {key: props[key] for key in ("name", "color") if key in props} | {"members": live}
        return ReadResult(id_=id_, outs={**inputs, "tag_id": tag_id}, inputs=inputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None  # Smartlead has no tag deletion; retain_on_delete keeps this from being called (both vendors)


class Tag(Resource, module="mailfleet", name="Tag"):
    tag_id: pulumi.Output[int]

    def __init__(
        self,
        name: str,
        members: list[pulumi.Output[str]],
        opts: pulumi.ResourceOptions | None = None,
        *,
        scope: Mapping[str, Any] | None = None,
        resource_name: str | None = None,
    ) -> None:
        """``scope``: the vendor inputs (``backend``, Instantly's ``workspace``); none for Smartlead."""
        instantly = is_instantly(scope or {})
        # Sorted once known, so the order of the specs never shows as a change: Smartlead ids as numbers,
        # Instantly's (addresses) as text.
        ordered = pulumi.Output.all(*members).apply(
            lambda ids: sorted(str(i) for i in ids) if instantly else sorted(int(i) for i in ids)
        )
        super().__init__(
            TagProvider(),
            resource_name or f"tag:{name}",
            {"name": name, "color": colour_for(name), **(scope or {}), "members": ordered, "tag_id": None},
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(retain_on_delete=True)),
        )
