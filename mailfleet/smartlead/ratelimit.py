"""Moved to :mod:`mailfleet.api.ratelimit` (any vendor's windows); the Smartlead import path still works.

:data:`DEFAULT_RATES` there are Smartlead's: at most 10 requests in any 2 s and 60 in any 60 s per key.
"""

from mailfleet.api.ratelimit import (
    DEFAULT_RATES,
    IN_FLIGHT_HOLD_SECONDS,
    POSTGRES_SCHEMES,
    SQLITE_SCHEME,
    Clock,
    LimiterBackend,
    MemoryBackend,
    RateLimit,
    RateLimiter,
    Sleep,
    SQLiteBackend,
    Ticket,
    _registry,
    _reset_registry,
    backend_for_url,
    check_limiter_url,
    limiter_key,
    parse_retry_after,
    shared_limiter,
)

__all__ = [
    "DEFAULT_RATES",
    "IN_FLIGHT_HOLD_SECONDS",
    "POSTGRES_SCHEMES",
    "SQLITE_SCHEME",
    "Clock",
    "LimiterBackend",
    "MemoryBackend",
    "RateLimit",
    "RateLimiter",
    "SQLiteBackend",
    "Sleep",
    "Ticket",
    "_registry",
    "_reset_registry",
    "backend_for_url",
    "check_limiter_url",
    "limiter_key",
    "parse_retry_after",
    "shared_limiter",
]
