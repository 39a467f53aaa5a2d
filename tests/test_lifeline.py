"""A process that started :func:`mailfleet.lifeline.exit_with_parent` ends when its parent dies, not before; so do
the two plugin hosts mailfleet ships (the language host and the dynamic-provider host), started as Pulumi starts
them."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from mailfleet.testing.processes import running

pytestmark = pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads process states from /proc (Linux)")

# Stands in for the engine: starts the command in its arguments in a session of its own (as Pulumi starts its
# plugins, in a process group of their own), waits for its first line (a plugin prints its port), prints the child's
# pid and that line, and waits to be killed.
ENGINE = textwrap.dedent(
    """
    import subprocess, sys, time
    child = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, text=True, start_new_session=True)
    print(child.pid, child.stdout.readline().strip(), flush=True)
    time.sleep(120)
    """
)
WATCHED = textwrap.dedent(
    """
    import time
    from mailfleet.lifeline import exit_with_parent
    exit_with_parent(interval=0.05)
    print("ready", flush=True)
    time.sleep(120)
    """
)


@pytest.mark.parametrize(
    "command",
    [["-c", WATCHED], ["-u", "-m", "mailfleet.langhost", "127.0.0.1:1"], ["-u", "-m", "mailfleet.dynamic"]],
    ids=["exit_with_parent", "mailfleet.langhost", "mailfleet.dynamic"],
)
def test_the_child_exits_once_its_parent_is_killed_and_not_before(command: list[str]) -> None:
    with subprocess.Popen([sys.executable, "-c", ENGINE, sys.executable, *command], stdout=subprocess.PIPE) as engine:
        try:
            assert engine.stdout is not None
            pid, first_line = engine.stdout.readline().decode().split(" ", 1)
            child = int(pid)
            assert first_line.strip() == "ready" or first_line.strip().isdigit(), first_line
            # Not before: the child's watch runs several times while its parent lives, and it stays.
            time.sleep(1.2)
            assert running(child)

            engine.send_signal(signal.SIGKILL)
            engine.wait(timeout=10)

            deadline = time.monotonic() + 10
            while running(child) and time.monotonic() < deadline:
                time.sleep(0.02)
            assert not running(child), "the child outlived its parent"
        finally:
            engine.kill()
