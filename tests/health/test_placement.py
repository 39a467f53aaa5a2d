"""Placement: the credit cap, polling with a deadline."""

from __future__ import annotations

import pytest

from mailfleet.errors import SetupError
from mailfleet.health.placement import check_cap, poll


def test_the_cap_is_opt_in_and_refuses_a_run_that_would_exceed_it() -> None:
    with pytest.raises(SetupError, match="opt-in"):
        check_cap(None, 0, 1)
    with pytest.raises(SetupError, match=r"needs 3 credits .* 8 of the monthly cap of 10 already spent"):
        check_cap(10, 8, 3)
    check_cap(10, 7, 3)


def test_poll_until_done_or_the_deadline() -> None:
    statuses = iter(["ACTIVE", "ACTIVE", "COMPLETED"])
    slept: list[float] = []
    assert poll(lambda: next(statuses), timeout=60, interval=5, sleep=slept.append) == "COMPLETED"
    assert slept == [5, 5]
    with pytest.raises(SetupError, match="still ACTIVE after 1 s"):
        poll(lambda: "ACTIVE", timeout=1, interval=5, sleep=slept.append)
