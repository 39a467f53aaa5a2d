"""``make bench``: mailfleet at fleet scale against the emulator, next to the engine floor.

For each fleet size it runs the operations as a user would (real ``pulumi`` and ``mailfleet`` processes), and records
wall time, peak memory (the largest process of the operation's tree, from ``wait4``), the API requests the emulator
saw by endpoint, and state bytes per mailbox. A final run puts the emulator at Smartlead's real limit on a shortened
window and measures how much of it a large ``up`` uses and whether any 429 reaches the user.

Prints one table, writes ``bench/results.json``, and exits 1 when a request-count target is missed (time ratios are
reported, never asserted). ``python -m bench --help`` for the knobs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.floor import FLOOR_PROGRAM
from bench.quota import SHARE_TARGET, QuotaUse, quota_use
from mailfleet.deepcheck import DEFAULT_DEEP_BUDGET
from mailfleet.emulator.testing import RunningEmulator, RunningInstantlyEmulator, running_emulator
from mailfleet.health.gather import DEFAULT_DETAIL_BUDGET as HEALTH_DETAIL_BUDGET
from mailfleet.testing.projects import REPO, mailfleet_command, make_project, project_cli, pulumi_bin
from mailfleet.testing.synthetic import PASSWORD_ENV, TAGS, bench_password, write_specs
from mailfleet.workspace import PulumiCLI

RESULTS = REPO / "bench" / "results.json"
PASSPHRASE = "bench-only-passphrase"
MAILBOXES_PER_TENANT = 10
PAGE = 100  # Smartlead's largest list page
TAG_MAPPING_BATCH = 25  # accounts per tag-mapping call
# Targets (issue 7). Counts are asserted; time ratios only reported.
REFRESH_MAX_REQUESTS_AT_1000 = 15
STATE_MAX_BYTES_PER_MAILBOX = 3 * 1024
FLOOR_RATIO_TARGET = 1.3


# ------------------------------------------------------------------------------------------------ measuring


@dataclass
class Measurement:
    stack: str  # "mailfleet" or "floor"
    op: str
    mailboxes: int
    seconds: float
    peak_rss_mb: float
    exit_code: int
    requests: dict[str, int] | None = None
    minimum: int | None = None
    target: int | None = None
    note: str = ""
    detail: dict[str, int] | None = None

    @property
    def total_requests(self) -> int | None:
        return None if self.requests is None else sum(self.requests.values())


def run_measured(
    command: Sequence[str], *, cwd: Path, env: Mapping[str, str], log: Path, timeout: float | None = None
) -> tuple[float, float, int]:
    """Run ``command``; (wall seconds, peak RSS in MB of its largest process, exit code). Output goes to ``log``.

    ``timeout``: stop the command and everything it started (its process group) after that many seconds; the exit
    code is then the signal's (-15)."""
    with open(log.with_suffix(".out"), "wb") as out, open(log.with_suffix(".err"), "wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(
            list(command),
            cwd=cwd,
            env=dict(env),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            start_new_session=timeout is not None,
        )
        stopper = threading.Timer(timeout, _stop_group, (process.pid,)) if timeout is not None else None
        if stopper is not None:
            stopper.start()
        # wait4 returns the child's resource usage, which includes every descendant it waited for (the pulumi CLI
        # waits for its language host and provider processes): ru_maxrss is the largest of them, in KiB on Linux.
        _, status, usage = os.wait4(process.pid, 0)
        if stopper is not None:
            stopper.cancel()
        seconds = time.perf_counter() - started
        process.returncode = code = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_maxrss / 1024, code


def _stop_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)


