"""Status codes map onto the documented error tree; messages are short, named and scrubbed."""

from __future__ import annotations

import pytest

from mailfleet.errors import MailfleetError
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
    error_for_status,
)

URL = "https://smartlead.test/api/v1/email-accounts/save?api_key=***"


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, '"user_name" is required', RequestValidationError),
        (400, '{"error":"ACCOUNT_ALREADY_EXIST"}', AlreadyExistsError),
        (400, '{"success":false,"message":"Email account not found or does not belong to you"}', NotFoundError),
        (401, '{"message":"Invalid API Key"}', AuthenticationError),
        (403, "Access denied", AccessDeniedError),
        (404, "Cannot PATCH /api/v1/email-accounts/1", NotFoundError),
        (406, '{"error":"ACCOUNT_VERIFICATION_FAILED"}', VerificationFailedError),
        (406, "Unsupported value", RequestValidationError),
        (422, '{"error":"limit must be less than or equal to 100"}', RequestValidationError),
        (429, "{}", RateLimitedError),
        (500, "", ServerError),
        (503, "", ServerError),
        (524, "<html>timeout</html>", ServerError),
        (418, "teapot", APIError),
    ],
)
def test_error_for_status(status: int, body: str, expected: type[APIError]) -> None:
    error = error_for_status(status, "POST", URL, body)
    assert type(error) is expected
    assert error.status == status
    assert f"HTTP {status}" in str(error) and "/email-accounts/save" in str(error)


def test_tree_roots() -> None:
    assert issubclass(SmartleadError, MailfleetError)
    assert issubclass(RequestTimeoutError, TransportError)
    assert issubclass(AlreadyExistsError, RequestValidationError)
    for cls in (AuthenticationError, RateLimitedError, ServerError, VerificationFailedError):
        assert issubclass(cls, APIError)
    assert not issubclass(UnexpectedResponseError, APIError)


def test_cloudflare_block_is_named() -> None:
    error = error_for_status(403, "GET", URL, "<html>Attention Required! | Cloudflare</html>")
    assert "Cloudflare" in str(error)


def test_body_excerpt_is_short_and_scrubbed() -> None:
    body = '{"password": "do-not-show-me", "detail": "' + "x" * 2000 + '"}'
    error = error_for_status(400, "POST", URL, body)
    assert "do-not-show-me" not in str(error)
    assert len(error.body_excerpt) <= 300
    assert len(str(error)) < 500


def test_rate_limited_keeps_retry_after() -> None:
    error = error_for_status(429, "GET", URL, "", retry_after=60.0)
    assert isinstance(error, RateLimitedError) and error.retry_after == 60.0


def test_transport_error_flags() -> None:
    error = TransportError("GET", URL, "ConnectError: refused", may_have_reached_server=False)
    assert error.retryable and not error.may_have_reached_server
    assert str(error) == f"GET {URL} failed: ConnectError: refused"
    assert repr(error).startswith("TransportError(")
