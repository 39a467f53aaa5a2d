"""The shared diff rule: field changes are updates, a different backend or an Instantly credential replaces."""

from __future__ import annotations

from typing import Any

from resources.mailbox import MailboxProvider
from resources.tag import TagProvider

SMARTLEAD: dict[str, Any] = {"email": "jane@acme-mail.example", "smtp_host": "smtp.a.example", "password": "x"}
INSTANTLY: dict[str, Any] = {**SMARTLEAD, "backend": "instantly", "workspace": {"id": "w1"}}


def test_no_managed_change_is_no_change() -> None:
    result = MailboxProvider().diff("1", SMARTLEAD, dict(SMARTLEAD))
    assert result.changes is False and not result.replaces


def test_a_smartlead_credential_change_is_an_update_the_engine_details() -> None:
    result = MailboxProvider().diff("1", SMARTLEAD, {**SMARTLEAD, "password": "y"})
    assert result.changes is None and not result.replaces


def test_an_instantly_credential_change_replaces_deleting_first() -> None:
    result = MailboxProvider().diff("jane@acme-mail.example", INSTANTLY, {**INSTANTLY, "smtp_host": "smtp.b.example"})
    assert (result.changes, result.replaces, result.delete_before_replace) == (True, ["smtp_host"], True)


def test_an_instantly_setting_change_is_an_update() -> None:
    result = MailboxProvider().diff("jane@acme-mail.example", INSTANTLY, {**INSTANTLY, "reply_to": "r@a.example"})
    assert result.changes is None and not result.replaces


def test_changing_the_backend_replaces_every_kind_of_resource() -> None:
    for provider, olds in ((MailboxProvider(), SMARTLEAD), (TagProvider(), {"name": "sales", "members": [1]})):
        news = {**olds, "backend": "instantly", "workspace": {"id": "w1"}}
        result = provider.diff("1", olds, news)
        assert (result.changes, result.replaces) == (True, ["backend"])
    back = MailboxProvider().diff("jane@acme-mail.example", INSTANTLY, SMARTLEAD)
    assert back.replaces == ["backend"]
