"""The health history in the team's PostgreSQL when the Pulumi state lives there (Debian's PostgreSQL on loopback, a
throwaway cluster): the location follows the backend URL, and nights, placements and notified changes round-trip."""

from __future__ import annotations

import subprocess
from datetime import date
from pathlib import Path

import pytest

from mailfleet.health.assess import Placement
from mailfleet.health.history import History, Night, history_location
from mailfleet.testing.scale import postgres_bin_or_skip, postgres_cluster

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def test_history_lives_in_the_state_database(tmp_path: Path) -> None:
    bin_dir = postgres_bin_or_skip()
    with postgres_cluster(bin_dir) as server:
        subprocess.run(
            [str(bin_dir / "createdb"), "-h", "127.0.0.1", "-p", str(server.port), "-U", server.user, "pulumi"],
            check=True,
            capture_output=True,
        )
        url = server.url("pulumi")
        assert history_location(backend_url=url, project_dir=tmp_path) == url
        night = date(2026, 3, 10)
        with History(url, "team") as history:
            history.record([Night(night, "jane@acme.example", 1, 40, 2, "healthy", "")])
            history.record([Night(night, "jane@acme.example", 1, 40, 3, "warning", "inbox 89 %")])
            history.record_placements(7, 48213, night, {"jane@acme.example": Placement(7, night, 0.9, 0.1)})
            history.mark_notified(["k"], night)
        with History(url, "team") as again:
            rows = again.nights(date(2026, 3, 1), date(2026, 3, 11))["jane@acme.example"]
            assert [(r.warmup_spam, r.health, r.reason) for r in rows] == [(3, "warning", "inbox 89 %")]
            assert again.latest_placements()["jane@acme.example"].inbox_rate == 0.9
            assert again.unnotified(["k", "j"]) == ["j"]
        with History(url, "other") as other:
            assert other.nights(date(2026, 3, 1), date(2026, 3, 11)) == {}
