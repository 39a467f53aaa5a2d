"""The harness other tests use: it starts, reports failures with output, and always stops the process."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from mailfleet.emulator.testing import (
    EmulatorStartError,
    RunningEmulator,
    RunningInstantlyEmulator,
    running_emulator,
    running_instantly_emulator,
)


def test_process_is_stopped_when_the_body_raises(tmp_path: Path) -> None:
    seen: list[RunningEmulator] = []
    with pytest.raises(RuntimeError, match="boom"), running_emulator(tmp_path / "db.sqlite3") as emu:
        seen.append(emu)
        assert emu.base_url == f"http://127.0.0.1:{emu.port}/api/v1" and emu.root_url.endswith(str(emu.port))
        assert emu.control.health()["ok"]
        raise RuntimeError("boom")
    assert seen[0].process.poll() is not None


def test_start_failure_carries_the_output(tmp_path: Path) -> None:
    with (
        pytest.raises(EmulatorStartError, match="N/SECONDS"),
        running_emulator(tmp_path / "db.sqlite3", rate_limit="lots"),
    ):
        pass  # pragma: no cover


def test_generated_key_and_extra_args(tmp_path: Path) -> None:
    with running_emulator(tmp_path / "db.sqlite3", extra_args=["--start-date", "2026-04-01", "--quiet"]) as emu:
        assert emu.control.today() == "2026-04-01"
        assert len(emu.api_keys) == 1 and emu.api_key not in emu.output()


def test_instantly_emulator_runs_a_warmup_job_over_real_seconds(tmp_path: Path) -> None:
    seen: list[RunningInstantlyEmulator] = []
    with (
        pytest.raises(RuntimeError, match="boom"),
        running_instantly_emulator(tmp_path / "in.sqlite3", job_seconds=0.6, extra_args=["--quiet"]) as emu,
        httpx.Client(base_url=emu.base_url, headers={"Authorization": f"Bearer {emu.api_key}"}) as api,
    ):
        seen.append(emu)
        assert emu.base_url == f"http://127.0.0.1:{emu.port}/api/v2"
        emu.control.create_account("jane@acme-mail.example")
        job = api.post("/accounts/warmup/enable", json={"emails": ["jane@acme-mail.example"]}).json()
        statuses = [job["status"]]
        deadline = time.monotonic() + 10
        while statuses[-1] != "success" and time.monotonic() < deadline:
            # The account is read first: while the job read after it is unfinished, warmup must still be off.
            warmup_before = api.get("/accounts/jane@acme-mail.example").json()["warmup_status"]
            statuses.append(api.get(f"/background-jobs/{job['id']}").json()["status"])
            if statuses[-1] != "success":
                assert warmup_before == 0
        assert statuses[0] == "pending" and statuses[-1] == "success"
        assert api.get("/accounts/jane@acme-mail.example").json()["warmup_status"] == 1
        assert emu.control.requests(api_key=emu.api_key).count("GET /background-jobs/{id}") >= 1
        assert emu.api_key not in emu.output()
        raise RuntimeError("boom")
    assert seen[0].process.poll() is not None
