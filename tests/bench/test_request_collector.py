"""The bench reads a long phase's request log as it runs: the emulator keeps only its last 10,000 requests."""

from __future__ import annotations

from collections import deque
from types import SimpleNamespace
from typing import Any, cast

import pytest

from bench.stacks import RequestCollector
from mailfleet.emulator.testing import RequestLog, RequestLogEntry, RunningEmulator


class RingLog:
    """Stands in for the emulator's control client: keeps the last ``size`` requests, as the emulator does."""

    def __init__(self, size: int) -> None:
        self.kept: deque[RequestLogEntry] = deque(maxlen=size)
        self.seq = 100  # sequence numbers carry on across a clear

    def arrive(self, n: int) -> None:
        for _ in range(n):
            self.seq += 1
            self.kept.append(RequestLogEntry(self.seq, "", "POST", "/x", "POST /x", 200, {}, None, [], None))

    def requests(self, **_filters: Any) -> RequestLog:
        return RequestLog(entries=list(self.kept), counts={})


def collector(log: RingLog) -> RequestCollector:
    return RequestCollector(cast(RunningEmulator, SimpleNamespace(control=log)), interval=3600)


def test_reads_taken_in_time_add_up_to_every_request_once() -> None:
    log = RingLog(size=10)
    reader = collector(log)
    for batch in (4, 8, 0, 10):
        log.arrive(batch)
        reader.read()
    assert [e.seq for e in reader.entries] == list(range(101, 123))


def test_requests_that_fell_out_between_reads_fail_the_phase() -> None:
    log = RingLog(size=10)
    reader = collector(log)
    log.arrive(5)
    reader.read()
    log.arrive(12)  # two of them are gone before the next read
    with pytest.raises(RuntimeError, match="dropped entries after seq 105"):
        reader.read()
