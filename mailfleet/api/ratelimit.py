"""Client-side pacing per API key (Smartlead) or workspace (Instantly): several sliding windows at once.

The windows are the caller's (Instantly: 100 per 1 s and 6,000 per 60 s, :mod:`mailfleet.instantly.pacing`);
:data:`DEFAULT_RATES` are Smartlead's, the default of a bare :class:`RateLimiter`. Smartlead's limit is
account-wide (every job on the key shares it) and the sources disagree on its size (10 per 2 s, 60 per 60 s,
plan tiers), so the default allows the stricter of both: at most 10 requests in any 2 s and 60 in any 60 s.
One :class:`RateLimiter` exists per (base URL, key) per process, shared by every client instance and every
thread (a Pulumi dynamic provider runs 4); the registry is keyed by a hash, never the key itself.

The limiter also listens to the server: ``x-ratelimit-remaining``/``x-ratelimit-reset`` tighten it,
and a 429's ``Retry-After`` stops every thread on that key until it has passed.

A request holds its slot from before it is sent until its response is in (:meth:`RateLimiter.request`): the
server counts a request when it arrives, which is somewhere in between, so the window is reckoned from the latest
moment the server can have counted it. Stamping at the send instead lets a request held up on the way (a loaded
runner or server) land in a later server window than ours, and the server then sees one more than its limit; a fixed
margin on the window only moves the delay that breaks it, and costs share on short windows.

Storage sits behind :class:`LimiterBackend`: :class:`MemoryBackend` (one process) is the default;
:class:`SQLiteBackend` shares the window between processes through a file, for several CI runners or stacks on one
machine; ``PostgresBackend`` (:mod:`mailfleet.api.pg_limiter`, pyrate-limiter's PostgreSQL bucket) shares it
between machines.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email.utils
import hashlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

__all__ = [
    "DEFAULT_RATES",
    "Clock",
    "LimiterBackend",
    "MemoryBackend",
    "RateLimit",
    "RateLimiter",
    "SQLiteBackend",
    "Sleep",
    "Ticket",
    "limiter_key",
    "parse_retry_after",
    "shared_limiter",
]

Clock = Callable[[], float]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` requests in any window of ``period`` seconds."""

    limit: int
    period: float

    def __post_init__(self) -> None:
        if self.limit < 1 or self.period <= 0:
            raise ValueError(f"invalid rate limit {self.limit}/{self.period}s")

    @classmethod
    def parse(cls, text: str) -> RateLimit:
        """``"N/SECONDS"``, e.g. ``"60/60"``: the form of ``mailfleet:rateLimit`` and ``--rate-limit``."""
        count, _, seconds = text.partition("/")
        try:
            return cls(int(count), float(seconds))
        except ValueError:
            raise ValueError(f"rate limit {text!r} is not N/SECONDS, e.g. 60/60") from None


# A request in flight counts in every window until its response is in. Its entry is stamped this far ahead meanwhile,
# so that the entry of a process that died mid-request still ages out: longer than any request may take (the client's
# timeouts: 15 s to connect, 110 s to read).
IN_FLIGHT_HOLD_SECONDS = 150.0

#: What :meth:`LimiterBackend.settle` takes back: the admitted request's entry.
Ticket = int | str


#: 60 per minute (documented) and 10 per 2 s (old help centre): no burst beyond either window.
DEFAULT_RATES: tuple[RateLimit, ...] = (RateLimit(60, 60.0), RateLimit(10, 2.0))


class LimiterBackend(Protocol):
    """Where the request log and the server-imposed pause live. Times are the limiter's clock, in seconds."""

    def reserve(self, now: float) -> tuple[float, Ticket | None]:
        """Admit a request at ``now``: (0, its ticket), its entry counting as in flight until :meth:`settle`; or
        (how long to wait, None), recording nothing."""
        ...

    def settle(self, ticket: Ticket, at: float) -> None:
        """The request's response came in at ``at``: from now on its entry counts from then."""
        ...

    def remaining(self, now: float) -> int:
        """How many more requests the window admits at ``now`` (the tightest of the rates)."""
        ...

    def block_until(self, until: float) -> None:
        """Admit nothing before ``until`` (never moves an existing pause earlier)."""
        ...

    def blocked_until(self) -> float: ...


