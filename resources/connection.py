"""Settings and the Smartlead client of the dynamic-provider process.

``configure`` runs in the provider process with the stack's whole config; the API key is read there, never pickled
into a provider instance, so it reaches Pulumi state only as the encrypted stack config it already is.
One client per (base URL, key) serves the process's four worker threads. With ``mailfleet:rateLimitFile`` the
key's request window lives in a SQLite file shared by every process that names it, so stacks run in parallel on one
key (shards of a fleet, several CI runners on one machine) stay inside the key's limit together.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

from pulumi.dynamic import ConfigureRequest

from mailfleet.smartlead.client import DEFAULT_BASE_URL, SmartleadClient
from mailfleet.smartlead.ratelimit import DEFAULT_RATES, RateLimit, shared_limiter


@dataclass(frozen=True)
class ConnectionSettings:
    base_url: str
    api_key: str
    # None: Smartlead's documented limits (60 per minute, 10 per 2 s).
    rate_limit: RateLimit | None = None
    # A SQLite file that shares the key's window with every process pointed at it (parallel stacks on one key).
    rate_limit_file: str | None = None

    def __repr__(self) -> str:
        return f"ConnectionSettings(base_url={self.base_url!r}, api_key='***')"


# The server counts a request when it arrives, the limiter when it is sent: a request held up on the way (a busy
# server, a loaded runner) lands later in the server's window than in ours, and the server then sees one more than
# its limit. Pacing to a window this much longer absorbs that (0.4 % of Smartlead's 60 s window).
SEND_MARGIN_SECONDS = 0.25


def paced(rate: RateLimit) -> RateLimit:
    return RateLimit(rate.limit, rate.period + SEND_MARGIN_SECONDS)


_lock = threading.Lock()
_settings: ConnectionSettings | None = None
_client: SmartleadClient | None = None


def configure_from_request(req: ConfigureRequest) -> None:
    """Take the settings from stack config (``mailfleet:baseUrl``, secret ``mailfleet:apiKey``, optional
    ``mailfleet:rateLimit`` and ``mailfleet:rateLimitFile``)."""
    global _settings, _client
    base_url = req.config.get("baseUrl") or DEFAULT_BASE_URL
    api_key = req.config.get("apiKey")
    if not api_key:
        raise ValueError(
            "missing stack config mailfleet:apiKey; set it with: pulumi config set --secret mailfleet:apiKey <KEY>"
        )
    rate_limit = req.config.get("rateLimit")
    rate_limit_file = req.config.get("rateLimitFile")
    settings = ConnectionSettings(
        base_url=str(base_url),
        api_key=str(api_key),
        rate_limit=RateLimit.parse(rate_limit) if rate_limit else None,
        rate_limit_file=str(Path(rate_limit_file).expanduser()) if rate_limit_file else None,
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
            rates = tuple(paced(rate) for rate in ((_settings.rate_limit,) if _settings.rate_limit else DEFAULT_RATES))
            limiter = shared_limiter(_settings.base_url, _settings.api_key, rates=rates, file=_settings.rate_limit_file)
            _client = SmartleadClient(_settings.base_url, _settings.api_key, limiter=limiter)
        return _client
