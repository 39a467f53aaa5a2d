"""Per-key sliding-window rate limiter over real (monotonic) time."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
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

    def check(self, key: str) -> Decision:
        with self._lock:
            now = self._now()
            window = self._windows.setdefault(key, deque())
            while window and window[0] <= now - self.limit.seconds:
                window.popleft()
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
