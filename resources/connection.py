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


@dataclass(frozen=True)
class ConnectionSettings:
    base_url: str
    api_key: str

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
    settings = ConnectionSettings(base_url=str(base_url), api_key=str(api_key))
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
            _client = SmartleadClient(_settings.base_url, _settings.api_key)
        return _client
