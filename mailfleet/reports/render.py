"""Rendering shared by the reports: values, field lines, Markdown code spans, and trimming to a size limit.

GitHub refuses a comment longer than 65,536 characters. :func:`fit` keeps the head (the summary) whole and drops
detail blocks from the end, then says how many it dropped, so a huge preview still posts and still starts with its
counts.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from mailfleet.reports.changes import SECRET, FieldChange
from mailfleet.smartlead.redact import scrub

__all__ = ["GITHUB_COMMENT_LIMIT", "code", "field_line", "fit", "format_value", "plural"]

GITHUB_COMMENT_LIMIT = 65_536
# Longest rendering of one value; the rest is cut with an ellipsis (reports are for reading, JSON has it all).
VALUE_WIDTH = 120


def format_value(value: Any, width: int = VALUE_WIDTH) -> str:
    """A value as it reads in a report: ``[secret]``, ``(none)``, JSON for everything else, at most ``width``."""
    if value == SECRET:
        return SECRET
    if value is None:
        return "(none)"
    text = json.dumps(value, ensure_ascii=False, separators=(", ", ": "), sort_keys=True)
    text = scrub(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def code(text: str) -> str:
    """``text`` as a Markdown code span, whatever backticks it holds."""
    longest = run = 0
    for char in text:
        run = run + 1 if char == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def field_line(change: FieldChange, *, markdown: bool = True) -> str:
    """``path: old -> new`` (one line per changed field)."""
    path = code(change.path) if markdown else change.path
    return f"{path}: {format_value(change.old)} -> {format_value(change.new)}"


def plural(count: int, singular: str, many: str | None = None) -> str:
    return f"{count:,} {singular if count == 1 else (many or singular + 's')}"


def fit(
    head: str,
    blocks: Sequence[str],
    omitted_note: Callable[[int], str],
    *,
    limit: int = GITHUB_COMMENT_LIMIT,
    tail: str = "",
) -> tuple[str, int]:
    """``head`` + as many ``blocks`` as fit + ``tail``, within ``limit`` characters; returns the text and how many
    blocks were left out (then ``omitted_note(n)`` is added before the tail). The head is always kept."""
    full = head + "".join(blocks) + tail
    if len(full) <= limit:
        return full, 0
    # Reserve room for the longest note there can be (every block omitted).
    budget = limit - len(head) - len(tail) - len(omitted_note(len(blocks)))
    kept: list[str] = []
    used = 0
    for block in blocks:
        if used + len(block) > budget:
            break
        kept.append(block)
        used += len(block)
    omitted = len(blocks) - len(kept)
    text = head + "".join(kept) + omitted_note(omitted) + tail
    if len(text) > limit:  # a head alone over the limit: cut it, the summary is at its start
        text = text[: limit - 1] + "…"
    return text, omitted
