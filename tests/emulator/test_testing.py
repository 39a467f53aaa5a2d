"""The harness other tests use: it starts, reports failures with output, and always stops the process."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailfleet.emulator.testing import EmulatorStartError, RunningEmulator, running_emulator


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
