"""Merging the single-stack reports: counts summed; the health report keeps its ``mailboxes`` list for the gate; the
run's one deep-check budget and one listing, end to end."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mailfleet.deepcheck import RunPlan
from mailfleet.emulator.testing import RunningEmulator
from mailfleet.stacks.commands import merge_reports, run_deep_summary
from tests.stacks.conftest import PER_TENANT, deployed_fleet


def test_health_reports_merge_into_one_the_gate_can_read() -> None:
    parts = {
        "acme": {
            "format": 1,
            "date": "d",
            "summary": {"mailboxes": 2, "critical": 1},
            "mailboxes": [{"email": "a"}],
            "critical": ["a"],
        },
        "globex": {"format": 1, "date": "d", "summary": {"mailboxes": 1, "critical": 0}, "mailboxes": [{"email": "b"}]},
    }
    merged = merge_reports("health", parts)
    assert merged["summary"] == {"mailboxes": 3, "critical": 1}
    assert [row["email"] for row in merged["mailboxes"]] == ["a", "b"]
    assert merged["critical"] == ["a"] and merged["stack"] == "acme,globex"


def test_drift_reports_sum_their_counts() -> None:
    merged = merge_reports("drift", {"a": {"summary": {"changed_fields": 2}}, "b": {"summary": {"changed_fields": 1}}})
    assert merged["summary"] == {"changed_fields": 3} and set(merged["stacks"]) == {"a", "b"}


def test_the_merged_drift_report_states_the_runs_one_deep_budget() -> None:
    plan = RunPlan(150, 20_000, {"g000": list(range(1, 101)), "g001": list(range(501, 551))})
    assert run_deep_summary(plan) == {
        "budget": 150,
        "mailboxes": 20_000,
        "checked_tonight": 150,
        "nights_for_full_coverage": 134,
    }


@pytest.mark.e2e
def test_stacks_drift_spends_one_deep_budget_and_one_listing_for_the_whole_run(
    tmp_path: Path, emulator: RunningEmulator
) -> None:
    fleet = deployed_fleet(tmp_path, emulator, PER_TENANT)
    checked: list[set[str]] = []
    for night in range(2):
        emulator.control.clear_requests()
        out = tmp_path / f"drift-{night}.json"
        run = fleet.mailfleet("stacks", "drift", "--deep-budget", "2", "--json", str(out), check=False)
        assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
        merged = json.loads(out.read_text())
        log = emulator.control.requests(api_key=emulator.api_key)
        # Two stacks, one budget of 2 by-id reads between them (each stack alone would read 2), and one listing.
        assert log.count("GET /email-accounts/{id}") == 2
        assert log.count("GET /email-accounts/") == 1
        assert merged["deep_checks"]["checked_tonight"] == 2 and merged["deep_checks"]["budget"] == 2
        mailboxes = merged["deep_checks"]["mailboxes"]
        assert mailboxes == sum(part["deep_checks"]["mailboxes"] for part in merged["stacks"].values()) >= 4
        checked.append({email for part in merged["stacks"].values() for email in part["deep_checks"]["checked"]})
    assert len(checked[0]) == len(checked[1]) == 2 and not checked[0] & checked[1]  # oldest check first
