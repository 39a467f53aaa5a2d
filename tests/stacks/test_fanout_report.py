"""The fan-out's combined outputs: one summary table, one PR comment (marker first), the JSON."""

from __future__ import annotations

from mailfleet.reports.changes import ResourceChange
from mailfleet.reports.comment import MARKER
from mailfleet.stacks.fanout import FanOut, StackResult, combined_comment, first_lines, summary_text


def change(op: str, tenant: str, name: str) -> ResourceChange:
    urn = f"urn:pulumi:s::mailfleet::mailfleet:index:Tenant$pulumi-python:dynamic/mailfleet:Mailbox::{name}"
    return ResourceChange(urn=urn, op=op, kind="Mailbox", name=name, tenant=tenant)


def fan() -> FanOut:
    ok = StackResult("acme", "preview", True, 1.0, [change("update", "acme", "jane@acme-mail.example")], {"update": 1})
    bad = StackResult("globex", "preview", False, 2.0, [], {}, "error: invalid tenant specs: globex.yaml:3:1: ...")
    return FanOut("preview", ["acme", "globex"], "2 of 100 stacks changed since main", [ok, bad])


def test_summary_has_a_row_per_stack_and_a_total() -> None:
    text = summary_text(fan())
    assert "| acme | 0 | 1 | 0 | 0 | 0 | ok |" in text
    assert "| globex |" in text and "failed: error: invalid tenant specs" in text
    assert "| **all 2** | 0 | 1 | 0 | 0 | 0 | 1 failed |" in text
    assert fan().to_json()["failed"] == ["globex"]


def test_one_comment_for_every_stack_with_the_marker_first() -> None:
    text = combined_comment(fan())
    assert text.startswith(MARKER + "\n")
    assert "2 of 100 stacks changed since main: `acme`, `globex`" in text
    assert "**globex: preview failed**" in text
    assert "jane@acme-mail.example" in text


def test_engine_errors_keep_their_first_lines() -> None:
    assert first_lines("error: invalid tenant specs:\n  a.yaml:1:1: x\n  b.yaml:2:2: y\n") == (
        "error: invalid tenant specs: a.yaml:1:1: x b.yaml:2:2: y"
    )
