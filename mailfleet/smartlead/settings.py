"""Where to reach Smartlead and how fast: the settings every mailfleet client is built from.

The same settings come from stack config inside Pulumi (``mailfleet:baseUrl``, secret ``mailfleet:apiKey``,
``mailfleet:rateLimit``, ``mailfleet:rateLimitFile``, ``mailfleet:rateLimitUrl``) and are read both by the
dynamic-provider process and by the reports, so that both pace themselves in the same window of the key.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mailfleet.smartlead.client import DEFAULT_BASE_URL, RequestRecord, SmartleadClient
from mailfleet.smartlead.ratelimit import (
    DEFAULT_RATES,
    RateLimit,
    RateLimiter,
    check_limiter_url,
    shared_limiter,
)
from mailfleet.smartlead.redact import register_secret

# Set by ``mailfleet preview``/``up`` for the stacks they run: one shared window for all of them.
RATE_LIMIT_URL_VARIABLE = "MAILFLEET_RATE_LIMIT_URL"


@dataclass(frozen=True)
class ConnectionSettings:
    base_url: str
    api_key: str
    # None: Smartlead's documented limits (60 per minute, 10 per 2 s).
    rate_limit: RateLimit | None = None
    # A SQLite file that shares the key's window with every process pointed at it (parallel stacks on one key).
    rate_limit_file: str | None = None
    # The shared store of the key's window by URL (sqlite:///PATH, postgresql://...): runners on several machines.
    rate_limit_url: str | None = None

    def __repr__(self) -> str:
        return f"ConnectionSettings(base_url={self.base_url!r}, api_key='***')"

    @classmethod
    def from_config(cls, get: Callable[[str], Any]) -> ConnectionSettings:
        """From config keys without namespace (``baseUrl``, ``apiKey``, ``rateLimit``, ``rateLimitFile``)."""
        api_key = get("apiKey")
        if not api_key:
            raise ValueError(
                "missing stack config mailfleet:apiKey; set it with: pulumi config set --secret mailfleet:apiKey <KEY>"
            )
        register_secret(str(api_key))
        rate_limit = get("rateLimit")
        rate_limit_file = get("rateLimitFile")
        # A fan-out run (mailfleet preview/up) hands every stack one window through the environment, unless the
        # stack names its own store.
        rate_limit_url = get("rateLimitUrl") or (None if rate_limit_file else os.environ.get(RATE_LIMIT_URL_VARIABLE))
        return cls(
            base_url=str(get("baseUrl") or DEFAULT_BASE_URL),
            api_key=str(api_key),
            rate_limit=RateLimit.parse(str(rate_limit)) if rate_limit else None,
            rate_limit_file=str(Path(str(rate_limit_file)).expanduser()) if rate_limit_file else None,
            rate_limit_url=check_limiter_url(str(rate_limit_url)) if rate_limit_url else None,
        )

    def limiter(self) -> RateLimiter:
        """The process's limiter for this key."""
        rates = (self.rate_limit,) if self.rate_limit else DEFAULT_RATES
        return shared_limiter(
            self.base_url, self.api_key, rates=rates, file=self.rate_limit_file, url=self.rate_limit_url
        )

    def client(self, on_request: Callable[[RequestRecord], None] | None = None) -> SmartleadClient:
        return SmartleadClient(self.base_url, self.api_key, limiter=self.limiter(), on_request=on_request)
