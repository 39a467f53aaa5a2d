"""Processes are found by the marker in the environment they were started with, wherever they were re-parented."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from mailfleet.testing import processes
from mailfleet.testing.processes import Process

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="finds processes through /proc (Linux)")

SLEEP = "import time; time.sleep(60)"


def start(marker: str | None) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    if marker is not None:
        env[processes.RUN_MARKER] = marker
    return subprocess.Popen([sys.executable, "-c", SLEEP], env=env, start_new_session=True)


def test_marked_finds_the_running_processes_with_the_marker_and_no_others() -> None:
    marker = processes.new_marker()
    mine, other = start(marker), start(None)
    try:
        assert processes.marked(processes.RUN_MARKER, marker) == [Process(mine.pid, f"{sys.executable} -c {SLEEP}")]
    finally:
        for process in (mine, other):
            process.kill()
            process.wait()
    # Ended (and collected): no longer found.
    assert processes.marked(processes.RUN_MARKER, marker) == []


def test_a_process_that_ended_but_was_not_collected_is_not_running() -> None:
    marker = processes.new_marker()
    zombie = start(marker)
    zombie.kill()
    assert processes.wait_until_gone(lambda: processes.marked(processes.RUN_MARKER, marker), timeout=10) == []
    assert not processes.running(zombie.pid)
    zombie.wait()


def test_kill_ends_what_wait_until_gone_left() -> None:
    marker = processes.new_marker()
    stuck = start(marker)
    left = processes.wait_until_gone(lambda: processes.marked(processes.RUN_MARKER, marker), timeout=0.1)
    assert [process.pid for process in left] == [stuck.pid]
    processes.kill(left)
    assert stuck.wait(timeout=10) < 0


@pytest.mark.parametrize(
    ("command", "plugin"),
    [
        ("/p/.venv/bin/python -u -m mailfleet.langhost 127.0.0.1:4000", "mailfleet.langhost"),
        ("/p/.venv/bin/python -u -m mailfleet.dynamic 127.0.0.1:4000", "mailfleet.dynamic"),
        ("python3 -u -m pulumi.dynamic 127.0.0.1:4000", "pulumi.dynamic"),
        ("/cache/bin/pulumi up --yes", None),
        ("python -m mailfleet.emulator --port 0", None),
    ],
)
def test_plugins_are_the_language_host_and_the_dynamic_provider(command: str, plugin: str | None) -> None:
    found = Process(1, command)
    assert found.plugin == plugin
    assert processes.plugins([found]) == ([found] if plugin else [])
