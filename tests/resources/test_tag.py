"""The Tag provider: membership mapped in batches, an existing tag adopted, refresh sees a tag removed live."""

from __future__ import annotations

from resources.tag import TagProvider

from ._fake import FakeSmartlead


def tag_props(*members: int) -> dict[str, object]:
    return {"name": "sales", "color": "#2563eb", "members": [float(m) for m in members]}


def test_create_makes_the_tag_and_maps_every_member(smartlead: FakeSmartlead) -> None:
    ids = [smartlead.add_account(f"m{n}@acme-mail.example", client_id=7) for n in range(3)]

    result = TagProvider().create(tag_props(*ids))

    assert [c.endpoint for c in smartlead.writes()] == ["POST /tags", "POST /email-accounts/tag-mapping"]
    assert smartlead.writes()[1].body == {"email_account_ids": ids, "tag_ids": [int(result.id)]}


def test_create_adopts_a_tag_a_live_account_carries_and_maps_only_the_others(smartlead: FakeSmartlead) -> None:
    first = smartlead.add_account("a@acme-mail.example", client_id=7, tags=[{"id": 50, "name": "sales"}])
    second = smartlead.add_account("b@acme-mail.example", client_id=7)
    smartlead.tags[50] = {"id": 50, "name": "sales", "color": "#2563eb"}

    result = TagProvider().create(tag_props(first, second))

    assert result.id == "50"
    (mapping,) = smartlead.writes()
    assert mapping.body == {"email_account_ids": [second], "tag_ids": [50]}


def test_update_maps_and_unmaps_the_difference(smartlead: FakeSmartlead) -> None:
    a, b, c = (smartlead.add_account(f"{n}@acme-mail.example", client_id=7) for n in "abc")
    smartlead.tags[50] = {"id": 50, "name": "sales", "color": "#2563eb"}
    smartlead.accounts[a]["tags"] = [smartlead.tags[50]]
    smartlead.accounts[b]["tags"] = [smartlead.tags[50]]

    TagProvider().update("50", tag_props(a, b), tag_props(b, c))

    assert [(w.method, w.body["email_account_ids"]) for w in smartlead.writes()] == [("DELETE", [a]), ("POST", [c])]


def test_read_reports_a_member_whose_tag_was_removed_live(smartlead: FakeSmartlead) -> None:
    a, b = (smartlead.add_account(f"{n}@acme-mail.example", client_id=7) for n in "ab")
    smartlead.accounts[a]["tags"] = [{"id": 50, "name": "sales"}]

    result = TagProvider().read("50", tag_props(a, b))

    assert result.inputs is not None and result.inputs["members"] == [a]


def test_diff_and_delete(smartlead: FakeSmartlead) -> None:
    assert TagProvider().diff("50", tag_props(1, 2), tag_props(1, 2)).changes is False
    assert TagProvider().diff("50", tag_props(1, 2), tag_props(1)).changes is None
    TagProvider().delete("50", tag_props(1))
    assert smartlead.writes() == []  # Smartlead cannot delete tags; the resource is retained
