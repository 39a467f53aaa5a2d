"""An account listing handed from one process to another, so that one read of every account serves several; and
the provider process's request count, so that a report can say what it cost.

``mailfleet drift`` runs a refresh preview whose provider process lists every account; drift also needs that
listing (to find unmanaged accounts). It names a file in ``MAILFLEET_LISTING_FILE``; the provider writes who owns
which account there (id, email, client: no settings, no secrets), and drift reads it instead of listing again.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

from mailfleet.smartlead.client import SmartleadClient
from mailfleet.smartlead.models import EmailAccount

LISTING_FILE_VARIABLE = "MAILFLEET_LISTING_FILE"
REQUEST_COUNT_VARIABLE = "MAILFLEET_REQUEST_COUNT_FILE"
"""A file where the provider process keeps the number of requests it made, for a report to print its cost."""

# Set by the fan-out commands for the stacks they run (see shared_run_listing).
LISTING_CACHE_VARIABLE = "MAILFLEET_LISTING_CACHE"


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


def list_accounts(client: SmartleadClient) -> list[EmailAccount]:
    # Campaign membership comes with the listing when asked for, at no extra request.
    return client.list_email_accounts(fetch_campaigns=True)


def run_listing_file(run_file: str, key_name: str) -> Path:
    """The run's listing of one key: stacks on other keys in the same run list theirs into their own file."""
    path = Path(run_file)
    return path.with_name(f"{path.stem}-{key_name[:16]}{path.suffix}")


def shared_run_listing(client: SmartleadClient) -> list[EmailAccount]:
    """The account listing, shared by every stack of one fan-out run when ``MAILFLEET_LISTING_CACHE`` names a file.

    ``mailfleet preview``/``up`` and ``mailfleet stacks drift``/``health`` point every stack's provider at one file
    in their own private temporary directory: the first process of the run lists the key and writes it (under an
    exclusive lock), every later one reads it, for as long as the run lasts: one listing per run and key, however
    long the fan-out takes. That is safe because a stack reads from it only the accounts it manages, which no other
    stack of the run writes, and reads them before its own update writes them (tags the run creates are shared
    through :func:`run_tags`). Without the variable, every process lists for itself.
    """
    target = os.environ.get(LISTING_CACHE_VARIABLE)
    if not target:
        return list_accounts(client)
    path = run_listing_file(target, client.key_name)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if path.exists():
                with open(path, "rb") as handle:
                    cached: list[EmailAccount] = pickle.load(handle)  # written by a process of this same run
                return cached
            accounts = list_accounts(client)
            partial = path.with_suffix(".partial")
            with open(partial, "wb") as handle:
                pickle.dump(accounts, handle)
            partial.replace(path)
            return accounts
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


# Set by the fan-out commands: the tags the stacks of one run created, by name (see run_tags).
TAG_REGISTRY_VARIABLE = "MAILFLEET_TAG_REGISTRY"


@contextlib.contextmanager
def run_tags() -> Iterator[dict[str, int]]:
    """The tag ids the stacks of this fan-out run created, by name, held under an exclusive lock.

    Tags cannot be listed, only seen on the accounts that carry them: stacks created in parallel would each create
    "sales" before any account carries it. The run's stacks record each tag they create in one file instead, so the
    first creates it and the others adopt its id. Outside a fan-out run (no variable) this is an empty mapping.
    """
    target = os.environ.get(TAG_REGISTRY_VARIABLE)
    if not target:
        yield {}
        return
    path = Path(target)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            known: dict[str, int] = json.loads(path.read_text()) if path.exists() else {}
            yield known
            path.write_text(json.dumps(known))
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
