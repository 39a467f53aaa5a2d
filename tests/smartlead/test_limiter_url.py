"""``mailfleet:rateLimitUrl``: the shared store of a key's window, by URL; the fan-out's default through the
environment; a bad URL is a clear error."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailfleet.smartlead.ratelimit import SQLiteBackend, backend_for_url, check_limiter_url
from mailfleet.smartlead.settings import RATE_LIMIT_URL_VARIABLE, ConnectionSettings


def config(**values: str):
    return {"apiKey": "k", **values}.get


def test_the_url_comes_from_config_or_else_the_fan_outs_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(RATE_LIMIT_URL_VARIABLE, "sqlite:///tmp/fanout.sqlite3")
    assert ConnectionSettings.from_config(config()).rate_limit_url == "sqlite:///tmp/fanout.sqlite3"
    own = ConnectionSettings.from_config(config(rateLimitUrl="postgresql://u@127.0.0.1:5432/db"))
    assert own.rate_limit_url == "postgresql://u@127.0.0.1:5432/db"
    # A stack that names its own file keeps it.
    assert ConnectionSettings.from_config(config(rateLimitFile="/tmp/x.sqlite3")).rate_limit_url is None


def test_a_bad_url_says_which_ones_work() -> None:
    with pytest.raises(ValueError, match=r"sqlite:///PATH .* postgresql://"):
        check_limiter_url("redis://127.0.0.1")
    with pytest.raises(ValueError):
        ConnectionSettings.from_config(config(rateLimitUrl="sqlite:///"))


def test_sqlite_urls_open_the_file_backend(tmp_path: Path) -> None:
    backend, _clock = backend_for_url(f"sqlite:///{tmp_path / 'w.sqlite3'}", "key", ())
    assert isinstance(backend, SQLiteBackend)
    backend.close()
    assert (tmp_path / "w.sqlite3").exists()
