"""Settings and the Smartlead client of the dynamic-provider process.

``configure`` runs in the provider process with the stack's whole config; the API key is read there, never pickled
into a provider instance, so it reaches Pulumi state only as the encrypted stack config it already is.
One client per (base URL, key) serves the process's four worker threads.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from pulumi.dynamic import ConfigureRequest

from mailfleet.smartlead.client import DEFAULT_BASE_URL, SmartleadClient
from mailfleet.smartlead.ratelimit import DEFAULT_RATES, RateLimit, shared_limiter


@dataclass(frozen=True)
class ConnectionSettings:
    base_url: str
    api_key: str
    # None: Smartlead's documented limits (60 per minute, 10 per 2 s).
    rate_limit: RateLimit | None = None

    def __repr__(self) -> str:
        return f"ConnectionSettings(base_url={self.base_url!r}, api_key='***')"


_lock = threading.Lock()
_settings: ConnectionSettings | None = None
_client: SmartleadClient | None = None


def configure_from_request(req: ConfigureRequest) -> None:
    """Take the settings from stack config (``mailfleet:baseUrl``, secret ``mailfleet:apiKey``)."""
    global _settings, _client
    base_url = req.config.get("baseUrl") or DEFAULT_BASE_URL
    api_key = req.config.get("apiKey")
    if not api_key:
        raise ValueError(
            "missing stack config mailfleet:apiKey; set it with: pulumi config set --secret mailfleet:apiKey <KEY>"
        )
    rate_limit = req.config.get("rateLimit")
    settings = ConnectionSettings(
        base_url=str(base_url), api_key=str(api_key), rate_limit=RateLimit.parse(rate_limit) if rate_limit else None
    )
    with _lock:
        if settings != _settings:
            _settings = settings
            _client = None


def client() -> SmartleadClient:
    """The process's client, created on first use."""
    global _client
    with _lock:
        if _settings is None:
            raise RuntimeError("the mailfleet provider was not configured (no stack config reached it)")
        if _client is None:
            rates = (_settings.rate_limit,) if _settings.rate_limit else DEFAULT_RATES
            limiter = shared_limiter(_settings.base_url, _settings.api_key, rates=rates)
            _client = SmartleadClient(_settings.base_url, _settings.api_key, limiter=limiter)
        return _client
