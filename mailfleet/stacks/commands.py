"""The bodies of ``mailfleet stacks ...``: list, configure, migrate, and drift/health over every stack.

Drift and health over many stacks are a thin layer: each stack runs the single-stack command (``mailfleet drift
--stack S``, ``mailfleet health --stack S``) in its own process, ``--parallel`` at a time, and the reports are merged
into one: one JSON (``stacks`` by name plus summed counts; the health JSON keeps the single-stack ``mailboxes`` list,
so the health gate reads the merged file as it reads one stack's), one Markdown, one exit code (1 if any stack
failed, else 2 if any found drift or a critical mailbox, else 0).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import click

from mailfleet.automation import stack_name
from mailfleet.deepcheck import DEEP_PLAN_VARIABLE, DEFAULT_DEEP_BUDGET, RunPlan, nights_for_full_coverage, now_utc
from mailfleet.errors import SetupError
from mailfleet.smartlead.settings import RATE_LIMIT_URL_VARIABLE
from mailfleet.smartlead.shared_listing import LISTING_CACHE_VARIABLE
from mailfleet.spec.account import account_path
from mailfleet.stacks.deepplan import plan_deep_checks
from mailfleet.stacks.fanout import DEFAULT_PARALLEL
from mailfleet.stacks.migrate import apply_migration, plan_migration
from mailfleet.stacks.project import Project


def run_list(as_json: bool) -> int:
    project = Project.load()
    existing = project.existing()
    rows: list[dict[str, Any]] = [
        {
            "stack": stack,
            "tenants": list(project.tenants_of(stack)),
            "exists": stack in existing,
            "resources": existing[stack].resources if stack in existing else 0,
        }
        for stack in project.stacks()
    ]
    strays = [{"stack": s.name, "resources": s.resources} for s in project.strays()]
    account = account_row(project)
    if as_json:
        click.echo(json.dumps({"stacks": rows, "not_in_stacks_yaml": strays, "account": account}, indent=2))
        return 0
    source = "stacks.yaml" if not project.mapping.single else "no stacks.yaml: one stack holds every tenant"
    click.echo(f"{len(rows)} stack(s) from {source}:")
    for row in rows:
        state = f"{row['resources']} resources" if row["exists"] else "not created yet"
        click.echo(f"  {row['stack']}: {', '.join(row['tenants'])} ({state})")
    if account["stack"]:
        click.echo(
            f"  account-wide webhooks ({account['file']}): stack {account['stack']} ({account['webhooks']} declared)"
        )
    elif account["webhooks"]:
        click.echo(
            f"  account-wide webhooks ({account['file']}): no stack declares them: add account: STACK to stacks.yaml"
        )
    for stray in strays:
        click.echo(
            f"  {stray['stack']}: not in stacks.yaml, still holds {stray['resources']} resources "
            "(mailfleet stacks migrate moves them)"
        )
    return 0


def account_row(project: Project) -> dict[str, Any]:
    """Which stack declares the account-wide things, from which file, and how many."""
    owner = project.mapping.account_stack
    shown = account_path(project.specs_dir).as_posix()
    return {
        "stack": stack_name(None) if owner == "*" else owner,
        "file": shown,
        "webhooks": len(project.account().webhooks),
    }


def run_configure(stacks: Sequence[str], base_url: str | None, local_secrets: bool) -> int:
    project = Project.load()
    chosen = list(stacks) or project.stacks()
    tenants = project.tenants() if local_secrets else []
    done = project.configure(chosen, base_url=base_url, tenants=tenants, fill_secrets=local_secrets, only_missing=False)
    click.echo(f"configured {len(done)} stack(s): {', '.join(done)}")
    return 0


def password_keys(project: Project) -> dict[str, set[str]]:
    tenants = project.tenants()
    return {t.name: {m.password.name for m in t.mailboxes if m.password.kind == "secret"} for t in tenants}


def client_emails(project: Project) -> dict[str, str]:
    return {t.name: t.client.email for t in project.tenants() if t.client is not None}


def run_migrate(dry_run: bool, yes: bool) -> int:
    project = Project.load()
    if project.mapping.single:
        raise SetupError("there is no stacks.yaml: nothing says where resources should go")
    plan = plan_migration(project)
    lines = plan.lines()
    if not lines:
        click.echo("nothing to move: every resource is in the stack stacks.yaml gives it")
        return 0
    click.echo("\n".join(lines))
    if dry_run:
        click.echo("dry run: nothing changed")
        return 0
    if not yes:
        if not sys.stdin.isatty():
            raise SetupError("--yes must be given to migrate without a terminal to confirm on")
        if not click.confirm("Move these resources?", default=False):
            click.echo("not confirmed: nothing changed", err=True)
            return 1
    say = lambda line: click.echo(line, err=True)  # noqa: E731
    apply_migration(project, plan, password_keys(project), say, client_emails(project))
    click.echo("migrated: run mailfleet preview to see that every stack is clean")
    return 0


REPORTS = ("drift", "health")


def _run_report(report: str, stack: str, scratch: Path, extra: dict[str, str]) -> tuple[str, int, str, Path]:
    out = scratch / f"{stack}.json"
    command = [sys.executable, "-m", "mailfleet.cli", report, "--stack", stack, "--json", str(out)]
    if report == "drift":
        command += ["--markdown", str(scratch / f"{stack}.md")]
    # Every stack's refresh reads one account listing and paces in one window (see mailfleet.stacks.fanout).
    env = {
        **os.environ,
        LISTING_CACHE_VARIABLE: str(scratch / "listing.pickle"),
        RATE_LIMIT_URL_VARIABLE: f"sqlite:///{scratch / 'limiter.sqlite3'}",
        **extra,
    }
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
    return stack, result.returncode, (result.stdout + result.stderr).strip(), out


def merge_reports(report: str, parts: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """One report of ``report`` kind over the stacks' reports."""
    summary: Counter[str] = Counter()
    for part in parts.values():
        summary.update({k: v for k, v in (part.get("summary") or {}).items() if isinstance(v, int)})
    merged: dict[str, Any] = {"stacks": parts, "summary": dict(summary)}
    if report == "health":
        first = next(iter(parts.values()), {})
        merged |= {k: first[k] for k in ("format", "date", "thresholds", "sources") if k in first}
        merged["stack"] = ",".join(parts)
        merged["mailboxes"] = [row for part in parts.values() for row in part.get("mailboxes") or []]
        merged["critical"] = [email for part in parts.values() for email in part.get("critical") or []]
    return merged


