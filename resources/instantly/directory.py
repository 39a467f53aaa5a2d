"""One listing of each Instantly workspace's accounts, shared by every ``check`` and ``read`` of a run.

A refresh reads every mailbox on four threads; listing a workspace costs ceil(N/100) requests (and the empty page
that ends them) where one GET per account would cost N. The listing carries each account's tags, so the workspace's
Tag resources read their members from it too, at no extra request. The first caller lists, the others wait and
look the account up by email. An email missing from the listing is checked with one GET before it is reported
gone, so an account created after the listing is not mistaken for a deleted one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from typing import Any

from mailfleet.instantly.client import InstantlyClient
from mailfleet.instantly.models import Account
from mailfleet.reports.workspaces import publish_workspace
from mailfleet.vendors import workspace_name

LISTING_TTL_SECONDS = 300.0


class WorkspaceDirectory:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._listings: dict[str, tuple[float, dict[str, Account]]] = {}

    def listing(self, client: InstantlyClient, workspace: Mapping[str, Any]) -> dict[str, Account]:
        """The workspace's accounts by lowercased email, listed once per TTL."""
        key = workspace_name(workspace)
        with self._lock:
            found = self._listings.get(key)
            if found is None or self._clock() - found[0] > LISTING_TTL_SECONDS:
                listed = client.list_accounts(include_tags=True)
                accounts = {account.email.strip().casefold(): account for account in listed}
                found = (self._clock(), accounts)
                self._listings[key] = found
                publish_workspace(key, (account.email for account in accounts.values()))
            return found[1]

    def find(self, client: InstantlyClient, workspace: Mapping[str, Any], email: str) -> Account | None:
        """The account from the listing (no request after the first), or None when the workspace has none."""
        return self.listing(client, workspace).get(email.strip().casefold())

    def get(self, client: InstantlyClient, workspace: Mapping[str, Any], email: str) -> Account | None:
        """The account from the listing; one GET by email when the listing lacks it (created since)."""
        found = self.find(client, workspace, email)
        return found if found is not None else client.find_account(email)

    def peek(self, workspace: Mapping[str, Any], email: str) -> Account | None:
        """The account as of a listing this process already made, if any (no request)."""
        with self._lock:
            found = self._listings.get(workspace_name(workspace))
        return None if found is None else found[1].get(email.strip().casefold())

    def forget(self) -> None:
        with self._lock:
            self._listings.clear()


workspaces = WorkspaceDirectory()
