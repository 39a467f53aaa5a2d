"""Settings and the vendor clients of the dynamic-provider process.

``configure`` runs in the provider process with the stack's whole config; API keys are read there, never pickled
into a provider instance, so they reach Pulumi state only as the encrypted stack config they already are.
Smartlead: one client per (base URL, key) serves the process's four worker threads. With ``mailfleet:rateLimitFile``
the key's request window lives in a SQLite file shared by every process that names it, so stacks run in parallel on
one key (shards of a fleet, several CI runners on one machine) stay inside the key's limit together.
Instantly: one client per workspace (its own key, or the stack's admin key acting through ``x-as-workspace``), and so
one pacer per workspace, which is what Instantly limits (100 a second, 6,000 a minute). A stack with only Instantly
tenants needs no Smartlead key: a missing one is reported only when a Smartlead client is asked for.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any

from pulumi.dynamic import ConfigureRequest

from mailfleet import vendors
from mailfleet.instantly.client import InstantlyClient
from mailfleet.smartlead.client import RequestRecord, SmartleadClient
from mailfleet.smartlead.redact import register_secret
from mailfleet.smartlead.settings import ConnectionSettings
from mailfleet.smartlead.shared_listing import publish_request_count

_lock = threading.Lock()
_settings: ConnectionSettings | None = None
_settings_error: str | None = None


def _no_config(_key: str) -> Any:
    return None


_config: Callable[[str], Any] = _no_config
_client: SmartleadClient | None = None
_instantly: dict[tuple[str, str, str | None], InstantlyClient] = {}


class NotConfiguredError(RuntimeError):
    """The stack config lacks what a vendor's client needs; the message says which key to set."""


def configure_from_request(req: ConfigureRequest) -> None:
    """Take the settings from stack config (``mailfleet:baseUrl``, secret ``mailfleet:apiKey``, optional
    ``mailfleet:rateLimit`` and ``mailfleet:rateLimitFile``; ``mailfleet:instantlyBaseUrl``, secret
    ``mailfleet:instantlyApiKey`` and workspaces' own key references)."""
    configure(req.config.get)


def configure(get: Callable[[str], Any]) -> None:
    global _settings, _settings_error, _client, _config
    try:
        settings: ConnectionSettings | None = ConnectionSettings.from_config(get)
        error = None
    except ValueError as problem:
        settings, error = None, str(problem)
    with _lock:
        _config = get
        _settings_error = error
        if settings != _settings:
            _settings = settings
            _client = None


def _require_settings() -> ConnectionSettings:
    if _settings is None:
        raise NotConfiguredError(_settings_error or "the mailfleet provider was not configured (no stack config)")
    return _settings


def base_url() -> str:
    """The Smartlead base URL the process talks to (keys the deep-check bookkeeping)."""
    with _lock:
        return _require_settings().base_url


def client() -> SmartleadClient:
    """The process's Smartlead client, created on first use."""
    global _client
    with _lock:
        settings = _require_settings()
        if _client is None:
            _client = settings.client(on_request=_count_request)
        return _client


def instantly_base_url() -> str:
    with _lock:
        return vendors.instantly_base_url(_config)


def instantly_client(workspace: Mapping[str, Any]) -> InstantlyClient:
    """The client of one Instantly workspace, created on first use and shared by the process's threads."""
    try:
        api_key = vendors.workspace_api_key(workspace, _config)
    except vendors.WorkspaceKeyError as error:
        raise NotConfiguredError(str(error)) from None
    register_secret(api_key)
    url = instantly_base_url()
    acting_as = vendors.acting_workspace(workspace)
    with _lock:
        found = _instantly.get((url, api_key, acting_as))
        if found is None:
            found = InstantlyClient(url, api_key, workspace_id=acting_as, on_request=_count_request)
            _instantly[(url, api_key, acting_as)] = found
        return found


_requests = 0


def _count_request(_record: Any) -> None:
    global _requests
    with _count_lock:
        _requests += 1
        publish_request_count(_requests)


_count_lock = threading.Lock()

__all__ = ["RequestRecord", "base_url", "client", "configure_from_request", "instantly_client"]
