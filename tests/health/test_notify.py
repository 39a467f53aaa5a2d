"""Notifications: which changes, Slack-compatible text, each posted once, the URL never shown."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from mailfleet.health.history import History, Night
from mailfleet.health.notify import changes_of, notify, shown

TODAY = date(2026, 3, 10)


def report(jane: str = "critical") -> dict[str, Any]:
    failed = {"name": "dmarc", "status": "fail", "detail": "no record for acme.example"}
    dns = {"domain": "acme.example", "status": "fail", "checks": [failed]}
    return {
        "stack": "local",
        "date": TODAY.isoformat(),
        "summary": {"mailboxes": 2},
        "mailboxes": [
            {"email": "jane@acme.example", "class": jane, "reason": "bounce 6.1 %", "dns": dns},
            {"email": "hank@acme.example", "class": "healthy", "reason": "", "warmup_complete": True, "dns": dns},
        ],
    }


def previous() -> dict[str, list[Night]]:
    return {"jane@acme.example": [Night(date(2026, 3, 9), "jane@acme.example", 1, 0, 0, "healthy", "")]}


def test_changes_and_text() -> None:
    changes = changes_of(report(), previous())
    assert [c["kind"] for c in changes] == ["class", "warmup.complete", "dns"]
    assert changes[2]["mailboxes"] == ["jane@acme.example", "hank@acme.example"]


def test_each_change_is_posted_once(tmp_path: Path) -> None:
    posted = []

    def handler(request: httpx.Request) -> httpx.Response:
        posted.append(json.loads(request.content))
        return httpx.Response(200, text="ok")

    console = Console(record=True, width=200)
    url = "https://hooks.example/services/T000/B000/secret"
    with History(str(tmp_path / "h.sqlite3"), "local") as history:
        transport = httpx.MockTransport(handler)
        assert notify(url, report(), previous(), history, TODAY, console, transport=transport) == 3
        assert notify(url, report(), previous(), history, TODAY, console, transport=transport) == 0
    assert len(posted) == 1
    text = posted[0]["text"]
    assert text.splitlines()[0] == "*mailfleet health, stack local, 2026-03-10*"
    assert "• jane@acme.example: healthy → critical (bounce 6.1 %)" in text
    assert "• hank@acme.example: warmup complete" in text
    assert "secret" not in console.export_text() and shown(url) == "https://hooks.example/…"
