"""The credential seam: the secret is added on the way out, never seen by what logs or raises."""

from __future__ import annotations

import httpx
import pytest

from mailfleet.api.errors import RequestTimeoutError, TransportError
from mailfleet.api.redact import scrub
from mailfleet.api.transport import HeaderCredentialTransport, QueryCredentialTransport, transport_error

SECRET = "tok-5d1c9e7a3b2f"


def echo(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"url": str(request.url), "auth": request.headers.get("authorization")})


def test_the_query_credential_is_added_only_on_the_way_out() -> None:
    with httpx.Client(transport=QueryCredentialTransport(httpx.MockTransport(echo), "api_key", SECRET)) as client:
        response = client.get("https://vendor.test/things?limit=5")
    assert response.json()["url"] == f"https://vendor.test/things?limit=5&api_key={SECRET}"
    assert SECRET not in str(response.request.url)  # what httpx (and its log line) holds


def test_the_header_credential_is_added_only_on_the_way_out() -> None:
    transport = HeaderCredentialTransport(httpx.MockTransport(echo), {"Authorization": f"Bearer {SECRET}"})
    with httpx.Client(transport=transport) as client:
        response = client.get("https://vendor.test/things")
    assert response.json()["auth"] == f"Bearer {SECRET}"
    assert "authorization" not in response.request.headers
    assert SECRET not in repr(transport)


def test_credentials_are_registered_for_scrubbing() -> None:
    HeaderCredentialTransport(httpx.MockTransport(echo), {"Authorization": f"Bearer {SECRET}"})
    assert SECRET not in scrub(f"the server said {SECRET}")


@pytest.mark.parametrize(
    ("exc", "kind", "reached", "retryable"),
    [
        (httpx.ConnectError("refused"), TransportError, False, True),
        (httpx.ReadError("reset"), TransportError, True, True),
        (httpx.ConnectTimeout("slow"), RequestTimeoutError, False, True),
        (httpx.ReadTimeout("slow"), RequestTimeoutError, True, True),
        (httpx.UnsupportedProtocol("ftp"), TransportError, True, False),
    ],
)
def test_transport_errors_say_whether_the_server_may_have_acted(
    exc: httpx.HTTPError, kind: type[TransportError], reached: bool, retryable: bool
) -> None:
    error = transport_error(exc, "POST", "https://vendor.test/things")
    assert type(error) is kind
    assert (error.may_have_reached_server, error.retryable) == (reached, retryable)
    assert str(error).startswith("POST https://vendor.test/things failed:")
