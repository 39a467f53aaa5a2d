"""``python -m mailfleet.emulator`` options: any switch can be set at start with ``--switch NAME=VALUE``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mailfleet.emulator.__main__ import parse_args
from mailfleet.emulator.testing import running_emulator


def test_switch_values_are_json_or_text() -> None:
    args = parse_args(
        [
            "--switch",
            "attach_auto_adjust_warmup=false",
            "--switch",
            "tag_list_shape=array",
            "--switch",
            "over_limit=422",
        ]
    )
    assert args.switches == [("attach_auto_adjust_warmup", False), ("tag_list_shape", "array"), ("over_limit", 422)]


def test_a_switch_without_a_value_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(["--switch", "tag_list_shape"])
    assert exited.value.code == 2 and "NAME=VALUE" in capsys.readouterr().err


def test_a_bad_switch_value_stops_the_start_cleanly(tmp_path: Path) -> None:
    db = str(tmp_path / "x.sqlite3")
    result = subprocess.run(
        [sys.executable, "-m", "mailfleet.emulator", "--port", "0", "--db", db, "--switch", "tag_list_shape=object"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1 and "tag_list_shape" in result.stderr and "Traceback" not in result.stderr


def test_start_switches_hold_until_a_full_reset_restores_them(tmp_path: Path) -> None:
    extra = ["--switch", "tag_list_shape=array", "--switch", "attach_auto_adjust_warmup=false"]
    with running_emulator(tmp_path / "x.sqlite3", extra_args=extra) as emu:
        emu.control.set_switch("tag_list_shape", "envelope")
        emu.control.reset()
        switches = emu.control.switches()
    assert (switches["tag_list_shape"], switches["attach_auto_adjust_warmup"]) == ("array", False)