class SQLiteBackend:
    """A sliding-window log in a SQLite file shared by processes on one machine.

    Each reservation runs in a ``BEGIN IMMEDIATE`` transaction, which SQLite serialises across
    processes, so two processes never both take the last slot. Times must come from a clock that all
    processes share: use ``time.time`` (the default when :func:`shared_limiter` gets ``file=``).
    """

    def __init__(self, path: str | Path, key: str, rates: Sequence[RateLimit] = DEFAULT_RATES) -> None:
        self._rates = tuple(rates)
        self._key = key
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(str(path), timeout=30.0, isolation_level=None, check_same_thread=False)
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("CREATE TABLE IF NOT EXISTS requests (key TEXT NOT NULL, at REAL NOT NULL)")
            self._conn.execute("CREATE INDEX IF NOT EXISTS requests_key_at ON requests (key, at)")
            self._conn.execute("CREATE TABLE IF NOT EXISTS pauses (key TEXT PRIMARY KEY, until REAL NOT NULL)")

    def reserve(self, now: float) -> tuple[float, Ticket | None]:
        longest = max(r.period for r in self._rates)
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.execute("DELETE FROM requests WHERE key = ? AND at <= ?", (self._key, now - longest))
                wait = 0.0
                for rate in self._rates:
                    row = self._conn.execute(
                        "SELECT at FROM requests WHERE key = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?",
                        (self._key, now - rate.period, rate.limit - 1),
                    ).fetchone()
                    if row is not None:
                        # The limit-th newest entry must age out first. One still in flight ends at `now` at the
                        # earliest and then counts a whole period: sleep that, not a poll, which under a full window
                        # has every waiting thread of every runner hammer the store until the responses are in.
                        at = float(row[0])
                        wait = max(wait, rate.period if at > now else at + rate.period - now)
                ticket: Ticket | None = None
                if wait <= 0:
                    cursor = self._conn.execute(
                        "INSERT INTO requests (key, at) VALUES (?, ?)", (self._key, now + IN_FLIGHT_HOLD_SECONDS)
                    )
                    ticket = cursor.lastrowid
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return (0.0, ticket) if ticket is not None else (max(wait, 0.001), None)

    def settle(self, ticket: Ticket, at: float) -> None:
        with self._lock:
            self._conn.execute("UPDATE requests SET at = ? WHERE rowid = ?", (at, ticket))

    def remaining(self, now: float) -> int:
        with self._lock:
            counts = [
                (rate.limit, self._conn.execute(
                    "SELECT count(*) FROM requests WHERE key = ? AND at > ?", (self._key, now - rate.period)
                ).fetchone()[0])
                for rate in self._rates
            ]  # fmt: skip
        return min(limit - int(count) for limit, count in counts)

    def block_until(self, until: float) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT INTO pauses (key, until) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET until = max(until, excluded.until)",
                (self._key, until),
            )

    def blocked_until(self) -> float:
        with self._lock:
            row = self._conn.execute("SELECT until FROM pauses WHERE key = ?", (self._key,)).fetchone()
        return float(row[0]) if row else float("-inf")

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class MemoryBackend(SQLiteBackend):
    """The same log in an in-memory SQLite database: one process."""

    def __init__(self, rates: Sequence[RateLimit] = DEFAULT_RATES) -> None:
        super().__init__(":memory:", "local", rates)


