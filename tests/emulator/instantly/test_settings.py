"""Instantly's switches: the job duration and the rate windows, checked when set."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mailfleet.emulator.instantly.settings import DEFAULT_RATE_LIMITS, InstantlySwitches
from mailfleet.workspace import find_pulumi_project


def test_defaults_and_checked_changes() -> None:
    switches = InstantlySwitches()
    assert switches.as_dict() == {"job_seconds": 3.0, "rate_limits": DEFAULT_RATE_LIMITS}
    switches.set("job_seconds", 1)
    switches.set("rate_limits", "5/1,50/60")
    assert switches.as_dict() == {"job_seconds": 1.0, "rate_limits": "5/1,50/60"}
    for name, value in (("job_seconds", -1), ("job_seconds", True), ("rate_limits", "fast"), ("nope", 1)):
        with pytest.raises(ValueError):
            switches.set(name, value)


def test_the_docs_list_every_switch_with_its_default() -> None:
    doc = find_pulumi_project(Path(__file__).parent) / "docs" / "emulator.md"
    instantly_part = doc.read_text(encoding="utf-8").split("\n# The Instantly emulator")[1]
    listed = dict(re.findall(r"^- `(\w+)` \(default `([^`]*)`\)", instantly_part, re.MULTILINE))
    assert listed == {name: json.dumps(value) for name, value in InstantlySwitches().as_dict().items()}
