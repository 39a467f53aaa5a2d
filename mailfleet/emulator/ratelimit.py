"""Per-key sliding-window rate limiters over real (monotonic) time: one window (Smartlead) or several that all
apply (Instantly's 100 a second and 6,000 a minute)."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mailfleet.emulator.settings import RateLimit


@dataclass(frozen=True)
class Decision:
    allowed: bool
    limit: int
    remaining: int
    reset: int
    """Seconds until the window frees a slot (at least 1 when the window is full)."""
    retry_after: int

    def headers(self) -> dict[str, str]:
        headers = {
            "x-ratelimit-limit": str(self.limit),
            "x-ratelimit-remaining": str(self.remaining),
            "x-ratelimit-reset": str(self.reset),
        }
        if not self.allowed:
            headers["retry-after"] = str(self.retry_after)
        return headers


class RateLimiter:
    """``check(key)`` records a request if allowed. Refused requests are not counted."""

    def __init__(self, limit: RateLimit, *, now: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self._now = now
        self._windows: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def set_limit(self, limit: RateLimit) -> None:
        with self._lock:
            self.limit = limit

    def _window(self, key: str, now: float) -> deque[float]:
        window = self._windows.setdefault(key, deque())
        while window and window[0] <= now - self.limit.seconds:
            window.popleft()
        return window

    def has_room(self, key: str) -> bool:
        """Whether ``check`` would allow a request now (nothing is recorded)."""
        with self._lock:
            return len(self._window(key, self._now())) < self.limit.requests

    def check(self, key: str) -> Decision:
        with self._lock:
            now = self._now()
            window = self._window(key, now)
            allowed = len(window) < self.limit.requests
            if allowed:
                window.append(now)
            remaining = max(0, self.limit.requests - len(window))
            reset = math.ceil(window[0] + self.limit.seconds - now) if window else 0
            wait = max(1, reset) if not allowed else 0
            return Decision(allowed, self.limit.requests, remaining, max(0, reset), wait)

    def reset(self, key: str | None = None) -> None:
        with self._lock:
            if key is None:
                self._windows.clear()
            else:
                self._windows.pop(key, None)


class WindowSet:
    """Several limits per key: a request is allowed only if every window has room, and then counts in each.
    Refused requests are not counted."""

    def __init__(self, limits: Sequence[RateLimit], *, now: Callable[[], float] = time.monotonic) -> None:
        self._now = now
        self._lock = threading.Lock()
        self._limiters = [RateLimiter(limit, now=now) for limit in limits]

    @property
    def limits(self) -> tuple[RateLimit, ...]:
        return tuple(limiter.limit for limiter in self._limiters)

    def set_limits(self, limits: Sequence[RateLimit]) -> None:
        with self._lock:
            self._limiters = [RateLimiter(limit, now=self._now) for limit in limits]

    def allow(self, key: str) -> bool:
        with self._lock:
            if not all(limiter.has_room(key) for limiter in self._limiters):
                return False
            for limiter in self._limiters:
                limiter.check(key)
            return True

    def reset(self, key: str | None = None) -> None:
        with self._lock:
            for limiter in self._limiters:
                limiter.reset(key)
