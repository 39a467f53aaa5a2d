"""Six runners in separate processes on one key, tied only by the limiter's URL (a SQLite file; PostgreSQL as for
runners on several machines), against the real emulator on a small window: the server refuses nothing.

Each runner sends from four threads with no retry, so a 429 would reach it as an error instead of being absorbed.
The runs need several windows together, so the limit is really in play."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailfleet.emulator.testing import RunningEmulator, running_emulator
from mailfleet.testing.limiter_load import run_runners
from mailfleet.testing.scale import postgres_bin_or_skip, postgres_cluster

pytestmark = pytest.mark.slow

RUNNERS, THREADS, REQUESTS = 6, 4, 6
LIMIT, PERIOD = 24, 1


def share_the_key(emulator: RunningEmulator, limiter_url: str) -> None:
    emulator.control.clear_requests()
    results = run_runners(
        RUNNERS,
        base_url=emulator.base_url,
        api_key=emulator.api_key,
        rate=f"{LIMIT}/{PERIOD}",
        limiter_url=limiter_url,
        threads=THREADS,
        requests=REQUESTS,
    )
    log = emulator.control.requests(api_key=emulator.api_key)
    for result in results:
        assert result.exit_code == 0, result.stderr
        assert result.errors == []
        assert result.served == THREADS * REQUESTS
    statuses = [entry.status for entry in log.entries]
    assert statuses.count(429) == 0, f"the server refused {statuses.count(429)} of {len(statuses)} requests"
    assert len(statuses) == RUNNERS * THREADS * REQUESTS
    assert len(statuses) > 4 * LIMIT  # several windows' worth: the runners had to share


def test_six_processes_share_a_sqlite_window(tmp_path: Path) -> None:
    with running_emulator(tmp_path / "emulator.sqlite3", rate_limit=f"{LIMIT}/{PERIOD}") as emulator:
        share_the_key(emulator, f"sqlite:///{tmp_path / 'limiter.sqlite3'}")


def test_six_processes_share_a_postgres_window(tmp_path: Path) -> None:
    bin_dir = postgres_bin_or_skip()
    with (
        postgres_cluster(bin_dir) as server,
        running_emulator(tmp_path / "emulator.sqlite3", rate_limit=f"{LIMIT}/{PERIOD}") as emulator,
    ):
        share_the_key(emulator, server.url("postgres"))
