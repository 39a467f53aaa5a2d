"""Fixtures for the Instantly emulator tests: a backend on a fake wall clock (no HTTP), and the ASGI app driven
in-process through httpx (Bearer auth as a real client sends it)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from mailfleet.emulator.clock import Clock
from mailfleet.emulator.instantly.app import InstantlyEmulator, create_instantly_app
from mailfleet.emulator.instantly.models import DEFAULT_WORKSPACE_ID, InstantlyBackend, Workspace
from mailfleet.emulator.instantly.settings import InstantlySettings, InstantlySwitches
from mailfleet.emulator.store import Store

from ..conftest import START, SyncASGITransport

KEY = "in-key-default-0000000000000000000000000000"
OTHER_KEY = "in-key-other-00000000000000000000000000000"


def account_body(email: str = "jane@acme-mail.example", **overrides: Any) -> dict[str, Any]:
    """A valid ``POST /api/v2/accounts`` body."""
    body: dict[str, Any] = {
        "email": email,
        "first_name": "Jane",
        "last_name": "Doe",
        "provider_code": 1,
        "imap_username": email,
        "imap_password": "imap-pw-1",
        "imap_host": "imap.acme-mail.example",
        "imap_port": 993,
        "smtp_username": email,
        "smtp_password": "smtp-pw-1",
        "smtp_host": "smtp.acme-mail.example",
        "smtp_port": 587,
        "daily_limit": 30,
        "warmup": {"limit": 20, "increment": "2", "reply_rate": 0.3},
    }
    body.update(overrides)
    return body


class WallClock:
    """A settable stand-in for ``time.time`` (warmup jobs run on real seconds)."""

    def __init__(self) -> None:
        self.value = 1_000_000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def wall() -> WallClock:
    return WallClock()


@pytest.fixture
def backend(tmp_path: Path, wall: WallClock) -> Iterator[InstantlyBackend]:
    store = Store(tmp_path / "instantly.sqlite3")
    clock = Clock(store)
    clock.init_frozen(START)
    yield InstantlyBackend(store, clock, job_seconds=lambda: 3.0, now=wall)
    store.close()


@pytest.fixture
def ws(backend: InstantlyBackend) -> Workspace:
    return backend.add_workspace(DEFAULT_WORKSPACE_ID, admin=True)


class Api:
    """Calls ``/api/v2`` with one key (or none) and optionally ``x-as-workspace``."""

    def __init__(self, http: httpx.Client, api_key: str | None, as_workspace: str | None = None) -> None:
        self.http = http
        self.api_key = api_key
        self.as_workspace = as_workspace

    def __call__(self, method: str, path: str, *, json: Any = None, **params: Any) -> httpx.Response:
        headers = {}
        if self.api_key is not None:
            headers["Authorization"] = f"Bearer {self.api_key}"
        if self.as_workspace is not None:
            headers["x-as-workspace"] = self.as_workspace
        query = {k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()}
        return self.http.request(method, "/api/v2" + path, params=query, json=json, headers=headers)

    def create(self, email: str = "jane@acme-mail.example", **overrides: Any) -> dict[str, Any]:
        response = self("POST", "/accounts", json=account_body(email, **overrides))
        assert response.status_code == 200, response.text
        result: dict[str, Any] = response.json()
        return result


@pytest.fixture
def settings(tmp_path: Path) -> InstantlySettings:
    return InstantlySettings(
        db_path=tmp_path / "emulator.sqlite3",
        api_keys=[KEY],
        switches=InstantlySwitches(job_seconds=0.0),
        start_date=START,
    )


@pytest.fixture
def app(settings: InstantlySettings) -> Iterator[Starlette]:
    application = create_instantly_app(settings)
    yield application
    application.state.emulator.store.close()


@pytest.fixture
def emulator(app: Starlette) -> InstantlyEmulator:
    em: InstantlyEmulator = app.state.emulator
    return em


@pytest.fixture
def http(app: Starlette) -> Iterator[httpx.Client]:
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://127.0.0.1") as client:
        yield client


@pytest.fixture
def api(http: httpx.Client) -> Api:
    return Api(http, KEY)
