"""An account listing handed from one process to another, so that one read of every account serves both.

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
