"""The ``instantly`` stage of ``make bench``: 1,000 Instantly mailboxes on one stack, in 10 tenants (each its own
workspace, through the admin key) of 100, against the Instantly emulator: the first ``up``, a no-change ``preview``,
``refresh``, ``mailfleet drift`` and ``mailfleet health``, with the requests the emulator saw by endpoint.

Request counts per workspace of m mailboxes (Instantly lists 100 accounts a page and ends with an empty page):
- preview with no change: 0;
- refresh and drift: the listing, ``ceil(m / 100) + 1`` pages (it carries the tags, so Tag resources cost nothing more);
- health: the listing, and ``ceil(m / 100)`` warmup-analytics calls;
- first up: per mailbox one create, one warmup-enable job and its polls; per workspace the listing, and per tag a
  tag list, a create and ``ceil(members / 100)`` assignments.
Warmup jobs take ``JOB_SECONDS`` in the emulator here (3 s by default there): the count of polls depends on it.
"""

from __future__ import annotations

import math
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Any

from bench.run import PAGE, PASSPHRASE, Measurement, Stack
from mailfleet.emulator.testing import running_instantly_emulator
from mailfleet.testing.projects import mailfleet_command, make_project, project_cli
from mailfleet.testing.synthetic import PASSWORD_ENV, TAGS, bench_password, write_instantly_specs

JOB_SECONDS = 0.5
OPS = ("up (first)", "preview", "refresh", "drift", "health")


def pages(mailboxes: int) -> int:
    # Instantly's last page still carries a cursor: a full read ends with one empty page.
    return math.ceil(mailboxes / PAGE) + 1


def minimum_for(op: str, tenants: int, per_tenant: int) -> int | None:
    if op == "preview":
        return 0
    if op in ("refresh", "drift"):
        return tenants * pages(per_tenant)
    if op == "health":
        return tenants * (pages(per_tenant) + math.ceil(per_tenant / PAGE))
    if op == "up (first)":
        # Creates, one enable job and at least one poll each; the listings; per tag: list, create, assignments.
        per_tag = 2 + math.ceil(per_tenant / len(TAGS) / PAGE)
        return tenants * (3 * per_tenant + pages(0) + len(TAGS) * per_tag)
    return None


def target_for(op: str, tenants: int, per_tenant: int) -> int | None:
    minimum = minimum_for(op, tenants, per_tenant)
    if minimum is None or op == "up (first)":
        return None  # the first up's polls depend on the job time: reported, not a target
    return minimum + (0 if op == "preview" else 5)


def stage_instantly(work: Path, tenants: int, per_tenant: int) -> list[Measurement]:
    mailboxes = tenants * per_tenant
    print(f"bench: instantly, {mailboxes} mailboxes ({tenants} workspaces)", file=sys.stderr, flush=True)
    with running_instantly_emulator(
        work / "instantly.sqlite3", job_seconds=JOB_SECONDS, extra_args=["--quiet"]
    ) as emulator:
        directory = make_project(work / "instantly")
        for workspace_id in write_instantly_specs(directory / "specs" / "tenants", tenants, per_tenant):
            emulator.control.add_workspace(id=workspace_id, parent=emulator.workspace_id)
        (work / "backend").mkdir(exist_ok=True)
        cli = project_cli(
            directory,
            "instantly",
            home=work / "pulumi-home",
            backend_url=f"file://{work / 'backend'}",
            passphrase=PASSPHRASE,
        )
        cli.configure_stack(
            "http://127.0.0.1:9/api/v1",  # no Smartlead tenant: never called
            None,
            {},
            instantly_api_key=emulator.api_key,
            instantly_base_url=emulator.base_url,
        )
        logs = work / "logs"
        logs.mkdir(exist_ok=True)
        stack = Stack("instantly", mailboxes, tenants, directory, cli, logs, {PASSWORD_ENV: bench_password()})
        commands = {
            "up (first)": stack.pulumi("up", "--yes", "--skip-preview"),
            "preview": stack.pulumi("preview", "--expect-no-changes"),
            "refresh": stack.pulumi("refresh", "--yes", "--skip-preview"),
            "drift": mailfleet_command("drift", "--stack", cli.stack, "--json", str(work / "drift.json")),
            "health": mailfleet_command("health", "--stack", cli.stack, "--json", str(work / "health.json")),
        }
        results = []
        for op in OPS:
            measurement = stack.measure(op, commands[op], emulator)
            measurement.minimum = minimum_for(op, tenants, per_tenant)
            measurement.target = target_for(op, tenants, per_tenant)
            results.append(measurement)
            print(f"  {op}: {measurement.seconds:.1f} s, {measurement.total_requests} requests", file=sys.stderr)
    return results


def misses(results: list[Measurement]) -> list[str]:
    missed = []
    for m in results:
        if m.exit_code not in (0, 2):
            missed.append(f"instantly {m.op} at {m.mailboxes} failed ({m.note})")
        elif m.target is not None and m.total_requests is not None and m.total_requests > m.target:
            missed.append(f"instantly {m.op} at {m.mailboxes}: {m.total_requests} requests > target {m.target}")
    return missed


def table(results: list[Measurement]) -> str:
    lines = [
        "| Instantly mailboxes | operation | time s | peak MB | requests | minimum | target | by endpoint |",
        "|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for m in results:
        endpoints = ", ".join(f"{e} {n}" for e, n in sorted((m.requests or {}).items(), key=lambda kv: -kv[1]))
        lines.append(
            f"| {m.mailboxes:,} | {m.op}{f' ({m.note})' if m.note else ''} | {m.seconds:.1f} | {m.peak_rss_mb:.0f} | "
            f"{'' if m.total_requests is None else m.total_requests} | {'' if m.minimum is None else m.minimum} | "
            f"{'' if m.target is None else f'≤ {m.target}'} | {endpoints} |"
        )
    return "\n".join(lines)


def as_json(results: list[Measurement]) -> list[dict[str, Any]]:
    return [{**asdict(m), "total_requests": m.total_requests} for m in results]
