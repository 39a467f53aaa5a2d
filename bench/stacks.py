"""The fleet on many stacks (``stacks.yaml``): the stages of ``make bench`` beyond the single-stack run.

- ``stacks``: 1,000 mailboxes in 100 tenant stacks (one stack per tenant): the first ``mailfleet up``, a plain
  ``pulumi preview`` of one tenant's stack, the pull-request preview (``mailfleet preview --changed-since HEAD`` after
  one tenant file changed: 1 of 100 stacks), and the full fan-out preview.
- ``nightly``: 5,000 mailboxes in groups of 10 tenants per stack (50 stacks of 100): the first ``mailfleet up``, then
  the nightly run (``mailfleet stacks drift``, ``mailfleet stacks health``, ``mailfleet up --refresh``).
- ``shards``: 20,000 mailboxes (200 stacks of 100), one stack deployed for real and the others cloned from it
  (:mod:`bench.fleetstate`), with the emulator and every stack at a compressed quota, in up to two phases
  (``--shard-phases``):

  - ``nightly``: the nightly list-cost commands at once (``mailfleet stacks drift``, ``mailfleet stacks health``,
    ``mailfleet up --refresh``), all three sharing one window (``mailfleet:rateLimitUrl``);
  - ``change``: a fleet-wide change (every tenant's warmup per day, one write per mailbox) applied by shard runners
    as separate processes (``--shard-runners``, a CI matrix's machines), each ``mailfleet up`` over its part of the
    stacks, tied only by the limiter's URL (a throwaway PostgreSQL cluster on loopback when the server is
    installed, else a SQLite file).

  Each phase reports the share of the quota used, the 429s at the server, the requests, and the wall time a real
  key (60 per 60 s) would need for them.

Each stage also records the largest stack's checkpoint (bytes) and how long writing it takes (JSON encoding, write
and fsync of the exported deployment: a proxy for the engine's per-step checkpoint write).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.fleetstate import Clone, clone_stacks
from bench.quota import SHARE_TARGET, QuotaUse, quota_use
from bench.run import MAILBOXES_PER_TENANT, PASSPHRASE, endpoints_text, run_measured
from mailfleet.emulator.testing import RequestLogEntry, RunningEmulator
from mailfleet.testing.projects import REPO, mailfleet_command, make_project
from mailfleet.testing.scale import postgres_bin, postgres_cluster
from mailfleet.testing.synthetic import PASSWORD_ENV, WARMUP_PER_DAY, bench_password, tenant_name, write_specs
from mailfleet.workspace import LocalState, PulumiCLI

# Targets (issue 14). Reported against; a miss is listed, the bench does not fail on time.
PR_PREVIEW_TARGET_S = 5.0
FIRST_UP_5000_TARGET_S = 20 * 60.0
CHECKPOINT_WRITE_TARGET_MS = 50.0


@dataclass
class Op:
    stage: str
    op: str
    mailboxes: int
    stacks: int
    seconds: float
    peak_rss_mb: float
    exit_code: int
    requests: int | None = None
    by_endpoint: dict[str, int] | None = None
    target: str = ""
    met: bool | None = None
    note: str = ""


@dataclass
class MultiStack:
    """A throwaway project with ``stacks.yaml``, its own backend, in a git repository (for --changed-since)."""

    directory: Path
    env: dict[str, str]
    stacks: int
    mailboxes: int
    logs: Path
    results: list[Op] = field(default_factory=list)

    def run(
        self,
        stage: str,
        op: str,
        command: Sequence[str],
        emulator: RunningEmulator | None,
        timeout: float | None = None,
    ) -> Op:
        if emulator is not None:
            emulator.control.clear_requests()
        log = self.logs / f"{stage}-{op.replace(' ', '_').replace('/', '_')}"
        seconds, rss, code = run_measured(command, cwd=self.directory, env=self.env, log=log, timeout=timeout)
        counts = emulator.control.requests(api_key=emulator.api_key).counts if emulator is not None else None
        result = Op(stage, op, self.mailboxes, self.stacks, round(seconds, 2), round(rss, 1), code)
        if counts is not None:
            result.requests, result.by_endpoint = sum(counts.values()), counts
        if code not in (0, 2):
            tail = (log.with_suffix(".err").read_text(errors="replace") + log.with_suffix(".out").read_text())[-400:]
            result.note = f"exit {code}: {' '.join(tail.split())[-200:]}"
        print(f"  {stage} {op}: {result.seconds:.1f} s, {result.requests} requests, exit {code}", file=sys.stderr)
        self.results.append(result)
        return result

    def pulumi(self, stack: str, *args: str) -> list[str]:
        return [str(LocalState(REPO).pulumi_bin / "pulumi"), *args, "--non-interactive", "--stack", stack]

    def git(self, *args: str) -> None:
        subprocess.run(
            ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid", *args],
            cwd=self.directory,
            check=True,
            capture_output=True,
        )


def new_multistack(
    work: Path,
    emulator: RunningEmulator,
    tenants: int,
    group: int,
    rate_limit: str,
    *,
    name: str,
    configure: bool = True,
    config: dict[str, str] | None = None,
) -> MultiStack:
    """``tenants`` tenant files of 10 mailboxes; ``group`` tenants per stack (1: the default, a stack per tenant)."""
    directory = make_project(work / name)
    write_specs(directory / "specs" / "tenants", tenants, MAILBOXES_PER_TENANT)
    lines = ["apiVersion: mailfleet/v1", "stacks:"]
    if group > 1:
        for start in range(0, tenants, group):
            members = ", ".join(tenant_name(i) for i in range(start, min(start + group, tenants)))
            lines.append(f"  g{start // group:03d}: [{members}]")
    else:
        lines[-1] = "stacks: {}"
    settings = {"mailfleet:rateLimit": rate_limit, **(config or {})}
    lines.append("config: {" + ", ".join(f"{k}: '{v}'" for k, v in settings.items()) + "}")
    (directory / "stacks.yaml").write_text("\n".join(lines) + "\n")
    (directory / ".gitignore").write_text((REPO / ".gitignore").read_text())
    (work / "backend").mkdir(exist_ok=True)
    cli = PulumiCLI(
        binary_dir=LocalState(REPO).pulumi_bin,
        project_dir=directory,
        stack="bench",
        environment={
            "PULUMI_HOME": str(work / "pulumi-home"),
            "PULUMI_BACKEND_URL": f"file://{work / 'backend'}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_PYTHON_CMD": str(REPO / ".venv" / "bin" / "python"),
        },
    )
    env = {
        **cli.env(),
        PASSWORD_ENV: bench_password(),
        "SMARTLEAD_BASE_URL": emulator.base_url,
        "SMARTLEAD_API_KEY": emulator.api_key,
    }
    logs = work / "logs"
    logs.mkdir(exist_ok=True)
    stacks = math.ceil(tenants / group)
    fleet = MultiStack(directory, env, stacks, tenants * MAILBOXES_PER_TENANT, logs)
    fleet.git("init", "-q", "-b", "main")
    fleet.git("add", "-A")
    fleet.git("commit", "-q", "-m", "bench fleet")
    if configure:
        started = time.perf_counter()
        subprocess.run(
            mailfleet_command("stacks", "configure"), cwd=directory, env=env, check=True, capture_output=True, text=True
        )
        print(f"  configured {stacks} stacks in {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return fleet


def checkpoint(fleet: MultiStack, stack: str, stage: str) -> Op:
    """The stack's checkpoint size, and the time to encode, write and fsync it (best of 5)."""
    out = subprocess.run(
        [*fleet.pulumi(stack, "stack", "export")], cwd=fleet.directory, env=fleet.env, capture_output=True, text=True
    )
    deployment = json.loads(out.stdout)
    target = fleet.logs / f"checkpoint-{stack}.json"
    best = math.inf
    for _ in range(5):
        started = time.perf_counter()
        data = json.dumps(deployment, separators=(",", ":")).encode()
        with open(target, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        best = min(best, time.perf_counter() - started)
    ms = round(best * 1000, 1)
    op = Op(stage, f"checkpoint write ({stack})", fleet.mailboxes, fleet.stacks, best, 0, 0)
    op.note = f"{len(data):,} bytes, {ms} ms"
    op.target, op.met = f"< {CHECKPOINT_WRITE_TARGET_MS:.0f} ms", ms < CHECKPOINT_WRITE_TARGET_MS
    fleet.results.append(op)
    return op


def stage_stacks(work: Path, emulator: RunningEmulator, tenants: int, parallel: int) -> list[Op]:
    """1,000 mailboxes in 100 tenant stacks."""
    emulator.control.reset()
    print(f"bench stacks: {tenants * MAILBOXES_PER_TENANT} mailboxes in {tenants} tenant stacks", file=sys.stderr)
    fleet = new_multistack(work, emulator, tenants, 1, "100000/1", name="stacks")
    p = str(parallel)
    fleet.run("stacks", "up (first, fan-out)", mailfleet_command("up", "--yes", "--parallel", p), emulator)
    one = tenant_name(tenants // 2)
    fleet.run("stacks", "preview one tenant (pulumi)", fleet.pulumi(one, "preview", "--expect-no-changes"), emulator)
    spec = fleet.directory / "specs" / "tenants" / f"{one}.yaml"
    spec.write_text(spec.read_text().replace(f"from_name: Sender {tenants // 2}-0", "from_name: Renamed Sender"))
    pr = fleet.run(
        "stacks",
        "PR preview (--changed-since, 1 stack)",
        mailfleet_command("preview", "--changed-since", "HEAD", "--json", str(work / "pr.json")),
        emulator,
    )
    pr.target, pr.met = f"≤ {PR_PREVIEW_TARGET_S:.0f} s", pr.exit_code == 0 and pr.seconds <= PR_PREVIEW_TARGET_S
    chosen = [row["stack"] for row in json.loads((work / "pr.json").read_text())["stacks"]] if pr.exit_code == 0 else []
    pr.note = (pr.note + f" previewed {chosen}").strip()
    fleet.run("stacks", "preview all (fan-out)", mailfleet_command("preview", "--parallel", p), emulator)
    checkpoint(fleet, one, "stacks")
    return fleet.results


def stage_pr(work: Path, emulator: RunningEmulator, tenants: int) -> list[Op]:
    """The pull-request preview alone, three times: 1,000 mailboxes in 100 tenant files, the changed tenant's stack
    deployed (the other stacks' existence does not enter a one-stack preview). Minutes instead of the stacks stage's
    twenty, so it can be run when the machine is quiet."""
    emulator.control.reset()
    print(f"bench pr: {tenants * MAILBOXES_PER_TENANT} mailboxes in {tenants} tenant files", file=sys.stderr)
    fleet = new_multistack(work, emulator, tenants, 1, "100000/1", name="pr", configure=False)
    one = tenant_name(tenants // 2)
    subprocess.run(
        mailfleet_command("up", "--yes", "--stack", one),
        cwd=fleet.directory,
        env=fleet.env,
        check=True,
        capture_output=True,
    )
    spec = fleet.directory / "specs" / "tenants" / f"{one}.yaml"
    spec.write_text(spec.read_text().replace(f"from_name: Sender {tenants // 2}-0", "from_name: Renamed Sender"))
    command = mailfleet_command("preview", "--changed-since", "HEAD", "--json", str(work / "pr.json"))
    runs = [fleet.run("pr", f"PR preview, run {i + 1}", command, emulator) for i in range(3)]
    for run in runs:
        run.target, run.met = (
            f"≤ {PR_PREVIEW_TARGET_S:.0f} s",
            run.exit_code == 0 and run.seconds <= PR_PREVIEW_TARGET_S,
        )
    fleet.run("pr", "preview one tenant (pulumi)", fleet.pulumi(one, "preview"), emulator)
    return fleet.results


TEMPLATE_STACK = "g000"


def deploy_by_cloning(fleet: MultiStack, emulator: RunningEmulator, work: Path, tenants: int, group: int) -> None:
    """The first stack deployed for real (an up at the emulator's speed), every other one cloned from it."""
    if tenants % group:
        raise ValueError(f"{tenants} tenants do not make stacks of {group}: clones need full groups")
    deploy = {**fleet.env, "PULUMI_SKIP_CHECKPOINTS": "true"}  # the template's first up; its end state is the same
    started = time.perf_counter()
    subprocess.run(
        mailfleet_command("up", "--yes", "--stack", TEMPLATE_STACK),
        cwd=fleet.directory,
        env=deploy,
        check=True,
        capture_output=True,
    )
    added = clone_stacks(
        emulator_db=emulator.db_path,
        backend=work / "backend",
        project=fleet.directory,
        template=TEMPLATE_STACK,
        template_tenants=range(group),
        clones=[Clone(f"g{k:03d}", range(k * group, (k + 1) * group)) for k in range(1, tenants // group)],
    )
    took = time.perf_counter() - started
    print(f"  deployed {TEMPLATE_STACK}, cloned {added} accounts in {took:.0f} s", file=sys.stderr)


def stage_nightly(
    work: Path, emulator: RunningEmulator, tenants: int, group: int, parallel: int, *, clone: bool = False
) -> list[Op]:
    """5,000 mailboxes: first up and a nightly run (``clone``: the fleet cloned instead of the first up)."""
    emulator.control.reset()
    stacks = math.ceil(tenants / group)
    print(f"bench nightly: {tenants * MAILBOXES_PER_TENANT} mailboxes in {stacks} stacks", file=sys.stderr)
    fleet = new_multistack(work, emulator, tenants, group, "100000/1", name="nightly", configure=not clone)
    p = str(parallel)
    if clone:
        deploy_by_cloning(fleet, emulator, work, tenants, group)
    else:
        up = fleet.run("nightly", "up (first, fan-out)", mailfleet_command("up", "--yes", "--parallel", p), emulator)
        up.target = f"≤ {FIRST_UP_5000_TARGET_S / 60:.0f} min"
        up.met = up.exit_code == 0 and up.seconds <= FIRST_UP_5000_TARGET_S
    total = 0.0
    for op, command in (
        ("drift (all stacks)", ["stacks", "drift", "--parallel", p, "--json", str(work / "drift.json")]),
        ("health (all stacks)", ["stacks", "health", "--parallel", p, "--json", str(work / "health.json")]),
        ("up --refresh (all stacks)", ["up", "--yes", "--refresh", "--parallel", p]),
    ):
        total += fleet.run("nightly", op, mailfleet_command(*command), emulator).seconds
    night = Op("nightly", "nightly total (drift + health + up)", fleet.mailboxes, fleet.stacks, round(total, 1), 0, 0)
    fleet.results.append(night)
    checkpoint(fleet, TEMPLATE_STACK, "nightly")
    return fleet.results


@dataclass
class Shards:
    phase: str
    mailboxes: int
    stacks: int
    rate_limit: str
    seconds: float
    exit_codes: dict[str, int]
    quota: QuotaUse
    listing_phase: QuotaUse | None
    """From the first request to the last listing page: the three commands list the key at once, and wait for it."""
    by_endpoint: dict[str, int]
    checkpoint: str
    stopped_after: float | None = None
    limiter: str = "sqlite"
    note: str = ""


SHARD_COMMANDS = (
    ("drift (all stacks)", ("stacks", "drift")),
    ("health (all stacks)", ("stacks", "health")),
    ("up --refresh (all stacks)", ("up", "--yes", "--refresh")),
)


LISTING_ENDPOINT = "GET /email-accounts/"
SHARD_PHASES = ("nightly", "change")
QUOTA_BOUND_PHASE = "change"
"""The phase the share target is judged on: the one whose requests outrun the quota (the nightly's engines here ask
for a request every few seconds once the listing is in, see docs/performance.md)."""
CHANGED_PER_DAY = WARMUP_PER_DAY + 5
WARMUP_BEFORE, WARMUP_AFTER = f"per_day: {WARMUP_PER_DAY},", f"per_day: {CHANGED_PER_DAY},"


def stage_shards(
    work: Path,
    emulator: RunningEmulator,
    tenants: int,
    group: int,
    parallel: int,
    rate_limit: str,
    *,
    phases: Sequence[str] = SHARD_PHASES,
    runners: int = 2,
    timeout: float | None = None,
    requests_out: Path | None = None,
) -> tuple[list[Op], list[Shards]]:
    """20,000 mailboxes in stacks of ``group`` tenants at a compressed quota: the nightly list-cost commands at once
    in one shared window, then a fleet-wide change by ``runners`` shard processes sharing the key's window.
    ``timeout``: stop a phase's commands after that many seconds (the figures are then of what ran);
    ``requests_out``: write each phase's request log (time, endpoint, status; no key, no body) beside it."""
    emulator.control.reset()
    stacks = math.ceil(tenants / group)
    print(f"bench shards: {tenants * MAILBOXES_PER_TENANT} mailboxes, {stacks} stacks at {rate_limit}", file=sys.stderr)
    with shared_window(work) as (limiter, url):
        window = {"mailfleet:rateLimitUrl": url}
        fleet = new_multistack(
            work, emulator, tenants, group, rate_limit, name="shards", configure=False, config=window
        )
        deploy_by_cloning(fleet, emulator, work, tenants, group)
        write = checkpoint(fleet, "g001" if stacks > 1 else TEMPLATE_STACK, "shards")
        results = []
        for phase in phases:
            if phase == "nightly":
                commands = [(op, mailfleet_command(*args, "--parallel", str(parallel))) for op, args in SHARD_COMMANDS]
            else:
                change_every_tenant(fleet.directory)
                commands = shard_runner_commands(stacks, runners, parallel)
            shard, log = run_phase(fleet, emulator, phase, commands, rate_limit, timeout)
            shard.limiter, shard.checkpoint = limiter, write.note
            if phase == "change":
                shard.note = applied_change(emulator, fleet.mailboxes)
            if requests_out is not None:
                out = requests_out.with_name(f"{requests_out.stem}-{phase}{requests_out.suffix}")
                rows = [{"at": e.at, "endpoint": e.endpoint, "status": e.status} for e in log]
                out.write_text(json.dumps(rows) + "\n")
            results.append(shard)
    return fleet.results, results


@contextlib.contextmanager
def shared_window(work: Path) -> Iterator[tuple[str, str]]:
    """The limiter every shard paces in: PostgreSQL (what runners on different machines use) when the server is
    installed here, else a SQLite file; yields its kind and URL."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        yield "sqlite", f"sqlite:///{work / 'shared-limiter.sqlite3'}"
        return
    with postgres_cluster(bin_dir) as server:
        yield "postgresql", server.url("postgres")


def change_every_tenant(specs_root: Path) -> None:
    """Raise every tenant's warmup per day (a fleet-wide edit: one warmup write per mailbox), committed."""
    for spec in sorted((specs_root / "specs" / "tenants").glob("*.yaml")):
        text = spec.read_text()
        if WARMUP_BEFORE not in text:
            raise ValueError(f"{spec.name} has no '{WARMUP_BEFORE}' to change")
        spec.write_text(text.replace(WARMUP_BEFORE, WARMUP_AFTER))


def shard_runner_commands(stacks: int, runners: int, parallel: int) -> list[tuple[str, list[str]]]:
    """``runners`` ``mailfleet up`` processes, each over a contiguous part of the stacks (as a CI matrix splits)."""
    names = [f"g{k:03d}" for k in range(stacks)]
    size = math.ceil(len(names) / max(1, runners))
    commands = []
    for index in range(0, len(names), size):
        part = names[index : index + size]
        chosen = [arg for name in part for arg in ("--stack", name)]
        op = f"runner {index // size + 1}: up {part[0]}-{part[-1]}"
        commands.append((op, mailfleet_command("up", "--yes", "--parallel", str(parallel), *chosen)))
    return commands


def run_phase(
    fleet: MultiStack,
    emulator: RunningEmulator,
    phase: str,
    commands: Sequence[tuple[str, list[str]]],
    rate_limit: str,
    timeout: float | None,
) -> tuple[Shards, list[RequestLogEntry]]:
    """Run ``commands`` at once with the emulator at ``rate_limit``; the quota they used, from the server's log."""
    emulator.control.set_switch("rate_limit", rate_limit)
    emulator.control.clear_requests()
    started = time.perf_counter()
    with RequestCollector(emulator) as collector, ThreadPoolExecutor(max_workers=len(commands)) as pool:
        runs = list(pool.map(lambda item: fleet.run(f"shards {phase}", item[0], item[1], None, timeout), commands))
    seconds = time.perf_counter() - started
    entries = collector.entries
    emulator.control.set_switch("rate_limit", "100000/1")
    pages = [e for e in entries if e.endpoint == LISTING_ENDPOINT]
    listing = [e for e in entries if pages and e.seq <= pages[-1].seq]
    shard = Shards(
        phase=phase,
        mailboxes=fleet.mailboxes,
        stacks=fleet.stacks,
        rate_limit=rate_limit,
        seconds=round(seconds, 1),
        exit_codes={run.op: run.exit_code for run in runs},
        quota=quota_use(entries, rate_limit),
        listing_phase=quota_use(listing, rate_limit) if phase == "nightly" else None,
        by_endpoint=dict(sorted(Counter(e.endpoint for e in entries).items())),
        checkpoint="",
        stopped_after=round(seconds, 1) if any(run.exit_code == -15 for run in runs) else None,
    )
    return shard, entries


class RequestCollector:
    """The whole request log of a phase. The emulator keeps only its last 10,000 requests (a 20,000-mailbox change
    makes twice that), so the log is read every ``interval`` seconds while the phase runs and once at the end, and
    kept here; a gap in the sequence numbers (requests that fell out before they were read) raises instead of
    giving a share of part of the phase."""

    def __init__(self, emulator: RunningEmulator, interval: float = 30.0) -> None:
        self._emulator = emulator
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, name="bench-request-log", daemon=True)
        self._seen = 0
        self.entries: list[RequestLogEntry] = []

    def __enter__(self) -> RequestCollector:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.read()

    def _poll(self) -> None:
        while not self._stop.wait(self._interval):
            self.read()

    def read(self) -> None:
        fresh = [e for e in self._emulator.control.requests().entries if e.seq > self._seen]
        if not fresh:
            return
        expected = fresh[0].seq if not self.entries else self._seen + 1
        if fresh[0].seq != expected or fresh[-1].seq - fresh[0].seq + 1 != len(fresh):
            raise RuntimeError(f"the emulator's request log dropped entries after seq {self._seen}: read it more often")
        self.entries += fresh
        self._seen = fresh[-1].seq


def applied_change(emulator: RunningEmulator, mailboxes: int) -> str:
    """How many accounts the emulator holds with the new warmup per day: the change is only done when all are."""
    accounts = emulator.control.accounts(emulator.api_key)
    done = sum(1 for a in accounts if a["_emulator"]["total_warmup_per_day"] == CHANGED_PER_DAY)
    return f"{done:,} of {mailboxes:,} accounts at warmup {CHANGED_PER_DAY} a day"


def table(results: Sequence[Op], shards: Sequence[Shards] = ()) -> str:
    lines = [
        "| stage | mailboxes | stacks | operation | time s | peak MB | requests | target | met | note |",
        "|---|---:|---:|---|---:|---:|---:|---|---|---|",
    ]
    for r in results:
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        seconds = f"{r.seconds * 1000:.1f} ms" if r.op.startswith("checkpoint") else f"{r.seconds:.1f}"
        lines.append(
            f"| {r.stage} | {r.mailboxes:,} | {r.stacks} | {r.op} | {seconds} | {r.peak_rss_mb:.0f} | "
            f"{'' if r.requests is None else r.requests} | {r.target} | {met} | {r.note} |"
        )
    for shard in shards:
        q = shard.quota
        what = "drift + health + up --refresh at once" if shard.phase == "nightly" else "fleet-wide change by runners"
        judged = shard.phase == QUOTA_BOUND_PHASE
        stopped = f"; stopped after {shard.stopped_after:.0f} s" if shard.stopped_after else ""
        lines.append(
            f"| shards {shard.phase} | {shard.mailboxes:,} | {shard.stacks} | {what}, "
            f"{shard.rate_limit.replace('/', ' per ')} s, {shard.limiter} window | {shard.seconds:.1f} | | "
            f"{q.admitted} | {f'≥ {SHARE_TARGET:.0%} of quota, 0 x 429' if judged else ''} | "
            f"{('yes' if q.met else '**no**') if judged else ''} | used {q.share:.0%} of {q.capacity} in "
            f"{q.span_seconds:.0f} s; 429 at server {q.refused_429}; a real key (60 per 60 s): "
            f"{q.real_key_seconds / 60:.1f} min; {endpoints_text(shard.by_endpoint)}{stopped}"
            f"{'; ' + shard.note if shard.note else ''} |"
        )
        if shard.listing_phase is not None:
            q = shard.listing_phase
            lines.append(
                f"| shards {shard.phase} | | | the listing phase (first request to the last listing page) | "
                f"{q.span_seconds:.1f} | | {q.admitted} | | | used {q.share:.0%} of {q.capacity}; "
                f"429 at server {q.refused_429} |"
            )
    return "\n".join(lines)


def misses(results: Sequence[Op], shards: Sequence[Shards] = ()) -> list[str]:
    missed = [f"{r.stage} {r.op}: {r.seconds:.2f} s, target {r.target}" for r in results if r.met is False]
    missed += [f"{r.stage} {r.op} failed ({r.note})" for r in results if r.exit_code not in (0, 2)]
    for shard in shards:
        q = shard.quota
        if shard.phase == QUOTA_BOUND_PHASE and not q.met:
            missed.append(
                f"shards {shard.phase}: share {q.share:.0%} (target {SHARE_TARGET:.0%}), {q.refused_429} x 429 at "
                "the server"
            )
        elif q.refused_429:
            missed.append(f"shards {shard.phase}: {q.refused_429} x 429 at the server")
    return missed


def as_json(results: Sequence[Op], shards: Sequence[Shards] = ()) -> dict[str, Any]:
    from dataclasses import asdict

    return {"operations": [asdict(r) for r in results], "shards": [asdict(shard) for shard in shards]}
