"""What every vendor client does the same way around its HTTP attempts: count and report them, retry them, read
JSON answers, and run creates that never duplicate. A vendor client subclasses :class:`VendorClient` and supplies
the class attributes below and three small hooks: how its query values are written (``_query``), how a request's
URL is shown in logs and errors (``_shown``), and which error an error status is (``_error``).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar

import httpx

from mailfleet.api.errors import APIError, ServiceError, UnexpectedResponseError
from mailfleet.api.ratelimit import RateLimiter, parse_retry_after
from mailfleet.api.redact import redact_url
from mailfleet.api.retry import RetryPolicy, is_ambiguous, is_retryable, is_retryable_unsafe
from mailfleet.api.transport import RequestRecord, transport_error

__all__ = ["VendorClient"]

T = TypeVar("T")


class VendorClient:
    """The shared half of a vendor client; the subclass's ``__init__`` sets the attributes declared here."""

    vendor: ClassVar[str]
    """The vendor's name in messages ("Smartlead")."""
    already_exists: ClassVar[type[APIError]]
    """The error a create answers when the record exists (after an ambiguous attempt: it was ours)."""
    logger: ClassVar[logging.Logger]
    pause_after_429: ClassVar[float]
    """How long every thread on the key waits after a 429 that says nothing of when to come back."""

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

    def _query(self, params: Mapping[str, Any]) -> dict[str, Any]:
        """The query parameters as the vendor takes them (unset ones left out)."""
        return {k: v for k, v in params.items() if v is not None}

    def _shown(self, request: httpx.Request) -> str:
        """The request's URL for logs and errors, every credential masked."""
        return redact_url(request.url)

    def _error(self, status: int, method: str, shown: str, body: str, *, retry_after: float | None) -> APIError:
        """The shared tree's error for an error status (>= 400), with the vendor's special cases."""
        raise NotImplementedError

    def _send_once(
        self, method: str, path: str, *, params: Mapping[str, Any] | None = None, json: Any = None
    ) -> httpx.Response:
        """One paced HTTP attempt; raises the matching error of the shared tree for any failure."""
        query = self._query(params or {})
        request = self._http.build_request(method, path.lstrip("/"), params=query or None, json=json)
        shown = self._shown(request)
        try:
            # The slot is held until the response is in: the server counted the request at some moment in between.
            with self._limiter.request():
                started = time.monotonic()
                response = self._http.send(request)
        except httpx.HTTPError as exc:
            error = transport_error(exc, method, shown)
            self._record(method, shown, None, started, str(error))
            # `from None`: the httpx exception's request is harmless, but keep tracebacks short and clean.
            raise error from None
        self._limiter.observe(response.headers)
        status = response.status_code
        self._record(method, shown, status, started, None)
        if status < 400:
            return response
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if status == 429:
            self._limiter.pause(retry_after if retry_after is not None else self.pause_after_429)
        raise self._error(status, method, shown, response.text, retry_after=retry_after)

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