def parse_retry_after(value: str | None, *, now: Callable[[], float] = time.time) -> float | None:
    """Seconds from a ``Retry-After`` value: delta-seconds or an HTTP date; None if absent or unreadable."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        return max(float(text), 0.0)
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(when.timestamp() - now(), 0.0)


def _header(headers: Mapping[str, str], name: str) -> str | None:
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return None


class RateLimiter:
    """Paces requests for one API key; safe to share between threads.

    ``clock`` and ``sleep`` are injectable so tests run on a fake clock without real waiting.
    """

    def __init__(
        self,
        rates: Sequence[RateLimit] = DEFAULT_RATES,
        *,
        backend: LimiterBackend | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        wall_clock: Clock = time.time,
    ) -> None:
        self.rates = tuple(rates)
        self._backend: LimiterBackend = backend if backend is not None else MemoryBackend(self.rates)
        self._clock = clock
        self._sleep = sleep
        self._wall_clock = wall_clock
        self._lock = threading.Lock()
        # What the server last said is left in its window: (requests left, window end on our clock).
        self._server_remaining: int | None = None
        self._server_reset_at = float("-inf")
        self.granted = 0
        self.waited = 0.0

    def __repr__(self) -> str:
        rates = ", ".join(f"{r.limit}/{r.period:g}s" for r in self.rates)
        return f"<RateLimiter {rates} granted={self.granted}>"

    @contextlib.contextmanager
    def request(self) -> Iterator[float]:
        """Hold a slot for one request: wait until one is free, then keep it in flight until the block ends (the
        response is in, or the request failed), when its entry starts to age out. Yields the seconds waited."""
        ticket, waited = self._admit()
        try:
            yield waited
        finally:
            self._backend.settle(ticket, self._clock())

    def acquire(self) -> float:
        """A slot for a request that ends at once; returns the seconds spent waiting."""
        with self.request() as waited:
            return waited

    def _admit(self) -> tuple[Ticket, float]:
        waited = 0.0
        while True:
            with self._lock:
                now = self._clock()
                wait = self._backend.blocked_until() - now
                server_spent = self._server_remaining is not None and self._server_remaining <= 0
                if wait <= 0 and server_spent and now < self._server_reset_at:
                    wait = self._server_reset_at - now
                if wait <= 0:
                    wait, ticket = self._backend.reserve(now)
                    if ticket is not None:
                        self.granted += 1
                        if self._server_remaining is not None and now < self._server_reset_at:
                            self._server_remaining -= 1
                        self.waited += waited
                        return ticket, waited
            # Sleep without the lock so other threads can take slots that free up meanwhile.
            self._sleep(wait)
            waited += wait

    def pause(self, seconds: float) -> None:
        """Stop every thread on this key for ``seconds`` (a 429's Retry-After)."""
        if seconds > 0:
            with self._lock:
                self._backend.block_until(self._clock() + seconds)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Tighten to what the server reports in ``x-ratelimit-remaining`` / ``x-ratelimit-reset`` when it counts more
        requests than our window does: someone else uses the key (another tool, a runner without the shared store),
        or the server's limit is stricter than ours. Otherwise our window already keeps to the server's, and obeying
        the hint would only cost time: the reset comes in whole seconds, rounded up, a stall of up to a second each
        time a full window's last request comes back (most of a compressed window)."""
        remaining_text = _header(headers, "x-ratelimit-remaining")
        reset_text = _header(headers, "x-ratelimit-reset")
        if remaining_text is None or reset_text is None:
            return
        try:
            remaining = int(float(remaining_text))
            reset = float(reset_text)
        except ValueError:
            return
        # Some servers send an epoch timestamp, others a number of seconds; epochs are large.
        seconds = reset - self._wall_clock() if reset > 1e9 else reset
        if seconds <= 0:
            return
        with self._lock:
            now = self._clock()
            # Ours counts every request the server counts (each from its response, which is later), and those in
            # flight: a server with room to spare beyond ours tells nothing new.
            if remaining >= self._backend.remaining(now):
                self._server_remaining, self._server_reset_at = None, float("-inf")
                return
            self._server_remaining = max(remaining, 0)
            self._server_reset_at = now + seconds


def limiter_key(base_url: str, api_key: str) -> str:
    """A stable, non-reversible name for (base URL, key); the registry never holds the key."""
    return hashlib.sha256(f"{base_url.rstrip('/')}\n{api_key}".encode()).hexdigest()


_registry: dict[str, RateLimiter] = {}
_registry_lock = threading.Lock()


def shared_limiter(
    base_url: str,
    api_key: str,
    *,
    rates: Sequence[RateLimit] = DEFAULT_RATES,
    file: str | Path | None = None,
    url: str | None = None,
) -> RateLimiter:
    """The process-wide limiter for this (base URL, key), created on first use.

    ``file`` shares the window with other processes through a SQLite file (wall clock); ``url`` names the shared
    store instead (:func:`backend_for_url`: ``sqlite:///PATH`` or ``postgresql://...``). The options of the first
    call win for the life of the process.
    """
    key = limiter_key(base_url, api_key)
    with _registry_lock:
        limiter = _registry.get(key)
        if limiter is None:
            if url is not None:
                backend, clock = backend_for_url(url, key, rates)
                limiter = RateLimiter(rates, backend=backend, clock=clock)
            elif file is not None:
                limiter = RateLimiter(rates, backend=SQLiteBackend(file, key, rates), clock=time.time)
            else:
                limiter = RateLimiter(rates)
            _registry[key] = limiter
        return limiter


SQLITE_SCHEME = "sqlite:///"
POSTGRES_SCHEMES = ("postgresql://", "postgres://")


def check_limiter_url(url: str) -> str:
    """``url`` if it names a store :func:`backend_for_url` knows, else a ValueError saying which ones."""
    if url.startswith(SQLITE_SCHEME) and len(url) > len(SQLITE_SCHEME):
        return url
    if url.startswith(POSTGRES_SCHEMES):
        return url
    raise ValueError(
        "mailfleet:rateLimitUrl must be sqlite:///PATH (one machine) or postgresql://USER@HOST:PORT/DB (runners on "
        "several machines)"
    )


def backend_for_url(url: str, key: str, rates: Sequence[RateLimit]) -> tuple[LimiterBackend, Clock]:
    """The shared backend a ``mailfleet:rateLimitUrl`` names, and the clock its times are in."""
    check_limiter_url(url)
    if url.startswith(SQLITE_SCHEME):
        return SQLiteBackend("/" + url[len(SQLITE_SCHEME) :].lstrip("/"), key, rates), time.time
    from mailfleet.api.pg_limiter import PostgresBackend

    backend = PostgresBackend(url, key, rates)
    return backend, backend.clock


def _reset_registry() -> None:
    """Forget every shared limiter (tests only)."""
    with _registry_lock:
        for limiter in _registry.values():
            backend = limiter._backend
            close = getattr(backend, "close", None)
            if close is not None:
                with contextlib.suppress(Exception):
                    close()
        _registry.clear()
