"""Fixtures for the emulator tests: an in-process app (Starlette TestClient), a backend without HTTP, and one
real emulator process per session (reset before each test that uses it)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from mailfleet.emulator.app import Emulator, create_app
from mailfleet.emulator.clock import Clock
from mailfleet.emulator.models import Backend, User
from mailfleet.emulator.settings import EmulatorSettings, Switches
from mailfleet.emulator.store import Store
from mailfleet.emulator.testing import RunningEmulator, running_emulator


class SyncASGITransport(httpx.BaseTransport):
    """Drive an ASGI app from a sync ``httpx.Client`` (one event loop per request; the body is read inside)."""

    def __init__(self, app: Starlette) -> None:
        self._inner = httpx.ASGITransport(app=app)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        async def run() -> httpx.Response:
            content = request.read()
            async_request = httpx.Request(request.method, request.url, headers=request.headers, content=content)
            response = await self._inner.handle_async_request(async_request)
            body = await response.aread()
            return httpx.Response(response.status_code, headers=response.headers, content=body)

        return asyncio.run(run())


KEY = "11111111-1111-4111-8111-111111111111_aaaaaaa"
OTHER_KEY = "22222222-2222-4222-8222-222222222222_bbbbbbb"
START = date(2026, 1, 5)


def save_body(email: str = "jane@acme-mail.example", **overrides: Any) -> dict[str, Any]:
    """A valid ``POST /email-accounts/save`` create body (WRITE names)."""
    body: dict[str, Any] = {
        "id": None,
        "from_name": "Jane Doe",
        "from_email": email,
        "user_name": email,
        "password": "s3cret-pw",
        "smtp_host": "smtp.acme-mail.example",
        "smtp_port": 465,
        "smtp_port_type": "SSL",
        "imap_host": "imap.acme-mail.example",
        "imap_port": 993,
        "imap_port_type": "SSL",
        "warmup_enabled": True,
        "total_warmup_per_day": 20,
        "daily_rampup": 2,
        "reply_rate_percentage": 30,
    }
    body.update(overrides)
    return body


class Api:
    """Calls ``/api/v1`` with one API key, over any httpx-compatible client."""

    def __init__(self, http: httpx.Client, api_key: str | None, prefix: str = "/api/v1") -> None:
        self.http = http
        self.api_key = api_key
        self.prefix = prefix

    def __call__(self, method: str, path: str, *, json: Any = None, **params: Any) -> httpx.Response:
        query = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in params.items()}
        if self.api_key is not None:
            query["api_key"] = self.api_key
        return self.http.request(method, self.prefix + path, params=query, json=json)

    def create(self, email: str = "jane@acme-mail.example", **overrides: Any) -> int:
        response = self("POST", "/email-accounts/save", json=save_body(email, **overrides))
        assert response.status_code == 200, response.text
        return int(response.json()["emailAccountId"])


@pytest.fixture
def settings(tmp_path: Path) -> EmulatorSettings:
    return EmulatorSettings(
        db_path=tmp_path / "emulator.sqlite3",
        api_keys=[KEY, OTHER_KEY],
        switches=Switches(rate_limit="1000/1"),
        start_date=START,
    )


@pytest.fixture
def app(settings: EmulatorSettings) -> Iterator[Starlette]:
    application = create_app(settings)
    yield application
    application.state.emulator.store.close()


@pytest.fixture
def emulator(app: Starlette) -> Emulator:
    em: Emulator = app.state.emulator
    return em


@pytest.fixture
def client(app: Starlette) -> Iterator[httpx.Client]:
    with httpx.Client(transport=SyncASGITransport(app), base_url="http://127.0.0.1") as http:
        yield http


@pytest.fixture
def api(client: httpx.Client) -> Api:
    return Api(client, KEY)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path / "models.sqlite3")
    yield s
    s.close()


@pytest.fixture
def backend(store: Store) -> Backend:
    clock = Clock(store)
    clock.init_frozen(START)
    return Backend(store, clock)


@pytest.fixture
def user(backend: Backend) -> User:
    return backend.register_key(KEY)


@pytest.fixture
def other_user(backend: Backend) -> User:
    return backend.register_key(OTHER_KEY)


@pytest.fixture(scope="session")
def live_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    db = tmp_path_factory.mktemp("live") / "emulator.sqlite3"
    with running_emulator(db, api_keys=[KEY, OTHER_KEY], extra_args=["--start-date", START.isoformat()]) as emu:
        yield emu


@pytest.fixture
def live(live_session: RunningEmulator) -> Iterator[RunningEmulator]:
    live_session.control.reset()
    yield live_session
    live_session.control.reset()


@pytest.fixture
def live_api(live: RunningEmulator) -> Iterator[Api]:
    with httpx.Client(base_url=live.root_url, timeout=30) as http:
        yield Api(http, live.api_key)
