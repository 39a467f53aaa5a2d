"""The one I/O seam of every vendor client: an ``httpx.BaseTransport`` that adds the credential at the last moment.

httpx's own Request objects, the URLs and headers the clients log or put in exceptions, and every
:class:`RequestRecord` are built before the credential is added, so none of them can hold it. Tests pass an
``httpx.MockTransport`` (or a real server's transport) as ``inner``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from mailfleet.api.errors import RequestTimeoutError, TransportError
from mailfleet.api.redact import register_secret

__all__ = ["HeaderCredentialTransport", "QueryCredentialTransport", "RequestRecord", "transport_error"]


@dataclass(frozen=True)
class RequestRecord:
    """What ``on_request`` hears about each HTTP attempt (URL already redacted)."""

    method: str
    url: str
    status: int | None
    elapsed: float
    error: str | None = None


class _CredentialTransport(httpx.BaseTransport):
    def __init__(self, inner: httpx.BaseTransport) -> None:
        self._inner = inner

    def _credited(self, request: httpx.Request) -> httpx.Request:
        raise NotImplementedError

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._inner.handle_request(self._credited(request))

    def close(self) -> None:
        self._inner.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} inner={type(self._inner).__name__}>"


class QueryCredentialTransport(_CredentialTransport):
    """Adds ``name=secret`` to each request's query (Smartlead's ``api_key``)."""

    def __init__(self, inner: httpx.BaseTransport, name: str, secret: str) -> None:
        super().__init__(inner)
        register_secret(secret)
        self._name = name
        self._secret = secret

    def _credited(self, request: httpx.Request) -> httpx.Request:
        return httpx.Request(
            request.method,
            request.url.copy_merge_params({self._name: self._secret}),
            headers=request.headers,
            stream=request.stream,
            extensions=request.extensions,
        )


class HeaderCredentialTransport(_CredentialTransport):
    """Sets secret headers on each request (Instantly's ``Authorization: Bearer KEY``)."""

    def __init__(self, inner: httpx.BaseTransport, headers: Mapping[str, str]) -> None:
        super().__init__(inner)
        for value in headers.values():
            register_secret(value)
            register_secret(value.partition(" ")[2])  # the bare token of "Bearer TOKEN"
        self._headers = dict(headers)

    def _credited(self, request: httpx.Request) -> httpx.Request:
        headers = request.headers.copy()
        headers.update(self._headers)
        return httpx.Request(
            request.method, request.url, headers=headers, stream=request.stream, extensions=request.extensions
        )


def transport_error(exc: httpx.HTTPError, method: str, shown: str) -> TransportError:
    """The shared error for an httpx failure that left no usable response; ``shown`` is the redacted URL."""
    if isinstance(exc, httpx.TimeoutException):
        never_sent = isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout)
        return RequestTimeoutError(
            method, shown, f"{type(exc).__name__}: {exc}", may_have_reached_server=not never_sent
        )
    never_sent = isinstance(exc, httpx.ConnectError)
    fixable = not isinstance(exc, httpx.UnsupportedProtocol | httpx.InvalidURL | httpx.DecodingError)
    return TransportError(
        method, shown, f"{type(exc).__name__}: {exc}", may_have_reached_server=not never_sent, retryable=fixable
    )
