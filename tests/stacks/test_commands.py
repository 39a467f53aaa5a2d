"""Merging the single-stack reports: counts summed; the health report keeps its ``mailboxes`` list for the gate."""

from __future__ import annotations

from mailfleet.stacks.commands import merge_reports


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
