"""Providers called directly, in this process, against :class:`FakeSmartlead` through ``httpx.MockTransport``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from mailfleet.smartlead.client import SmartleadClient
from mailfleet.smartlead.ratelimit import RateLimit
from mailfleet.smartlead.settings import ConnectionSettings
from resources import connection
from resources.directory import deep_reads, directory

from ._fake import API_KEY, BASE_URL, FakeSmartlead


@pytest.fixture
def smartlead(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeSmartlead]:
    fake = FakeSmartlead(clients=[{"id": 7, "name": "Acme Corp", "email": "ops@acme.example"}])
    settings = ConnectionSettings(BASE_URL, API_KEY, rate_limit=RateLimit.parse("1000/1"))
    client = SmartleadClient(BASE_URL, API_KEY, transport=httpx.MockTransport(fake), limiter=settings.limiter())
    monkeypatch.setattr(connection, "_settings", settings)
    monkeypatch.setattr(connection, "_client", client)
    # The deep-check bookkeeping of these tests lives in their own "backend".
    monkeypatch.setenv("PULUMI_BACKEND_URL", f"file://{tmp_path / 'backend'}")
    monkeypatch.setenv("PULUMI_PROJECT", "mailfleet")
    monkeypatch.delenv("MAILFLEET_DEEP_READ", raising=False)
    monkeypatch.setenv("MAILFLEET_TODAY", "2026-12-02")
    directory.forget()
    deep_reads.forget()
    yield fake
    directory.forget()
    deep_reads.forget()
    client.close()
