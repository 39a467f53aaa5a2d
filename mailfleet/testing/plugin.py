"""mailfleet's pytest plugin (``tests/conftest.py`` loads it): an honest ``e2e`` marker, and no process left behind.

- A test not marked ``e2e`` cannot run the Pulumi CLI: :func:`mailfleet.testing.projects.pulumi_bin`, the one way
  the harness finds it, refuses during such a test, and ``PATH`` loses every directory holding a ``pulumi`` (what
  ``. .mailfleet/env`` put there). So ``pytest -m "not e2e"`` never needs ``make setup``, and a test that needs the
  CLI without the marker fails in every checkout, not only in a clean one.
- Every process the session starts carries ``MAILFLEET_TEST_SESSION=<token>`` in its environment (set here before
  the first test), also plugins that Pulumi started in process groups of their own. When the session ends, after
  every fixture has stopped what it started, the session fixture :func:`no_process_outlives_the_session` waits a
  little for such processes to end, then kills those left and fails, naming them.
"""

from __future__ import annotations

import os
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from mailfleet.testing import processes
from mailfleet.testing.projects import pulumi_refused

# How long the processes of the session may take to end once its last fixture is gone (plugins of a killed
# `pulumi` notice within mailfleet.lifeline.DEFAULT_INTERVAL).
GRACE_SECONDS = 15.0

_TOKEN = pytest.StashKey[str]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_TOKEN] = token = processes.new_marker()
    os.environ[processes.SESSION_MARKER] = token


def path_without_pulumi(path: str) -> str:
    return os.pathsep.join(d for d in path.split(os.pathsep) if not (d and (Path(d) / "pulumi").exists()))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Generator[None, object, object]:
    if item.get_closest_marker("e2e") is not None:
        return (yield)
    path = os.environ.get("PATH", "")
    os.environ["PATH"] = path_without_pulumi(path)
    try:
        with pulumi_refused(f"{item.nodeid} runs the Pulumi CLI, so it must be marked e2e"):
            return (yield)
    finally:
        os.environ["PATH"] = path


@pytest.fixture(scope="session", autouse=True)
def no_process_outlives_the_session(pytestconfig: pytest.Config) -> Iterator[None]:
    """Set up first and torn down last: fails if a process the session started is still running."""
    yield
    token = pytestconfig.stash[_TOKEN]
    left = processes.wait_until_gone(lambda: processes.marked(processes.SESSION_MARKER, token), GRACE_SECONDS)
    processes.kill(left)
    assert not left, (
        f"{len(left)} process(es) started by this test session still ran {GRACE_SECONDS:.0f}s after it "
        "(killed now):\n" + "\n".join(f"  {process}" for process in left)
    )
