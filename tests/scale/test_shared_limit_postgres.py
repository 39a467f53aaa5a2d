"""Runners on different machines share one key through PostgreSQL (``mailfleet:rateLimitUrl: postgresql://...``).

Two shards run ``pulumi up`` in parallel in separate processes, each pacing itself through pyrate-limiter's
PostgreSQL bucket in a throwaway Debian PostgreSQL cluster on loopback, on a 20-per-2 s key: the server never has to
refuse a request. Nothing but the URL ties the two together (no shared file), as on two machines."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mailfleet.api.pg_limiter import PostgresBackend
from mailfleet.api.ratelimit import RateLimit
from mailfleet.emulator.testing import running_emulator
from mailfleet.testing.scale import (
    assert_inside_the_limit,
    make_shard,
    postgres_bin_or_skip,
    postgres_cluster,
    up_in_parallel,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

LIMIT, PERIOD = 20, 2


def test_two_runners_share_a_key_through_postgres(tmp_path: Path) -> None:
    bin_dir = postgres_bin_or_skip()
    with (
        postgres_cluster(bin_dir) as server,
        running_emulator(tmp_path / "emulator.sqlite3", rate_limit=f"{LIMIT}/{PERIOD}") as emulator,
    ):
        url = server.url("postgres")
        for index in range(2):
            (tmp_path / f"backend-{index}").mkdir()
        shards = [
            make_shard(
                tmp_path,
                f"runner-{index}",
                backend_url=f"file://{tmp_path / f'backend-{index}'}",
                emulator=emulator,
                tenants=2,
                mailboxes=8,
                first=index * 2,
                config={"mailfleet:rateLimit": f"{LIMIT}/{PERIOD}", "mailfleet:rateLimitUrl": url},
            )
            for index in range(2)
        ]
        emulator.control.clear_requests()
        results = up_in_parallel(shards)
        log = emulator.control.requests(api_key=emulator.api_key)
        accounts = emulator.control.accounts(emulator.api_key)
        # The window really lived in PostgreSQL: one bucket table for the key.
        psql = [str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(server.port), "-U", server.user, "-d", "postgres"]
        tables = subprocess.run(
            [*psql, "-At", "-c", "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'ratelimit___%'"],
            capture_output=True,
            text=True,
            check=False,
        )

    assert_inside_the_limit(results, log, len(accounts), LIMIT)
    assert tables.returncode == 0 and tables.stdout.strip() == "1", tables.stderr


def test_a_waiter_sleeps_out_a_window_full_of_requests_in_flight() -> None:
    """The bucket's answer for a row still in flight is its hold (150 s ahead) plus a window: the waiter sleeps the
    shortest window (the soonest that row can age out), instead of polling the table every 10 ms."""
    bin_dir = postgres_bin_or_skip()
    with postgres_cluster(bin_dir) as server:
        backend = PostgresBackend(server.url("postgres"), "k" * 64, (RateLimit(1, 2.0), RateLimit(5, 60.0)))
        try:
            now = backend.clock()
            in_flight = backend.reserve(now)[1]
            assert in_flight is not None
            assert backend.reserve(now + 0.5) == (2.0, None)
            backend.settle(in_flight, now + 1.0)
            wait, ticket = backend.reserve(now + 1.5)
            assert ticket is None and wait == pytest.approx(1.5, abs=0.01)
        finally:
            backend.close()
