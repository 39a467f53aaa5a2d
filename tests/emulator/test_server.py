"""Serving: loopback only, port file, key resolution, the module entry point."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mailfleet.emulator import server
from mailfleet.emulator.keys import looks_like_api_key
from mailfleet.errors import SetupError


def test_refuses_non_loopback_hosts_and_bad_rate_limits(tmp_path: Path) -> None:
    common = {"port": 0, "db": str(tmp_path / "x.sqlite3"), "api_keys": ["k"], "port_file": None}
    with pytest.raises(SetupError, match="loopback"):
        server.run_emulator_command(host="0.0.0.0", rate_limit="60/60", **common)  # type: ignore[arg-type]
    with pytest.raises(SetupError, match="N/SECONDS"):
        server.run_emulator_command(host="127.0.0.1", rate_limit="fast", **common)  # type: ignore[arg-type]
    assert server.is_loopback("::1") and server.is_loopback("localhost") and not server.is_loopback("10.0.0.1")


def test_port_file_is_written_atomically(tmp_path: Path) -> None:
    target = tmp_path / "sub" / "port"
    server.write_port_file(target, 8787)
    assert target.read_text() == "8787\n" and list(target.parent.iterdir()) == [target]


def test_key_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert server.resolve_api_keys(["a", "b"]) == (["a", "b"], None)
    keys, generated = server.resolve_api_keys([])
    assert generated is not None and keys == [generated] and looks_like_api_key(generated)
    (tmp_path / ".mailfleet").mkdir()
    (tmp_path / ".mailfleet" / "api-key").write_text("stored-key\n")
    assert server.resolve_api_keys([]) == (["stored-key"], None)


def test_module_entry_point_reports_errors_cleanly(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mailfleet.emulator", "--host", "203.0.113.9", "--db", str(tmp_path / "x.sqlite3")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1 and "loopback" in result.stderr and "Traceback" not in result.stderr


def test_listening_socket_is_tcp_so_responses_are_not_delayed() -> None:
    # asyncio turns on TCP_NODELAY for accepted sockets only if the listener says IPPROTO_TCP.
    import socket

    sock = server.bind_socket("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()


def test_vendor_and_instantly_options_are_checked_before_listening(tmp_path: Path) -> None:
    common = {"host": "127.0.0.1", "port": 0, "db": str(tmp_path / "x.sqlite3"), "api_keys": ["k"], "port_file": None}
    with pytest.raises(SetupError, match="unknown vendor"):
        server.run_emulator_command(rate_limit=None, vendor="lemlist", **common)  # type: ignore[arg-type]
    with pytest.raises(SetupError, match="N/SECONDS"):
        server.run_emulator_command(rate_limit="100/1,lots", vendor="instantly", **common)  # type: ignore[arg-type]
    with pytest.raises(SetupError, match="non-negative"):
        server.run_emulator_command(rate_limit=None, vendor="instantly", job_seconds=-1, **common)  # type: ignore[arg-type]
