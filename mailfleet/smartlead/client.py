"""``SmartleadClient``: the Smartlead REST API over httpx, paced, retried and redacted.

The one I/O seam is the ``transport`` argument (any ``httpx.BaseTransport``; tests pass
``httpx.MockTransport``). The API key is added to the query string by an inner transport, at the
last moment (:mod:`mailfleet.api.transport`): httpx's own Request objects, log lines and exceptions never hold it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar

import httpx

from mailfleet import __version__
from mailfleet.api.client import VendorClient
from mailfleet.api.errors import APIError
from mailfleet.api.ratelimit import RateLimiter, limiter_key, shared_limiter
from mailfleet.api.redact import MASK, install_log_filter, redact_url, register_secret
from mailfleet.api.transport import QueryCredentialTransport, RequestRecord
from mailfleet.smartlead._coerce import as_list, as_mapping, first, unwrap_list, unwrap_object
from mailfleet.smartlead.deliverability import HEALTH_METRICS_KEY, MAILBOX_STATISTICS_PAGE, MailboxSends
from mailfleet.smartlead.errors import (
    AlreadyExistsError,
    NotFoundError,
    SmartleadError,
    error_for_status,
)
from mailfleet.smartlead.models import (
    AccountSettings,
    CampaignWebhook,
    ClientApiKey,
    EmailAccount,
    EmailAccountWrite,
    SmartleadClientRecord,
    Tag,
    WarmupSettings,
    WarmupStats,
    Webhook,
    WebhookSummary,
    extract_client_id,
    extract_email_account_id,
    extract_id,
)
from mailfleet.smartlead.retry import RetryPolicy, is_ambiguous, is_retryable

__all__ = ["DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "RequestRecord", "SmartleadClient"]

DEFAULT_BASE_URL = "https://server.smartlead.ai/api/v1"
# Cloudflare gives up on slow origins at about 100-125 s (524); wait a little less for reads.
DEFAULT_TIMEOUT = httpx.Timeout(110.0, connect=15.0)
MAX_PAGE_SIZE = 100  # limit > 100 is rejected or, worse, silently returns no rows
TAG_MAPPING_BATCH = 25
# Without Retry-After, hold every thread on the key for one short window after a 429.
DEFAULT_429_PAUSE = 2.0

logger = logging.getLogger("mailfleet.smartlead")
T = TypeVar("T")


def _query_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _iso(moment: dt.datetime) -> str:
    """JavaScript's ``toISOString()`` form, which Smartlead's examples use: ``2024-01-31T23:59:59.999Z``."""
    if moment.tzinfo is None:
        raise ValueError(f"a time window needs timezone-aware datetimes, got {moment!r}")
    utc = moment.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _batches(items: Sequence[T], size: int) -> Iterable[list[T]]:
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


class SmartleadClient(VendorClient):
    """A synchronous Smartlead API client. Thread-safe; close it (or use ``with``) when done.

    Every instance for the same (base URL, key) in a process shares one rate limiter unless
    ``limiter`` is given. ``retry`` (or ``max_retries``) controls backoff; inject a ``RetryPolicy``
    with a fake ``sleep`` in tests.
    """

    vendor = "Smartlead"
    already_exists = AlreadyExistsError
    logger = logger
    pause_after_429 = DEFAULT_429_PAUSE

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str = "",
        *,
        transport: httpx.BaseTransport | None = None,
        limiter: RateLimiter | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = 5,
        retry: RetryPolicy | None = None,
        user_agent: str | None = None,
        on_request: Callable[[RequestRecord], None] | None = None,
    ) -> None:
        if not api_key:
            raise ValueError("a Smartlead API key is required")
        register_secret(api_key)
        install_log_filter()
        self.base_url = base_url.rstrip("/")
        self.key_name = limiter_key(self.base_url, api_key)
        """Which (base URL, key) this client speaks for, as a digest: names what is shared per key."""
        self._limiter = limiter if limiter is not None else shared_limiter(self.base_url, api_key)
        self._retry = retry if retry is not None else RetryPolicy(max_retries=max_retries)
        self.request_count = 0
        """HTTP attempts made (retries included), for commands that report what they cost."""
        self._on_request = on_request
        inner = transport if transport is not None else httpx.HTTPTransport(retries=0)
        self._http = httpx.Client(
            base_url=self.base_url + "/",
            transport=QueryCredentialTransport(inner, "api_key", api_key),
            timeout=timeout,
            # Cloudflare in front of Smartlead 403s some default client UAs: say who we are.
            headers={"User-Agent": user_agent or f"mailfleet/{__version__}", "Accept": "application/json"},
            follow_redirects=False,
        )

    # ------------------------------------------------------------------ lifecycle

    def __repr__(self) -> str:
        return f"<SmartleadClient base_url={self.base_url!r}>"

    # ------------------------------------------------------------------ plumbing

    def _query(self, params: Mapping[str, Any]) -> dict[str, Any]:
        return {k: _query_value(v) for k, v in params.items() if v is not None}

    def _shown(self, request: httpx.Request) -> str:
        # Shown as sent, key included (redact_url masks it), so logs tell an unkeyed call from a keyed one.
        return redact_url(request.url.copy_merge_params({"api_key": MASK}))

    def _error(self, status: int, method: str, shown: str, body: str, *, retry_after: float | None) -> APIError:
        return error_for_status(status, method, shown, body, retry_after=retry_after)

    @staticmethod
    def _decode(response: httpx.Response) -> Any:
        """JSON if it parses, else the text (Smartlead answers some writes with ``success`` or nothing)."""
        text = response.text
        if not text.strip():
            return None
        try:
            return response.json()
        except ValueError:
            return text

    def _json_list(self, response: httpx.Response, *keys: str) -> list[Mapping[str, Any]]:
        rows = unwrap_list(self._json(response), *keys)
        if rows is None:
            raise self._unexpected(response, "the body is not a JSON array")
        return [row for row in rows if isinstance(row, Mapping)]

    def _json_object(self, response: httpx.Response, *keys: str) -> Mapping[str, Any]:
        body = unwrap_object(self._json(response), *keys)
        if body is None:
            raise self._unexpected(response, "the body is not a JSON object")
        return body

    def _ok(self, response: httpx.Response) -> None:
        """A write's answer: anything goes except an explicit ``{ok|success: false}``."""
        body = self._decode(response)
        if isinstance(body, Mapping) and (body.get("ok") is False or body.get("success") is False):
            raise self._unexpected(response, "the body reports failure")

    def _post_create(
        self,
        path: str,
        body: Mapping[str, Any],
        new_id: Callable[[Any], int | None],
        made: Callable[[int], T],
        find: Callable[[], T | None],
        what: str,
    ) -> T:
        """One create request: the result built from the id the answer names, else what ``find`` finds."""
        response = self._send_once("POST", path, json=body)
        self._ok(response)
        created = new_id(self._decode(response))
        if created is not None:
            return made(created)
        found = find()
        if found is None:
            raise self._unexpected(response, f"it names no {what} id and the new {what} cannot be found")
        return found

    def _delete(self, method: str, path: str, *, json: Any = None) -> None:
        """An idempotent removal: a 404 after an earlier ambiguous attempt means it is already gone."""
        ambiguous_before = False

        def attempt() -> None:
            nonlocal ambiguous_before
            try:
                self._ok(self._send_once(method, path, json=json))
            except NotFoundError:
                if ambiguous_before:
                    return
                raise
            except SmartleadError as exc:
                ambiguous_before = ambiguous_before or is_ambiguous(exc)
                raise

        self._retry.call(attempt, retry_on=is_retryable)

    # ------------------------------------------------------------------ email accounts

    def list_email_accounts(
        self,
        *,
        client_id: int | None = None,
        username: str | None = None,
        fetch_campaigns: bool = False,
        page_size: int = MAX_PAGE_SIZE,
        **filters: str | int | bool,
    ) -> list[EmailAccount]:
        """Every account matching the filters, read page by page (offset/limit, limit <= 100).

        Extra ``filters`` pass through as query parameters (``emailWarmupStatus``, ``esp``,
        ``isInUse``, ``isSmtpSuccess``, ``isWarmupBlocked``).
        """
        limit = max(1, min(page_size, MAX_PAGE_SIZE))
        params: dict[str, Any] = {"client_id": client_id, "username": username, **filters}
        if fetch_campaigns:
            params["fetch_campaigns"] = True
        accounts: list[EmailAccount] = []
        seen: set[int] = set()
        offset = 0
        while True:
            response = self._request("GET", "/email-accounts/", params={**params, "offset": offset, "limit": limit})
            rows = self._json_list(response)
            page = [self._parse(response, EmailAccount.from_api, row) for row in rows]
            fresh = [a for a in page if a.id not in seen]
            if page and not fresh:
                # The server ignored offset and sent a page we already have: stop rather than loop forever.
                raise self._unexpected(response, f"the page at offset {offset} repeats earlier accounts")
            accounts.extend(fresh)
            seen.update(a.id for a in fresh)
            # No total or cursor: a short (or empty) page is the end. A page longer than asked for
            # means the server ignored limit and sent everything.
            if len(rows) != limit:
                return accounts
            offset += limit

    def get_email_account(self, account_id: int, *, fetch_campaigns: bool = False) -> EmailAccount:
        params = {"fetch_campaigns": True} if fetch_campaigns else None
        response = self._request("GET", f"/email-accounts/{int(account_id)}/", params=params)
        return self._parse(response, EmailAccount.from_api, self._json_object(response))

    def find_email_account(
        self,
        email: str,
        *,
        client_id: int | None = None,
        username: str | None = None,
    ) -> EmailAccount | None:
        """The account whose ``from_email`` is exactly ``email`` (case-insensitive), or None.

        Uses the server's partial ``username`` filter, then matches exactly here. It is not documented
        whether that filter looks at the SMTP login or the address, so when the login (``username``)
        differs from the address both are tried.
        """
        wanted = email.strip().casefold()
        terms = [email.strip()]
        if username and username.strip().casefold() != wanted:
            terms.append(username.strip())
        for term in terms:
            for account in self.list_email_accounts(client_id=client_id, username=term):
                if account.from_email.strip().casefold() == wanted:
                    return account
        return None

    def create_email_account(self, write: EmailAccountWrite) -> EmailAccount:
        """Create a mailbox and return it as stored, without ever creating it twice."""
        created = self._create_account(write)
        return created if isinstance(created, EmailAccount) else self.get_email_account(created)

    def create_email_account_id(self, write: EmailAccountWrite) -> int:
        """Create a mailbox and return its id: one request when all goes well (no read-back), never a duplicate."""
        created = self._create_account(write)
        return created.id if isinstance(created, EmailAccount) else created

    def _create_account(self, write: EmailAccountWrite) -> int | EmailAccount:
        """The new account's id, or the account itself when it had to be looked up.

        ``/save`` has no idempotency key, so after a timeout, dropped connection or 5xx the account
        is looked up by address first; only if it is absent is the create sent again.
        """
        for secret in write.secrets():
            register_secret(secret)
        body = write.to_body(None)

        def find() -> EmailAccount | None:
            return self.find_email_account(write.from_email, username=write.user_name)

        def as_result(account_id: int) -> int | EmailAccount:
            return account_id

        lookup: Callable[[], int | EmailAccount | None] = find

        def send() -> int | EmailAccount:
            return self._post_create(
                "/email-accounts/save", body, extract_email_account_id, as_result, lookup, "account"
            )

        return self._create_once_or_find(send, find)

    def save_email_account(self, account_id: int, write: EmailAccountWrite) -> None:
        """Full update, credentials included (``/save`` with the id); safe to repeat."""
        for secret in write.secrets():
            register_secret(secret)
        self._ok(self._request("POST", "/email-accounts/save", json=write.to_body(int(account_id))))

    def update_email_account(self, account_id: int, settings: AccountSettings) -> None:
        """Partial settings update (POST /email-accounts/{id}); sends only the fields that are set."""
        body = settings.to_body()
        if not body:
            return
        self._ok(self._request("POST", f"/email-accounts/{int(account_id)}", json=body))

    def set_warmup(self, account_id: int, settings: WarmupSettings) -> None:
        self._ok(self._request("POST", f"/email-accounts/{int(account_id)}/warmup", json=settings.to_body()))

    def get_warmup_stats(self, account_id: int) -> WarmupStats:
        response = self._request("GET", f"/email-accounts/{int(account_id)}/warmup-stats")
        body = self._json(response)
        if not isinstance(body, Mapping):
            raise self._unexpected(response, "the body is not a JSON object")
        return self._parse(response, WarmupStats.from_api, body)

    def suspend_email_account(self, account_id: int) -> None:
        self._ok(self._request("PUT", f"/email-accounts/suspend/{int(account_id)}"))

    def unsuspend_email_account(self, account_id: int) -> None:
        # Smartlead really does un-suspend with DELETE.
        self._ok(self._request("DELETE", f"/email-accounts/unsuspend/{int(account_id)}"))

    def delete_email_account(self, account_id: int) -> None:
        """Soft-delete a mailbox (DELETE /email-accounts/{id}); documented only since Nov 2025."""
        self._delete("DELETE", f"/email-accounts/{int(account_id)}")

    def reconnect_failed_email_accounts(self) -> None:
        """Ask Smartlead to reconnect every mailbox whose SMTP or IMAP connection failed (bulk, no ids).

        Reportedly limited to 3 calls a day, so it is retried only when the request certainly never left.
        """
        self._ok(self._request("POST", "/email-accounts/reconnect-failed-email-accounts", json={}, idempotent=False))

    # ------------------------------------------------------------------ clients

    def list_clients(self) -> list[SmartleadClientRecord]:
        response = self._request("GET", "/client/")
        return [self._parse(response, SmartleadClientRecord.from_api, row) for row in self._json_list(response)]

    def find_client(self, email: str) -> SmartleadClientRecord | None:
        wanted = email.strip().casefold()
        return next((c for c in self.list_clients() if c.email.strip().casefold() == wanted), None)

    def save_client(
        self,
        name: str,
        email: str,
        *,
        client_id: int | None = None,
        permission: Sequence[str] = ("full_access",),
    ) -> int:
        """Create (no ``client_id``) or update a white-label client; returns its id. Never duplicates."""
        body: dict[str, Any] = {"name": name, "email": email, "permission": list(permission)}
        if client_id is not None:
            body = {"id": int(client_id), **body}
            response = self._request("POST", "/client/save", json=body)
            self._ok(response)
            return extract_client_id(self._decode(response)) or int(client_id)

        def find() -> int | None:
            found = self.find_client(email)
            return found.id if found else None

        def send() -> int:
            return self._post_create("/client/save", body, extract_client_id, lambda i: i, find, "client")

        return self._create_once_or_find(send, find)

    # ------------------------------------------------------------------ client API keys

    def _client_key(self, response: httpx.Response, record: Mapping[str, Any]) -> ClientApiKey:
        # Registered before anything can put it in a message: it is masked everywhere from now on.
        register_secret(ClientApiKey.value_in(record))
        return self._parse(response, ClientApiKey.from_api, record)

    def _client_key_in(self, response: httpx.Response) -> ClientApiKey | None:
        """The key record, value included, that a create or reset answers with (``{ok, data: {...}}``), if any."""
        record = unwrap_object(self._decode(response))
        if record is None or record.get("id") is None or ClientApiKey.value_in(record) is None:
            return None
        return self._client_key(response, record)

    def list_client_api_keys(
        self,
        *,
        client_id: int | None = None,
        status: str | None = None,
        key_name: str | None = None,
    ) -> list[ClientApiKey]:
        """GET /client/api-key: the keys of every client, or of ``client_id``; ``status`` is ``active`` or
        ``inactive``; ``key_name`` matches part of the name."""
        params = {"clientId": None if client_id is None else int(client_id), "status": status, "keyName": key_name}
        response = self._request("GET", "/client/api-key", params=params)
        return [self._client_key(response, row) for row in self._json_list(response)]

    def create_client_api_key(self, client_id: int, key_name: str) -> ClientApiKey:
        """POST /client/api-key: a new key for a client, returned with its value. Never creates two.

        The keys that exist are noted first; after a failure that may have reached Smartlead, a new key with this
        name is looked for before the create is sent again.
        """
        cid = int(client_id)
        body = {"clientId": cid, "keyName": key_name}
        before = {k.id for k in self.list_client_api_keys(client_id=cid)}

        def find() -> ClientApiKey | None:
            fresh = [
                k for k in self.list_client_api_keys(client_id=cid) if k.id not in before and k.key_name == key_name
            ]
            return max(fresh, key=lambda k: k.id) if fresh else None

        def send() -> ClientApiKey:
            response = self._send_once("POST", "/client/api-key", json=body)
            self._ok(response)
            made = self._client_key_in(response) or find()
            if made is None:
                raise self._unexpected(response, "it holds no API key and the new key cannot be found")
            return made

        return self._create_once_or_find(send, find)

    def reset_client_api_key(self, key_id: int) -> ClientApiKey:
        """PUT /client/api-key/reset/{id}: a new value for the same key record; the old value stops working.

        Safe to retry: the value of the last reset is the one that works, and that is what is returned.
        """
        wanted = int(key_id)
        response = self._request("PUT", f"/client/api-key/reset/{wanted}")
        self._ok(response)
        made = self._client_key_in(response) or next((k for k in self.list_client_api_keys() if k.id == wanted), None)
        if made is None:
            raise self._unexpected(response, f"it holds no API key and key {wanted} cannot be found")
        return made

    def delete_client_api_key(self, key_id: int) -> None:
        self._delete("DELETE", f"/client/api-key/{int(key_id)}")

    # ------------------------------------------------------------------ tags

    def create_tag(self, name: str, color: str) -> Tag:
        """POST /tags. Not idempotent and unlistable, so it is retried only when nothing was sent."""
        response = self._request("POST", "/tags", json={"name": name, "color": color}, idempotent=False)
        body = self._decode(response)
        record = unwrap_object(body, "tag")
        if record is not None and first(record, "id", "tag_id") is not None:
            tag = self._parse(response, Tag.from_api, record)
            return Tag(tag.id, tag.name or name, tag.color or color)
        tag_id = extract_id(body, "id", "tagId", "tag_id")
        if tag_id is None:
            raise self._unexpected(response, "it names no tag id")
        return Tag(tag_id, name, color)

    def update_tag(self, tag_id: int, name: str, color: str) -> None:
        self._ok(
            self._request("POST", "/email-accounts/tag-manager", json={"id": int(tag_id), "name": name, "color": color})
        )

    def list_tags_for_emails(self, emails: Sequence[str]) -> dict[str, list[Tag]]:
        """Tags of each mailbox address (POST /email-accounts/tag-list); every address is a key."""
        result: dict[str, list[Tag]] = {email: [] for email in emails}
        by_folded = {email.strip().casefold(): email for email in emails}
        for batch in _batches(list(emails), MAX_PAGE_SIZE):
            response = self._request("POST", "/email-accounts/tag-list", json={"email_ids": batch})
            body = self._json(response)
            pairs: list[tuple[Any, Any]] = []
            rows = unwrap_list(body)
            if rows is not None:
                for row in rows:
                    row_map = as_mapping(row)
                    owner = first(row_map, "email", "from_email", "email_id", "email_account")
                    if "tags" in row_map:
                        pairs.extend((owner, tag) for tag in as_list(row_map["tags"]))
                    else:
                        # One row per (mailbox, tag).
                        pairs.append((owner, {**row_map, "id": first(row_map, "tag_id", "id")}))
            elif isinstance(body, Mapping):
                # {email: [tags]} (possibly inside data).
                mapping = as_mapping(body.get("data")) or body
                pairs.extend((owner, tag) for owner, tags in mapping.items() for tag in as_list(tags))
            else:
                raise self._unexpected(response, "the body is neither a list nor an object")
            for owner, tag in pairs:
                key = by_folded.get(str(owner).strip().casefold()) if owner is not None else None
                if key is None or not isinstance(tag, Mapping) or first(tag, "id", "tag_id") is None:
                    continue
                parsed = self._parse(response, Tag.from_api, tag)
                if parsed not in result[key]:
                    result[key].append(parsed)
        return result

    def map_tags(self, account_ids: Sequence[int], tag_ids: Sequence[int]) -> None:
        """Add tags to accounts, at most 25 accounts per call."""
        self._tag_mapping("POST", account_ids, tag_ids)

    def unmap_tags(self, account_ids: Sequence[int], tag_ids: Sequence[int]) -> None:
        self._tag_mapping("DELETE", account_ids, tag_ids)

    def _tag_mapping(self, method: str, account_ids: Sequence[int], tag_ids: Sequence[int]) -> None:
        if not account_ids or not tag_ids:
            return
        tags = [int(t) for t in tag_ids]
        for batch in _batches([int(a) for a in account_ids], TAG_MAPPING_BATCH):
            body = {"email_account_ids": batch, "tag_ids": tags}
            self._ok(self._request(method, "/email-accounts/tag-mapping", json=body))

    # ------------------------------------------------------------------ campaigns

    def list_campaign_accounts(self, campaign_id: int) -> list[EmailAccount]:
        response = self._request("GET", f"/campaigns/{int(campaign_id)}/email-accounts")
        return [self._parse(response, EmailAccount.from_api, row) for row in self._json_list(response)]

    def attach_accounts(
        self, campaign_id: int, account_ids: Sequence[int], *, auto_adjust_warmup: bool | None = None
    ) -> None:
        """Add mailboxes to a campaign. ``auto_adjust_warmup`` is sent only when given (the official CLI's
        ``--auto-adjust-warmup``; what Smartlead does with it is undocumented)."""
        if account_ids:
            body: dict[str, Any] = {"email_account_ids": [int(a) for a in account_ids]}
            if auto_adjust_warmup is not None:
                body["auto_adjust_warmup"] = auto_adjust_warmup
            self._ok(self._request("POST", f"/campaigns/{int(campaign_id)}/email-accounts", json=body))

    def detach_accounts(self, campaign_id: int, account_ids: Sequence[int]) -> None:
        if account_ids:
            body = {"email_account_ids": [int(a) for a in account_ids]}
            self._ok(self._request("DELETE", f"/campaigns/{int(campaign_id)}/email-accounts", json=body))

    # ------------------------------------------------------------------ campaign webhooks

    def list_campaign_webhooks(self, campaign_id: int) -> list[CampaignWebhook]:
        cid = int(campaign_id)
        response = self._request("GET", f"/campaigns/{cid}/webhooks")
        hooks = [self._parse(response, CampaignWebhook.from_api, row) for row in self._json_list(response)]
        # Rows may omit email_campaign_id; we know which campaign we asked about.
        return [h if h.campaign_id is not None else dataclasses.replace(h, campaign_id=cid) for h in hooks]

    def upsert_campaign_webhook(
        self,
        campaign_id: int,
        *,
        webhook_id: int | None = None,
        name: str,
        url: str,
        event_types: Sequence[str],
        categories: Sequence[str] = (),
    ) -> CampaignWebhook:
        """Create (no ``webhook_id``) or update a campaign webhook; returns it with its id.

        The upsert answers ``{ok: true}`` without an id, so a create notes the ids that exist first
        and afterwards picks the new one with the same name and URL; that also makes the create safe
        to retry after an ambiguous failure.
        """
        cid = int(campaign_id)
        path = f"/campaigns/{cid}/webhooks"
        body = {
            "id": webhook_id,
            "name": name,
            "webhook_url": url,
            "event_types": list(event_types),
            "categories": list(categories),
        }
        made = CampaignWebhook(
            id=0,
            name=name,
            url=url,
            campaign_id=cid,
            event_types=tuple(event_types),
            categories=tuple(categories),
        )
        if webhook_id is not None:
            self._ok(self._request("POST", path, json=body))
            return dataclasses.replace(made, id=int(webhook_id))

        before = {w.id for w in self.list_campaign_webhooks(cid)}

        def find() -> CampaignWebhook | None:
            fresh = [
                w for w in self.list_campaign_webhooks(cid) if w.id not in before and w.name == name and w.url == url
            ]
            return max(fresh, key=lambda w: w.id) if fresh else None

        def send() -> CampaignWebhook:
            return self._post_create(
                path,
                body,
                lambda answer: extract_id(answer, "id", "webhook_id"),
                lambda new_id: dataclasses.replace(made, id=new_id),
                find,
                "webhook",
            )

        return self._create_once_or_find(send, find)

    def delete_campaign_webhook(self, campaign_id: int, webhook_id: int) -> None:
        # The official CLI's form (id in the body); the path form reportedly 404s.
        self._delete("DELETE", f"/campaigns/{int(campaign_id)}/webhooks", json={"id": int(webhook_id)})

    def get_campaign_webhook_summary(
        self, campaign_id: int, from_time: dt.datetime, to_time: dt.datetime
    ) -> WebhookSummary:
        """Webhook deliveries of a campaign between two aware datetimes (both required by Smartlead)."""
        params = {"fromTime": _iso(from_time), "toTime": _iso(to_time)}
        response = self._request("GET", f"/campaigns/{int(campaign_id)}/webhooks/summary", params=params)
        return self._parse(response, WebhookSummary.from_api, self._json_object(response))

    def retrigger_failed_webhook_events(
        self, campaign_id: int, from_time: dt.datetime, to_time: dt.datetime
    ) -> int | None:
        """Send a campaign's failed webhook deliveries in the window again; returns how many, if Smartlead says.

        Not retried after a failure that may have reached Smartlead: that would deliver the events twice.
        """
        body = {"fromTime": _iso(from_time), "toTime": _iso(to_time)}
        path = f"/campaigns/{int(campaign_id)}/webhooks/retrigger-failed-events"
        response = self._request("POST", path, json=body, idempotent=False)
        self._ok(response)
        return extract_id(self._decode(response), "retriggered_count", "retriggeredCount", "count")

    # ------------------------------------------------------------------ account-wide webhooks

    @staticmethod
    def _webhook_body(
        *,
        url: str | None,
        name: str | None,
        association_type: str | None,
        client_id: int | None,
        campaign_id: int | None,
        event_types: Sequence[str] | None,
        category_ids: Sequence[int | str] | None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if url is not None:
            body["webhook_url"] = url
        if name is not None:
            body["name"] = name
        if association_type is not None:
            if association_type not in ("user", "client", "campaign"):
                raise ValueError(f"association_type must be user, client or campaign, not {association_type!r}")
            body["association_type"] = association_type
        if client_id is not None:
            body["client_id"] = int(client_id)
        if campaign_id is not None:
            body["email_campaign_id"] = int(campaign_id)
        if event_types is not None:
            body["event_type_map"] = {str(e): True for e in event_types}
        if category_ids is not None:
            body["category_id_map"] = {str(c): True for c in category_ids}
        return body

    def create_webhook(
        self,
        *,
        url: str,
        event_types: Sequence[str],
        association_type: str = "user",
        name: str | None = None,
        client_id: int | None = None,
        campaign_id: int | None = None,
        category_ids: Sequence[int | str] = (),
    ) -> int:
        """POST /webhook/create; returns the id. There is no list endpoint, so no lookup-and-retry:
        it is retried only when nothing was sent."""
        body = self._webhook_body(
            url=url,
            name=name,
            association_type=association_type,
            client_id=client_id,
            campaign_id=campaign_id,
            event_types=event_types,
            category_ids=category_ids,
        )
        response = self._request("POST", "/webhook/create", json=body, idempotent=False)
        self._ok(response)
        new_id = extract_id(self._decode(response), "id", "webhook_id")
        if new_id is None:
            raise self._unexpected(response, "it names no webhook id")
        return new_id

    def get_webhook(self, webhook_id: int) -> Webhook:
        response = self._request("GET", f"/webhook/{int(webhook_id)}")
        return self._parse(response, Webhook.from_api, self._json_object(response))

    def update_webhook(
        self,
        webhook_id: int,
        *,
        url: str | None = None,
        name: str | None = None,
        association_type: str | None = None,
        client_id: int | None = None,
        campaign_id: int | None = None,
        event_types: Sequence[str] | None = None,
        category_ids: Sequence[int | str] | None = None,
    ) -> None:
        """PUT /webhook/update/{id} with the fields given."""
        body = self._webhook_body(
            url=url,
            name=name,
            association_type=association_type,
            client_id=client_id,
            campaign_id=campaign_id,
            event_types=event_types,
            category_ids=category_ids,
        )
        self._ok(self._request("PUT", f"/webhook/update/{int(webhook_id)}", json=body))

    def delete_webhook(self, webhook_id: int) -> None:
        self._delete("DELETE", "/webhook/delete", json={"id": int(webhook_id)})

    # ------------------------------------------------------------------ deliverability (health)

    def campaign_mailbox_statistics(self, campaign_id: int, start: dt.date, end: dt.date) -> list[MailboxSends]:
        """Each mailbox's sends and bounces in one campaign between two dates, 20 rows a page."""
        window = {"start_date": start.isoformat(), "end_date": end.isoformat()}
        found: list[MailboxSends] = []
        offset = 0
        while True:
            response = self._request(
                "GET",
                f"/campaigns/{int(campaign_id)}/mailbox-statistics",
                params={**window, "offset": offset, "limit": MAILBOX_STATISTICS_PAGE},
            )
            rows = self._json_list(response)
            found.extend(self._parse(response, MailboxSends.from_campaign_row, row) for row in rows)
            if len(rows) < MAILBOX_STATISTICS_PAGE:
                return found
            offset += MAILBOX_STATISTICS_PAGE

    def mailbox_health_metrics(self, start: dt.date, end: dt.date) -> list[MailboxSends]:
        """Every mailbox's campaign sends and bounces between two dates in one call (may not answer for a key)."""
        params = {"start_date": start.isoformat(), "end_date": end.isoformat(), "full_data": True}
        response = self._request("GET", "/analytics/mailbox/name-wise-health-metrics", params=params)
        rows = self._json_list(response, HEALTH_METRICS_KEY)
        return [self._parse(response, MailboxSends.from_health_row, row) for row in rows]
