"""What every vendor client does the same way around its HTTP attempts: count and report them, retry them, read
JSON answers, and run creates that never duplicate. A vendor client subclasses :class:`VendorClient` and supplies
``_send_once`` (one paced attempt, raising the shared error tree) and the class attributes below.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar

import httpx

from mailfleet.api.errors import APIError, ServiceError, UnexpectedResponseError
from mailfleet.api.ratelimit import RateLimiter
from mailfleet.api.redact import redact_url
from mailfleet.api.retry import RetryPolicy, is_ambiguous, is_retryable, is_retryable_unsafe
from mailfleet.api.transport import RequestRecord

__all__ = ["VendorClient"]

T = TypeVar("T")


class VendorClient:
    """The shared half of a vendor client; the subclass's ``__init__`` sets the attributes declared here."""

    vendor: ClassVar[str]
    """The vendor's name in messages ("Smartlead")."""
    already_exists: ClassVar[type[APIError]]
    """The error a create answers when the record exists (after an ambiguous attempt: it was ours)."""
    logger: ClassVar[logging.Logger]

    _http: httpx.Client
    _limiter: RateLimiter
    _retry: RetryPolicy
    _on_request: Callable[[RequestRecord], None] | None
    request_count: int
    """HTTP attempts made (retries included), for commands that report what they cost."""

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def limiter(self) -> RateLimiter:
        return self._limiter

    # ------------------------------------------------------------------ attempts

    def _send_once(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None
    ) -> httpx.Response:
        raise NotImplementedError

    def _record(self, method: str, shown: str, status: int | None, started: float, error: str | None) -> None:
        self.request_count += 1
        elapsed = time.monotonic() - started
        self.logger.debug("%s %s -> %s in %.2fs", method, shown, status if status is not None else error, elapsed)
        if self._on_request is not None:
            self._on_request(RequestRecord(method, shown, status, elapsed, error))

    def _request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        idempotent: bool = True,
    ) -> httpx.Response:
        retry_on = is_retryable if idempotent else is_retryable_unsafe
        return self._retry.call(lambda: self._send_once(method, path, params=params, json=json), retry_on=retry_on)

    # ------------------------------------------------------------------ answers

    def _unexpected(self, response: httpx.Response, problem: str) -> UnexpectedResponseError:
        return UnexpectedResponseError(
            response.status_code,
            response.request.method,
            redact_url(response.request.url),
            problem,
            response.text,
        )

    def _json(self, response: httpx.Response) -> Any:
        """The JSON body, for endpoints whose answer we need; HTML or garbage is an error."""
        if not response.text.strip():
            raise self._unexpected(response, "the body is empty where JSON was expected")
        try:
            return response.json()
        except ValueError:
            kind = "an HTML page" if "<html" in response.text[:500].lower() else "malformed JSON"
            raise self._unexpected(response, f"the body is {kind} where JSON was expected") from None

    def _parse(self, response: httpx.Response, build: Callable[[Any], T], data: Any) -> T:
        try:
            return build(data)
        except (ValueError, TypeError, KeyError) as exc:
            raise self._unexpected(response, f"a record could not be read ({exc})") from None

    # ------------------------------------------------------------------ creates without duplicates

    def _create_once_or_find(self, send: Callable[[], T], find: Callable[[], T | None]) -> T:
        """Run a non-idempotent create with retries that never duplicate.

        After a failure that may have reached the server, ``find`` looks for the created record; if it
        is there, that is the result, otherwise the create is retried. A later "already exists" after
        such a failure also resolves through ``find``.
        """
        ambiguous_before = False

        def attempt() -> T:
            nonlocal ambiguous_before
            try:
                return send()
            except self.already_exists:
                if ambiguous_before:
                    found = find()
                    if found is not None:
                        return found
                raise
            except ServiceError as exc:
                if not is_ambiguous(exc):
                    raise
                ambiguous_before = True
                self.logger.warning("create may have reached %s (%s); looking it up before retrying", self.vendor, exc)
                found = find()
                if found is not None:
                    return found
                raise

        return self._retry.call(attempt, retry_on=is_retryable)
