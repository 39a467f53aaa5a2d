"""A tenant: its Smartlead client (white-label sub-account), and the component that groups its resources.

Smartlead has no API to delete a client, so a tenant removed from the specs leaves its client in place: the resource
is created with ``retain_on_delete``, which the preview shows, and ``delete`` is never asked to do the impossible.
"""

from __future__ import annotations

from typing import Any

import pulumi
from pulumi.dynamic import (
    CreateResult,
    ReadResult,
    Resource,
    UpdateResult,
)

from mailfleet.smartlead.models import SmartleadClientRecord
from resources import connection
from resources.directory import directory
from resources.provider import MailfleetProvider

MANAGED_KEYS = ("name", "email")


def find_client(*, client_id: int | None = None, email: str | None = None) -> SmartleadClientRecord | None:
    """A Smartlead client by id or email, from the listing shared by every tenant of the process."""
    wanted = email.strip().casefold() if email is not None else None
    for record in directory.clients(connection.client()):
        if record.id == client_id or (wanted is not None and record.email.strip().casefold() == wanted):
            return record
    return None


class TenantClientProvider(MailfleetProvider):
    managed_keys = MANAGED_KEYS

    def create(self, props: dict[str, Any]) -> CreateResult:
        # A client's email is unique across Smartlead: an existing one is this tenant's, adopt it.
        existing = find_client(email=props["email"])
        if existing is None:
            client_id = connection.client().save_client(props["name"], props["email"])
        else:
            client_id = existing.id
            if existing.name != props["name"]:
                connection.client().save_client(props["name"], props["email"], client_id=client_id)
        return CreateResult(id_=str(client_id), outs={**props, "client_id": client_id})

    def update(self, id_: str, _olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        connection.client().save_client(news["name"], news["email"], client_id=int(id_))
        return UpdateResult(outs={**news, "client_id": int(id_)})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        record = find_client(client_id=int(id_))
        if record is None:
            return ReadResult(id_=None, outs={})
        inputs = {"tenant": props.get("tenant"), "name": record.name, "email": record.email}
        return ReadResult(id_=id_, outs={**inputs, "client_id": record.id}, inputs=inputs)

    def delete(self, _id: str, _props: dict[str, Any]) -> None:
        # Unreachable with retain_on_delete; Smartlead offers no client deletion in any case.
        return None


class TenantClient(Resource, module="mailfleet", name="TenantClient"):
    """The tenant's Smartlead client. Output ``client_id`` scopes every mailbox of the tenant."""

    client_id: pulumi.Output[int]

    def __init__(self, name: str, props: dict[str, Any], opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__(
            TenantClientProvider(),
            name,
            {**props, "client_id": None},
            pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(retain_on_delete=True)),
        )


class Tenant(pulumi.ComponentResource):
    """Groups one tenant's resources, so previews and reports read by tenant."""

    def __init__(self, name: str, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("mailfleet:index:Tenant", name, None, opts)