@dataclass
class Stack:
    kind: str
    mailboxes: int
    tenants: int
    directory: Path
    cli: PulumiCLI
    logs: Path
    env: dict[str, str] = field(default_factory=dict)

    def command_env(self) -> dict[str, str]:
        return {**self.cli.env(), **self.env}

    def pulumi(self, *args: str) -> list[str]:
        return [str(self.cli.binary_dir / "pulumi"), *args, "--non-interactive", "--stack", self.cli.stack]

    def measure(
        self, op: str, command: Sequence[str], emulator: RunningEmulator | RunningInstantlyEmulator | None
    ) -> Measurement:
        if emulator is not None:
            emulator.control.clear_requests()
        log = self.logs / f"{self.kind}-{self.mailboxes}-{op.replace(' ', '_')}"
        seconds, rss, code = run_measured(command, cwd=self.directory, env=self.command_env(), log=log)
        requests = emulator.control.requests(api_key=emulator.api_key).counts if emulator is not None else None
        measurement = Measurement(self.kind, op, self.mailboxes, round(seconds, 2), round(rss, 1), code, requests)
        if code not in (0, 2) or (code == 2 and op not in ("drift", "drift (full)", "health")):
            tail = (log.with_suffix(".err").read_text(errors="replace") or log.with_suffix(".out").read_text())[-600:]
            measurement.note = f"exit {code}: {tail.strip().splitlines()[-1] if tail.strip() else ''}"[:200]
        return measurement

    def state_bytes(self) -> tuple[int, int]:
        """Bytes of the checkpoint as the backend stores it (compact JSON), and how many of them are the stack
        traces the Python SDK records for every resource."""
        deployment = json.loads(self.cli.run("stack", "export").stdout)
        traces = sum(compact_size(r.get("stackTrace", [])) for r in deployment["deployment"]["resources"])
        return compact_size(deployment), traces


def compact_size(value: Any) -> int:
    return len(json.dumps(value, separators=(",", ":")).encode())


def new_stack(
    work: Path, kind: str, tenants: int, emulator: RunningEmulator, rate_limit: str, *, first: int = 0
) -> Stack:
    name = f"{kind}-{tenants * MAILBOXES_PER_TENANT}"
    directory = make_project(work / name, program=FLOOR_PROGRAM if kind == "floor" else None)
    write_specs(directory / "specs" / "tenants", tenants, MAILBOXES_PER_TENANT, first=first)
    (work / "backend").mkdir(exist_ok=True)
    backend_url = f"file://{work / 'backend'}"
    cli = project_cli(directory, name, home=work / "pulumi-home", backend_url=backend_url, passphrase=PASSPHRASE)
    if kind == "mailfleet":
        cli.configure_stack(emulator.base_url, emulator.api_key, {"mailfleet:rateLimit": rate_limit})
    else:
        cli.select_stack()
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    env = {PASSWORD_ENV: bench_password()}
    return Stack(kind, tenants * MAILBOXES_PER_TENANT, tenants, directory, cli, logs, env)


# ------------------------------------------------------------------------------------------------ minimums


def list_pages(mailboxes: int) -> int:
    # A full read is ceil(N/100) pages; a last page that is exactly full needs one more (empty) page to end.
    return mailboxes // PAGE + 1


def minimum_for(op: str, mailboxes: int, tenants: int) -> int | None:
    """The fewest requests the operation needs (see docs/performance.md)."""
    if op == "preview":
        return 0
    if op == "refresh":
        return list_pages(mailboxes) + 1  # the account pages, and one client listing
    if op == "drift":
        # Every list-readable field from the pages, and tonight's slice read by id within the deep budget.
        return list_pages(mailboxes) + 1 + min(DEFAULT_DEEP_BUDGET, mailboxes)
    if op == "drift (full)":
        return list_pages(mailboxes) + mailboxes + 1  # pages, every account by id, clients
    if op == "health":
        return list_pages(mailboxes) + 1  # the account pages, and the one bounce call (name-wise-health-metrics)
    if op == "up (first)":
        # One write per created resource (mailboxes, tenant clients, tags), the tag mappings at Smartlead's 25
        # accounts per call (the bench spreads mailboxes evenly over TAGS), and one read of accounts and clients.
        mappings = sum(math.ceil(len(range(i, mailboxes, len(TAGS))) / TAG_MAPPING_BATCH) for i in range(len(TAGS)))
        return mailboxes + tenants + len(TAGS) + mappings + list_pages(mailboxes) + 1
    return None


def target_for(op: str, mailboxes: int, tenants: int) -> int | None:
    if op == "preview":
        return 0
    if op == "refresh":
        # 15 at 1,000 mailboxes (issue 7): the pages plus a small constant.
        return math.ceil(mailboxes / PAGE) + 5
    if op == "drift":
        return math.ceil(mailboxes / PAGE) + 5 + min(DEFAULT_DEEP_BUDGET, mailboxes)
    if op == "health":
        # Issue 12: the pages, one bounce call in the place of a client listing, and the 7-day stats budget.
        return list_pages(mailboxes) + 1 + HEALTH_DETAIL_BUDGET
    if op in ("up (first)", "drift (full)"):
        return minimum_for(op, mailboxes, tenants)
    return None


