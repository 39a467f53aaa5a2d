"""The Smartlead API client.

Modules, one job each:
- ``client``     :class:`SmartleadClient`, every endpoint mailfleet uses (the transport is the one I/O seam).
- ``models``     typed read models (``from_api``) and write models (``to_body``, WRITE field names).
- ``errors``     Smartlead's reading of an error response; the tree itself is :mod:`mailfleet.api.errors`
                 (:class:`SmartleadError` is its root, :class:`mailfleet.api.errors.ServiceError`).
- ``ratelimit``, ``retry``, ``redact``, ``pg_limiter``: moved to :mod:`mailfleet.api` (shared with the Instantly
                 client) and importable from here as before.
"""

from mailfleet.smartlead.client import DEFAULT_BASE_URL, RequestRecord, SmartleadClient
from mailfleet.smartlead.errors import (
    AccessDeniedError,
    AlreadyExistsError,
    APIError,
    AuthenticationError,
    NotFoundError,
    RateLimitedError,
    RequestTimeoutError,
    RequestValidationError,
    ServerError,
    SmartleadError,
    TransportError,
    UnexpectedResponseError,
    VerificationFailedError,
)
from mailfleet.smartlead.models import (
    UNSET,
    AccountSettings,
    CampaignWebhook,
    ClientApiKey,
    DailyWarmupStat,
    EmailAccount,
    EmailAccountWrite,
    SmartleadClientRecord,
    Tag,
    WarmupDetails,
    WarmupSettings,
    WarmupStats,
    Webhook,
    WebhookSummary,
)
from mailfleet.smartlead.ratelimit import RateLimit, RateLimiter, shared_limiter
from mailfleet.smartlead.redact import redact_url, scrub
from mailfleet.smartlead.retry import RetryPolicy

__all__ = [
    "DEFAULT_BASE_URL",
    "UNSET",
    "APIError",
    "AccessDeniedError",
    "AccountSettings",
    "AlreadyExistsError",
    "AuthenticationError",
    "CampaignWebhook",
    "ClientApiKey",
    "DailyWarmupStat",
    "EmailAccount",
    "EmailAccountWrite",
    "NotFoundError",
    "RateLimit",
    "RateLimitedError",
    "RateLimiter",
    "RequestRecord",
    "RequestTimeoutError",
    "RequestValidationError",
    "RetryPolicy",
    "ServerError",
    "SmartleadClient",
    "SmartleadClientRecord",
    "SmartleadError",
    "Tag",
    "TransportError",
    "UnexpectedResponseError",
    "VerificationFailedError",
    "WarmupDetails",
    "WarmupSettings",
    "WarmupStats",
    "Webhook",
    "WebhookSummary",
    "redact_url",
    "scrub",
    "shared_limiter",
]
