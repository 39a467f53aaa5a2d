"""Settings and the Smartlead client of the dynamic-provider process.

``configure`` runs in the provider process with the stack's whole config; the API key is read there, never pickled
into a provider instance, so it reaches Pulumi state only as the encrypted stack config it already is.
One client per (base URL, key) serves the process's four worker threads. With ``mailfleet:rateLimitFile`` the
key's request window lives in a SQLite file shared by every process that names it, so stacks run in parallel on one
key (shards of a fleet, several CI runners on one machine) stay inside the key's limit together.
"""

from __future__ import annotations

import threading

from pulumi.dynamic import ConfigureRequest

from mailfleet.smartlead.client import RequestRecord, SmartleadClient
from mailfleet.smartlead.settings import ConnectionSettings
from mailfleet.smartlead.shared_listing import publish_request_count

_lock = threading.Lock()
_settings: ConnectionSettings | None = None
_client: SmartleadClient | None = None


def configure_from_request(req: ConfigureRequest) -> None:
    """Take the settings from stack config (``mailfleet:baseUrl``, secret ``mailfleet:apiKey``, optional
    ``mailfleet:rateLimit`` and ``mailfleet:rateLimitFile``)."""
    global _settings, _client
    settings = ConnectionSettings.from_config(req.config.get)
    with _lock:
        if settings != _settings:
            _settings = settings
            _client = None


def base_url() -> str:
    """The Smartlead base URL the process talks to (keys the deep-check bookkeeping)."""
    with _lock:
        if _settings is None:
            raise RuntimeError("the mailfleet provider was not configured (no stack config reached it)")
        return _settings.base_url


def client() -> SmartleadClient:
    """The process's client, created on first use."""
    global _client
    with _lock:
        if _settings is None:
            raise RuntimeError("the mailfleet provider was not configured (no stack config reached it)")
        if _client is None:
            _client = _settings.client(on_request=_count_request)
        return _client


_requests = 0


def _count_request(_record: RequestRecord) -> None:
    global _requests
    with _count_lock:
        _requests += 1
        publish_request_count(_requests)


_count_lock = threading.Lock()
