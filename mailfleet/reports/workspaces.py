"""Which addresses each Instantly workspace holds, handed from the refresh's provider process to ``mailfleet drift``.

Drift needs every workspace's accounts to name the unmanaged ones; the refresh has just listed them. When
``MAILFLEET_LISTING_FILE`` names a file (drift sets it), the provider also writes ``<file>.instantly``: workspace
name -> addresses (no settings, no secrets), and drift reads it instead of listing again.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterable
from pathlib import Path

from mailfleet.smartlead.shared_listing import LISTING_FILE_VARIABLE

SUFFIX = ".instantly"
_lock = threading.Lock()
_published: dict[str, list[str]] = {}


def workspace_listing_path(listing_file: Path) -> Path:
    return listing_file.with_name(listing_file.name + SUFFIX)


def publish_workspace(workspace: str, emails: Iterable[str]) -> None:
    """Add one workspace's addresses to the file ``MAILFLEET_LISTING_FILE`` names (atomically); nothing if unset."""
    target = os.environ.get(LISTING_FILE_VARIABLE)
    if not target:
        return
    with _lock:
        _published[workspace] = sorted(emails)
        path = workspace_listing_path(Path(target))
        partial = Path(f"{path}.partial")
        partial.write_text(json.dumps(_published))
        partial.replace(path)


def read_workspaces(listing_file: Path) -> dict[str, list[str]]:
    """Workspace name -> addresses, as the provider published them (empty when it published none)."""
    try:
        data = json.loads(workspace_listing_path(listing_file).read_text())
    except (OSError, ValueError):
        return {}
    return {str(name): [str(email) for email in emails] for name, emails in data.items()}
