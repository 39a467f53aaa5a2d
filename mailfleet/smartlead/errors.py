"""Errors raised by the Smartlead client: the shared tree (:mod:`mailfleet.api.errors`, whose docstring draws it)
and Smartlead's reading of an error response.

Smartlead's own cases on top of the status: 403 from Cloudflare, 406 ACCOUNT_VERIFICATION_FAILED, 400
ACCOUNT_ALREADY_EXIST, and the 400 "not found" that suspend/unsuspend answer for a missing account.
"""

from __future__ import annotations

from mailfleet.api import errors as shared
from mailfleet.api.errors import (
    BODY_EXCERPT_LENGTH,
    AccessDeniedError,
    AlreadyExistsError,
    APIError,
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PaymentRequiredError,
    RateLimitedError,
    RequestTimeoutError,
    RequestValidationError,
    ServerError,
    ServiceError,
    SmartleadError,
    TransportError,
    UnexpectedResponseError,
    VerificationFailedError,
    excerpt,
)

__all__ = [
    "BODY_EXCERPT_LENGTH",
    "APIError",
    "AccessDeniedError",
    "AlreadyExistsError",
    "AuthenticationError",
    "ConflictError",
    "NotFoundError",
    "PaymentRequiredError",
    "RateLimitedError",
    "RequestTimeoutError",
    "RequestValidationError",
    "ServerError",
    "ServiceError",
    "SmartleadError",
    "TransportError",
    "UnexpectedResponseError",
    "VerificationFailedError",
    "error_for_status",
    "excerpt",
]


def error_for_status(
    status: int,
    method: str,
    url_redacted: str,
    body: str,
    *,
    retry_after: float | None = None,
) -> APIError:
    """The right :class:`APIError` subclass for a Smartlead error response (status >= 400)."""
    upper = body.upper()
    if status == 403:
        cloudflare = "cloudflare" in body.lower()
        detail = "blocked by Cloudflare" if cloudflare else "access denied; does the plan include API access?"
        return AccessDeniedError(status, method, url_redacted, body, detail=detail)
    if status == 406 and "ACCOUNT_VERIFICATION_FAILED" in upper:
        return VerificationFailedError(status, method, url_redacted, body, detail="SMTP/IMAP verification failed")
    if status == 400 and "ALREADY_EXIST" in upper:
        return AlreadyExistsError(status, method, url_redacted, body, detail="already exists")
    # Suspend/unsuspend answer a missing account with 400 {success:false, message:"... not found ..."}.
    if status == 400 and "NOT FOUND" in upper:
        return NotFoundError(status, method, url_redacted, body)
    return shared.error_for_status(status, method, url_redacted, body, retry_after=retry_after)
