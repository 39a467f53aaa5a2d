"""The contract suite's target: the emulator (default), or the real Smartlead API.

``SMARTLEAD_CONTRACT=1`` with ``SMARTLEAD_API_KEY`` (and optionally ``SMARTLEAD_BASE_URL``) points the same tests
at the real API. Against it only read-only and reversible calls run; tests that create things are marked
``emulator_only`` and skipped there.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mailfleet.emulator.testing import ControlClient, running_emulator
from mailfleet.smartlead.client import DEFAULT_BASE_URL, SmartleadClient
from mailfleet.smartlead.ratelimit import RateLimit, RateLimiter

REAL_API = os.environ.get("SMARTLEAD_CONTRACT") == "1"


@dataclass(frozen=True)
class Target:
    base_url: str
    api_key: str
    control: ControlClient | None = None

    @property
    def is_emulator(self) -> bool:
        return self.control is not None

    def client(self) -> SmartleadClient:
        if self.control is None:
            return SmartleadClient(self.base_url, self.api_key)
        # The emulator here is started without a tight limit; pacing like Smartlead would only slow the suite.
        fast = RateLimiter((RateLimit(1000, 1.0),))
        return SmartleadClient(self.base_url, self.api_key, limiter=fast)


@pytest.fixture(scope="module")
def target(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Target]:
    if REAL_API:
        key = os.environ.get("SMARTLEAD_API_KEY")
        if not key:
            pytest.skip("SMARTLEAD_CONTRACT=1 needs SMARTLEAD_API_KEY")
        yield Target(os.environ.get("SMARTLEAD_BASE_URL", DEFAULT_BASE_URL), key)
        return
    db: Path = tmp_path_factory.mktemp("contract") / "emulator.sqlite3"
    with running_emulator(db) as emulator:
        yield Target(emulator.base_url, emulator.api_key, emulator.control)


@pytest.fixture
def client(target: Target) -> Iterator[SmartleadClient]:
    with target.client() as made:
        yield made


@pytest.fixture
def control(target: Target) -> ControlClient:
    """The emulator's control API; tests that use it create data, so they skip against the real API."""
    if target.control is None:
        pytest.skip("creates data: runs against the emulator only")
    return target.control


@pytest.fixture
def switch(control: ControlClient) -> Iterator[Callable[[str, Any], None]]:
    """Flip an emulator switch for one test; the module's emulator gets the old value back afterwards."""
    before = control.switches()
    flipped: list[str] = []

    def flip(name: str, value: Any) -> None:
        flipped.append(name)
        control.set_switch(name, value)

    yield flip
    for name in flipped:
        control.set_switch(name, before[name])
