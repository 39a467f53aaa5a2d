"""Self-pacing per Instantly workspace: 100 requests a second and 6,000 a minute, both at once.

Instantly sends no rate-limit headers (research §4.5), so the client must never reach either limit: every client
acting on one workspace in a process shares one :class:`~mailfleet.api.ratelimit.RateLimiter` with both windows.
The registry is keyed by a hash of the base URL, the key and the ``x-as-workspace`` id, never the key
itself. ``file=`` / ``url=`` share the windows between processes, as for Smartlead.
"""

from __future__ import annotations

from pathlib import Path

from mailfleet.api.ratelimit import RateLimit, RateLimiter, shared_limiter

__all__ = ["INSTANTLY_RATES", "workspace_limiter"]

INSTANTLY_RATES: tuple[RateLimit, ...] = (RateLimit(100, 1.0), RateLimit(6000, 60.0))
"""Instantly's documented limits per workspace, paced to as they are: no margin is needed, because a request
holds its slot until its response is in (:meth:`~mailfleet.api.ratelimit.RateLimiter.request`)."""


def workspace_limiter(
    base_url: str,
    api_key: str,
    workspace_id: str | None = None,
    *,
    file: str | Path | None = None,
    url: str | None = None,
) -> RateLimiter:
    """The process-wide limiter of one workspace (the key's own, or ``workspace_id`` acted on through it)."""
    scope = f"{base_url.rstrip('/')}#instantly#{workspace_id or ''}"
    return shared_limiter(scope, api_key, rates=INSTANTLY_RATES, file=file, url=url)
