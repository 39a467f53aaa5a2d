"""A Smartlead tag, one per distinct tag name in the specs (tags are account-wide in Smartlead).

The API can create a tag and attach it, but cannot list or delete tags. A tag that some live account already
carries is adopted by its id rather than created again; a tag left unused by the specs stays in Smartlead.
"""

from __future__ import annotations

import hashlib
from typing import Any

import pulumi
from pulumi.dynamic import CreateResult, Resource

from resources import connection
from resources.directory import directory
from resources.provider import SmartleadProvider

# Smartlead's UI palette is free-form hex; a colour derived from the name keeps one tag one colour everywhere.
PALETTE = ("#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed", "#0891b2", "#db2777", "#4b5563")


def colour_for(name: str) -> str:
    return PALETTE[hashlib.sha256(name.encode()).digest()[0] % len(PALETTE)]


class TagProvider(SmartleadProvider):
    managed_keys = ("name",)

    def create(self, props: dict[str, Any]) -> CreateResult:
        client = connection.client()
        existing = directory.tag_named(client, props["name"])
        tag_id = existing if existing is not None else client.create_tag(props["name"], props["color"]).id
        return CreateResult(id_=str(tag_id), outs={**props, "tag_id": tag_id})

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        return None  # Smartlead has no tag deletion; retain_on_delete keeps this from being called


class Tag(Resource, module="mailfleet", name="Tag"):
    tag_id: pulumi.Output[int]

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(
            TagProvider(),
            f"tag:{name}",
            {"name": name, "color": colour_for(name), "tag_id": None},
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(retain_on_delete=True)),
        )
