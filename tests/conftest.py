"""The whole suite: mailfleet's pytest plugin (an honest ``e2e`` marker, no process outliving the session), and the
real emulator process that e2e tests of several packages share as a fixture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailfleet.emulator.testing import RunningEmulator, running_emulator
from mailfleet.spec.checkcache import CACHE_VARIABLE

pytest_plugins = ["mailfleet.testing.plugin", "pytester"]


@pytest.fixture(scope="session", autouse=True)
def spec_check_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The tenant files' check cache of this session (and of the processes it starts), not the user's."""
    directory = tmp_path_factory.mktemp("spec-checks")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_VARIABLE, str(directory))
        yield directory


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[RunningEmulator]:
    """A real emulator process on a free loopback port, with its own SQLite file; stopped also when the test fails."""
    with running_emulator(tmp_path / "emulator.sqlite3") as running:
        yield running
