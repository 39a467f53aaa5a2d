"""The PR comment's rotation section: one line per mailbox whose pool status changes, with the reason in full.

The reason is the Mailbox's ``pool.note`` input (:mod:`mailfleet.pools.plan`), e.g. ``resting: bounce 6.1 % > 5 %
since 2026-12-03; replaced by max@acme-mail.example in campaign 48213``. The section takes at most half of the
comment, so the per-resource detail after it keeps room; lines past that are counted, not shown.
"""

from __future__ import annotations

from collections.abc import Sequence

from mailfleet.pools.inputs import POOL_KEY
from mailfleet.reports.changes import ResourceChange
from mailfleet.reports.render import GITHUB_COMMENT_LIMIT, code, fit, plural
from mailfleet.smartlead.redact import scrub

NOTE_PATH = f"{POOL_KEY}.note"
SHARE = 2


def rotation_lines(changes: Sequence[ResourceChange]) -> list[str]:
    return [
        f"- {code(change.name)}: {scrub(field.new)}\n"
        for change in changes
        for field in change.fields
        if field.path == NOTE_PATH and isinstance(field.new, str)
    ]


def rotation_section(changes: Sequence[ResourceChange], *, limit: int = GITHUB_COMMENT_LIMIT) -> str:
    """Markdown for the section (empty when no pool status changes), within ``limit // 2`` characters."""
    lines = rotation_lines(changes)
    if not lines:
        return ""
    head = f"\n**Rotation** ({plural(len(lines), 'mailbox', 'mailboxes')} change pool status):\n\n"

    def note(omitted: int) -> str:
        return f"- _… {omitted:,} more; each is in the detail below or the CI log_\n"

    text, _ = fit(head, lines, note, limit=limit // SHARE)
    return text
