"""Deep checks over the stacks of one run: one budget for all of them, oldest check first, split by stack."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from mailfleet.deepcheck import (
    DEEP_PLAN_VARIABLE,
    CheckRecord,
    RunPlan,
    choose_slice,
    nights_for_full_coverage,
    plan_run,
)

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
# 40 stacks of 25 mailboxes: 1,000 accounts on one key.
STACKS = {f"g{s:03d}": list(range(s * 1000 + 1, s * 1000 + 26)) for s in range(40)}


def test_the_run_spends_one_budget_over_all_its_stacks() -> None:
    plan = plan_run(STACKS, {}, 150, NOW)
    assert sum(len(ids) for ids in plan.stacks.values()) == 150  # not 40 x 150
    assert set(plan.stacks) == set(STACKS) and plan.mailboxes == 1000 and plan.budget == 150
    for stack, ids in plan.stacks.items():
        assert set(ids) <= set(STACKS[stack])


def test_the_oldest_checks_of_the_whole_run_come_first_whatever_their_stack() -> None:
    every = [i for ids in STACKS.values() for i in ids]
    old = set(STACKS["g007"][:3])
    records = {i: CheckRecord(i, NOW - timedelta(days=1 if i not in old else 9), ()) for i in every}
    plan = plan_run(STACKS, records, 3, NOW)
    assert plan.stacks["g007"] == sorted(old)
    assert sum(len(ids) for ids in plan.stacks.values()) == 3


def test_every_mailbox_of_the_run_is_checked_within_ceil_n_over_budget_nights() -> None:
    records: dict[int, CheckRecord] = {}
    seen: set[int] = set()
    nights = nights_for_full_coverage(1000, 150)
    assert nights == 7
    for night in range(nights):
        now = NOW + timedelta(days=night)
        plan = plan_run(STACKS, records, 150, now)
        for ids in plan.stacks.values():
            seen.update(ids)
            records.update({i: CheckRecord(i, now, ()) for i in ids})
    assert len(seen) == 1000


def test_a_single_stack_plan_is_the_single_stack_slice() -> None:
    ids = STACKS["g000"]
    assert plan_run({"g000": ids}, {}, 10, NOW).stacks["g000"] == sorted(choose_slice(ids, {}, 10, NOW))


def test_the_plan_reaches_each_stacks_drift_through_its_file(tmp_path: Path) -> None:
    plan = plan_run(STACKS, {}, 150, NOW)
    plan.write(tmp_path / "plan.json")
    read = RunPlan.from_environment({DEEP_PLAN_VARIABLE: str(tmp_path / "plan.json")})
    assert read == plan
    assert read.slice_of("not-in-the-run") == []
    assert RunPlan.from_environment({}) is None
