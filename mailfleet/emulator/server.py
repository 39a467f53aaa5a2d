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
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import uvicorn
from starlette.applications import Starlette

from mailfleet.emulator.app import create_app
from mailfleet.emulator.keys import new_api_key
from mailfleet.emulator.settings import EmulatorSettings, RateLimit, Switches
from mailfleet.errors import SetupError

STORED_KEY = Path(".mailfleet/api-key")
STORED_INSTANTLY_KEY = Path(".mailfleet/instantly-api-key")
VENDORS = ("smartlead", "instantly")


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


def resolve_api_keys(
    api_keys: list[str], *, stored_key: Path = STORED_KEY, generate: Callable[[], str] = new_api_key
) -> tuple[list[str], str | None]:
    """The keys to accept, and a freshly generated one to show (or None). With no ``--api-key``, the key in
    ``stored_key`` (``.mailfleet/api-key``) is used if present, else one is generated."""
    if api_keys:
        return list(api_keys), None
    if stored_key.is_file():
        stored = stored_key.read_text(encoding="utf-8").strip()
        if stored:
            return [stored], None
    generated = generate()
    return [generated], generated


def _checked_switches(switches: Any, changes: dict[str, Any]) -> Any:
    for name, value in changes.items():
        try:
            switches.set(name, value)
        except ValueError as error:
            raise SetupError(str(error)) from None
    return switches


def _smartlead_app(
    db: str, api_keys: list[str], rate_limit: str | None, start_date: date | None, switches: dict[str, Any]
) -> tuple[Starlette, str, str | None]:
    limit = rate_limit or "60/60"
    try:
        RateLimit.parse(limit)
    except ValueError as error:
        raise SetupError(str(error)) from None
    start_switches = _checked_switches(Switches(rate_limit=limit), switches)
    keys, generated = resolve_api_keys(api_keys)
    settings = EmulatorSettings(db_path=Path(db), api_keys=keys, switches=start_switches, start_date=start_date)
    return create_app(settings), "/api/v1", generated


def _instantly_app(
    db: str,
    api_keys: list[str],
    rate_limit: str | None,
    start_date: date | None,
    switches: dict[str, Any],
    job_seconds: float | None,
) -> tuple[Starlette, str, str | None]:
    from mailfleet.emulator.instantly.app import create_instantly_app
    from mailfleet.emulator.instantly.models import new_instantly_key
    from mailfleet.emulator.instantly.settings import InstantlySettings, InstantlySwitches

    changes = dict(switches)
    if rate_limit is not None:
        changes.setdefault("rate_limits", rate_limit)
    if job_seconds is not None:
        changes.setdefault("job_seconds", job_seconds)
    start_switches = _checked_switches(InstantlySwitches(), changes)
    keys, generated = resolve_api_keys(api_keys, stored_key=STORED_INSTANTLY_KEY, generate=new_instantly_key)
    settings = InstantlySettings(db_path=Path(db), api_keys=keys, switches=start_switches, start_date=start_date)
    return create_instantly_app(settings), "/api/v2", generated


def run_emulator_command(
    *,
    host: str,
    port: int,
    db: str,
    api_keys: list[str],
    rate_limit: str | None,
    port_file: str | None,
    start_date: date | None = None,
    allow_remote: bool = False,
    switches: dict[str, Any] | None = None,
    quiet: bool = False,
    vendor: str = "smartlead",
    job_seconds: float | None = None,
) -> int:
    """Run the emulator of ``vendor`` (smartlead | instantly) in the foreground until SIGINT/SIGTERM. Returns the
    exit code. ``rate_limit`` None is the vendor's default (Smartlead ``60/60`` per key, Instantly
    ``100/1,6000/60`` per workspace); ``job_seconds`` is Instantly's warmup job duration."""
    if not allow_remote and not is_loopback(host):
        raise SetupError(f"the emulator listens on loopback only; refusing host {host!r}")
    if vendor not in VENDORS:
        raise SetupError(f"unknown vendor {vendor!r}; use one of {', '.join(VENDORS)}")
    if vendor == "instantly":
        app, api_path, generated = _instantly_app(db, api_keys, rate_limit, start_date, switches or {}, job_seconds)
    else:
        app, api_path, generated = _smartlead_app(db, api_keys, rate_limit, start_date, switches or {})
    sock = bind_socket(host, port)
    bound = int(sock.getsockname()[1])
    if port_file:
        write_port_file(Path(port_file), bound)
    _configure_logging(quiet)
    shown_host = f"[{host}]" if ":" in host else host
    print(f"mailfleet emulator listening on http://{shown_host}:{bound}{api_path} (state: {db})", flush=True)
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
