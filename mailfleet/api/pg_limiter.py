"""The key's request window in PostgreSQL, shared by runners on different machines.

pyrate-limiter's :class:`~pyrate_limiter.PostgresBucket` keeps the sliding-window log in one table per key and takes
an exclusive table lock for each check-and-insert, so two runners never both take the last slot. An admitted request's
row is stamped ahead while it is in flight and moved to its response's time when it is in (see
:mod:`mailfleet.api.ratelimit`). Times come from the server's clock: each process measures its offset to it at
start, from the quickest of a few round trips and their midpoint, so runners whose clocks disagree (and whose start-up
was slow) still count in one window. A 429's pause (``Retry-After``) is a row of ``mailfleet_limiter_pauses``, seen
by every runner.

Selected with ``mailfleet:rateLimitUrl: postgresql://USER@HOST:PORT/DB`` (credentials as libpq takes them:
``PGPASSWORD`` or ``~/.pgpass`` rather than in the URL).
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Sequence
from typing import Any, cast

from pyrate_limiter import Rate, RateItem

from mailfleet.api.ratelimit import IN_FLIGHT_HOLD_SECONDS, RateLimit, Ticket

# A busy table lock (another runner is checking right now) is retried after this long.
CONTENTION_RETRY_SECONDS = 0.01
# Old rows are deleted every this many admitted requests (the bucket's leak), so the table stays one window long.
LEAK_EVERY = 50
PAUSES_LOCK_ID = 0x6D666C31  # any constant shared by every runner
# Round trips to the server's clock at start; the quickest one gives the offset.
CLOCK_SAMPLES = 5


class PostgresBackend:
    """A :class:`~mailfleet.api.ratelimit.LimiterBackend` on PostgreSQL (server clock, see :meth:`clock`)."""

    def __init__(self, url: str, key: str, rates: Sequence[RateLimit]) -> None:
        from psycopg_pool import ConnectionPool
        from pyrate_limiter import PostgresBucket

        self._pool: Any = ConnectionPool(conninfo=url, min_size=1, max_size=4, open=True, timeout=30.0)
        # Identifiers are at most 63 bytes: the bucket's table is "ratelimit___" + this.
        self._name = f"k{key[:40]}"
        windows = [Rate(r.limit, max(1, round(r.period * 1000))) for r in rates]
        # Typed as Any: the bucket's methods are typed for sync and async buckets alike; this one is sync.
        self._bucket = cast(Any, PostgresBucket(self._pool, self._name, windows))
        self._lock = threading.Lock()
        self._admitted = 0
        with self._pool.connection() as conn:
            # Runners starting together must not race on the CREATE (the bucket guards its own table the same way).
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (PAUSES_LOCK_ID,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS mailfleet_limiter_pauses (key TEXT PRIMARY KEY, until DOUBLE PRECISION)"
            )
        self._rates = tuple(rates)
        self._longest = max(r.period for r in rates)
        self._shortest = min(r.period for r in rates)
        self._offset = self._measure_offset()
        from psycopg import sql

        # The bucket's own table (pyrate-limiter names it "ratelimit___" + the bucket's name, lower-cased).
        table = sql.Identifier(f"ratelimit___{self._name.lower()}")
        self._restamp = sql.SQL("UPDATE {} SET item_timestamp = TO_TIMESTAMP(%s) WHERE name = %s").format(table)
        in_window = sql.SQL("COUNT(*) FILTER (WHERE item_timestamp >= TO_TIMESTAMP(%s))")
        self._count = sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join([in_window] * len(self._rates)), table)

    def _measure_offset(self) -> float:
        """Server time minus local time, from the round trip with the least time in transit (its midpoint)."""
        best: tuple[float, float] | None = None
        with self._pool.connection() as conn:
            for _ in range(CLOCK_SAMPLES):
                sent = time.time()
                row = conn.execute("SELECT extract(epoch FROM clock_timestamp())::float8").fetchone()
                back = time.time()
                if row is not None and (best is None or back - sent < best[0]):
                    best = (back - sent, float(row[0]) - (sent + back) / 2)
        return best[1] if best is not None else 0.0

    def clock(self) -> float:
        """The server's time in seconds, from the local clock and the offset measured at start."""
        return time.time() + self._offset

    def reserve(self, now: float) -> tuple[float, Ticket | None]:
        now_ms = round(now * 1000)
        ticket = uuid.uuid4().hex
        with self._lock:
            decision = self._bucket.put_decision(RateItem(ticket, now_ms))
            if decision.allowed:
                self._admitted += 1
                if self._admitted % LEAK_EVERY == 0:
                    self._bucket.leak(now_ms)
        if decision.allowed:
            # In flight: counted in every window until settle() (the row at `now` alone would age out after one).
            self.settle(ticket, now + IN_FLIGHT_HOLD_SECONDS)
            return 0.0, ticket
        wait_ms = decision.retry_after_ms
        if wait_ms is None:
            return CONTENTION_RETRY_SECONDS, None
        wait = max(int(wait_ms), 1) / 1000
        # Longer than a window: the blocking row is a request still in flight. It ends now at the earliest and then
        # counts a whole period of its window (which one the bucket does not say: the shortest is the safe guess).
        return (self._shortest if wait > self._longest + 0.001 else wait), None

    def settle(self, ticket: Ticket, at: float) -> None:
        with self._pool.connection() as conn:
            conn.execute(self._restamp, (at, ticket))

    def remaining(self, now: float) -> int:
        with self._pool.connection() as conn:
            row = conn.execute(self._count, [now - rate.period for rate in self._rates]).fetchone()
        return min(rate.limit - int(count) for rate, count in zip(self._rates, row, strict=True))

    def block_until(self, until: float) -> None:
        with self._pool.connection() as conn:
            conn.execute(
                "INSERT INTO mailfleet_limiter_pauses (key, until) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET until = GREATEST(mailfleet_limiter_pauses.until, EXCLUDED.until)",
                (self._name, until),
            )

    def blocked_until(self) -> float:
        with self._pool.connection() as conn:
            row = conn.execute("SELECT until FROM mailfleet_limiter_pauses WHERE key = %s", (self._name,)).fetchone()
        return float(row[0]) if row else float("-inf")

    def close(self) -> None:
        self._pool.close()
