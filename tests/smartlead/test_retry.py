"""Which calls retry, which never do, how long they wait, and creates that never duplicate."""

from __future__ import annotations

import random
from collections.abc import Callable

import httpx
import pytest
import respx

from mailfleet.smartlead import (
    EmailAccountWrite,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    SmartleadClient,
    TransportError,
    WarmupSettings,
)
from mailfleet.smartlead.errors import AlreadyExistsError
from mailfleet.smartlead.retry import RetryPolicy, is_ambiguous, is_retryable, is_retryable_unsafe
from tests.smartlead._support import FakeClock, account_row, body_of

URL = "https://smartlead.test/api/v1/x?api_key=***"


def _write(email: str = "jane@acme.test") -> EmailAccountWrite:
    return EmailAccountWrite(
        from_email=email,
        from_name="Jane",
        user_name=email,
        password="pw-jane-123",
        smtp_host="smtp.acme.test",
        smtp_port=465,
        imap_host="imap.acme.test",
        imap_port=993,
        warmup=WarmupSettings(True, total_warmup_per_day=20),
    )


def test_predicates() -> None:
    refused = TransportError("GET", URL, "refused", may_have_reached_server=False)
    dropped = TransportError("GET", URL, "dropped", may_have_reached_server=True)
    hopeless = TransportError("GET", URL, "bad scheme", may_have_reached_server=False, retryable=False)
    limited = RateLimitedError(429, "GET", URL, "")
    server = ServerError(500, "GET", URL, "")
    assert all(is_retryable(e) for e in (refused, dropped, limited, server))
    assert not is_retryable(hopeless) and not is_retryable(ValueError())
    assert is_retryable_unsafe(refused) and is_retryable_unsafe(limited)
    assert not is_retryable_unsafe(dropped) and not is_retryable_unsafe(server)
    assert is_ambiguous(dropped) and is_ambiguous(server) and not is_ambiguous(refused)


def test_wait_grows_has_jitter_honours_retry_after_and_is_capped() -> None:
    policy = RetryPolicy(base=1.0, jitter=0.5, max_wait=100.0, rng=random.Random(1))
    waits = [policy.wait_for(n, None) for n in (1, 2, 3, 4)]
    for n, wait in enumerate(waits):
        assert 2**n <= wait <= 2**n + 0.5
    limited = RateLimitedError(429, "GET", URL, "", retry_after=60.0)
    assert policy.wait_for(1, limited) == 60.0
    assert policy.wait_for(9, None) == 100.0
    assert policy.wait_for(1, RateLimitedError(429, "GET", URL, "", retry_after=900.0)) == 100.0


def test_gives_up_after_max_retries_and_reraises_the_last_error() -> None:
    clock = FakeClock()
    calls = 0

    def fail() -> None:
        nonlocal calls
        calls += 1
        raise ServerError(500, "GET", URL, "")

    with pytest.raises(ServerError):
        RetryPolicy(max_retries=2, sleep=clock.sleep).call(fail)
    assert calls == 3
    assert len(clock.sleeps) == 2


@pytest.mark.parametrize(
    "failure",
    [
        httpx.Response(429, headers={"Retry-After": "7"}),
        httpx.Response(500),
        httpx.Response(502),
        httpx.Response(524),
        httpx.ReadTimeout("slow"),
        httpx.ConnectError("refused"),
        httpx.RemoteProtocolError("dropped"),
    ],
)
def test_idempotent_calls_retry(
    failure: httpx.Response | Exception, router: respx.Router, client: SmartleadClient
) -> None:
    route = router.get("/email-accounts/5/").mock(
        side_effect=[failure, httpx.Response(200, json=account_row(5, "a@b.test"))]
    )
    assert client.get_email_account(5).id == 5
    assert route.call_count == 2


def test_429_waits_at_least_retry_after_and_pauses_the_key(
    router: respx.Router, client: SmartleadClient, clock: FakeClock
) -> None:
    router.post("/email-accounts/5/warmup").mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "30"}), httpx.Response(200, json={"ok": True})]
    )
    client.set_warmup(5, WarmupSettings(False))
    assert clock() >= 1030.0
    assert max(clock.sleeps) >= 30.0


def test_rate_limited_error_after_retries_are_exhausted(
    router: respx.Router, make_client: Callable[..., SmartleadClient]
) -> None:
    route = router.get("/client/").respond(429, headers={"Retry-After": "2"})
    client = make_client(max_retries=2)
    with pytest.raises(RateLimitedError) as caught:
        client.list_clients()
    assert route.call_count == 3
    assert caught.value.retry_after == 2.0


@pytest.mark.parametrize("status", [400, 401, 403, 404, 406, 422])
def test_client_errors_never_retry(status: int, router: respx.Router, client: SmartleadClient) -> None:
    route = router.get("/email-accounts/5/").respond(status, text="no")
    with pytest.raises(Exception):  # noqa: B017 - the type is checked in test_errors
        client.get_email_account(5)
    assert route.call_count == 1


