"""InstantlyClient against an in-memory Instantly (httpx.MockTransport): pagination, retries without
duplicates, error mapping, redaction, background jobs and batching."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable

import httpx
import pytest

from mailfleet.api.errors import (
    AuthenticationError,
    ConflictError,
    NotFoundError,
    PaymentRequiredError,
    RateLimitedError,
    RequestValidationError,
    ServerError,
    UnexpectedResponseError,
)
from mailfleet.api.transport import RequestRecord
from mailfleet.instantly.client import InstantlyClient
from mailfleet.instantly.errors import JobFailedError, JobTimeoutError
from mailfleet.instantly.models import Account, BackgroundJob, Campaign
from tests.instantly._support import API_KEY, BASE_URL, FakeClock, FakeInstantly, Fault, error, transport

ACCOUNT = {
    "email": "ann@mail.example",
    "first_name": "Ann",
    "last_name": "Example",
    "provider_code": 1,
    "smtp_username": "ann@mail.example",
    "smtp_password": "smtp-pass-1234",
    "smtp_host": "smtp.mail.example",
    "smtp_port": 465,
    "imap_username": "ann@mail.example",
    "imap_password": "imap-pass-1234",
    "imap_host": "imap.mail.example",
    "imap_port": 993,
}


def paths(fake: FakeInstantly) -> list[str]:
    return [f"{r.method} {r.url.path}" for r in fake.requests]


def test_every_request_carries_the_bearer_key_and_the_workspace(
    fake: FakeInstantly, make_client: Callable[..., InstantlyClient]
) -> None:
    fake.seed("ann@mail.example")
    make_client(workspace_id="ws-42").get_account("ann@mail.example")
    sent = fake.requests[-1]
    assert sent.headers["authorization"] == f"Bearer {API_KEY}"
    assert sent.headers["x-as-workspace"] == "ws-42"
    assert sent.url.raw_path == b"/api/v2/accounts/ann%40mail.example"  # the address percent-encoded


def test_without_a_workspace_no_header_is_sent(fake: FakeInstantly, client: InstantlyClient) -> None:
    fake.seed("ann@mail.example")
    client.get_account("ann@mail.example")
    assert "x-as-workspace" not in fake.requests[-1].headers


def test_base_url_with_or_without_the_prefix(make_client: Callable[..., InstantlyClient]) -> None:
    assert make_client().base_url == BASE_URL + "/api/v2"
    with InstantlyClient(BASE_URL + "/api/v2/", API_KEY, transport=transport(lambda r: httpx.Response(200))) as c:
        assert c.base_url == BASE_URL + "/api/v2"


def test_pagination_follows_the_cursor_and_stops_on_an_empty_page(fake: FakeInstantly, client: InstantlyClient) -> None:
    fake.page_size = 2
    for n in range(5):
        fake.seed(f"m{n}@mail.example")
    accounts = client.list_accounts()
    assert [a.email for a in accounts] == [f"m{n}@mail.example" for n in range(5)]
    lists = [r for r in fake.requests if r.url.path == "/api/v2/accounts"]
    # 3 pages with rows, the third still carrying a cursor, then the empty page that ends the list.
    assert len(lists) == 4
    assert lists[0].url.params.get("starting_after") is None
    assert lists[1].url.params["starting_after"] == "2026-01-01T00:00:02.000Z&m1@mail.example"
    assert lists[0].url.params["limit"] == "100"


def test_a_repeating_cursor_is_an_error_not_a_loop(make_client: Callable[..., InstantlyClient]) -> None:
    def same_page(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"items": [{"email": "a@b.example"}], "next_starting_after": "c1"})

    with pytest.raises(UnexpectedResponseError, match="repeats"):
        make_client(transport=transport(same_page)).list_accounts()


def test_list_filters_pass_through(fake: FakeInstantly, client: InstantlyClient) -> None:
    client.list_accounts(search="ann", tag_ids=["t1", "t2"], include_tags=True)
    params = fake.requests[-1].url.params
    assert (params["search"], params["tag_ids"], params["include_tags"]) == ("ann", "t1,t2", "true")


def test_accounts_never_keep_a_password(fake: FakeInstantly, client: InstantlyClient) -> None:
    def leaky(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={**ACCOUNT, "warmup": {"limit": 10, "smtp_password": "x"}})

    with InstantlyClient(BASE_URL, API_KEY, transport=transport(leaky), limiter=client.limiter) as leaking:
        account = leaking.get_account("ann@mail.example")
    text = json.dumps(dict(account.raw)) + repr(account)
    assert "pass-1234" not in text and "smtp_password" not in text
    assert account.warmup is not None and account.warmup.limit == 10


def test_find_account_is_none_for_404(client: InstantlyClient) -> None:
    assert client.find_account("nobody@mail.example") is None
    with pytest.raises(NotFoundError):
        client.get_account("nobody@mail.example")


def test_create_then_patch_pause_resume_delete(fake: FakeInstantly, client: InstantlyClient) -> None:
    created = client.create_account(ACCOUNT)
    assert created.email == "ann@mail.example" and created.provider_code == 1
    patched = client.patch_account("ann@mail.example", {"daily_limit": 30})
    assert patched.daily_limit == 30
    client.delete_account("ann@mail.example")
    client.delete_account("ann@mail.example")  # gone already: 404 is success
    assert fake.accounts == {}


def test_pause_and_resume_post_to_the_account(client: InstantlyClient) -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(f"{request.method} {request.url.path}")
        status = 2 if request.url.path.endswith("/pause") else 1
        return httpx.Response(200, json={"email": "ann@mail.example", "status": status})

    with InstantlyClient(BASE_URL, API_KEY, transport=transport(handler), limiter=client.limiter) as c:
        assert c.pause_account("ann@mail.example").paused
        assert not c.resume_account("ann@mail.example").paused
    assert seen == ["POST /api/v2/accounts/ann@mail.example/pause", "POST /api/v2/accounts/ann@mail.example/resume"]


def test_a_5xx_after_a_committed_create_leaves_no_duplicate(fake: FakeInstantly, client: InstantlyClient) -> None:
    fake.faults.append(Fault("POST", "/accounts", 502, after_commit=True))
    created = client.create_account(ACCOUNT)
    assert created.email == "ann@mail.example"
    assert len(fake.accounts) == 1
    # One create, then the lookup by email that found it: never a second create.
    assert paths(fake) == ["POST /api/v2/accounts", "GET /api/v2/accounts/ann@mail.example"]


def test_a_5xx_before_commit_is_retried_after_the_lookup(fake: FakeInstantly, client: InstantlyClient) -> None:
    fake.faults.append(Fault("POST", "/accounts", 503))
    client.create_account(ACCOUNT)
    assert len(fake.accounts) == 1
    assert paths(fake) == [
        "POST /api/v2/accounts",
        "GET /api/v2/accounts/ann@mail.example",
        "POST /api/v2/accounts",
    ]


def test_a_duplicate_create_is_a_conflict(fake: FakeInstantly, client: InstantlyClient) -> None:
    fake.seed("ann@mail.example")
    with pytest.raises(ConflictError, match="Account already exists") as raised:
        client.create_account(ACCOUNT)
    assert raised.value.status == 409
    assert [r.method for r in fake.requests] == ["POST"]


def test_a_create_without_email_is_refused_before_sending(fake: FakeInstantly, client: InstantlyClient) -> None:
    with pytest.raises(ValueError, match="email"):
        client.create_account({"first_name": "x"})
    assert fake.requests == []


def test_429_without_headers_is_recovered(fake: FakeInstantly, client: InstantlyClient, clock: FakeClock) -> None:
    fake.seed("ann@mail.example")
    fake.faults.append(Fault("GET", "/accounts/ann@mail.example", 429, count=2))
    assert client.get_account("ann@mail.example").email == "ann@mail.example"
    assert len(fake.requests) == 3
    assert clock.sleeps and all(s > 0 for s in clock.sleeps)  # backed off, on the injected clock


def test_429_on_a_create_retries_the_create(fake: FakeInstantly, client: InstantlyClient) -> None:
    fake.faults.append(Fault("POST", "/accounts", 429))
    client.create_account(ACCOUNT)
    assert paths(fake) == ["POST /api/v2/accounts", "POST /api/v2/accounts"]
    assert len(fake.accounts) == 1


def test_429_after_every_retry_is_rate_limited(make_client: Callable[..., InstantlyClient]) -> None:
    def always(request: httpx.Request) -> httpx.Response:
        return error(429, "Rate limit exceeded", "Too Many Requests")

    with pytest.raises(RateLimitedError, match="Rate limit exceeded"):
        make_client(transport=transport(always), max_retries=2).get_account("a@b.example")


def test_5xx_reads_are_retried_then_raised(make_client: Callable[..., InstantlyClient]) -> None:
    calls: list[int] = []

    def failing(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        return error(500, "Internal Server Error")

    with pytest.raises(ServerError):
        make_client(transport=transport(failing), max_retries=2).get_account("a@b.example")
    assert len(calls) == 3


def test_a_dropped_connection_on_a_read_is_retried(
    fake: FakeInstantly, make_client: Callable[..., InstantlyClient]
) -> None:
    fake.seed("ann@mail.example")
    dropped = [True]

    def flaky(request: httpx.Request) -> httpx.Response:
        if dropped.pop() if dropped else False:
            raise httpx.ReadError("connection reset", request=request)
        return fake.handler(request)

    assert make_client(transport=transport(flaky)).get_account("ann@mail.example").email == "ann@mail.example"


@pytest.mark.parametrize(
    ("status", "message", "kind"),
    [
        (402, "Workspace does not have an active paid plan", PaymentRequiredError),
        (401, "Missing Authorization header", AuthenticationError),
        (400, "body must have required property 'email'", RequestValidationError),
        (404, "Resource not found", NotFoundError),
    ],
)
def test_error_bodies_map_to_the_shared_tree_with_their_message(
    make_client: Callable[..., InstantlyClient], status: int, message: str, kind: type[Exception]
) -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return error(status, message)

    with pytest.raises(kind) as raised:
        make_client(transport=transport(answer)).get_account("a@b.example")
    assert message in str(raised.value)
    assert f"HTTP {status}" in str(raised.value)


def test_the_key_is_never_in_errors_records_or_logs(
    make_client: Callable[..., InstantlyClient], caplog: pytest.LogCaptureFixture
) -> None:
    records: list[RequestRecord] = []

    def echo(request: httpx.Request) -> httpx.Response:
        # A hostile server echoing the credential back in the error body.
        return error(500, f"bad auth {request.headers['authorization']} for key {API_KEY}")

    caplog.set_level(logging.DEBUG)
    client = make_client(transport=transport(echo), on_request=records.append, max_retries=1)
    with pytest.raises(ServerError) as raised:
        client.get_account("ann@mail.example")
    logging.getLogger("mailfleet.instantly").warning("header was Authorization: Bearer %s", API_KEY)
    shown = str(raised.value) + repr(raised.value) + caplog.text + repr(records)
    assert API_KEY not in shown
    assert "header was Authorization: ***" in caplog.text
    assert records and all(r.url.startswith(BASE_URL) for r in records)
    assert "retrying" in caplog.text  # the retry warning went through the same filter


def test_warmup_jobs_are_batched_100_per_job(fake: FakeInstantly, client: InstantlyClient) -> None:
    emails = [f"m{n}@mail.example" for n in range(250)]
    jobs = client.enable_warmup(emails)
    assert len(jobs) == 3
    sizes = [len(json.loads(r.content)["emails"]) for r in fake.requests]
    assert sizes == [100, 100, 50]
    assert [r.url.path for r in fake.requests] == ["/api/v2/accounts/warmup/enable"] * 3
    client.disable_warmup(emails[:1])
    assert fake.requests[-1].url.path == "/api/v2/accounts/warmup/disable"


def test_jobs_are_polled_to_success_with_growing_waits(
    fake: FakeInstantly, client: InstantlyClient, clock: FakeClock
) -> None:
    fake.job_script = ["pending", "in-progress", "in-progress", "success"]
    jobs = client.enable_warmup(["ann@mail.example"])
    done = client.wait_for_jobs(jobs, deadline_s=60)
    assert [j.status for j in done] == ["success"]
    assert clock.sleeps == [0.5, 1.0, 2.0]


def test_a_failed_job_raises(fake: FakeInstantly, client: InstantlyClient) -> None:
    fake.job_script = ["in-progress", "failed"]
    jobs = client.enable_warmup(["ann@mail.example"])
    with pytest.raises(JobFailedError, match="failed") as raised:
        client.wait_for_jobs(jobs)
    assert raised.value.job_ids == (jobs[0].id,)


def test_a_job_past_its_deadline_times_out(fake: FakeInstantly, client: InstantlyClient, clock: FakeClock) -> None:
    fake.job_script = ["in-progress"]
    jobs = client.enable_warmup(["ann@mail.example"])
    started = clock.now
    with pytest.raises(JobTimeoutError, match="still running") as raised:
        client.wait_for_jobs(jobs, deadline_s=10)
    assert raised.value.job_ids == (jobs[0].id,)
    assert clock.now - started == pytest.approx(10)  # the last wait is cut to the deadline


def test_finished_jobs_are_not_polled(fake: FakeInstantly, client: InstantlyClient) -> None:
    done = BackgroundJob(id="j-done", status="success")
    assert client.wait_for_jobs([done]) == [done]
    assert fake.requests == []


def test_warmup_analytics_batches_100_and_answers_every_email(fake: FakeInstantly, client: InstantlyClient) -> None:
    fake.seed("m0@mail.example")
    emails = [f"m{n}@mail.example" for n in range(230)]
    health = client.warmup_analytics(emails)
    assert [len(call) for call in fake.analytics_calls] == [100, 100, 30]
    assert set(health) == set(emails)
    assert health["m0@mail.example"].health_score == 75 and health["m0@mail.example"].has_history
    assert health["m0@mail.example"].days["2026-01-02"].landed_inbox == 3
    assert not health["m9@mail.example"].has_history


def test_daily_analytics_sends_repeated_emails_200_per_call(make_client: Callable[..., InstantlyClient]) -> None:
    seen: list[httpx.Request] = []

    def rows(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        emails = request.url.params.get_list("emails")
        return httpx.Response(
            200, json=[{"date": "2026-01-02", "email_account": e, "sent": 5, "bounced": 1} for e in emails]
        )

    client = make_client(transport=transport(rows))
    emails = [f"m{n}@mail.example" for n in range(250)]
    stats = client.daily_account_analytics(emails, dt.date(2026, 1, 1), dt.date(2026, 1, 7))
    assert [len(r.url.params.get_list("emails")) for r in seen] == [200, 50]
    assert seen[0].url.params["start_date"] == "2026-01-01" and seen[0].url.params["end_date"] == "2026-01-07"
    assert len(stats) == 250 and stats[0].bounced == 1


def test_tags_toggle_in_batches_and_create_conflicts(make_client: Callable[..., InstantlyClient]) -> None:
    seen: list[httpx.Request] = []

    def tags(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path.endswith("/toggle-resource"):
            return httpx.Response(200, json={"message": "ok"})
        if request.method == "POST":
            return error(409, "Custom tag with this label already exists", "Conflict")
        if request.method == "DELETE":
            return error(404, "Resource not found")
        return httpx.Response(200, json={"items": [{"id": "t1", "label": "Warm"}], "next_starting_after": None})

    client = make_client(transport=transport(tags))
    client.toggle_tags(["t1"], [f"m{n}@mail.example" for n in range(150)], assign=True)
    bodies = [json.loads(r.content) for r in seen]
    assert [len(b["resource_ids"]) for b in bodies] == [100, 50]
    assert bodies[0]["resource_type"] == 1 and bodies[0]["assign"] is True and bodies[0]["tag_ids"] == ["t1"]
    assert [t.label for t in client.list_tags()] == ["Warm"]
    with pytest.raises(ConflictError):
        client.create_tag("warm ")
    client.delete_tag("t-gone")  # 404: already gone


def test_campaign_senders_replace_the_email_list(make_client: Callable[..., InstantlyClient]) -> None:
    seen: list[httpx.Request] = []

    def campaign(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        emails = json.loads(request.content)["email_list"] if request.content else ["old@mail.example"]
        return httpx.Response(200, json={"id": "c-1", "name": "Outbound", "email_list": emails, "status": 1})

    client = make_client(transport=transport(campaign))
    assert client.get_campaign("c-1").email_list == ("old@mail.example",)
    updated = client.set_campaign_senders("c-1", ["a@mail.example", "b@mail.example"])
    assert updated.email_list == ("a@mail.example", "b@mail.example")
    assert (seen[-1].method, seen[-1].url.path) == ("PATCH", "/api/v2/campaigns/c-1")


def test_a_webhook_create_after_a_committed_5xx_is_not_repeated(make_client: Callable[..., InstantlyClient]) -> None:
    hooks: list[dict[str, object]] = [
        {"id": "w-0", "target_hook_url": "https://x.example/h", "event_type": "all_events", "name": "old"}
    ]
    posts: list[int] = []

    def webhooks(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            posts.append(1)
            hooks.append({**json.loads(request.content), "id": f"w-{len(hooks)}", "status": 1})
            return error(502, "Bad Gateway")
        return httpx.Response(200, json={"items": hooks, "next_starting_after": None})

    client = make_client(transport=transport(webhooks))
    made = client.create_webhook(
        url="https://x.example/h", event_type="all_events", name="replies", headers={"X-Auth": "hook-secret-99"}
    )
    assert made.id == "w-1" and posts == [1]
    assert "hook-secret-99" not in repr(made)


def test_models_tolerate_nulls_bare_tag_ids_and_unknown_keys() -> None:
    account = Account.from_api({"email": "a@b.example", "tags": ["t1", {"id": "t2", "label": "Warm"}], "new": 1})
    assert [(t.id, t.label) for t in account.tags] == [("t1", ""), ("t2", "Warm")]
    assert Account.from_api({"email": "a@b.example", "tags": None}).tags == ()
    assert Campaign.model_validate({"id": "c", "email_list": None}).email_list == ()
