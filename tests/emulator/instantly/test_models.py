"""The Instantly backend without HTTP: accounts by email, cursor pages, jobs on real seconds, history, tags,
campaigns, webhooks, workspaces."""

from __future__ import annotations

from datetime import timedelta

import pytest

from mailfleet.emulator.exceptions import AlreadyExists, NotFound, Rejected
from mailfleet.emulator.instantly.models import InstantlyBackend, Workspace, job_status, label_key
from mailfleet.emulator.models import key_hash

from .conftest import WallClock, account_body


def test_create_keys_by_lowercase_email_and_never_keeps_a_password(backend: InstantlyBackend, ws: Workspace) -> None:
    shown = backend.create_account(ws, account_body("Jane@Acme-Mail.example"))
    assert shown["email"] == "jane@acme-mail.example"
    assert shown["smtp_host"] == "smtp.acme-mail.example" and shown["warmup"]["increment"] == "2"
    assert "smtp_password" not in shown and "imap_password" not in shown
    assert backend.get_account(ws, "JANE@acme-mail.example")["daily_limit"] == 30
    [dumped] = backend.dump_accounts(ws)
    assert dumped["_emulator"]["password_hashes"]["smtp_password"] == key_hash("smtp-pw-1")
    raw = backend.store.path.read_bytes()
    assert b"smtp-pw-1" not in raw and b"imap-pw-1" not in raw


def test_duplicate_create_is_refused_and_makes_no_second_account(backend: InstantlyBackend, ws: Workspace) -> None:
    other = backend.add_workspace(name="Other")
    backend.create_account(ws, account_body())
    for target in (ws, other):
        with pytest.raises(AlreadyExists, match="Account already exists"):
            backend.create_account(target, account_body("JANE@acme-mail.example"))
    assert len(backend.dump_accounts(None)) == 1


def test_pages_follow_the_cursor_and_the_last_page_still_has_one(backend: InstantlyBackend, ws: Workspace) -> None:
    emails = [f"m{i}@acme-mail.example" for i in range(5)]
    for email in reversed(emails):
        backend.create_account(ws, account_body(email))
    order = [a["email"] for a in sorted(backend.dump_accounts(ws), key=lambda a: (a["timestamp_created"], a["email"]))]
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        items, cursor = backend.list_accounts(ws, limit=2, starting_after=cursor)
        if not items:
            break
        pages += 1
        assert cursor == f"{items[-1]['timestamp_created']}&{items[-1]['email']}"
        seen += [a["email"] for a in items]
    assert seen == order and sorted(seen) == emails and pages == 3 and cursor is None


def test_list_filters_search_status_and_tags(backend: InstantlyBackend, ws: Workspace) -> None:
    for email in ("a@one.example", "b@one.example", "c@two.example"):
        backend.create_account(ws, account_body(email))
    backend.set_status(ws, "b@one.example", 2)
    tag = backend.create_tag(ws, "Client A", None)
    backend.toggle_tags(ws, [tag["id"]], ["a@one.example", "c@two.example", "nobody@x.example"], True)

    def emails(**kwargs: object) -> list[str]:
        return [a["email"] for a in backend.list_accounts(ws, **kwargs)[0]]  # type: ignore[arg-type]

    assert emails(search="ONE.example") == ["a@one.example", "b@one.example"]
    assert emails(status=2) == ["b@one.example"]
    assert emails(tag_ids=[tag["id"]]) == ["a@one.example", "c@two.example"]
    items, _ = backend.list_accounts(ws, include_tags=True)
    assert items[0]["tags"] == [{"id": tag["id"], "label": "Client A"}] and items[1]["tags"] == []
    assert "tags" not in backend.list_accounts(ws)[0][0]


def test_patch_merges_warmup_and_delete_returns_the_account(backend: InstantlyBackend, ws: Workspace) -> None:
    backend.create_account(ws, account_body())
    patched = backend.patch_account(ws, "jane@acme-mail.example", {"warmup": {"limit": 35}, "signature": "J"})
    assert patched["warmup"] == {"limit": 35, "increment": "2", "reply_rate": 0.3} and patched["signature"] == "J"
    deleted = backend.delete_account(ws, "jane@acme-mail.example")
    assert deleted["signature"] == "J"
    with pytest.raises(NotFound):
        backend.get_account(ws, "jane@acme-mail.example")


