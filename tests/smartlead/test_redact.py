"""Secrets never reach messages, logs or reprs: unit tests, then every error path of the client."""

from __future__ import annotations

import logging
from collections.abc import Callable

import httpx
import pytest
import respx

from mailfleet.smartlead import SmartleadClient, SmartleadError
from mailfleet.smartlead.redact import MASK, RedactingFilter, Redactor, redact_url, register_secret, scrub
from tests.smartlead._support import API_KEY, BASE_URL


def test_redact_url_masks_api_key_only() -> None:
    shown = redact_url(f"{BASE_URL}/email-accounts/?offset=0&api_key={API_KEY}&limit=100")
    assert API_KEY not in shown
    assert f"api_key={MASK}" in shown
    assert "offset=0" in shown and "limit=100" in shown


def test_redact_url_accepts_httpx_url() -> None:
    shown = redact_url(httpx.URL(BASE_URL + "/client/", params={"api_key": "abcdef-not-shaped"}))
    assert "abcdef-not-shaped" not in shown


def test_scrub_known_secret_patterns_and_key_shape() -> None:
    redactor = Redactor(["hunter2-password"])
    text = (
        'save failed for {"user_name":"a","password":"p@ss \\"word","api_key":"zzz"} '
        "hunter2-password url?api_key=plainkey&x=1 key 11111111-2222-4333-8444-555555555555_abcdefg"
    )
    cleaned = redactor.scrub(text)
    for secret in (
        "hunter2-password",
        'p@ss \\"word',
        "plainkey",
        "zzz",
        "11111111-2222-4333-8444-555555555555_abcdefg",
    ):
        assert secret not in cleaned
    assert '"user_name":"a"' in cleaned


def test_short_secrets_are_not_registered() -> None:
    redactor = Redactor(["ab"])
    assert "ab" not in redactor
    assert redactor.scrub("abc") == "abc"


def test_log_filter_rewrites_records(caplog: pytest.LogCaptureFixture) -> None:
    register_secret("log-secret-123")
    logger = logging.getLogger("tests.smartlead.redact")
    logger.addFilter(RedactingFilter())
    try:
        with caplog.at_level(logging.DEBUG, logger="tests.smartlead.redact"):
            logger.warning("calling %s with %s", f"{BASE_URL}?api_key=x1y2z3", "log-secret-123")
    finally:
        logger.filters.clear()
    assert caplog.records
    assert "log-secret-123" not in caplog.text and "x1y2z3" not in caplog.text
    assert "calling" in caplog.text


def test_scrub_uses_registered_secrets() -> None:
    register_secret("registered-abc-999")
    assert scrub("x registered-abc-999 y") == f"x {MASK} y"


# ---------------------------------------------------------------------------- every error path

_HTML = "<html><body>Cannot GET /api/v1/nowhere " + API_KEY + "</body></html>"


def _respond(status: int, **kwargs: object) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, **kwargs)  # type: ignore[arg-type]

    return handler


def _raise(exc_type: type[httpx.TransportError]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        # The message echoes the full keyed URL, as a careless transport might.
        raise exc_type(f"boom talking to {request.url}", request=request)

    return handler


ERROR_PATHS: dict[str, Callable[[httpx.Request], httpx.Response]] = {
    "400": _respond(400, json={"statusCode": 400, "message": f'"api_key" {API_KEY} is not allowed'}),
    "401": _respond(401, json={"message": "Invalid API Key", "api_key": API_KEY}),
    "403": _respond(403, text="Access denied"),
    "403-cloudflare": _respond(403, text=f"<html>Cloudflare ray {API_KEY}</html>"),
    "404": _respond(404, text=_HTML),
    "406": _respond(406, json={"error": "ACCOUNT_VERIFICATION_FAILED", "password": "smtp-pass-1"}),
    "422": _respond(422, json={"error": "limit must be less than or equal to 100"}),
    "429": _respond(429, headers={"Retry-After": "1"}, json={"error": {"code": "RATE_LIMIT_EXCEEDED"}}),
    "500": _respond(500, text=f"Internal error at /?api_key={API_KEY}"),
    "502": _respond(502, text="bad gateway"),
    "524": _respond(524, text="<html>A timeout occurred</html>"),
    "malformed-json": _respond(200, text='{"id": 1, "api_key": "' + API_KEY),
    "html-200": _respond(200, text=_HTML),
    "connect-error": _raise(httpx.ConnectError),
    "connect-timeout": _raise(httpx.ConnectTimeout),
    "read-timeout": _raise(httpx.ReadTimeout),
    "write-timeout": _raise(httpx.WriteTimeout),
    "pool-timeout": _raise(httpx.PoolTimeout),
    "dropped": _raise(httpx.RemoteProtocolError),
    "read-error": _raise(httpx.ReadError),
}


@pytest.mark.parametrize("path_name", sorted(ERROR_PATHS))
def test_api_key_never_leaks_on_any_error_path(
    path_name: str,
    make_client: Callable[..., SmartleadClient],
    caplog: pytest.LogCaptureFixture,
) -> None:
    client = make_client(transport=httpx.MockTransport(ERROR_PATHS[path_name]), max_retries=1)
    with caplog.at_level(logging.DEBUG):
        with pytest.raises(SmartleadError) as caught:
            client.get_email_account(7)
        with pytest.raises(SmartleadError) as caught_list:
            client.list_email_accounts()
    for exc in (caught.value, caught_list.value):
        assert API_KEY not in str(exc)
        assert API_KEY not in repr(exc)
        assert exc.__cause__ is None or API_KEY not in repr(exc.__cause__)
        assert "/email-accounts/" in str(exc)  # the endpoint is named
        for value in vars(exc).values():
            assert API_KEY not in repr(value)
    assert caplog.records, "the client logs each attempt"
    for record in caplog.records:
        assert API_KEY not in record.getMessage()
    assert API_KEY not in caplog.text
    assert API_KEY not in repr(client)
    assert "smtp-pass-1" not in str(caught.value)


def test_key_reaches_the_transport_but_not_httpx_objects(
    router: respx.Router, make_client: Callable[..., SmartleadClient]
) -> None:
    route = router.get("/email-accounts/7/").respond(200, json={"id": 7, "from_email": "a@b.test"})
    client = make_client()
    client.get_email_account(7)
    assert route.calls.last.request.url.params["api_key"] == API_KEY
    # What httpx.Client itself holds (and logs) is the unkeyed request.
    response = client._http.get("email-accounts/7/")
    assert API_KEY not in repr(response.request) and API_KEY not in str(response.request.url)
