"""``mailfleet preview`` and ``mailfleet up`` over many stacks at once, through the Automation API.

- Which stacks: all of the mapping, or with ``--changed-since REF`` those whose tenant files changed (all when a
  shared input changed); a stack that does not exist yet is created and configured first (:mod:`.project`).
- How: a thread pool of ``--parallel`` workers (default 4), each running the stack's ``pulumi preview`` / ``up`` as
  the Automation API does. Every stack's provider paces itself in one shared window of the key: the stack's
  ``mailfleet:rateLimitUrl`` if set, else one SQLite file for this run (``$MAILFLEET_RATE_LIMIT_URL``).
- What comes out: a line per stack as it finishes (stderr), one combined summary (stdout), one combined PR comment
  (``--comment FILE``), the combined result as JSON (``--json FILE``).
- Exit codes as the single-stack commands: 0 when every stack succeeded, 1 when any failed (the others still ran),
  and ``up`` without ``--yes`` asks first, as ``pulumi up`` does (off a terminal it refuses, exit 1).
"""

from __future__ import annotations

import contextlib
import json
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from pulumi import automation as auto
from pulumi.automation._stack import StackInitMode
from pulumi.automation.events import EngineEvent

from mailfleet.automation import EngineSteps, command_error_line
from mailfleet.errors import SetupError
from mailfleet.reports.changes import ACTIONS, ResourceChange, from_event
from mailfleet.reports.comment import Preview, render_comment
from mailfleet.smartlead.redact import scrub
from mailfleet.smartlead.settings import RATE_LIMIT_URL_VARIABLE
from mailfleet.smartlead.shared_listing import LISTING_CACHE_VARIABLE, TAG_REGISTRY_VARIABLE
from mailfleet.stacks.changed import account_changed, changed_files, stack_config_changed, tenants_changed
from mailfleet.stacks.project import ROOT_TYPE, Project

DEFAULT_PARALLEL = 4
OPERATIONS = ("preview", "up")


@dataclass
class StackResult:
    stack: str
    operation: str
    ok: bool
    seconds: float
    changes: list[ResourceChange] = field(default_factory=list)
    summary: dict[str, int] = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "stack": self.stack,
            "operation": self.operation,
            "ok": self.ok,
            "seconds": round(self.seconds, 2),
            "summary": self.summary,
            "error": self.error,
            "changes": [c.to_json() for c in self.changes if c.op != "same"],
        }


