"""``mailfleet preview-comment``: the pull-request comment for a preview.

Input: a ``pulumi preview --json`` digest (``--input``), or a preview run here through the Automation API, read from
its engine events. Output: Markdown that starts with a hidden marker (so CI updates one comment in place) and the
counts per action, then the changes per tenant with one line per changed field (``field: old -> new``), secrets as
``[secret]``. A removed mailbox says what its ``on_remove`` policy does in Smartlead. The comment stays under GitHub's
65,536 characters: detail is dropped from the end, with a note of how much, and the summary is always kept.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mailfleet.errors import SetupError
from mailfleet.reports.changes import (
    ACTIONS,
    REPORTED_KINDS,
    ResourceChange,
    changes_from_digest,
    from_event,
    merge_changes,
)
from mailfleet.reports.render import GITHUB_COMMENT_LIMIT, code, field_line, fit, plural
from mailfleet.reports.rotation import rotation_section

__all__ = ["MARKER", "Preview", "load_digest", "render_comment", "run_preview_comment"]

MARKER = "<!-- mailfleet-preview -->"
ACCOUNT_WIDE = "account-wide"
# More changed resources than this and the detail starts folded.
OPEN_DETAILS_UP_TO = 50
_VERB = {"create": "create", "update": "update", "replace": "replace", "delete": "delete"}
_ON_REMOVE = {"retained": "retain", "suspended": "suspend", "deleted": "delete"}


@dataclass(frozen=True)
class Preview:
    """The reported resources of one preview (tenant clients, mailboxes, webhooks, tags)."""

    stack: str | None
    changes: tuple[ResourceChange, ...]
    # `pulumi preview --json` lists no unchanged step: then the count of unchanged resources is the engine's own.
    unchanged: int | None = None

    @classmethod
    def of(cls, stack: str | None, changes: Iterable[ResourceChange], unchanged: int | None = None) -> Preview:
        return cls(stack, tuple(change for change in merge_changes(changes) if change.reported), unchanged)

    @classmethod
    def of_digest(cls, stack: str | None, digest: dict[str, Any]) -> Preview:
        changes = changes_from_digest(digest)
        summary = digest.get("changeSummary") or {}
        listed_same = any(change.op == "same" and change.reported for change in changes)
        unchanged = None if listed_same or "same" not in summary else int(summary["same"])
        return cls.of(stack, changes, unchanged)

    def counts(self) -> dict[str, int]:
        counted = Counter(change.op for change in self.changes)
        if self.unchanged is not None:
            counted["same"] = self.unchanged
        return {action: counted.get(action, 0) for action in ACTIONS} | {
            op: n for op, n in sorted(counted.items()) if op not in ACTIONS
        }

    def changed(self) -> list[ResourceChange]:
        kind_order = {kind: i for i, kind in enumerate(REPORTED_KINDS)}
        rows = [change for change in self.changes if change.op != "same"]
        return sorted(rows, key=lambda c: (c.tenant is None, c.tenant or "", kind_order.get(c.kind, 9), c.name))


def load_digest(path: str) -> dict[str, Any]:
    """A ``pulumi preview --json`` digest from a file (``-`` is not supported: CI writes a file)."""
    try:
        text = Path(path).read_text()
    except OSError as error:
        raise SetupError(f"cannot read {path}: {error.strerror or error}") from None
    try:
        digest = json.loads(text)
    except json.JSONDecodeError as error:
        raise SetupError(f"{path} is not JSON (line {error.lineno}): expected `pulumi preview --json` output") from None
    if not isinstance(digest, dict) or not isinstance(digest.get("steps"), list):
        problems = [
            str(d.get("message", "")).strip().splitlines()[0]
            for d in (digest.get("diagnostics") or [] if isinstance(digest, dict) else [])
            if isinstance(d, dict) and d.get("severity") == "error" and str(d.get("message", "")).strip()
        ]
        reason = f"the preview failed: {problems[0]}" if problems else "it has no steps"
        raise SetupError(f"{path} is not a usable `pulumi preview --json` digest: {reason}")
    return digest


def _summary_sentence(preview: Preview) -> str:
    counts = preview.counts()
    parts = [f"{counts[op]:,} to {op}" for op in ("create", "update", "replace", "delete") if counts[op]]
    if not parts:
        vendors = " and ".join(sorted({c.vendor for c in preview.changes})) or "Smartlead"
        return f"**No changes.** {vendors} already {'match' if ' and ' in vendors else 'matches'} the tenant files."
    tenants = sorted({c.tenant for c in preview.changed() if c.tenant})
    where = f" in {plural(len(tenants), 'tenant')}: {', '.join(tenants[:10])}" if tenants else ""
    more = f" and {len(tenants) - 10:,} more" if len(tenants) > 10 else ""
    return f"**{', '.join(parts)}**{where}{more}."


def _removal(change: ResourceChange) -> str:
    outcome = change.removal_outcome or "deleted"
    if change.kind == "Mailbox":
        policy = _ON_REMOVE.get(outcome, change.on_remove or "retain")
        return f": removed from the tenant file; the {change.vendor} account is **{outcome}** (on_remove: {policy})"
    if change.kind == "TenantClient":
        return ": removed from the specs; the Smartlead client is **retained** (Smartlead cannot delete clients)"
    return f": **{outcome}** in {change.vendor}"


def _change_block(change: ResourceChange) -> str:
    line = f"- **{_VERB.get(change.op, change.op)}** {change.kind} {code(change.name)}"
    if change.op == "delete":
        line += _removal(change)
    elif change.op == "replace" and change.replace_keys:
        line += f" (replaced because of {', '.join(code(key) for key in change.replace_keys)})"
    lines = [line]
    if change.op in ("update", "replace"):
        lines += [f"  - {field_line(field)}" for field in change.fields]
    return "\n".join(lines) + "\n"


def _blocks(changed: Sequence[ResourceChange]) -> list[str]:
    blocks: list[str] = []
    tenant: str | None = "\0"
    for change in changed:
        heading = ""
        if change.tenant != tenant:
            tenant = change.tenant
            title = f"tenant {code(tenant)}" if tenant else f"{ACCOUNT_WIDE} (shared tags)"
            heading = f"\n#### {title}\n\n"
        blocks.append(heading + _change_block(change))
    return blocks


def render_comment(preview: Preview, *, limit: int = GITHUB_COMMENT_LIMIT) -> tuple[str, int]:
    """The comment's Markdown and how many changed resources were left out to stay within ``limit``."""
    counts = preview.counts()
    stack = f" for stack {code(preview.stack)}" if preview.stack else ""
    actions = [*ACTIONS, *(op for op in counts if op not in ACTIONS)]
    header = " | ".join("unchanged" if op == "same" else op for op in actions)
    head = (
        f"{MARKER}\n### mailfleet preview{stack}\n\n"
        f"| {header} |\n|{'---:|' * len(actions)}\n| {' | '.join(f'{counts[op]:,}' for op in actions)} |\n\n"
        f"{_summary_sentence(preview)}\n"
    )
    changed = preview.changed()
    head += rotation_section(changed, limit=limit)
    if not changed:
        return head, 0
    opened = " open" if len(changed) <= OPEN_DETAILS_UP_TO else ""
    head += f"\n<details{opened}><summary>Changes by tenant ({plural(len(changed), 'resource')})</summary>\n"
    tail = "\n</details>\n"

    def note(omitted: int) -> str:
        return (
            f"\n_… {plural(omitted, 'more changed resource')} not shown, to stay under GitHub's "
            f"{GITHUB_COMMENT_LIMIT:,}-character limit; the full preview is in the CI log._\n"
        )

    return fit(head, _blocks(changed), note, limit=limit, tail=tail)


def preview_from_stack(stack: str | None) -> Preview:
    from mailfleet.automation import open_stack, run_steps

    opened = open_stack(stack)
    steps = run_steps(opened, "preview", "previewing")
    return Preview.of(opened.name, (from_event(step) for step in steps.steps))


def run_preview_comment(stack: str | None, input_path: str | None, out_path: str | None) -> int:
    """Write the comment to ``out_path`` (or stdout). Exit 0; errors raise :class:`SetupError` (exit 1)."""
    if input_path:
        digest = load_digest(input_path)
        preview = Preview.of_digest(stack or os.environ.get("PULUMI_STACK"), digest)
    else:
        preview = preview_from_stack(stack)
    text, _omitted = render_comment(preview)
    if out_path:
        Path(out_path).write_text(text)
    else:
        print(text, end="")
    return 0
