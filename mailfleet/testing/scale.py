"""Scale harness: several stacks of one fleet on one API key, and Pulumi state in a throwaway PostgreSQL cluster.

The scale tests build throwaway projects with the bench's fleet generator (:mod:`mailfleet.testing.synthetic`) and
run the real ``pulumi`` CLI against a real emulator process; every server started here listens on 127.0.0.1 and is
stopped in a finally.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from mailfleet.emulator.testing import RequestLog, RunningEmulator
from mailfleet.testing.projects import REPO, make_project, project_cli
from mailfleet.testing.synthetic import PASSWORD_ENV, bench_password, write_specs
from mailfleet.workspace import PulumiCLI

PASSPHRASE = "scale-test-passphrase"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Shard:
    """One stack of a sharded fleet: its own project copy and tenant files, its own stack."""

    cli: PulumiCLI
    password: str

    def env(self) -> dict[str, str]:
        return {**self.cli.env(), PASSWORD_ENV: self.password}

    def command(self, *args: str) -> list[str]:
        return [str(self.cli.binary_dir / "pulumi"), *args, "--non-interactive", "--stack", self.cli.stack]

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """``pulumi ARGS`` on this stack; never raises, the caller asserts on the result."""
        return subprocess.run(
            self.command(*args), cwd=self.cli.project_dir, env=self.env(), capture_output=True, text=True, check=False
        )


def make_shard(
    root: Path,
    name: str,
    *,
    backend_url: str,
    emulator: RunningEmulator,
    tenants: int,
    mailboxes: int,
    first: int,
    config: dict[str, str],
) -> Shard:
    directory = make_project(root / name)
    write_specs(directory / "specs" / "tenants", tenants, mailboxes, first=first)
    cli = project_cli(directory, name, home=root / "pulumi-home", backend_url=backend_url, passphrase=PASSPHRASE)
    cli.configure_stack(emulator.base_url, emulator.api_key, config)
    return Shard(cli, bench_password())


def up_in_parallel(shards: list[Shard]) -> list[tuple[int, str]]:
    """``pulumi up`` on every shard at once, each in its own process; (exit code, output) of each."""
    runs = [
        subprocess.Popen(
            shard.command("up", "--yes", "--skip-preview"),
            cwd=shard.cli.project_dir,
            env=shard.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for shard in shards
    ]
    outputs = [run.communicate(timeout=540)[0] for run in runs]
    return [(run.returncode, output) for run, output in zip(runs, outputs, strict=True)]


def assert_inside_the_limit(results: list[tuple[int, str]], log: RequestLog, accounts: int, limit: int) -> None:
    """Every run succeeded, none saw a 429, the server refused nothing, and the runs needed several windows."""
    for code, output in results:
        assert code == 0, output[-2000:]
        assert "429" not in output and "rate limited" not in output
    refused = [entry for entry in log.entries if entry.status == 429]
    assert refused == [], f"the server refused {len(refused)} requests: the runners overran the key's limit"
    # The test means something only if the runners needed several windows together.
    assert len(log.entries) > 2 * limit
    # Both did their whole work: 2 runners x 2 tenants x 8 mailboxes.
    assert accounts == 32


def postgres_bin() -> Path | None:
    """The PostgreSQL server binaries (scripts/ensure-postgres.sh finds or installs them), or None."""
    out = subprocess.run(
        ["bash", str(REPO / "scripts" / "ensure-postgres.sh")], capture_output=True, text=True, check=False
    ).stdout.strip()
    return Path(out) if out and (Path(out) / "initdb").exists() else None


def postgres_bin_or_skip() -> Path:
    """:func:`postgres_bin`, or skip the calling test and say why."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries and none installable (scripts/ensure-postgres.sh)")
    return bin_dir


@dataclass
class Postgres:
    port: int
    user: str

    def url(self, database: str) -> str:
        return f"postgres://{self.user}@127.0.0.1:{self.port}/{database}?sslmode=disable"


@contextmanager
def postgres_cluster(bin_dir: Path) -> Iterator[Postgres]:
    """A throwaway cluster (initdb in a temp dir) on a free loopback port; stopped and removed in a finally.

    PostgreSQL refuses to run as root, so as root the server runs as the ``postgres`` system user."""
    base = Path(tempfile.mkdtemp(prefix="mailfleet-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        # runuser lives in sbin, which a minimal PATH (env -i, cron) leaves out.
        runuser = shutil.which("runuser") or shutil.which("runuser", path="/usr/sbin:/sbin") or "runuser"
        as_user = [runuser, "-u", "postgres", "--"]
        base.chmod(0o755)
        shutil.chown(base, "postgres", "postgres")
    data, log = base / "data", base / "server.log"
    port = free_port()
    user = "mailfleet"
    started = False

    def run(*command: str) -> None:
        result = subprocess.run([*as_user, *command], capture_output=True, text=True, check=False, timeout=120)
        if result.returncode != 0:
            extra = log.read_text(errors="replace")[-1500:] if log.exists() else ""
            raise RuntimeError(f"{command[0]} failed: {result.stderr.strip()[-1500:]}\n{extra}")

    try:
        run(str(bin_dir / "initdb"), "-D", str(data), "-U", user, "--auth=trust", "--no-sync", "-E", "UTF8")
        options = f"-h 127.0.0.1 -p {port} -k {base} -c fsync=off"
        # -w: pg_ctl returns once the server accepts connections (or fails after -t seconds).
        run(str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "60", "start")
        started = True
        yield Postgres(port, user)
    finally:
        if started:
            subprocess.run(
                [*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                capture_output=True,
                check=False,
                timeout=120,
            )
        shutil.rmtree(base, ignore_errors=True)
