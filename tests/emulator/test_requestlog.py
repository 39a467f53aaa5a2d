"""Request log filtering and counts."""

from __future__ import annotations

from mailfleet.emulator.requestlog import RequestLog


def _add(log: RequestLog, endpoint: str, key: str | None) -> None:
    log.add(
        at="t",
        method="GET",
        path="/p",
        endpoint=endpoint,
        status=200,
        query={},
        api_key_hash=key,
        body_keys=[],
        fault=None,
    )


def test_snapshot_filters_and_counts() -> None:
    log = RequestLog(size=3)
    for endpoint, key in (("A", "k1"), ("A", "k2"), ("B", "k1"), ("B", "k1")):
        _add(log, endpoint, key)
    assert log.snapshot()["counts"] == {"A": 1, "B": 2}  # oldest dropped at size 3
    assert [e["seq"] for e in log.snapshot(api_key_hash="k1")["entries"]] == [3, 4]
    assert log.snapshot(endpoint="A")["counts"] == {"A": 1}
    assert log.clear() == 3 and log.snapshot() == {"entries": [], "counts": {}}