def run_deep_summary(plan: RunPlan) -> dict[str, Any]:
    """The run's deep checks, for the merged drift report."""
    return {
        "budget": plan.budget,
        "mailboxes": plan.mailboxes,
        "checked_tonight": sum(len(ids) for ids in plan.stacks.values()),
        "nights_for_full_coverage": nights_for_full_coverage(plan.mailboxes, plan.budget),
    }


def run_reports(
    report: str,
    stacks: Sequence[str],
    parallel: int,
    json_path: str | None,
    markdown_path: str | None,
    *,
    deep_budget: int = DEFAULT_DEEP_BUDGET,
) -> int:
    project = Project.load()
    chosen = list(stacks) or project.stacks()
    parallel = max(1, parallel or DEFAULT_PARALLEL)
    parts: dict[str, dict[str, Any]] = {}
    markdown: list[str] = []
    codes: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix=f"mailfleet-{report}-") as scratch:
        # Drift runs each stack's program, which asks who owns its clients: once for the run instead.
        extra: dict[str, str] = project.run_claims(chosen, Path(scratch)) if report == "drift" else {}
        plan = None
        if report == "drift":
            # One deep-check budget for the whole run, not one per stack (mailfleet.stacks.deepplan).
            plan = plan_deep_checks(project, chosen, deep_budget, parallel, now_utc())
            plan.write(Path(scratch) / "deep-plan.json")
            extra[DEEP_PLAN_VARIABLE] = str(Path(scratch) / "deep-plan.json")
        with ThreadPoolExecutor(max_workers=parallel) as pool:
            results = list(pool.map(lambda s: _run_report(report, s, Path(scratch), extra), chosen))
        for stack, code, output, out in sorted(results):
            codes[stack] = code
            click.echo(f"== stack {stack} (exit {code})\n{output}")
            if out.exists():
                parts[stack] = json.loads(out.read_text())
            md = out.with_suffix(".md")
            if md.exists():
                markdown.append(md.read_text())
    merged = merge_reports(report, parts)
    merged["exit_codes"] = codes
    if plan is not None:
        merged["deep_checks"] = run_deep_summary(plan)
    if json_path:
        Path(json_path).write_text(json.dumps(merged, indent=2) + "\n")
    if markdown_path:
        head = f"## mailfleet {report} over {len(chosen)} stack(s)\n\n"
        if plan is not None:
            deep = merged["deep_checks"]
            head += (
                f"Deep checks tonight: {deep['checked_tonight']:,} of {deep['mailboxes']:,} mailboxes read by id "
                f"(one budget of {deep['budget']:,} for the run; every mailbox within "
                f"{deep['nights_for_full_coverage'] or 0:,} nights).\n\n"
            )
        Path(markdown_path).write_text(head + "\n".join(markdown))
    worst = 1 if any(c not in (0, 2) for c in codes.values()) else (2 if 2 in codes.values() else 0)
    click.echo(f"mailfleet {report}: {len(chosen)} stack(s), summary {merged['summary']}, exit {worst}")
    return worst
