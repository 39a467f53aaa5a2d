"""Fixtures of the e2e tests (``emulator`` is the suite's, in tests/conftest.py); the harness itself is
:mod:`mailfleet.testing.e2e`."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailfleet.emulator.testing import RunningEmulator
from mailfleet.testing.e2e import Project, new_project


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator) -> Project:
    return new_project(tmp_path, emulator)
