"""The whole suite: mailfleet's pytest plugin (an honest ``e2e`` marker, no process outliving the session), and the
real emulator process that e2e tests of several packages share as a fixture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailfleet.emulator.testing import RunningEmulator, running_emulator

pytest_plugins = ["mailfleet.testing.plugin", "pytester"]


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[RunningEmulator]:
    """A real emulator process on a free loopback port, with its own SQLite file; stopped also when the test fails."""
    with running_emulator(tmp_path / "emulator.sqlite3") as running:
        yield running