# ------------------------------------------------------------------------------------------------ scenarios


def command_available(name: str) -> str | None:
    """None when ``mailfleet NAME`` is implemented, else why not."""
    probe = subprocess.run(
        [*mailfleet_command(name, "--help")], capture_output=True, text=True, check=False, cwd=REPO, timeout=60
    )
    if probe.returncode != 0:
        return "not yet available (mailfleet " + name + " --help fails)"
    module = {"drift": "mailfleet.reports.drift", "health": "mailfleet.health.report"}[name]
    check = subprocess.run(
        [sys.executable, "-c", f"import {module}"], capture_output=True, text=True, check=False, cwd=REPO
    )
    return None if check.returncode == 0 else f"not yet available ({module} is not implemented)"


def run_size(
    work: Path,
    emulator: RunningEmulator,
    tenants: int,
    ops: Sequence[str],
    floor_ops: Sequence[str],
    unavailable: Mapping[str, str],
) -> list[Measurement]:
    emulator.control.reset()
    mailboxes = tenants * MAILBOXES_PER_TENANT
    results: list[Measurement] = []
    stack = new_stack(work, "mailfleet", tenants, emulator, "100000/1")
    print(f"bench: {mailboxes} mailboxes ({tenants} tenants)", file=sys.stderr, flush=True)
    commands: dict[str, list[str]] = {
        "validate": mailfleet_command("validate", "specs/tenants"),
        "up (first)": stack.pulumi("up", "--yes", "--skip-preview"),
        "preview": stack.pulumi("preview", "--expect-no-changes"),
        "refresh": stack.pulumi("refresh", "--yes", "--skip-preview"),
        "drift": mailfleet_command("drift", "--stack", stack.cli.stack, "--json", str(work / "drift.json")),
        "drift (full)": mailfleet_command(
            "drift", "--full", "--stack", stack.cli.stack, "--json", str(work / "drift-full.json")
        ),
        "health": mailfleet_command("health", "--stack", stack.cli.stack, "--json", str(work / "health.json")),
    }
    for op in ops:
        if op in unavailable:
            results.append(Measurement("mailfleet", op, mailboxes, 0, 0, -1, note=unavailable[op]))
            continue
        measurement = stack.measure(op, commands[op], emulator)
        measurement.minimum = minimum_for(op, mailboxes, tenants)
        measurement.target = target_for(op, mailboxes, tenants)
        results.append(measurement)
        print(f"  {op}: {measurement.seconds:.1f} s, {measurement.total_requests} requests", file=sys.stderr)
    if "up (first)" not in ops:
        return results  # nothing deployed at this size: no state, no floor
    state = Measurement("mailfleet", "state bytes/mailbox", mailboxes, 0, 0, 0)
    state.minimum = None
    state.target = STATE_MAX_BYTES_PER_MAILBOX
    total, traces = stack.state_bytes()
    state.note = str(total // mailboxes)
    state.detail = {"stack traces": traces // mailboxes}
    results.append(state)
    if floor_ops:
        floor = new_stack(work, "floor", tenants, emulator, "100000/1")
        floor_commands = {
            "up (first)": floor.pulumi("up", "--yes", "--skip-preview"),
            "preview": floor.pulumi("preview", "--expect-no-changes"),
            "refresh": floor.pulumi("refresh", "--yes", "--skip-preview"),
        }
        for op in floor_ops:
            results.append(floor.measure(op, floor_commands[op], None))
            print(f"  floor {op}: {results[-1].seconds:.1f} s", file=sys.stderr)
        floor_state = Measurement("floor", "state bytes/mailbox", mailboxes, 0, 0, 0)
        floor_total, floor_traces = floor.state_bytes()
        floor_state.note = str(floor_total // mailboxes)
        floor_state.detail = {"stack traces": floor_traces // mailboxes}
        results.append(floor_state)
    # The stacks are thrown away with the work directory; keep the emulator's data for the next size clean.
    shutil.rmtree(stack.directory, ignore_errors=True)
    return results


@dataclass
class LimitRun:
    mailboxes: int
    rate_limit: str
    seconds: float
    exit_code: int
    surfaced_429: int
    quota: QuotaUse


def run_limit(work: Path, emulator: RunningEmulator, tenants: int, rate_limit: str) -> LimitRun:
    """A large first ``up`` with the emulator and the client both at ``rate_limit`` (e.g. 60 per 6 s)."""
    emulator.control.reset()
    emulator.control.set_switch("rate_limit", rate_limit)
    stack = new_stack(work / "limit", "mailfleet", tenants, emulator, rate_limit)
    print(f"bench: rate limit {rate_limit}, first up of {stack.mailboxes} mailboxes", file=sys.stderr, flush=True)
    measurement = stack.measure("up (limited)", stack.pulumi("up", "--yes", "--skip-preview"), emulator)
    entries = emulator.control.requests(api_key=emulator.api_key).entries
    log = stack.logs / f"mailfleet-{stack.mailboxes}-up_(limited)"
    output = log.with_suffix(".out").read_text(errors="replace") + log.with_suffix(".err").read_text(errors="replace")
    surfaced = sum(
        1 for line in output.splitlines() if "429" in line or "rate limited" in line or "RateLimited" in line
    )
    emulator.control.set_switch("rate_limit", "100000/1")
    return LimitRun(
        mailboxes=stack.mailboxes,
        rate_limit=rate_limit,
        seconds=measurement.seconds,
        exit_code=measurement.exit_code,
        surfaced_429=surfaced,
        quota=quota_use(entries, rate_limit),
    )


# ------------------------------------------------------------------------------------------------ report


def ratio(results: list[Measurement], op: str, mailboxes: int) -> float | None:
    ours = next((m for m in results if m.stack == "mailfleet" and m.op == op and m.mailboxes == mailboxes), None)
    floor = next((m for m in results if m.stack == "floor" and m.op == op and m.mailboxes == mailboxes), None)
    if ours is None or floor is None or floor.seconds <= 0 or ours.exit_code < 0:
        return None
    return round(ours.seconds / floor.seconds, 2)


def misses(results: list[Measurement], limit: LimitRun | None) -> list[str]:
    """Every missed count target, as a sentence."""
    missed = [
        f"floor {m.op} at {m.mailboxes} failed ({m.note})"
        for m in results
        if m.stack == "floor" and m.exit_code not in (0, 2) and m.op != "state bytes/mailbox"
    ]
    for m in results:
        if m.stack != "mailfleet" or m.target is None:
            continue
        if m.op == "state bytes/mailbox":
            if int(m.note) > m.target:
                missed.append(f"state at {m.mailboxes}: {m.note} bytes per mailbox > {m.target}")
            continue
        if m.exit_code < 0:
            continue
        if m.exit_code not in (0, 2):
            missed.append(f"{m.op} at {m.mailboxes} failed ({m.note})")
        elif m.total_requests is not None and m.total_requests > m.target:
            missed.append(f"{m.op} at {m.mailboxes}: {m.total_requests} requests > target {m.target}")
    if limit is not None:
        if limit.exit_code != 0:
            missed.append(f"rate-limited up failed (exit {limit.exit_code})")
        if limit.surfaced_429:
            missed.append(f"rate-limited up: {limit.surfaced_429} rate-limit errors reached the user")
        if limit.quota.share < SHARE_TARGET:
            missed.append(f"rate-limited up used {limit.quota.share:.0%} of the limit < {SHARE_TARGET:.0%}")
        if limit.quota.refused_429:
            missed.append(f"rate-limited up: the server refused {limit.quota.refused_429} requests (429)")
    return missed


def endpoints_text(requests: dict[str, int] | None) -> str:
    if not requests:
        return ""
    top = sorted(requests.items(), key=lambda kv: -kv[1])
    return ", ".join(f"{endpoint} {count}" for endpoint, count in top)


def table(results: list[Measurement], limit: LimitRun | None) -> str:
    lines = [
        "| mailboxes | operation | time s | floor s | x floor | peak MB | requests | minimum | target | by endpoint |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for m in results:
        if m.stack != "mailfleet":
            continue
        floor = next((f for f in results if f.stack == "floor" and f.op == m.op and f.mailboxes == m.mailboxes), None)
        if m.op == "state bytes/mailbox":
            floor_text = floor.note if floor else ""
            lines.append(
                f"| {m.mailboxes:,} | state bytes per mailbox | {m.note} B | {floor_text and floor_text + ' B'} | "
                f"| | | | ≤ {m.target} B | compact `pulumi stack export`; of it SDK stack traces "
                f"{(m.detail or {}).get('stack traces', 0)} B |"
            )
            continue
        if m.exit_code < 0:
            lines.append(f"| {m.mailboxes:,} | {m.op} | {m.note} | | | | | | | |")
            continue
        r = ratio(results, m.op, m.mailboxes)
        lines.append(
            "| "
            + " | ".join(
                [
                    f"{m.mailboxes:,}",
                    m.op + (f" ({m.note})" if m.note else ""),
                    f"{m.seconds:.1f}",
                    f"{floor.seconds:.1f}" if floor else "",
                    f"{r:.2f}" if r is not None else "",
                    f"{m.peak_rss_mb:.0f}",
                    "" if m.total_requests is None else str(m.total_requests),
                    "" if m.minimum is None else str(m.minimum),
                    "" if m.target is None else f"≤ {m.target}",
                    endpoints_text(m.requests),
                ]
            )
            + " |"
        )
    if limit is not None:
        lines.append(
            f"| {limit.mailboxes:,} | up at {limit.rate_limit.replace('/', ' per ')} s | {limit.seconds:.1f} | | | | "
            f"{limit.quota.admitted} | | ≥ {SHARE_TARGET:.0%} of limit | used {limit.quota.share:.0%} of "
            f"{limit.quota.capacity} in {limit.quota.span_seconds:.0f} s; 429 at server {limit.quota.refused_429}, "
            f"reaching the user {limit.surfaced_429} |"
        )
    return "\n".join(lines)


def machine() -> dict[str, Any]:
    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    memory_gb = 0.0
    with contextlib.suppress(OSError, ValueError, IndexError):
        memory_gb = int(Path("/proc/meminfo").read_text().split()[1]) / 1024 / 1024
    pulumi_version = subprocess.run(
        [str(pulumi_bin() / "pulumi"), "version"], capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "os": platform.platform(),
        "python": platform.python_version(),
        "pulumi": pulumi_version,
    }


# ------------------------------------------------------------------------------------------------ main


@contextlib.contextmanager
def work_directory(keep: bool) -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="mailfleet-bench-"))
    try:
        yield path
    finally:
        if keep:
            print(f"bench: kept {path}", file=sys.stderr)
        else:
            shutil.rmtree(path, ignore_errors=True)


ALL_OPS = ("validate", "up (first)", "preview", "refresh", "drift", "drift (full)", "health")
FLOOR_OPS = ("up (first)", "preview", "refresh")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=100, help="tenants of the main run (10 mailboxes each)")
    parser.add_argument(
        "--growth", default="10,500", help="tenant counts of the growth curve (cheap operations), comma-separated"
    )
    parser.add_argument("--limit-tenants", type=int, default=10, help="tenants of the rate-limited up")
    parser.add_argument("--limit-rate", default="60/6", help="the real 60 per 60 s on a window shortened to 6 s")
    parser.add_argument(
        "--stages",
        default="single,stacks,pr",
        help=f"comma-separated, from {', '.join(STAGES)} or 'all' (see docs/performance.md for what each costs)",
    )
    parser.add_argument("--stack-tenants", type=int, default=100, help="stacks stage: tenants, one stack each")
    parser.add_argument("--nightly-tenants", type=int, default=500, help="nightly stage: tenants (10 mailboxes each)")
    parser.add_argument("--shard-tenants", type=int, default=2000, help="shards stage: tenants (10 mailboxes each)")
    parser.add_argument("--group", type=int, default=10, help="nightly stage: tenants per stack")
    parser.add_argument(
        "--nightly-clone", action="store_true", help="nightly stage: clone the fleet (bench/fleetstate.py), no first up"
    )
    parser.add_argument(
        "--shard-group",
        type=int,
        default=10,
        help="shards stage: tenants per stack (10: 100 mailboxes, see docs/performance.md)",
    )
    parser.add_argument("--shard-rate", default="60/6", help="shards stage: the quota, compressed (N/SECONDS)")
    parser.add_argument("--instantly-tenants", type=int, default=10, help="instantly stage: workspaces (tenants)")
    parser.add_argument("--instantly-per-tenant", type=int, default=100, help="instantly stage: mailboxes each")
    parser.add_argument(
        "--shard-timeout",
        type=float,
        default=None,
        help="shards stage: stop a phase's commands after this many seconds and report what the log holds",
    )
    parser.add_argument(
        "--shard-phases",
        default="nightly,change",
        help="shards stage: the phases to run, in order (nightly: drift + health + up --refresh at once; change: a "
        "fleet-wide change applied by --shard-runners processes)",
    )
    parser.add_argument("--shard-runners", type=int, default=2, help="shards stage: runner processes of the change")
    parser.add_argument("--parallel", type=int, default=4, help="stacks run at a time by the fan-out commands")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs of every command)")
    parser.add_argument("--output", type=Path, default=RESULTS)
    return parser.parse_args(argv)


STAGES = ("single", "stacks", "pr", "nightly", "shards", "instantly")


def main(argv: Sequence[str] | None = None) -> int:
    from bench import instantly as instantly_stage
    from bench import stacks as multi

    args = parse_args(argv)
    stages = list(STAGES) if args.stages == "all" else [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = sorted(set(stages) - set(STAGES))
    if unknown:
        print(f"bench: unknown stage(s) {', '.join(unknown)}; choose from {', '.join(STAGES)} or all", file=sys.stderr)
        return 2
    unavailable = {op: why for op in ("drift", "health") if (why := command_available(op)) is not None}
    if "drift" in unavailable:
        unavailable["drift (full)"] = unavailable["drift"]
    growth = [int(t) for t in args.growth.split(",") if t.strip()]
    started = time.perf_counter()
    results: list[Measurement] = []
    limit: LimitRun | None = None
    multi_results: list[multi.Op] = []
    shards: list[multi.Shards] = []
    instantly_results: list[Measurement] = []
    with (
        work_directory(args.keep) as work,
        running_emulator(work / "emulator.sqlite3", rate_limit="100000/1", extra_args=["--quiet"]) as emulator,
    ):
        if "single" in stages:
            for tenants in sorted({args.tenants, *growth}):
                main_run = tenants == args.tenants
                ops = ALL_OPS if main_run or tenants * MAILBOXES_PER_TENANT <= 100 else GROWTH_OPS
                results += run_size(work / f"size-{tenants}", emulator, tenants, ops, FLOOR_OPS, unavailable)
            if args.limit_tenants > 0:
                limit = run_limit(work, emulator, args.limit_tenants, args.limit_rate)
        if "stacks" in stages:
            multi_results += multi.stage_stacks(work / "stacks", emulator, args.stack_tenants, args.parallel)
        if "pr" in stages:
            multi_results += multi.stage_pr(work / "pr", emulator, args.stack_tenants)
        if "nightly" in stages:
            multi_results += multi.stage_nightly(
                work / "nightly", emulator, args.nightly_tenants, args.group, args.parallel, clone=args.nightly_clone
            )
        if "shards" in stages:
            shard_ops, shards = multi.stage_shards(
                work / "shards",
                emulator,
                args.shard_tenants,
                args.shard_group,
                args.parallel,
                args.shard_rate,
                phases=[p.strip() for p in args.shard_phases.split(",") if p.strip()],
                runners=args.shard_runners,
                timeout=args.shard_timeout,
                requests_out=args.output.with_name("shards-requests.json"),
            )
            multi_results += shard_ops
        if "instantly" in stages:
            instantly_results = instantly_stage.stage_instantly(
                work / "instantly", args.instantly_tenants, args.instantly_per_tenant
            )
    missed = misses(results, limit) + multi.misses(multi_results, shards) + instantly_stage.misses(instantly_results)
    report = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "bench_seconds": round(time.perf_counter() - started, 1),
        "measurements": [{**asdict(m), "total_requests": m.total_requests} for m in results],
        "floor_ratios": {
            f"{op}@{m}": ratio(results, op, m)
            for op in FLOOR_OPS
            for m in sorted({r.mailboxes for r in results})
            if ratio(results, op, m) is not None
        },
        "rate_limited_up": asdict(limit) if limit else None,
        "stages": stages,
        "stacks": multi.as_json(multi_results, shards),
        "instantly": instantly_stage.as_json(instantly_results),
        "targets_missed": missed,
    }
    args.output.write_text(json.dumps(report, indent=2) + "\n")
    if "single" in stages:
        print(table(results, limit))
    if multi_results or shards:
        print("\n" + multi.table(multi_results, shards))
    if instantly_results:
        print("\n" + instantly_stage.table(instantly_results))
    print(f"\nmachine: {report['machine']}; bench took {report['bench_seconds']:.0f} s; wrote {args.output}")
    if missed:
        print("\ntargets missed:\n  " + "\n  ".join(missed))
        return 1
    print("\nevery target met")
    return 0


# Sizes above the main run: only what costs no deployment (a first up of 5,000 takes most of an hour here).
GROWTH_OPS = ("validate",)
