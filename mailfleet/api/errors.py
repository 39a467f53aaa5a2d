"""The error tree every vendor client raises (Smartlead, Instantly), rooted at :class:`ServiceError`.

ServiceError (= SmartleadError)     talking to a vendor's API failed (subclass of mailfleet.errors.MailfleetError)
├── TransportError                  no usable HTTP response: connection refused or dropped, DNS, TLS
│   └── RequestTimeoutError         connect, read, write or pool timeout
├── APIError                        the API answered with an error status
│   ├── AuthenticationError         401: missing or wrong API key
│   ├── PaymentRequiredError        402: the workspace has no active paid plan (Instantly)
│   ├── AccessDeniedError           403: plan without API access, or a Cloudflare block
│   ├── NotFoundError               404 (and Smartlead's 400 "not found" from suspend/unsuspend), or an unknown route
│   ├── ConflictError               409: the thing already exists (Instantly: a duplicate account or tag label)
│   ├── RequestValidationError      400 / 413 / 422: validation, bad values, a request too large
│   │   └── AlreadyExistsError      Smartlead's 400 ACCOUNT_ALREADY_EXIST: that mailbox is already on the account
│   ├── VerificationFailedError     Smartlead's 406 ACCOUNT_VERIFICATION_FAILED: SMTP/IMAP login failed on save
│   ├── RateLimitedError            429, still refused after every retry
│   └── ServerError                 5xx, including Cloudflare's 524 for a slow origin
├── UnexpectedResponseError         a 2xx whose body is not what the endpoint needs (bad JSON, HTML page)
└── JobError                        an Instantly background job did not succeed (mailfleet.instantly.errors)
    ├── JobFailedError              it ended failed or cancelled
    └── JobTimeoutError             it was still running at the deadline

Every message names the method and the endpoint with the API key replaced by ``***``, and quotes at
most a short, scrubbed excerpt of the body: Smartlead echoes credentials in some error bodies.
Which status becomes which class is each vendor's mapping (:func:`mailfleet.smartlead.errors.error_for_status`,
:func:`mailfleet.instantly.errors.error_for_response`); :func:`error_for_status` here is the common part.
"""

from __future__ import annotations

from mailfleet.api.redact import scrub
from mailfleet.errors import MailfleetError

__all__ = [
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
]


BODY_EXCERPT_LENGTH = 300


def excerpt(body: str, limit: int = BODY_EXCERPT_LENGTH) -> str:
    """A one-line, scrubbed, shortened copy of a response body for messages."""
    flat = " ".join(scrub(body).split())
    if len(flat) > limit:
        flat = flat[: limit - 1] + "…"
    # Scrub again: cutting may have split a pattern such as api_key=... so that it no longer matched.
    return scrub(flat)


class ServiceError(MailfleetError):
    """Talking to a vendor's API failed. ``str(error)`` is safe to show: it holds no secret."""

    def __init__(self, message: str) -> None:
        self.message = scrub(message)
        super().__init__(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.message!r})"


SmartleadError = ServiceError
"""The name the Smartlead client has always raised; the same class."""


class TransportError(ServiceError):
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


class APIError(ServiceError):
    """The API answered with an error status; ``body_excerpt`` is short and scrubbed."""

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


class PaymentRequiredError(APIError):
    """402: the workspace has no active paid plan (Instantly gates its API behind one)."""


class ConflictError(APIError):
    """409: what the request would create already exists."""


class AccessDeniedError(APIError):
    """403: the plan has no API access, or Cloudflare refused the client."""


class NotFoundError(APIError):
    """404, or the 400 "not found" some endpoints use; also Express's ``Cannot GET ...`` (unknown route)."""


class RequestValidationError(APIError):
    """400/413/422: the API rejected the request body or parameters."""


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
    """5xx or 524: the vendor (or Cloudflare) failed; the request may or may not have taken effect."""


class UnexpectedResponseError(ServiceError):
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
    402: "payment required",
    403: "access denied",
    404: "not found",
    406: "not acceptable",
    409: "conflict",
    413: "request too large",
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
    detail: str = "",
) -> APIError:
    """The :class:`APIError` subclass for an error status (>= 400) by status alone; vendors add their special cases."""
    classes: dict[int, type[APIError]] = {
        401: AuthenticationError,
        402: PaymentRequiredError,
        403: AccessDeniedError,
        404: NotFoundError,
        409: ConflictError,
        400: RequestValidationError,
        406: RequestValidationError,
        413: RequestValidationError,
        422: RequestValidationError,
    }
    if status == 429:
        return RateLimitedError(status, method, url_redacted, body, retry_after=retry_after, detail=detail)
    if status in classes:
        return classes[status](status, method, url_redacted, body, detail=detail)
    if status >= 500:
        return ServerError(status, method, url_redacted, body, detail=detail)
    return APIError(status, method, url_redacted, body, detail=detail)
