"""Instantly's reading of an error response, and the errors of its background jobs.

Instantly answers every error with ``{statusCode, error, message}`` (research §4.5); the ``message`` becomes the
error's detail ("Workspace does not have an active paid plan", "Account already exists"). The classes are the
shared tree's (:mod:`mailfleet.api.errors`): 402 is :class:`PaymentRequiredError`, 409 :class:`ConflictError`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from mailfleet.api import errors as shared
from mailfleet.api.errors import APIError, ServiceError
from mailfleet.api.redact import scrub

__all__ = ["JobError", "JobFailedError", "JobTimeoutError", "error_for_response", "error_message"]

_MESSAGE_LENGTH = 200


def error_message(body: str) -> str:
    """The ``message`` of an Instantly error body (scrubbed, one line), or "" when the body has none."""
    try:
        parsed = json.loads(body)
    except ValueError:
        return ""
    if not isinstance(parsed, dict):
        return ""
    message = parsed.get("message")
    if isinstance(message, list):  # validation errors may come as a list of strings
        message = "; ".join(str(part) for part in message)
    if not isinstance(message, str):
        return ""
    return " ".join(scrub(message).split())[:_MESSAGE_LENGTH]


def error_for_response(
    status: int, method: str, url_redacted: str, body: str, *, retry_after: float | None = None
) -> APIError:
    """The :class:`APIError` subclass for an Instantly error response (status >= 400), its message as detail."""
    return shared.error_for_status(
        status, method, url_redacted, body, retry_after=retry_after, detail=error_message(body)
    )


class JobError(ServiceError):
    """A background job did not succeed; ``job_ids`` names the ones concerned."""

    def __init__(self, message: str, job_ids: Sequence[str]) -> None:
        self.job_ids = tuple(job_ids)
        super().__init__(message)


class JobFailedError(JobError):
    """A background job ended ``failed`` or ``cancelled``."""


class JobTimeoutError(JobError):
    """A background job was still running when the deadline passed."""
