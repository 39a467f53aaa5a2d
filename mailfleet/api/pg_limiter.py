"""The key's request window in PostgreSQL, shared by runners on different machines.

pyrate-limiter's :class:`~pyrate_limiter.PostgresBucket` keeps the sliding-window log in one table per key and takes
an exclusive table lock for each check-and-insert, so two runners never both take the last slot. Times come from
the server's clock: each process measures its offset to it once, so runners whose clocks disagree still count in
one window. A 429's pause (``Retry-After``) is a row of ``mailfleet_limiter_pauses``, seen by every runner.

Selected with ``mailfleet:rateLimitUrl: postgresql://USER@HOST:PORT/DB`` (credentials as libpq takes them:
``PGPASSWORD`` or ``~/.pgpass`` rather than in the URL).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any, cast

from pyrate_limiter import Rate, RateItem

from mailfleet.api.ratelimit import RateLimit

# A busy table lock (another runner is checking right now) is retried after this long.
CONTENTION_RETRY_SECONDS = 0.01
# Old rows are deleted every this many admitted requests (the bucket's leak), so the table stays one window long.
LEAK_EVERY = 50
PAUSES_LOCK_ID = 0x6D666C31  # any constant shared by every runner


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
        server_ms: int = self._bucket.now()
        self._offset = server_ms / 1000 - time.time()

    def clock(self) -> float:
        """The server's time in seconds, from the local clock and the offset measured at start."""
        return time.time() + self._offset

    def reserve(self, now: float) -> float:
        now_ms = round(now * 1000)
        with self._lock:
            decision = self._bucket.put_decision(RateItem(self._name, now_ms))
            if decision.allowed:
                self._admitted += 1
                if self._admitted % LEAK_EVERY == 0:
                    self._bucket.leak(now_ms)
                return 0.0
        wait_ms = decision.retry_after_ms
        if wait_ms is None:
            return CONTENTION_RETRY_SECONDS
        return max(int(wait_ms), 1) / 1000

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
