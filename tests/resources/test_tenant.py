"""The TenantClient provider: adopt by email, rename in place, read, never delete."""

from __future__ import annotations

from resources.tenant import TenantClientProvider

from ._fake import FakeSmartlead

PROPS = {"tenant": "acme", "name": "Acme Corp", "email": "ops@acme.example"}


def test_create_adopts_the_client_with_that_email_without_a_write(smartlead: FakeSmartlead) -> None:
    result = TenantClientProvider().create(dict(PROPS))
    assert (result.id, smartlead.writes()) == ("7", [])


def test_create_adopts_and_renames(smartlead: FakeSmartlead) -> None:
    TenantClientProvider().create({**PROPS, "name": "Acme Corporation"})
    (save,) = smartlead.writes()
    assert save.body["id"] == 7 and save.body["name"] == "Acme Corporation"


def test_create_makes_a_new_client(smartlead: FakeSmartlead) -> None:
    result = TenantClientProvider().create({**PROPS, "email": "it@globex.example"})
    assert int(result.id) == smartlead.clients[-1]["id"]
    assert [c.endpoint for c in smartlead.writes()] == ["POST /client/save"]


def test_update_read_diff_delete(smartlead: FakeSmartlead) -> None:
    provider = TenantClientProvider()
    provider.update("7", dict(PROPS), {**PROPS, "name": "Acme Two"})
    assert smartlead.clients[0]["name"] == "Acme Two"
    smartlead.clients[0]["name"] = "Renamed in the UI"
    read = provider.read("7", dict(PROPS))
    assert read.inputs == {"tenant": "acme", "name": "Renamed in the UI", "email": "ops@acme.example"}
    assert provider.read("999", dict(PROPS)).id is None
    assert provider.diff("7", dict(PROPS), dict(PROPS)).changes is False
    assert provider.diff("7", dict(PROPS), {**PROPS, "email": "x@acme.example"}).changes is None
    provider.delete("7", dict(PROPS))
    assert [c.endpoint for c in smartlead.writes()] == ["POST /client/save"]
