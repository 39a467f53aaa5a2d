"""``InstantlyClient``: the Instantly API v2 over httpx, self-paced, retried and redacted.

The one I/O seam is ``transport`` (any ``httpx.BaseTransport``; tests pass ``httpx.MockTransport``). The key
travels as ``Authorization: Bearer KEY``, set by an inner transport at the last moment
(:mod:`mailfleet.api.transport`): the requests, URLs and headers this client logs or puts in errors never hold
it. ``workspace_id`` acts on a sub-workspace through an admin key (``x-as-workspace``).

Instantly has no idempotency keys: an account create is never re-sent blindly. After a failure that may have
reached the server (5xx, a dropped connection) the client looks the account up by email first and returns it if
the first attempt committed. Wire details the research leaves open are decided in ``INSTANTLY.md``.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import httpx

from mailfleet import __version__
from mailfleet.api.client import VendorClient
from mailfleet.api.errors import (
    APIError,
    ConflictError,
    NotFoundError,
)
from mailfleet.api.ratelimit import RateLimiter
from mailfleet.api.redact import install_log_filter
from mailfleet.api.retry import RetryPolicy
from mailfleet.api.transport import HeaderCredentialTransport, RequestRecord
from mailfleet.instantly.errors import JobFailedError, JobTimeoutError, error_for_response
from mailfleet.instantly.models import (
    Account,
    BackgroundJob,
    Campaign,
    CustomTag,
    DailyAccountStats,
    DailyWarmup,
    WarmupAnalytics,
    Webhook,
)
from mailfleet.instantly.pacing import workspace_limiter

__all__ = [
    "ANALYTICS_BATCH",
    "API_PREFIX",
    "DAILY_ANALYTICS_BATCH",
    "DEFAULT_BASE_URL",
    "PAGE_SIZE",
    "WARMUP_JOB_BATCH",
    "InstantlyClient",
]

API_PREFIX = "/api/v2"
DEFAULT_BASE_URL = "https://api.instantly.ai" + API_PREFIX
PAGE_SIZE = 100  # the largest `limit` a list takes
WARMUP_JOB_BATCH = 100  # emails per warmup enable/disable job
ANALYTICS_BATCH = 100  # emails per warmup-analytics call
DAILY_ANALYTICS_BATCH = 200  # emails per daily-analytics call
TAG_TOGGLE_BATCH = 100
RESOURCE_TYPE_ACCOUNT = 1  # toggle-resource's resource_type for sending accounts
# Without any rate-limit header, hold every thread on the workspace this long after a 429.
DEFAULT_429_PAUSE = 1.0
# Job polling: the first wait, then doubling up to the longest.
JOB_POLL_FIRST = 0.5
JOB_POLL_LONGEST = 5.0

T = TypeVar("T")


def _batches(items: Sequence[T], size: int) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def _email_path(email: str) -> str:
    return "/accounts/" + urllib.parse.quote(email.strip(), safe="")


def _with_prefix(base_url: str) -> str:
    """The base URL ending in ``/api/v2`` whether or not it was given with it."""
    base = base_url.rstrip("/")
    return base if base.endswith(API_PREFIX) else base + API_PREFIX


class InstantlyClient(VendorClient):
    """A synchronous Instantly v2 client. Thread-safe; close it (or use ``with``) when done.

    Every instance for the same (base URL, key, workspace) in a process shares one limiter (100/s and 6,000/min)
    unless ``limiter`` is given. ``retry``, ``clock`` and ``sleep`` are injectable so tests never wait.
    """

    vendor = "Instantly"
    already_exists = ConflictError
    logger = logging.getLogger("mailfleet.instantly")
    pause_after_429 = DEFAULT_429_PAUSE

    def __init__(
        self,
        base_url: str,
        api_key: str,
        *,
        workspace_id: str | None = None,
        transport: httpx.BaseTransport | None = None,
        timeout: float = 30.0,
        on_request: Callable[[RequestRecord], None] | None = None,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not api_key:
            raise ValueError("an Instantly API key is required")
        install_log_filter()
        self.base_url = _with_prefix(base_url)
        self.workspace_id = workspace_id
        self._limiter = limiter if limiter is not None else workspace_limiter(self.base_url, api_key, workspace_id)
        self._retry = retry if retry is not None else RetryPolicy(max_retries=5, logger_name=self.logger.name)
        self._clock = clock
        self._sleep = sleep
        self._on_request = on_request
        self.request_count = 0
        """HTTP attempts made (retries included), for commands that report what they cost."""
        headers = {"User-Agent": f"mailfleet/{__version__}", "Accept": "application/json"}
        if workspace_id:
            headers["x-as-workspace"] = workspace_id
        inner = transport if transport is not None else httpx.HTTPTransport(retries=0)
        self._http = httpx.Client(
            base_url=self.base_url + "/",
            transport=HeaderCredentialTransport(inner, {"Authorization": f"Bearer {api_key}"}),
            timeout=timeout,
            headers=headers,
            follow_redirects=False,
        )

    # ------------------------------------------------------------------ lifecycle

    def __repr__(self) -> str:
        return f"<InstantlyClient base_url={self.base_url!r} workspace={self.workspace_id!r}>"

    # ------------------------------------------------------------------ plumbing

    def _error(self, status: int, method: str, shown: str, body: str, *, retry_after: float | None) -> APIError:
        return error_for_response(status, method, shown, body, retry_after=retry_after)

    def _object(self, response: httpx.Response) -> Mapping[str, Any]:
        body = self._json(response)
        if not isinstance(body, Mapping):
            raise self._unexpected(response, "the body is not a JSON object")
        return body

    def _pages(self, path: str, params: Mapping[str, Any] | None = None) -> list[Mapping[str, Any]]:
        """Every item of a cursor-paginated list: stops on an empty page (the last may still carry a cursor)."""
        items: list[Mapping[str, Any]] = []
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            query = {**(params or {}), "limit": PAGE_SIZE, "starting_after": cursor}
            response = self._request("GET", path, params=query)
            body = self._object(response)
            page = body.get("items")
            if not isinstance(page, list):
                raise self._unexpected(response, "the body has no items list")
            if not page:
                return items
            items.extend(item for item in page if isinstance(item, Mapping))
            following = body.get("next_starting_after")
            if not isinstance(following, str) or not following:
                return items
            if following in seen:
                raise self._unexpected(response, f"the cursor {following!r} repeats: the list would never end")
            seen.add(following)
            cursor = following

    def _delete(self, path: str) -> None:
        """DELETE where a 404 means it is gone already: success."""
        try:
            self._request("DELETE", path)
        except NotFoundError:
            return

    # ------------------------------------------------------------------ accounts

    def list_accounts(
        self, *, search: str | None = None, tag_ids: Sequence[str] = (), include_tags: bool = False
    ) -> list[Account]:
        """Every account of the workspace (all pages); ``tag_ids`` keeps those carrying any of the tags."""
        params: dict[str, Any] = {"search": search}
        if tag_ids:
            params["tag_ids"] = ",".join(tag_ids)
        if include_tags:
            params["include_tags"] = "true"
        return [Account.from_api(item) for item in self._pages("/accounts", params)]

    def find_account(self, email: str) -> Account | None:
        """The account with this address, or None."""
        try:
            return self.get_account(email)
        except NotFoundError:
            return None

    def get_account(self, email: str) -> Account:
        response = self._request("GET", _email_path(email))
        return self._parse(response, Account.from_api, self._object(response))

    def create_account(self, body: Mapping[str, Any]) -> Account:
        """``POST /accounts`` with a full body (:func:`mailfleet.instantly.fields.create_body` plus ``email``).

        Never creates twice: after an ambiguous failure the account is looked up by email before any retry.
        """
        email = body.get("email")
        if not isinstance(email, str) or not email.strip():
            raise ValueError("an account create needs its email in the body")

        def send() -> Account:
            response = self._send_once("POST", "/accounts", json=dict(body))
            return self._parse(response, Account.from_api, self._object(response))

        return self._create_once_or_find(send, lambda: self.find_account(email))

    def patch_account(self, email: str, body: Mapping[str, Any]) -> Account:
        response = self._request("PATCH", _email_path(email), json=dict(body))
        return self._parse(response, Account.from_api, self._object(response))

    def delete_account(self, email: str) -> None:
        """Remove the account; one that does not exist (404) counts as removed."""
        self._delete(_email_path(email))

    def pause_account(self, email: str) -> Account:
        response = self._request("POST", _email_path(email) + "/pause")
        return self._parse(response, Account.from_api, self._object(response))

    def resume_account(self, email: str) -> Account:
        response = self._request("POST", _email_path(email) + "/resume")
        return self._parse(response, Account.from_api, self._object(response))

    # ------------------------------------------------------------------ warmup

    def enable_warmup(self, emails: Sequence[str]) -> list[BackgroundJob]:
        """Start warmup: one background job per 100 emails (``warmup_status`` changes when a job succeeds)."""
        return self._warmup_jobs("enable", emails)

    def disable_warmup(self, emails: Sequence[str]) -> list[BackgroundJob]:
        return self._warmup_jobs("disable", emails)

    def _warmup_jobs(self, action: str, emails: Sequence[str]) -> list[BackgroundJob]:
        jobs = []
        for batch in _batches(list(emails), WARMUP_JOB_BATCH):
            # Safe to repeat: a second job sets the same state.
            response = self._request("POST", f"/accounts/warmup/{action}", json={"emails": batch})
            jobs.append(self._parse(response, BackgroundJob.model_validate, self._object(response)))
        return jobs

    def get_background_job(self, job_id: str) -> BackgroundJob:
        response = self._request("GET", f"/background-jobs/{urllib.parse.quote(job_id, safe='')}")
        return self._parse(response, BackgroundJob.model_validate, self._object(response))

    def wait_for_jobs(self, jobs: Sequence[BackgroundJob], *, deadline_s: float = 120.0) -> list[BackgroundJob]:
        """Poll each job until it is done, waiting longer between rounds; the jobs' final states, in order.

        Raises :class:`JobFailedError` if any ended failed or cancelled, :class:`JobTimeoutError` if any was still
        running ``deadline_s`` seconds after the call began (on the injected monotonic clock).
        """
        deadline = self._clock() + deadline_s
        latest = {job.id: job for job in jobs}
        wait = JOB_POLL_FIRST
        while True:
            for job_id, job in list(latest.items()):
                if not job.done:
                    latest[job_id] = self.get_background_job(job_id)
            running = [job_id for job_id, job in latest.items() if not job.done]
            if not running:
                break
            left = deadline - self._clock()
            if left <= 0:
                raise JobTimeoutError(
                    f"background job(s) {', '.join(running)} still running after {deadline_s:g}s", running
                )
            self._sleep(min(wait, left))
            wait = min(wait * 2, JOB_POLL_LONGEST)
        final = [latest[job.id] for job in jobs]
        failed = [job for job in final if not job.succeeded]
        if failed:
            states = ", ".join(f"{job.id} {job.status}" for job in failed)
            raise JobFailedError(f"background job(s) did not succeed: {states}", [job.id for job in failed])
        return final

    def warmup_analytics(self, emails: Sequence[str]) -> dict[str, WarmupAnalytics]:
        """Warmup health of each address, 100 per call; every address asked about is a key (empty if no history)."""
        result: dict[str, WarmupAnalytics] = {}
        for batch in _batches(list(emails), ANALYTICS_BATCH):
            response = self._request("POST", "/accounts/warmup-analytics", json={"emails": batch})
            body = self._object(response)
            aggregates = body.get("aggregate_data") or {}
            daily = body.get("email_date_data") or {}
            if not isinstance(aggregates, Mapping) or not isinstance(daily, Mapping):
                raise self._unexpected(response, "aggregate_data / email_date_data are not objects")
            folded_aggregates = {str(k).casefold(): v for k, v in aggregates.items()}
            folded_daily = {str(k).casefold(): v for k, v in daily.items()}
            for email in batch:
                key = email.strip().casefold()
                aggregate = folded_aggregates.get(key) or {}
                days = folded_daily.get(key) or {}

                def build(data: tuple[Any, Any], email: str = email) -> WarmupAnalytics:
                    aggregate, days = data
                    return WarmupAnalytics.model_validate(
                        {
                            **aggregate,
                            "email": email,
                            "days": {str(day): DailyWarmup.model_validate(row) for day, row in days.items()},
                        }
                    )

                result[email] = self._parse(response, build, (aggregate, days))
        return result

    def daily_account_analytics(self, emails: Sequence[str], start: dt.date, end: dt.date) -> list[DailyAccountStats]:
        """Campaign sends and bounces per mailbox per day (the range at most 31 days), 200 mailboxes per call."""
        rows: list[DailyAccountStats] = []
        for batch in _batches(list(emails), DAILY_ANALYTICS_BATCH):
            params = {"start_date": start.isoformat(), "end_date": end.isoformat(), "emails": batch}
            response = self._request("GET", "/accounts/analytics/daily", params=params)
            body = self._json(response)
            items = body.get("items") if isinstance(body, Mapping) else body
            if not isinstance(items, list):
                raise self._unexpected(response, "the body is not a list of rows")
            rows.extend(self._parse(response, DailyAccountStats.model_validate, row) for row in items)
        return rows

    # ------------------------------------------------------------------ custom tags

    def list_tags(self) -> list[CustomTag]:
        return [CustomTag.model_validate(item) for item in self._pages("/custom-tags")]

    def create_tag(self, label: str, description: str = "") -> CustomTag:
        """A new tag; a label that already exists (after trim and casefold) is a :class:`ConflictError`."""
        wanted = label.strip().casefold()

        def send() -> CustomTag:
            response = self._send_once("POST", "/custom-tags", json={"label": label, "description": description})
            return self._parse(response, CustomTag.model_validate, self._object(response))

        def find() -> CustomTag | None:
            return next((t for t in self.list_tags() if t.label.strip().casefold() == wanted), None)

        return self._create_once_or_find(send, find)

    def delete_tag(self, tag_id: str) -> None:
        self._delete(f"/custom-tags/{urllib.parse.quote(tag_id, safe='')}")

    def toggle_tags(self, tag_ids: Sequence[str], emails: Sequence[str], *, assign: bool) -> None:
        """Assign (or unassign) tags to accounts, 100 accounts per call; repeating it changes nothing."""
        if not tag_ids or not emails:
            return
        for batch in _batches(list(emails), TAG_TOGGLE_BATCH):
            body = {
                "tag_ids": list(tag_ids),
                "resource_ids": batch,
                "resource_type": RESOURCE_TYPE_ACCOUNT,
                "assign": assign,
            }
            self._request("POST", "/custom-tags/toggle-resource", json=body)

    # ------------------------------------------------------------------ campaigns

    def get_campaign(self, campaign_id: str) -> Campaign:
        response = self._request("GET", f"/campaigns/{urllib.parse.quote(campaign_id, safe='')}")
        return self._parse(response, Campaign.model_validate, self._object(response))

    def set_campaign_senders(self, campaign_id: str, emails: Sequence[str]) -> Campaign:
        """Replace the campaign's senders (``email_list``) with ``emails``."""
        path = f"/campaigns/{urllib.parse.quote(campaign_id, safe='')}"
        response = self._request("PATCH", path, json={"email_list": list(emails)})
        return self._parse(response, Campaign.model_validate, self._object(response))

    # ------------------------------------------------------------------ webhooks

    def list_webhooks(self) -> list[Webhook]:
        return [Webhook.model_validate(item) for item in self._pages("/webhooks")]

    def get_webhook(self, webhook_id: str) -> Webhook:
        response = self._request("GET", f"/webhooks/{urllib.parse.quote(webhook_id, safe='')}")
        return self._parse(response, Webhook.model_validate, self._object(response))

    def create_webhook(
        self,
        *,
        url: str,
        event_type: str,
        name: str,
        campaign: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Webhook:
        """A new webhook. After an ambiguous failure, one with the same name, URL and event that did not exist
        before is taken as the first attempt's (the list is read once first for that)."""
        body: dict[str, Any] = {"target_hook_url": url, "event_type": event_type, "name": name}
        if campaign is not None:
            body["campaign"] = campaign
        if headers:
            body["headers"] = dict(headers)
        # Noted first (webhooks are few), so that a lookup after an ambiguous failure can tell ours apart.
        before = {hook.id for hook in self.list_webhooks()}

        def send() -> Webhook:
            response = self._send_once("POST", "/webhooks", json=body)
            return self._parse(response, Webhook.model_validate, self._object(response))

        def find() -> Webhook | None:
            fresh = [
                hook
                for hook in self.list_webhooks()
                if hook.id not in before
                and (hook.name, hook.target_hook_url, hook.event_type) == (name, url, event_type)
            ]
            return fresh[-1] if fresh else None

        return self._create_once_or_find(send, find)

    def update_webhook(self, webhook_id: str, **fields: Any) -> Webhook:
        """PATCH the given fields (wire names: ``target_hook_url``, ``event_type``, ``name``, ``headers``, ...)."""
        path = f"/webhooks/{urllib.parse.quote(webhook_id, safe='')}"
        response = self._request("PATCH", path, json=fields)
        return self._parse(response, Webhook.model_validate, self._object(response))

    def delete_webhook(self, webhook_id: str) -> None:
        self._delete(f"/webhooks/{urllib.parse.quote(webhook_id, safe='')}")
