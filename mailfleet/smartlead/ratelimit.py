"""Moved to :mod:`mailfleet.api.ratelimit` (any vendor's windows); the Smartlead import path still works.

:data:`DEFAULT_RATES` there are Smartlead's: at most 10 requests in any 2 s and 60 in any 60 s per key.
"""

from mailfleet.api.ratelimit import (
    DEFAULT_RATES,
    POSTGRES_SCHEMES,
    SEND_MARGIN_SECONDS,
    SQLITE_SCHEME,
    Clock,
    LimiterBackend,
    MemoryBackend,
    RateLimit,
    RateLimiter,
    Sleep,
    SQLiteBackend,
    _registry,
    _reset_registry,
    backend_for_url,
    check_limiter_url,
    limiter_key,
    paced,
    parse_retry_after,
    shared_limiter,
)

__all__ = [
    "DEFAULT_RATES",
    "POSTGRES_SCHEMES",
    "SEND_MARGIN_SECONDS",
    "SQLITE_SCHEME",
    "Clock",
    "LimiterBackend",
    "MemoryBackend",
    "RateLimit",
    "RateLimiter",
    "SQLiteBackend",
    "Sleep",
    "_registry",
    "_reset_registry",
    "backend_for_url",
    "check_limiter_url",
    "limiter_key",
    "paced",
    "parse_retry_after",
    "shared_limiter",
]
