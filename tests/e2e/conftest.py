"""Fixtures of the e2e tests (``emulator`` is the suite's, in tests/conftest.py); the harness itself is
:mod:`mailfleet.testing.e2e`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from mailfleet.emulator.testing import RunningEmulator, RunningInstantlyEmulator, running_instantly_emulator
from mailfleet.testing.e2e import Project, new_project

WARMUP_JOB_SECONDS = 3.0
"""How long the Instantly emulator's warmup jobs take (real seconds): long enough to need polling."""


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator) -> Project:
    return new_project(tmp_path, emulator)


@pytest.fixture
def instantly_emulator(tmp_path: Path) -> Iterator[RunningInstantlyEmulator]:
    """A real Instantly emulator process on a free loopback port; stopped also when the test fails."""
    with running_instantly_emulator(tmp_path / "instantly.sqlite3", job_seconds=WARMUP_JOB_SECONDS) as running:
        yield running


@pytest.fixture
def mixed(tmp_path: Path, emulator: RunningEmulator, instantly_emulator: RunningInstantlyEmulator) -> Project:
    """The example specs, Smartlead and Instantly tenants, on one stack against both emulators."""
    return new_project(tmp_path, emulator, instantly=instantly_emulator)
