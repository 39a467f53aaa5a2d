"""Test helpers shared by the Smartlead client tests (imported, unlike conftest fixtures)."""

from __future__ import annotations

import json
from typing import Any

import httpx

API_KEY = "3b1f0a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b_k3y9zq7"
BASE_URL = "https://smartlead.test/api/v1"


class FakeClock:
    """Time that moves only when someone sleeps; records every sleep."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def body_of(request: httpx.Request) -> Any:
    return json.loads(request.content) if request.content else None


def account_row(account_id: int, email: str, **extra: Any) -> dict[str, Any]:
    """An account as the list endpoint returns it (read names)."""
    row: dict[str, Any] = {
        "id": account_id,
        "from_email": email,
        "from_name": "Jane",
        "username": email,
        "smtp_host": "smtp.example.test",
        "smtp_port": 465,
        "smtp_port_type": "SSL",
        "imap_host": "imap.example.test",
        "imap_port": 993,
        "message_per_day": 40,
        "daily_sent_count": 0,
        "minTimeToWaitInMins": 3,
        "client_id": None,
        "is_smtp_success": True,
        "is_imap_success": True,
        "type": "SMTP",
        "tags": [],
        "warmup_details": None,
    }
    row.update(extra)
    return row
