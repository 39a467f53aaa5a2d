"""A real DNS server for tests: NSD (Debian's ``nsd``, installed by scripts/ensure-dns-server.sh) on a free loopback
port, serving zones the test writes. A zone listed in ``servfail`` is configured without a zone file, which NSD
answers with SERVFAIL. The server is stopped when the block ends, also when the test fails."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import dns.message
import dns.query
import pytest

from mailfleet.emulator.testing import stop_process
from mailfleet.workspace import find_pulumi_project

START_DEADLINE = 20.0


def nsd_binary() -> Path | None:
    found = shutil.which("nsd") or ("/usr/sbin/nsd" if Path("/usr/sbin/nsd").is_file() else None)
    if found:
        return Path(found)
    script = find_pulumi_project() / "scripts" / "ensure-dns-server.sh"
    out = subprocess.run(["bash", str(script)], capture_output=True, text=True, check=False).stdout.strip()
    return Path(out) if out else None


def free_port() -> int:
    """A port free for both UDP and TCP on 127.0.0.1."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as udp:
            udp.bind(("127.0.0.1", 0))
            port = int(udp.getsockname()[1])
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as tcp:
                try:
                    tcp.bind(("127.0.0.1", port))
                except OSError:
                    continue
                return port


@dataclass(frozen=True)
class DnsServer:
    port: int

    @property
    def nameservers(self) -> str:
        """The ``MAILFLEET_DNS_NAMESERVERS`` value for this server."""
        return f"127.0.0.1:{self.port}"


def zone_text(origin: str, records: Sequence[str]) -> str:
    head = [
        f"$ORIGIN {origin}.",
        "$TTL 60",
        f"@ IN SOA ns.{origin}. admin.{origin}. 1 60 60 60 60",
        f"@ IN NS ns.{origin}.",
        "ns IN A 127.0.0.1",
    ]
    return "\n".join([*head, *records]) + "\n"


@contextmanager
def nsd_server(
    directory: Path, zones: Mapping[str, Sequence[str]], servfail: Sequence[str] = ()
) -> Iterator[DnsServer]:
    binary = nsd_binary()
    if binary is None:
        pytest.skip("no nsd and none installable (scripts/ensure-dns-server.sh)")
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    blocks = []
    for origin, records in zones.items():
        (directory / f"{origin}.zone").write_text(zone_text(origin, records))
        blocks.append(f"zone:\n  name: {origin}\n  zonefile: {directory / (origin + '.zone')}\n")
    for origin in servfail:
        blocks.append(f"zone:\n  name: {origin}\n  zonefile: {directory / (origin + '.missing')}\n")
    config = directory / "nsd.conf"
    config.write_text(
        f'server:\n  ip-address: 127.0.0.1@{port}\n  port: {port}\n  username: ""\n  chroot: ""\n'
        f'  zonesdir: "{directory}"\n  pidfile: "{directory / "nsd.pid"}"\n  database: ""\n'
        f'  zonelistfile: "{directory / "zone.list"}"\n  xfrdfile: "{directory / "xfrd.state"}"\n'
        f'  xfrdir: "{directory}"\n  logfile: "{directory / "nsd.log"}"\n  server-count: 1\n  verbosity: 1\n'
        "remote-control:\n  control-enable: no\n" + "".join(blocks)
    )
    process = subprocess.Popen([str(binary), "-d", "-c", str(config)], stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        _wait_ready(port, next(iter(zones)), process)
        yield DnsServer(port)
    finally:
        stop_process(process)


def _wait_ready(port: int, origin: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_DEADLINE
    query = dns.message.make_query(f"{origin}.", "SOA")
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nsd exited with {process.returncode}")
        try:
            dns.query.udp(query, "127.0.0.1", port=port, timeout=0.2)
            return
        except (dns.exception.Timeout, OSError):
            continue
    raise RuntimeError("nsd did not answer in time")
