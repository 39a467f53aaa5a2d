"""One paged listing of live accounts, shared by every ``read`` of a refresh.

A refresh calls ``read`` once per mailbox, on four threads. One GET per account would cost N requests (17 minutes
for 1,000 mailboxes at 60 requests a minute); listing every account costs ceil(N/100). The first ``read`` lists,
the others wait for it and then look up by id. An id missing from the listing is checked with one GET before it is
reported gone, so an account created after the listing is not mistaken for a deleted one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from mailfleet.deepcheck import DeepChecks, requested_ids, store_path
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.smartlead.errors import NotFoundError
from mailfleet.smartlead.models import EmailAccount, SmartleadClientRecord
from mailfleet.smartlead.shared_listing import publish_listing, shared_run_listing

# Long enough to cover one refresh; short enough that a long-lived process does not serve stale data. Within a
# fan-out run the listing comes from the run's file, which lasts for the whole run (shared_run_listing).
LISTING_TTL_SECONDS = 300.0


class AccountDirectory:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._by_id: dict[int, EmailAccount] | None = None
        self._listed_at = 0.0
        self._clients: list[SmartleadClientRecord] | None = None
        self._clients_listed_at = 0.0

    def _listing(self, client: SmartleadClient) -> dict[int, EmailAccount]:
        with self._lock:
            if self._by_id is None or self._clock() - self._listed_at > LISTING_TTL_SECONDS:
                accounts = shared_run_listing(client)
                self._by_id = {account.id: account for account in accounts}
                self._listed_at = self._clock()
                publish_listing(accounts)
            return self._by_id

    def get(self, client: SmartleadClient, account_id: int, *, by_id: bool = False) -> EmailAccount | None:
        """The account from the shared listing; ``by_id`` reads it by id (one request, every field)."""
        found = self._listing(client).get(account_id)
        if found is not None and not by_id:
            return found
        try:
            return client.get_email_account(account_id, fetch_campaigns=True)
        except NotFoundError:
            return None

    def clients(self, client: SmartleadClient) -> list[SmartleadClientRecord]:
        """Every Smartlead client, from one ``GET /client/`` shared by all tenants of the process."""
        with self._lock:
            if self._clients is None or self._clock() - self._clients_listed_at > LISTING_TTL_SECONDS:
                self._clients = client.list_clients()
                self._clients_listed_at = self._clock()
            return self._clients

    def peek(self, account_id: int) -> EmailAccount | None:
        """The account as of the listing this process already made, if any (no request)."""
        with self._lock:
            return None if self._by_id is None else self._by_id.get(account_id)

    def find_email(self, client: SmartleadClient, email: str) -> EmailAccount | None:
        wanted = email.strip().casefold()
        return next((a for a in self._listing(client).values() if a.from_email.strip().casefold() == wanted), None)

    def tag_named(self, client: SmartleadClient, name: str) -> int | None:
        """The id of a tag some live account carries under ``name`` (tags cannot be listed directly)."""
        for account in self._listing(client).values():
            for tag in account.tags:
                if tag.name == name:
                    return tag.id
        return None

    def forget(self) -> None:
        with self._lock:
            self._by_id = None
            self._clients = None


class DeepReads:
    """Which accounts a refresh reads by id: those ``MAILFLEET_DEEP_READ`` names (drift's slice, or all), and
    those the bookkeeping holds as drifted in a by-id field until an update writes them back."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[str, set[int]] = {}

    def _store(self) -> DeepChecks | None:
        path = store_path()
        return DeepChecks(path) if path is not None else None

    def wanted(self, base_url: str, account_id: int) -> bool:
        requested = requested_ids()
        if requested is None or account_id in requested:
            return True
        with self._lock:
            if base_url not in self._pending:
                store = self._store()
                self._pending[base_url] = store.pending(base_url) if store is not None else set()
            return account_id in self._pending[base_url]

    def forget(self) -> None:
        with self._lock:
            self._pending.clear()

    def resolved(self, base_url: str, account_id: int) -> None:
        store = self._store()
        if store is not None:
            store.resolved(base_url, account_id)
        with self._lock:
            self._pending.get(base_url, set()).discard(account_id)


directory = AccountDirectory()
deep_reads = DeepReads()
