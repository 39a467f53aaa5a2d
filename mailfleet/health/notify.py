"""``mailfleet health --notify URL``: post what changed tonight, once.

The body is JSON with Slack-compatible ``text`` (a Slack incoming webhook shows it as is) and the same facts as
``changes``: mailboxes that changed class since the previous night in the history, that finished warmup (the brief's
``warmup.complete``), and domains that failed DNS authentication. Each change has a stable key kept in the history
once posted, so a second run on the same night, or the next nights, do not post it again (a DNS failure is posted
again only when what fails changes). Nothing new: nothing is posted. The URL (a webhook URL is a secret) is never
printed beyond its scheme and host.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import httpx
from rich.console import Console

from mailfleet.errors import SetupError
from mailfleet.health.history import History, Night

TIMEOUT_SECONDS = 15.0


def changes_of(report: Mapping[str, Any], previous: Mapping[str, Sequence[Night]]) -> list[dict[str, Any]]:
    """Every change in tonight's report, each with a stable ``key``."""
    today = str(report["date"])
    found: list[dict[str, Any]] = []
    failing: dict[tuple[str, str], list[str]] = {}
    for row in report["mailboxes"]:
        email = str(row["email"])
        nights = previous.get(email) or []
        before = nights[-1].health if nights else None
        if before is not None and before != row["class"]:
            found.append({
                "kind": "class", "email": email, "from": before, "to": row["class"], "reason": row["reason"],
                "key": f"class {email} {before}->{row['class']} {today}",
            })  # fmt: skip
        if row.get("warmup_complete"):
            found.append({"kind": "warmup.complete", "email": email, "key": f"warmup.complete {email}"})
        dns = row.get("dns") or {}
        if dns.get("status") == "fail":
            detail = "; ".join(f"{c['name']}: {c['detail']}" for c in dns["checks"] if c["status"] == "fail")
            failing.setdefault((str(dns["domain"]), detail), []).append(email)
    for (domain, detail), emails in sorted(failing.items()):
        found.append({"kind": "dns", "domain": domain, "detail": detail, "mailboxes": emails,
                      "key": f"dns {domain} {detail}"})  # fmt: skip
    return found


def slack_text(report: Mapping[str, Any], changes: Sequence[Mapping[str, Any]]) -> str:
    lines = [f"*mailfleet health, stack {report['stack']}, {report['date']}*"]
    for change in changes:
        if change["kind"] == "class":
            reason = f" ({change['reason']})" if change["reason"] else ""
            lines.append(f"• {change['email']}: {change['from']} → {change['to']}{reason}")
        elif change["kind"] == "warmup.complete":
            lines.append(f"• {change['email']}: warmup complete")
        else:
            lines.append(f"• DNS {change['domain']}: {change['detail']} ({', '.join(change['mailboxes'])})")
    return "\n".join(lines)


def shown(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname or '?'}{f':{parts.port}' if parts.port else ''}/…"


def notify(
    url: str,
    report: Mapping[str, Any],
    previous: Mapping[str, Sequence[Night]],
    history: History,
    today: date,
    console: Console,
    *,
    transport: httpx.BaseTransport | None = None,
) -> int:
    """Post the new changes; return how many were posted."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise SetupError("--notify takes an http(s) URL")
    changes = changes_of(report, previous)
    fresh_keys = set(history.unnotified([c["key"] for c in changes]))
    fresh = [c for c in changes if c["key"] in fresh_keys]
    if not fresh:
        console.print("notify: nothing new to post")
        return 0
    body = {
        "text": slack_text(report, fresh),
        "stack": report["stack"],
        "date": report["date"],
        "summary": report["summary"],
        "changes": [{k: v for k, v in c.items() if k != "key"} for c in fresh],
    }
    try:
        with httpx.Client(timeout=TIMEOUT_SECONDS, transport=transport) as client:
            response = client.post(url, json=body)
    except httpx.HTTPError as error:
        raise SetupError(f"notify: cannot post to {shown(url)}: {type(error).__name__}") from None
    if response.status_code >= 300:
        raise SetupError(f"notify: {shown(url)} answered {response.status_code}")
    history.mark_notified([c["key"] for c in fresh], today)
    console.print(f"notify: posted {len(fresh)} change{'s' if len(fresh) != 1 else ''} to {shown(url)}")
    return len(fresh)
