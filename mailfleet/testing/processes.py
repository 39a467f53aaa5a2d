"""Find the processes a test session, or one ``pulumi`` run, started: by a marker in their environment.

A child process inherits its parent's environment, and Pulumi passes its own to every plugin it starts, so a
variable set before the first process starts marks the whole tree, however it is re-parented later (a plugin
orphaned by a killed CLI is a child of init, in a process group of its own, and still carries the marker). The
environment a process was started with is read from ``/proc/PID/environ``: this works on Linux; elsewhere
:func:`marked` finds nothing.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# Set by the pytest plugin for the whole session (mailfleet.testing.plugin).
SESSION_MARKER = "MAILFLEET_TEST_SESSION"
# Set by a test on one background run, to tell that run's processes from the rest of the session's.
RUN_MARKER = "MAILFLEET_TEST_RUN"
# The Python plugins a `pulumi` run of this project starts: the language host, and the dynamic-provider host
# (``pulumi.dynamic`` is what Pulumi's own launcher runs, ``mailfleet.dynamic`` what mailfleet's launcher runs).
PLUGIN_MODULES = ("mailfleet.langhost", "mailfleet.dynamic", "pulumi.dynamic")

_PROC = Path("/proc")


@dataclass(frozen=True)
class Process:
    pid: int
    command: str  # its arguments, joined by spaces

    def __str__(self) -> str:
        return f"pid {self.pid}: {self.command}"

    @property
    def plugin(self) -> str | None:
        """The plugin module this process runs (one of PLUGIN_MODULES), or None."""
        arguments = self.command.split()
        return next((module for module in PLUGIN_MODULES if module in arguments), None)


def new_marker() -> str:
    return secrets.token_hex(8)


def _running(pid_dir: Path) -> bool:
    # A zombie has ended; it only waits for its parent to collect the exit status.
    stat = (pid_dir / "stat").read_text()
    return stat[stat.rindex(")") + 2 :].split(" ", 1)[0] not in ("Z", "X")


def running(pid: int) -> bool:
    """Whether process ``pid`` exists and has not ended (a zombie has); Linux only."""
    try:
        return _running(_PROC / str(pid))
    except (OSError, ValueError):
        return False


def marked(name: str, value: str) -> list[Process]:
    """The running processes (other than this one) started with ``name=value`` in their environment."""
    if not _PROC.is_dir():
        return []
    wanted = f"{name}={value}".encode()
    found = []
    for pid_dir in _PROC.iterdir():
        if not pid_dir.name.isdigit() or int(pid_dir.name) == os.getpid():
            continue
        # Processes that end while we look, or that belong to another user, are not ours.
        with contextlib.suppress(OSError, ValueError):
            if wanted in (pid_dir / "environ").read_bytes().split(b"\0") and _running(pid_dir):
                command = (pid_dir / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
                found.append(Process(int(pid_dir.name), command))
    return sorted(found, key=lambda process: process.pid)


def plugins(processes: Iterable[Process]) -> list[Process]:
    """Those of ``processes`` that are Pulumi plugins of this project (language host, dynamic provider)."""
    return [process for process in processes if process.plugin is not None]


def wait_until_gone(find: Callable[[], Sequence[Process]], timeout: float) -> list[Process]:
    """Poll ``find`` until it finds nothing or ``timeout`` seconds have passed; what it found last."""
    deadline = time.monotonic() + timeout
    while True:
        left = list(find())
        if not left or time.monotonic() >= deadline:
            return left
        time.sleep(0.05)


def kill(processes: Iterable[Process]) -> None:
    """SIGKILL each of ``processes`` that still runs."""
    for process in processes:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(process.pid, signal.SIGKILL)
