"""Serving the emulator with uvicorn: ``mailfleet emulator`` and ``python -m mailfleet.emulator``.

Binds loopback only (another host needs ``allow_remote``), writes the bound port to ``port_file`` atomically once
the socket listens, and never logs API keys: uvicorn's access log (which prints query strings) is off; the
emulator logs ``METHOD /path STATUS`` lines without the query instead.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import socket
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

import uvicorn

from mailfleet.emulator.app import create_app
from mailfleet.emulator.keys import new_api_key
from mailfleet.emulator.settings import EmulatorSettings, RateLimit, Switches
from mailfleet.errors import SetupError

STORED_KEY = Path(".mailfleet/api-key")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def write_port_file(path: Path, port: int) -> None:
    """Write ``port`` to ``path`` atomically (a temporary file in the same directory, then a rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".port-", dir=path.parent)
    with os.fdopen(fd, "w") as handle:
        handle.write(f"{port}\n")
    os.replace(tmp, path)


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted sockets only when it is set; without it
    # Nagle plus delayed ACKs add ~40 ms to every keep-alive response.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise SetupError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    sock.listen(256)
    sock.set_inheritable(True)
    return sock


def resolve_api_keys(api_keys: list[str]) -> tuple[list[str], str | None]:
    """The keys to accept, and a freshly generated one to show (or None). With no ``--api-key``, the key in
    ``.mailfleet/api-key`` is used if present, else one is generated."""
    if api_keys:
        return list(api_keys), None
    if STORED_KEY.is_file():
        stored = STORED_KEY.read_text(encoding="utf-8").strip()
        if stored:
            return [stored], None
    generated = new_api_key()
    return [generated], generated


def run_emulator_command(
    *,
    host: str,
    port: int,
    db: str,
    api_keys: list[str],
    rate_limit: str,
    port_file: str | None,
    start_date: date | None = None,
    allow_remote: bool = False,
    switches: dict[str, Any] | None = None,
    quiet: bool = False,
) -> int:
    """Run the emulator in the foreground until SIGINT/SIGTERM. Returns the exit code."""
    if not allow_remote and not is_loopback(host):
        raise SetupError(f"the emulator listens on loopback only; refusing host {host!r}")
    try:
        RateLimit.parse(rate_limit)
    except ValueError as error:
        raise SetupError(str(error)) from None
    start_switches = Switches(rate_limit=rate_limit)
    for name, value in (switches or {}).items():
        try:
            start_switches.set(name, value)
        except ValueError as error:
            raise SetupError(str(error)) from None
    keys, generated = resolve_api_keys(api_keys)
    settings = EmulatorSettings(db_path=Path(db), api_keys=keys, switches=start_switches, start_date=start_date)
    app = create_app(settings)
    sock = bind_socket(host, port)
    bound = int(sock.getsockname()[1])
    if port_file:
        write_port_file(Path(port_file), bound)
    _configure_logging(quiet)
    shown_host = f"[{host}]" if ":" in host else host
    print(f"mailfleet emulator listening on http://{shown_host}:{bound}/api/v1 (state: {db})", flush=True)
    if generated is not None:
        print(f"generated API key: {generated}", flush=True)
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        date_header=False,
        server_header=False,
        http="h11",
        ws="none",
        lifespan="off",
        timeout_graceful_shutdown=5,
        timeout_keep_alive=30,
    )
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        app.state.emulator.store.close()
    return 0


def _configure_logging(quiet: bool) -> None:
    logger = logging.getLogger("mailfleet.emulator")
    if logger.handlers:
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s"))
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False