def test_job_moves_pending_in_progress_success_and_warmup_changes_only_at_success(
    backend: InstantlyBackend, ws: Workspace, wall: WallClock
) -> None:
    backend.create_account(ws, account_body())
    job = backend.start_warmup_job(ws, True, emails=["JANE@acme-mail.example"])
    assert (job["status"], job["progress"], job["type"]) == ("pending", 0, "update-warmup-accounts")
    wall.value += 1.5
    assert backend.get_job(ws, job["id"])["status"] == "in-progress"
    assert backend.get_account(ws, "jane@acme-mail.example")["warmup_status"] == 0
    wall.value += 1.5
    assert backend.get_job(ws, job["id"])["status"] == "success"
    account = backend.get_account(ws, "jane@acme-mail.example")
    assert account["warmup_status"] == 1 and account["timestamp_warmup_start"] is not None
    off = backend.start_warmup_job(ws, False, include_all=True)
    wall.value += 3
    assert backend.get_job(ws, off["id"])["progress"] == 100
    assert backend.list_accounts(ws)[0][0]["warmup_status"] == 0


def test_job_status_thresholds() -> None:
    assert job_status(0.0, 3.0) == ("pending", 0)
    assert job_status(1.5, 3.0) == ("in-progress", 50)
    assert job_status(3.0, 3.0) == ("success", 100)
    assert job_status(0.0, 0.0) == ("success", 100)


def test_jobs_of_another_workspace_are_not_found(backend: InstantlyBackend, ws: Workspace) -> None:
    job = backend.start_warmup_job(ws, True, emails=["x@y.example"])
    with pytest.raises(NotFound):
        backend.get_job(backend.add_workspace(), job["id"])


def test_warmup_analytics_has_every_email_and_health_from_the_last_week(
    backend: InstantlyBackend, ws: Workspace
) -> None:
    backend.create_account(ws, account_body())
    today = backend.clock.today()
    days = {
        (today - timedelta(days=n)).isoformat(): {"sent": 10, "landed_inbox": 9, "landed_spam": 1} for n in range(7)
    }
    days[(today - timedelta(days=20)).isoformat()] = {"sent": 10, "landed_inbox": 0, "landed_spam": 10}
    backend.seed_history(ws, "jane@acme-mail.example", "warmup", days)
    result = backend.warmup_analytics(ws, ["jane@acme-mail.example", "new@acme-mail.example"])
    assert len(result["email_date_data"]["jane@acme-mail.example"]) == 8
    assert result["email_date_data"]["new@acme-mail.example"] == {}
    assert result["aggregate_data"]["new@acme-mail.example"] == {}
    aggregate = result["aggregate_data"]["jane@acme-mail.example"]
    assert (aggregate["sent"], aggregate["health_score"], aggregate["health_score_label"]) == (80, 90, "90%")
    assert backend.get_account(ws, "jane@acme-mail.example")["stat_warmup_score"] == 90
    backend.clock.advance(40)
    assert backend.warmup_analytics(ws, ["jane@acme-mail.example"])["aggregate_data"]["jane@acme-mail.example"] == {}


def test_daily_analytics_rows_and_range_limit(backend: InstantlyBackend, ws: Workspace) -> None:
    backend.create_account(ws, account_body())
    today = backend.clock.today()
    backend.seed_history(ws, "jane@acme-mail.example", "daily", {today.isoformat(): {"sent": 40, "bounced": 3}})
    [row] = backend.daily_analytics(ws, ["jane@acme-mail.example"], today - timedelta(days=3), today)
    assert row["date"] == today.isoformat() and (row["sent"], row["bounced"], row["opened"]) == (40, 3, 0)
    with pytest.raises(Rejected) as too_long:
        backend.daily_analytics(ws, ["jane@acme-mail.example"], today - timedelta(days=31), today)
    assert too_long.value.status == 413
    with pytest.raises(Rejected, match="unknown daily fields"):
        backend.seed_history(ws, "jane@acme-mail.example", "daily", {today.isoformat(): {"landed_spam": 1}})


