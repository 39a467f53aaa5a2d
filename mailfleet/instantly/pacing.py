"""Self-pacing per Instantly workspace: 100 requests a second and 6,000 a minute, both at once.

Instantly sends no rate-limit headers (research §4.5), so the client must never reach either limit: every client
acting on one workspace in a process shares one :class:`~mailfleet.api.ratelimit.RateLimiter` with both windows.
The registry is keyed by a hash of the base URL, the key and the ``x-as-workspace`` id, never the key
itself. ``file=`` / ``url=`` share the windows between processes, as for Smartlead.
"""

from __future__ import annotations

from pathlib import Path

from mailfleet.api.ratelimit import RateLimit, RateLimiter, paced, shared_limiter

__all__ = ["INSTANTLY_RATES", "PACED_RATES", "workspace_limiter"]

INSTANTLY_RATES: tuple[RateLimit, ...] = (RateLimit(100, 1.0), RateLimit(6000, 60.0))
"""Instantly's documented limits per workspace."""
PACED_RATES: tuple[RateLimit, ...] = (INSTANTLY_RATES[0], paced(INSTANTLY_RATES[1]))
"""What the client paces to: the minute window a little longer (:func:`~mailfleet.api.ratelimit.paced`), so
requests delayed on the way never exceed it; in steady state it is the one that binds (6,000 per 60.25 s, 99.6/s).
The second window stays as documented: pyrate-limiter needs the longer window to be the tighter on average, and
a rare 429 from a burst bunched up on the way is retried."""


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
    return shared_limiter(scope, api_key, rates=PACED_RATES, file=file, url=url)
