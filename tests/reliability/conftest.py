"""Fixtures of the reliability tests, and the figures they collect; the harness is :mod:`mailfleet.testing.fleets`.

The figures are written to ``reliability-figures.json`` in pytest's base temporary directory and printed at the end
of the session; ``docs/reliability.md`` quotes them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailfleet.emulator.testing import RunningEmulator, running_emulator
from mailfleet.testing.fleets import Figures

_FIGURES = Figures()


@pytest.fixture(scope="session")
def figures() -> Figures:
    return _FIGURES


def pytest_sessionfinish(session: pytest.Session) -> None:
    if not _FIGURES.counts:
        return
    base = session.config._tmp_path_factory.getbasetemp()  # type: ignore[attr-defined]
    path = Path(base) / "reliability-figures.json"
    path.write_text(json.dumps(_FIGURES.as_dict(), indent=2) + "\n")
    print(f"\nreliability figures ({path}):\n{json.dumps(_FIGURES.as_dict(), indent=2)}")


@pytest.fixture(scope="module")
def module_emulator(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningEmulator]:
    root = tmp_path_factory.mktemp("emulator")
    with running_emulator(root / "emulator.sqlite3") as running:
        yield running