def test_tags_refuse_a_duplicate_normalised_label(backend: InstantlyBackend, ws: Workspace) -> None:
    first = backend.create_tag(ws, "Client A", "x")
    with pytest.raises(AlreadyExists):
        backend.create_tag(ws, "  client a ", None)
    second = backend.create_tag(ws, "Client B", None)
    with pytest.raises(AlreadyExists):
        backend.patch_tag(ws, second["id"], {"label": "CLIENT A"})
    assert backend.patch_tag(ws, first["id"], {"label": "client a"})["label"] == "client a"
    assert label_key(" Ab ") == "ab"
    backend.delete_tag(ws, first["id"])
    assert [t["id"] for t in backend.list_tags(ws)[0]] == [second["id"]]


def test_campaign_senders_must_be_accounts_and_deletes_leave(backend: InstantlyBackend, ws: Workspace) -> None:
    backend.create_account(ws, account_body())
    campaign = backend.seed_campaign(ws, name="Outbound")
    with pytest.raises(Rejected, match="not accounts"):
        backend.patch_campaign(ws, campaign["id"], {"email_list": ["ghost@acme-mail.example"]})
    patched = backend.patch_campaign(ws, campaign["id"], {"email_list": ["JANE@acme-mail.example"]})
    assert patched["email_list"] == ["jane@acme-mail.example"]
    backend.delete_account(ws, "jane@acme-mail.example")
    assert backend.get_campaign(ws, campaign["id"])["email_list"] == []


def test_webhooks_crud_checks_the_campaign(backend: InstantlyBackend, ws: Workspace) -> None:
    with pytest.raises(NotFound):
        backend.create_webhook(ws, {"target_hook_url": "https://h.example/x", "campaign": "nope"})
    hook = backend.create_webhook(ws, {"target_hook_url": "https://h.example/x", "event_type": "email_sent"})
    assert hook["status"] == 1 and hook["headers"] == {}
    patched = backend.patch_webhook(ws, hook["id"], {"headers": {"X-Token": "t"}, "name": "n"})
    assert patched["headers"] == {"X-Token": "t"} and backend.get_webhook(ws, hook["id"])["name"] == "n"
    assert backend.delete_webhook(ws, hook["id"])["id"] == hook["id"]
    assert backend.list_webhooks(ws) == ([], None)


def test_x_as_workspace_needs_an_admin_parent(backend: InstantlyBackend, ws: Workspace) -> None:
    child = backend.add_workspace(parent=ws.id)
    stranger = backend.add_workspace()
    assert backend.acting_workspace(ws, child.id) == child
    assert backend.acting_workspace(child, child.id) == child
    for own, target in ((ws, stranger.id), (child, ws.id)):
        with pytest.raises(Rejected) as refused:
            backend.acting_workspace(own, target)
        assert refused.value.status == 403
    with pytest.raises(Rejected, match="not an admin"):
        backend.add_workspace(parent=stranger.id)


def test_reset_one_workspace_keeps_the_others(backend: InstantlyBackend, ws: Workspace) -> None:
    other = backend.add_workspace()
    backend.create_account(ws, account_body("a@x.example"))
    backend.create_account(other, account_body("b@x.example"))
    backend.register_key("k", other.id)
    backend.reset(other)
    assert [a["email"] for a in backend.dump_accounts(None)] == ["a@x.example"]
    assert backend.workspace_for_hash(key_hash("k")) == other


def test_edit_account_as_the_ui_changes_live_fields(backend: InstantlyBackend, ws: Workspace) -> None:
    backend.create_account(ws, account_body())
    edited = backend.edit_account(
        ws, "jane@acme-mail.example", {"daily_limit": 99, "status": -1, "smtp_host": "smtp.new.example"}
    )
    assert (edited["daily_limit"], edited["status"], edited["smtp_host"]) == (99, -1, "smtp.new.example")
    assert edited["modified_by"] == "ui"
    with pytest.raises(Rejected, match="unknown account fields"):
        backend.edit_account(ws, "jane@acme-mail.example", {"colour": "red"})
