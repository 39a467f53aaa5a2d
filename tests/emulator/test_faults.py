"""Fault rules as data."""

from __future__ import annotations

import pytest

from mailfleet.emulator.faults import FaultTable


def test_path_method_count_and_key_matching() -> None:
    table = FaultTable()
    rule = table.add({"path": "/api/v1/email-accounts/save", "method": "post", "status": 502, "count": 1})
    assert table.match("GET", "/api/v1/email-accounts/save", None) is None
    assert table.match("POST", "/api/v1/email-accounts/save/", None) is rule
    assert table.match("POST", "/api/v1/email-accounts/save", None) is None  # used up
    keyed = table.add({"path_regex": "warmup", "status": 500, "api_key_hash": "abc"})
    assert table.match("GET", "/api/v1/email-accounts/1/warmup-stats", "zzz") is None
    assert table.match("GET", "/api/v1/email-accounts/1/warmup-stats", "abc") is keyed
    assert [r["fired"] for r in table.list()] == [1, 1]
    assert table.remove(keyed.id) and table.clear() == 1


def test_probability_with_a_seed_is_reproducible() -> None:
    def fire() -> list[bool]:
        table = FaultTable()
        table.add({"path_regex": ".", "status": 500, "probability": 0.3, "seed": 7})
        return [table.match("GET", "/x", None) is not None for _ in range(50)]

    first = fire()
    assert first == fire() and 0 < sum(first) < 50


@pytest.mark.parametrize(
    "spec",
    [
        {"status": 500},
        {"path": "/x"},
        {"path": "/x", "status": 700},
        {"path_regex": "(", "status": 500},
        {"path": "/x", "status": 500, "probability": 2},
        {"path": "/x", "status": 500, "colour": "red"},
    ],
)
def test_bad_specs(spec: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        FaultTable().add(spec)
