"""Rate-limit parsing and switches."""

from __future__ import annotations

import pytest

from mailfleet.emulator.settings import RateLimit, Switches


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
