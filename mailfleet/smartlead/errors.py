"""Errors raised by the Smartlead client.

SmartleadError                      talking to Smartlead failed (subclass of mailfleet.errors.MailfleetError)
├── TransportError                  no usable HTTP response: connection refused or dropped, DNS, TLS
│   └── RequestTimeoutError         connect, read, write or pool timeout
├── APIError                        Smartlead answered with an error status
│   ├── AuthenticationError         401: missing or wrong API key
│   ├── AccessDeniedError           403: plan without API access, or a Cloudflare block
│   ├── NotFoundError               404 (and 400 "not found" from suspend/unsuspend), or an unknown route
│   ├── RequestValidationError      400 / 422: Joi/celebrate validation, bad values
│   │   └── AlreadyExistsError      400 ACCOUNT_ALREADY_EXIST: that mailbox is already on the account
│   ├── VerificationFailedError     406 ACCOUNT_VERIFICATION_FAILED: SMTP/IMAP login failed on save
│   ├── RateLimitedError            429, still refused after every retry
│   └── ServerError                 5xx, including Cloudflare's 524 for a slow origin
└── UnexpectedResponseError         a 2xx whose body is not what the endpoint needs (bad JSON, HTML page)

Every message names the method and the endpoint with the API key replaced by ``***``, and quotes at
most a short, scrubbed excerpt of the body: Smartlead echoes credentials in some error bodies.
"""

from __future__ import annotations

from mailfleet.errors import MailfleetError
from mailfleet.smartlead.redact import scrub

__all__ = [
    "APIError",
    "AccessDeniedError",
    "AlreadyExistsError",
    "AuthenticationError",
    "NotFoundError",
    "RateLimitedError",
    "RequestTimeoutError",
    "RequestValidationError",
    "ServerError",
    "SmartleadError",
    "TransportError",
    "UnexpectedResponseError",
    "VerificationFailedError",
    "error_for_status",
]

BODY_EXCERPT_LENGTH = 300


