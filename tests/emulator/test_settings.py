"""Rate-limit parsing and switches (and their table in docs/emulator.md)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mailfleet.emulator.settings import RateLimit, Switches
from mailfleet.workspace import find_pulumi_project


def test_rate_limit_parse() -> None:
    assert RateLimit.parse("60/60") == RateLimit(60, 60.0)
    assert str(RateLimit.parse(" 10 / 2 ")) == "10/2"
    for bad in ("60", "0/1", "5/0", "a/b"):
        with pytest.raises(ValueError):
            RateLimit.parse(bad)


def test_switch_values_are_checked() -> None:
    switches = Switches()
    switches.set("over_limit", 422)
    switches.set("rate_limit", "5/1")
    assert switches.as_dict()["over_limit"] == "422" and switches.rate_limit == "5/1"
    for name, value in (("delete_enabled", "yes"), ("campaign_webhook_delete", "query"), ("rate_limit", "x"), ("x", 1)):
        with pytest.raises(ValueError):
            switches.set(name, value)


def test_new_switches_default_to_the_documented_behaviour_and_check_values() -> None:
    switches = Switches()
    assert (switches.tag_list_shape, switches.webhook_summary_shape) == ("envelope", "docs")
    assert switches.reputation_by_id == "number" and switches.attach_auto_adjust_warmup is True
    changed = {
        "tag_list_shape": "array",
        "webhook_summary_shape": "cli",
        "reputation_by_id": "string",
        "attach_auto_adjust_warmup": False,
    }
    for name, value in changed.items():
        switches.set(name, value)
    assert switches.as_dict() == {**Switches().as_dict(), **changed}
    for name, value in (
        ("tag_list_shape", "object"),
        ("webhook_summary_shape", "both"),
        ("reputation_by_id", 95),
        ("attach_auto_adjust_warmup", "true"),
    ):
        with pytest.raises(ValueError, match=name):
            switches.set(name, value)


def test_the_docs_switch_table_agrees_with_the_switches() -> None:
    doc = find_pulumi_project(Path(__file__).parent) / "docs" / "emulator.md"
    smartlead_part = doc.read_text(encoding="utf-8").split("\n# The Instantly emulator")[0]
    rows = re.findall(r"^\| `(\w+)` \| `([^`]*)` \|", smartlead_part, re.MULTILINE)
    # The table shows strings as they are and other values as JSON.
    shown = {name: v if isinstance(v, str) else json.dumps(v) for name, v in Switches().as_dict().items()}
    assert dict(rows) == shown
