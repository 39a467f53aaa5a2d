"""An account listing handed from one process to another, so that one read of every account serves both; and the
provider process's request count, so that a report can say what it cost.

``mailfleet drift`` runs a refresh preview whose provider process lists every account; drift also needs that
listing (to find unmanaged accounts). It names a file in ``MAILFLEET_LISTING_FILE``; the provider writes who owns
which account there (id, email, client: no settings, no secrets), and drift reads it instead of listing again.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from mailfleet.smartlead.models import EmailAccount

LISTING_FILE_VARIABLE = "MAILFLEET_LISTING_FILE"
REQUEST_COUNT_VARIABLE = "MAILFLEET_REQUEST_COUNT_FILE"
"""A file where the provider process keeps the number of requests it made, for a report to print its cost."""


def publish_listing(accounts: list[EmailAccount]) -> None:
    """Write the listing where ``MAILFLEET_LISTING_FILE`` says, atomically; nothing when it is not set."""
    target = os.environ.get(LISTING_FILE_VARIABLE)
    if not target:
        return
    rows = [{"id": a.id, "from_email": a.from_email, "client_id": a.client_id} for a in accounts]
    partial = Path(f"{target}.partial")
    partial.write_text(json.dumps(rows))
    partial.replace(target)


def read_listing(path: Path) -> list[EmailAccount] | None:
    """The published accounts, or None when nothing was published (e.g. the stack has no mailbox to read)."""
    try:
        rows = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return [EmailAccount(id=int(r["id"]), from_email=str(r["from_email"]), client_id=r["client_id"]) for r in rows]


def publish_request_count(count: int) -> None:
    """Write the provider process's request count where ``MAILFLEET_REQUEST_COUNT_FILE`` says; nothing if unset."""
    target = os.environ.get(REQUEST_COUNT_VARIABLE)
    if not target:
        return
    partial = Path(f"{target}.{os.getpid()}.partial")
    partial.write_text(str(count))
    partial.replace(target)


def read_request_count(path: Path) -> int:
    try:
        return int(path.read_text().strip() or 0)
    except (OSError, ValueError):
        return 0