@dataclass
class FanOut:
    operation: str
    stacks: list[str]
    reason: str
    results: list[StackResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(result.ok for result in self.results)

    def totals(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for result in self.results:
            counts.update(result.summary)
        return dict(counts)

    def to_json(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "selection": self.reason,
            "stacks": [r.to_json() for r in sorted(self.results, key=lambda r: r.stack)],
            "summary": self.totals(),
            "failed": sorted(r.stack for r in self.results if not r.ok),
        }


def select_stacks(project: Project, changed_since: str | None, only: Sequence[str] = ()) -> tuple[list[str], str]:
    """The stacks to run on and a sentence saying why."""
    every = project.stacks()
    if only:
        unknown = sorted(set(only) - set(every))
        if unknown:
            raise SetupError(f"stacks.yaml has no stack {', '.join(unknown)} (mailfleet stacks lists them)")
        return sorted(set(only)), f"{len(set(only))} named"
    if changed_since is None:
        return every, f"all {len(every)} stacks"
    paths = changed_files(project.directory, changed_since)
    tenants = tenants_changed(paths, project.specs_dir)
    account = project.mapping.account_stack if account_changed(paths, project.specs_dir) else ""
    if account is None:
        tenants = None  # an account file no stack is named to declare: every stack reports it
    if tenants is None or project.mapping.single:
        why = "a shared input changed" if tenants is None else "one stack holds every tenant"
        return every, f"all {len(every)} stacks ({why} since {changed_since})"
    chosen = set(project.mapping.stacks_for(tenants)) | (stack_config_changed(paths) & set(every))
    if account:
        chosen |= {account} & set(every)  # the account file is the input of its one stack
    # A deleted tenant file: the stack named after it (the default) still holds the tenant's resources.
    chosen |= {t for t in tenants if t in project.existing() and t not in project.mapping.stacks}
    return sorted(chosen), f"{len(chosen)} of {len(every)} stacks changed since {changed_since}"


class _KnownStack(auto.Stack):
    """A stack known to exist: no ``pulumi stack select`` per stack (every command names its ``--stack``)."""

    def __init__(self, name: str, workspace: auto.Workspace) -> None:
        self.name = name
        self.workspace = workspace
        self._mode = StackInitMode.SELECT


def _workspace(project: Project, stacks: Sequence[str], scratch: Path) -> auto.LocalWorkspace:
    """The Automation API workspace of one run: every stack paces in one window of the key (a SQLite file of the run,
    unless a stack names its own store), reads one account listing, one record of the tags the run created and,
    for a run over many clients, the backend's ownership claims read once (:meth:`Project.run_claims`)."""
    env = dict(project.environment) | project.run_claims(stacks, scratch)
    env[RATE_LIMIT_URL_VARIABLE] = f"sqlite:///{scratch / 'limiter.sqlite3'}"
    env[LISTING_CACHE_VARIABLE] = str(scratch / "listing.pickle")
    env[TAG_REGISTRY_VARIABLE] = str(scratch / "tags.json")
    command = auto.PulumiCommand(root=str(project.binary_dir.parent))
    return auto.LocalWorkspace(work_dir=str(project.directory), pulumi_command=command, env_vars=env)


def first_lines(message: str, count: int = 6) -> str:
    """The start of an engine error on one line (an invalid spec's error lists FILE:LINE:COL lines under its head)."""
    lines = [line.strip() for line in message.splitlines() if line.strip()]
    return " ".join(lines[:count]) + (" …" if len(lines) > count else "")


class StartGate:
    """Lets the stacks of one fan-out ``up`` start one at a time.

    A stack's start-up (the engine reading its checkpoint, the program checking every tenant file) takes CPU and
    sends no request. Stacks started together also finish together, and the key's quota then idles while all their
    successors start. Started one after another, they finish one after another, and the stacks still running use the
    quota meanwhile. A stack is through its start-up when the engine first hears of a resource other than the stack
    itself (the program is past its checks), or when its run ends."""

    def __init__(self) -> None:
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def starting(self) -> Iterator[Callable[[EngineEvent], None]]:
        """Wait for the gate; yields the event hook that opens it again once the stack is past its start-up."""
        self._lock.acquire()
        once = threading.Lock()  # the engine's event thread and this one may both release: only the first does

        def release() -> None:
            if once.acquire(blocking=False):
                self._lock.release()

        def on_event(event: EngineEvent) -> None:
            pre = event.resource_pre_event
            if pre is not None and pre.metadata.type != ROOT_TYPE:
                release()

        try:
            yield on_event
        finally:
            release()


def run_one(
    workspace: auto.Workspace, stack: str, operation: str, refresh: bool = False, gate: StartGate | None = None
) -> StackResult:
    """``operation`` on one stack; with a ``gate``, its start-up waits its turn (:class:`StartGate`)."""
    with gate.starting() if gate is not None else contextlib.nullcontext(None) as past_start:
        return _run_one(workspace, stack, operation, refresh, past_start)


def _run_one(
    workspace: auto.Workspace,
    stack: str,
    operation: str,
    refresh: bool,
    past_start: Callable[[EngineEvent], None] | None,
) -> StackResult:
    collected = EngineSteps()
    started = time.perf_counter()
    target = _KnownStack(stack, workspace)

    def on_event(event: EngineEvent) -> None:
        collected.on_event(event)
        if past_start is not None:
            past_start(event)

    try:
        if operation == "preview":
            summary = {str(op): n for op, n in (target.preview(on_event=on_event).change_summary or {}).items()}
        else:
            result = target.up(on_event=on_event, refresh=refresh or None)
            summary = {str(op): n for op, n in (result.summary.resource_changes or {}).items()}
    except auto.errors.CommandError as error:
        detail = first_lines(collected.errors[0]) if collected.errors else command_error_line(error)
        changes = [from_event(step) for step in collected.steps]
        return StackResult(stack, operation, False, time.perf_counter() - started, changes, {}, scrub(detail)[:500])
    changes = [from_event(step) for step in collected.steps]
    return StackResult(stack, operation, True, time.perf_counter() - started, changes, summary)


def run_fanout(
    project: Project,
    operation: str,
    stacks: Sequence[str],
    *,
    reason: str,
    parallel: int = DEFAULT_PARALLEL,
    report: Callable[[str], None] | None = None,
    refresh: bool = False,
) -> FanOut:
    """Run ``operation`` on every stack of ``stacks``, ``parallel`` at a time; never raises for a stack's failure."""
    if operation not in OPERATIONS:
        raise ValueError(f"unknown operation {operation!r}")
    fan = FanOut(operation, list(stacks), reason)
    if not stacks:
        return fan
    lock = threading.Lock()
    say = report or (lambda line: click.echo(line, err=True))
    with (
        tempfile.TemporaryDirectory(prefix="mailfleet-fanout-") as scratch,
        ThreadPoolExecutor(max_workers=max(1, parallel), thread_name_prefix="mailfleet-stack") as pool,
    ):
        workspace = _workspace(project, stacks, Path(scratch))
        # Previews send few requests and are waited on by people: they start at once. Updates pace in the quota.
        gate = StartGate() if operation == "up" and parallel > 1 else None
        futures = {pool.submit(run_one, workspace, stack, operation, refresh, gate): stack for stack in stacks}
        for future in as_completed(futures):
            result = future.result()
            with lock:
                fan.results.append(result)
                done = len(fan.results)
            say(f"[{done}/{len(stacks)}] {result.stack}: {_one_line(result)}")
    fan.results.sort(key=lambda r: r.stack)
    return fan


def _one_line(result: StackResult) -> str:
    if not result.ok:
        return f"{result.operation} failed after {result.seconds:.1f} s: {result.error}"
    changed = {op: n for op, n in result.summary.items() if op != "same" and n}
    text = ", ".join(f"{n} {op}" for op, n in sorted(changed.items())) or "no changes"
    return f"{result.operation} {text} ({result.seconds:.1f} s)"


def summary_text(fan: FanOut) -> str:
    totals = fan.totals()
    ops = [*(op for op in ACTIONS if op != "same"), "same"]
    lines = [f"mailfleet {fan.operation}: {fan.reason}"]
    if not fan.stacks:
        return lines[0] + "\nnothing to do: no stack is concerned"
    header = "| stack | " + " | ".join("unchanged" if op == "same" else op for op in ops) + " | result |"
    lines += ["", header, "|---|" + "---:|" * len(ops) + "---|"]
    for result in fan.results:
        cells = " | ".join(str(result.summary.get(op, 0)) for op in ops)
        outcome = "ok" if result.ok else f"failed: {result.error}"
        lines.append(f"| {result.stack} | {cells} | {outcome} |")
    cells = " | ".join(str(totals.get(op, 0)) for op in ops)
    failed = [r.stack for r in fan.results if not r.ok]
    lines.append(f"| **all {len(fan.results)}** | {cells} | {'ok' if not failed else f'{len(failed)} failed'} |")
    return "\n".join(lines)


def combined_comment(fan: FanOut) -> str:
    """One PR comment for every stack previewed: the single-stack comment over all their changes, with the stacks."""
    changes = [change for result in fan.results for change in result.changes]
    text, _omitted = render_comment(Preview.of(None, changes))
    marker, _, rest = text.partition("\n")
    title, _, body = rest.partition("\n")
    failed = [r for r in fan.results if not r.ok]
    stacks = ", ".join(f"`{r.stack}`" for r in fan.results[:20]) + (" …" if len(fan.results) > 20 else "")
    note = f"\nStacks: {fan.reason}: {stacks or 'none'}.\n"
    for result in failed:
        note += f"\n**{result.stack}: {result.operation} failed**: {result.error}\n"
    return f"{marker}\n{title}\n{note}{body}"


def write_outputs(fan: FanOut, json_path: str | None, comment_path: str | None) -> None:
    if json_path:
        Path(json_path).write_text(scrub(json.dumps(fan.to_json(), indent=2)) + "\n")
    if comment_path:
        Path(comment_path).write_text(combined_comment(fan))


def _confirm(fan_preview: FanOut) -> bool:
    return click.confirm(f"Do you want to perform this update on {len(fan_preview.stacks)} stack(s)?", default=False)


def run_command(
    operation: str,
    *,
    changed_since: str | None,
    stacks: Sequence[str] = (),
    parallel: int = DEFAULT_PARALLEL,
    json_path: str | None = None,
    comment_path: str | None = None,
    yes: bool = False,
    configure: bool = False,
    refresh: bool = False,
    project_dir: Path | None = None,
) -> int:
    """``mailfleet preview`` / ``mailfleet up``. Exit 0 when every stack succeeded, 1 otherwise."""
    project = Project.load(project_dir)
    project.refuse_strays()
    chosen, reason = select_stacks(project, changed_since, stacks)
    # Missing stacks are created; with --configure (CI, a fresh clone) every chosen one gets its settings again.
    project.configure([s for s in chosen if not project.mapping.single], only_missing=not configure)
    if operation == "up" and not yes:
        if not sys.stdin.isatty():
            raise SetupError("--yes must be given to run up without a terminal to confirm on")
        if not chosen:
            click.echo(summary_text(FanOut(operation, [], reason)))
            return 0
        preview = run_fanout(project, "preview", chosen, reason=reason, parallel=parallel)
        click.echo(summary_text(preview))
        if not preview.ok:
            return 1
        if not _confirm(preview):
            click.echo("confirmation declined, not proceeding with the update", err=True)
            return 1
    fan = run_fanout(project, operation, chosen, reason=reason, parallel=parallel, refresh=refresh)
    if operation == "up":
        for result in fan.results:
            if result.ok:
                project.claim(result.stack)
    write_outputs(fan, json_path, comment_path)
    click.echo(summary_text(fan))
    return 0 if fan.ok else 1