@pytest.mark.parametrize(
    "failure", [httpx.Response(500), httpx.Response(524), httpx.ReadTimeout("slow"), httpx.RemoteProtocolError("x")]
)
def test_create_never_retries_blindly_after_an_ambiguous_failure(
    failure: httpx.Response | Exception, router: respx.Router, client: SmartleadClient
) -> None:
    """The first create reached Smartlead; the lookup finds it; no second create is sent."""
    save = router.post("/email-accounts/save").mock(side_effect=[failure])
    lookup = router.get("/email-accounts/").respond(200, json=[account_row(77, "jane@acme.test")])
    account = client.create_email_account(_write())
    assert account.id == 77
    assert save.call_count == 1
    assert lookup.calls.last.request.url.params["username"] == "jane@acme.test"


def test_create_retries_when_the_lookup_finds_nothing(router: respx.Router, client: SmartleadClient) -> None:
    save = router.post("/email-accounts/save").mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.Response(200, json={"ok": True, "emailAccountId": 78})]
    )
    router.get("/email-accounts/").respond(200, json=[account_row(5, "other@acme.test")])
    router.get("/email-accounts/78/").respond(200, json=account_row(78, "jane@acme.test"))
    assert client.create_email_account(_write()).id == 78
    assert save.call_count == 2
    assert body_of(save.calls.last.request)["id"] is None


def test_create_retries_blindly_only_when_nothing_was_sent(router: respx.Router, client: SmartleadClient) -> None:
    save = router.post("/email-accounts/save").mock(
        side_effect=[
            httpx.ConnectError("refused"),
            httpx.Response(429, headers={"Retry-After": "1"}),
            httpx.Response(200, json={"ok": True, "emailAccountId": 79}),
        ]
    )
    lookup = router.get("/email-accounts/").respond(200, json=[])
    router.get("/email-accounts/79/").respond(200, json=account_row(79, "jane@acme.test"))
    assert client.create_email_account(_write()).id == 79
    assert save.call_count == 3
    assert lookup.call_count == 0


def test_already_exists_after_an_ambiguous_failure_resolves_by_lookup(
    router: respx.Router, client: SmartleadClient
) -> None:
    router.post("/email-accounts/save").mock(
        side_effect=[httpx.Response(502), httpx.Response(400, json={"error": "ACCOUNT_ALREADY_EXIST"})]
    )
    # Eventual consistency: the first lookup misses, the second finds it.
    router.get("/email-accounts/").mock(
        side_effect=[httpx.Response(200, json=[]), httpx.Response(200, json=[account_row(80, "jane@acme.test")])]
    )
    assert client.create_email_account(_write()).id == 80


def test_already_exists_on_a_first_create_is_an_error(router: respx.Router, client: SmartleadClient) -> None:
    router.post("/email-accounts/save").respond(400, json={"error": "ACCOUNT_ALREADY_EXIST"})
    lookup = router.get("/email-accounts/").respond(200, json=[account_row(80, "jane@acme.test")])
    with pytest.raises(AlreadyExistsError):
        client.create_email_account(_write())
    assert lookup.call_count == 0


def test_create_gives_up_with_the_last_error(router: respx.Router, make_client: Callable[..., SmartleadClient]) -> None:
    save = router.post("/email-accounts/save").mock(side_effect=httpx.ReadTimeout("slow"))
    router.get("/email-accounts/").respond(200, json=[])
    client = make_client(max_retries=2)
    with pytest.raises(RequestTimeoutError):
        client.create_email_account(_write())
    assert save.call_count == 3


def test_client_create_looks_up_by_email_after_an_ambiguous_failure(
    router: respx.Router, client: SmartleadClient
) -> None:
    save = router.post("/client/save").mock(side_effect=[httpx.Response(500)])
    router.get("/client/").respond(200, json=[{"id": 31, "name": "Acme", "email": "OPS@acme.test"}])
    assert client.save_client("Acme", "ops@acme.test") == 31
    assert save.call_count == 1


def test_tag_create_is_not_retried_after_a_server_error(router: respx.Router, client: SmartleadClient) -> None:
    route = router.post("/tags").respond(500)
    with pytest.raises(ServerError):
        client.create_tag("sales", "#fff")
    assert route.call_count == 1


def test_delete_after_an_ambiguous_failure_accepts_404(router: respx.Router, client: SmartleadClient) -> None:
    route = router.delete("/email-accounts/9").mock(
        side_effect=[httpx.ReadTimeout("slow"), httpx.Response(404, json={"errorCode": "ACCOUNT_NOT_FOUND"})]
    )
    client.delete_email_account(9)
    assert route.call_count == 2
