"""Fixtures of the e2e tests; the harness itself is :mod:`mailfleet.testing.e2e`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailfleet.emulator.testing import RunningEmulator, running_emulator
from mailfleet.testing.e2e import Project, new_project


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[RunningEmulator]:
    with running_emulator(tmp_path / "emulator.sqlite3") as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator) -> Project:
    return new_project(tmp_path, emulator)
