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

from mailfleet.smartlead.client import SmartleadClient
from mailfleet.smartlead.settings import ConnectionSettings

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


def client() -> SmartleadClient:
    """The process's client, created on first use."""
    global _client
    with _lock:
        if _settings is None:
            raise RuntimeError("the mailfleet provider was not configured (no stack config reached it)")
        if _client is None:
            _client = _settings.client()
        return _client