def excerpt(body: str, limit: int = BODY_EXCERPT_LENGTH) -> str:
    """A one-line, scrubbed, shortened copy of a response body for messages."""
    flat = " ".join(scrub(body).split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    # Scrub again: cutting may have split a pattern such as api_key=... so that it no longer matched.
    return scrub(flat)


class SmartleadError(MailfleetError):
    """Talking to Smartlead failed. ``str(error)`` is safe to show: it holds no secret."""

    def __init__(self, message: str) -> None:
        self.message = scrub(message)
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


class TransportError(SmartleadError):
    """No usable HTTP response arrived.

    ``may_have_reached_server`` is False only when the request certainly never left (connection
    refused, DNS failure, connect timeout): a non-idempotent call may then be retried blindly.
    ``retryable`` is False for failures that another attempt cannot fix (an unsupported URL scheme).
    """

    def __init__(
        self,
        method: str,
        url_redacted: str,
        reason: str,
        *,
        may_have_reached_server: bool,
        retryable: bool = True,
    ) -> None:
        self.method = method
        self.url_redacted = scrub(url_redacted)
        self.reason = scrub(reason)
        self.may_have_reached_server = may_have_reached_server
        self.retryable = retryable
        super().__init__(f"{method} {self.url_redacted} failed: {self.reason}")


class RequestTimeoutError(TransportError):
    """The request timed out (connect, read, write or waiting for a pooled connection)."""


class APIError(SmartleadError):
    """Smartlead answered with an error status; ``body_excerpt`` is short and scrubbed."""

    def __init__(
        self,
        status: int,
        method: str,
        url_redacted: str,
        body_excerpt: str,
        *,
        detail: str = "",
    ) -> None:
        self.status = status
        self.method = method
        self.url_redacted = scrub(url_redacted)
        self.body_excerpt = excerpt(body_excerpt)
        what = detail or _STATUS_TEXT.get(status, "error")
        message = f"{method} {self.url_redacted} returned HTTP {status} ({what})"
        if self.body_excerpt:
            message += f": {self.body_excerpt}"
        super().__init__(message)


class AuthenticationError(APIError):
    """401: the API key is missing or wrong."""


class AccessDeniedError(APIError):
    """403: the plan has no API access, or Cloudflare refused the client."""


class NotFoundError(APIError):
    """404, or the 400 "not found" some endpoints use; also Express's ``Cannot GET ...`` (unknown route)."""


class RequestValidationError(APIError):
    """400/422: Smartlead rejected the request body or parameters."""


class AlreadyExistsError(RequestValidationError):
    """400 ACCOUNT_ALREADY_EXIST: a mailbox with that address is already on the account."""


class VerificationFailedError(APIError):
    """406 ACCOUNT_VERIFICATION_FAILED: Smartlead could not log in over SMTP or IMAP."""


class RateLimitedError(APIError):
    """429 after every retry; ``retry_after`` is the server's last hint in seconds, if any."""

    def __init__(
        self,
        status: int,
        method: str,
        url_redacted: str,
        body_excerpt: str,
        *,
        retry_after: float | None = None,
        detail: str = "",
    ) -> None:
        self.retry_after = retry_after
        super().__init__(status, method, url_redacted, body_excerpt, detail=detail)


class ServerError(APIError):
    """5xx or 524: Smartlead or Cloudflare failed; the request may or may not have taken effect."""


class UnexpectedResponseError(SmartleadError):
    """A successful status whose body does not have the shape the endpoint needs."""

    def __init__(self, status: int, method: str, url_redacted: str, problem: str, body_excerpt: str = "") -> None:
        self.status = status
        self.method = method
        self.url_redacted = scrub(url_redacted)
        self.problem = problem
        self.body_excerpt = excerpt(body_excerpt)
        message = f"{method} {self.url_redacted} returned HTTP {status} but {problem}"
        if self.body_excerpt:
            message += f": {self.body_excerpt}"
        super().__init__(message)


_STATUS_TEXT = {
    400: "bad request",
    401: "invalid API key",
    403: "access denied",
    404: "not found",
    406: "not acceptable",
    422: "validation failed",
    429: "rate limited",
    500: "server error",
    502: "bad gateway",
    503: "unavailable",
    504: "gateway timeout",
    524: "origin timed out behind Cloudflare",
}


def error_for_status(
    status: int,
    method: str,
    url_redacted: str,
    body: str,
    *,
    retry_after: float | None = None,
) -> APIError:
    """The right :class:`APIError` subclass for an error response (status >= 400)."""
    upper = body.upper()
    if status == 401:
        return AuthenticationError(status, method, url_redacted, body)
    if status == 403:
        cloudflare = "cloudflare" in body.lower()
        detail = "blocked by Cloudflare" if cloudflare else "access denied; does the plan include API access?"
        return AccessDeniedError(status, method, url_redacted, body, detail=detail)
    if status == 404:
        return NotFoundError(status, method, url_redacted, body)
    if status == 406 and "ACCOUNT_VERIFICATION_FAILED" in upper:
        return VerificationFailedError(status, method, url_redacted, body, detail="SMTP/IMAP verification failed")
    if status == 400 and "ALREADY_EXIST" in upper:
        return AlreadyExistsError(status, method, url_redacted, body, detail="already exists")
    # Suspend/unsuspend answer a missing account with 400 {success:false, message:"... not found ..."}.
    if status == 400 and "NOT FOUND" in upper:
        return NotFoundError(status, method, url_redacted, body)
    if status in (400, 406, 422):
        return RequestValidationError(status, method, url_redacted, body)
    if status == 429:
        return RateLimitedError(status, method, url_redacted, body, retry_after=retry_after)
    if status >= 500:
        return ServerError(status, method, url_redacted, body)
    return APIError(status, method, url_redacted, body)
