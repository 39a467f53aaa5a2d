"""Generated fleets for the reliability tests: every CLI run recorded, the emulator audited, figures collected.

Every ``pulumi`` run goes through :meth:`Fleet.run` (or :meth:`Fleet.popen_up`), which keeps its whole output for
the secrets scan. :class:`Figures` counts what the tests tried and found (faults tried, runs, accounts checked,
duplicates, orphans, lost accounts, secrets found); ``tests/reliability/conftest.py`` writes them to
``reliability-figures.json`` at the end of the session, and ``docs/reliability.md`` quotes them.
"""

from __future__ import annotations

import secrets
import subprocess
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailfleet.emulator.testing import RunningEmulator
from mailfleet.testing.e2e import Project, new_project

# What a traceback or an unhandled exception looks like in CLI output.
TRACEBACK_MARKERS = ("Traceback (most recent call last)", 'File "/', "Exception:", "grpc._channel", "panic:")


@dataclass
class Figures:
    counts: Counter[str] = field(default_factory=Counter)
    faults: list[str] = field(default_factory=list)

    def add(self, name: str, amount: int = 1) -> None:
        self.counts[name] += amount

    def as_dict(self) -> dict[str, Any]:
        return {"faults_tried": sorted(set(self.faults)), **dict(sorted(self.counts.items()))}


@dataclass(frozen=True)
class Run:
    args: tuple[str, ...]
    code: int
    output: str

    @property
    def ok(self) -> bool:
        return self.code == 0


def password_ref(email: str) -> str:
    """The environment variable holding a mailbox's password (``{env: ...}`` references need no config call)."""
    local, domain = email.split("@", 1)
    return "PW_" + f"{domain.split('.', 1)[0]}_{local}".upper().replace("-", "_")


def mailbox_yaml(email: str, kind: str) -> str:
    local = email.split("@", 1)[0]
    password = f"{{{kind}: {password_ref(email)}}}"
    return f"  - email: {email}\n    from_name: {local.title()} Sender\n    password: {password}\n"


def tenant_yaml(
    tenant: str, emails: Sequence[str], *, on_remove: str = "delete", client_email: str = "", kind: str = "env"
) -> str:
    client = client_email or f"ops@{tenant}.example"
    mailboxes = "".join(mailbox_yaml(email, kind) for email in emails)
    return (
        "apiVersion: mailfleet/v1\n"
        f"tenant: {tenant}\n"
        f"client: {{name: {tenant.title()} Inc, email: {client}}}\n"
        "defaults:\n"
        f"  smtp: {{host: smtp.{tenant}-mail.example, port: 465, security: SSL}}\n"
        f"  imap: {{host: imap.{tenant}-mail.example, port: 993, security: SSL}}\n"
        "  warmup: {enabled: true, per_day: 20, rampup: 2, reply_rate: 30}\n"
        f"  on_remove: {on_remove}\n"
        f"mailboxes:\n{mailboxes}"
    )


def emails_for(tenant: str, count: int, start: int = 0) -> list[str]:
    return [f"m{i:03d}@{tenant}-mail.example" for i in range(start, start + count)]


@dataclass
class Fleet:
    """A project whose specs are generated tenants; every CLI output and every secret it used is kept."""

    project: Project
    figures: Figures
    passwords: dict[str, str] = field(default_factory=dict)  # reference name -> current value
    config_refs: set[str] = field(default_factory=set)  # references read from stack config
    retired_secrets: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    declared: dict[str, list[str]] = field(default_factory=dict)  # tenant -> emails

    @property
    def emulator(self) -> RunningEmulator:
        return self.project.emulator

    @property
    def secrets(self) -> list[str]:
        return [self.emulator.api_key, *self.passwords.values(), *self.retired_secrets]

    def declare(self, tenants: dict[str, list[str]], *, secret_tenants: Sequence[str] = (), **options: Any) -> None:
        """Replace the specs with these tenants (name -> emails) and give every new password a value.

        Passwords are ``{env: ...}`` references, passed to every run; tenants in ``secret_tenants`` use
        ``{secret: ...}`` stack config instead (one ``pulumi config set`` each, so keep those few)."""
        for path in self.project.specs.glob("*.yaml"):
            path.unlink()
        for tenant, emails in tenants.items():
            kind = "secret" if tenant in secret_tenants else "env"
            (self.project.specs / f"{tenant}.yaml").write_text(tenant_yaml(tenant, emails, kind=kind, **options))
            if kind == "secret":
                self.config_refs.update(password_ref(email) for email in emails)
        self.declared = {tenant: list(emails) for tenant, emails in tenants.items()}
        fresh = {password_ref(e): "pw-" + secrets.token_urlsafe(16) for emails in tenants.values() for e in emails}
        self.set_passwords({ref: value for ref, value in fresh.items() if ref not in self.passwords})

    def set_passwords(self, values: dict[str, str]) -> None:
        for ref, value in values.items():
            if ref in self.passwords:
                self.retired_secrets.append(self.passwords[ref])
            self.passwords[ref] = value
        in_config = {ref: value for ref, value in values.items() if ref in self.config_refs}
        self.project.pulumi.set_config(in_config, secret=True)

    def run(self, *args: str) -> Run:
        result = self.project.pulumi.run(*args, check=False, extra_env=self.passwords)
        output = (result.stdout or "") + (result.stderr or "")
        self.outputs.append(output)
        self.figures.add("pulumi_runs")
        if args and args[0] == "up":
            self.figures.add("up_runs")
            self.figures.add("up_runs_failed" if result.returncode else "up_runs_completed")
        return Run(tuple(args), result.returncode, output)

    def up(self, *args: str) -> Run:
        return self.run("up", "--yes", "--skip-preview", *args)

    def popen_up(
        self, *args: str, log: Path, new_session: bool = False, env: Mapping[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        """``pulumi up`` in the background, its output to ``log`` (read it with :meth:`keep_output`);
        ``new_session``: in a process group of its own, which the caller can kill whole; ``env``: more variables
        (e.g. a marker to find the run's processes by, see :mod:`mailfleet.testing.processes`)."""
        pulumi = self.project.pulumi
        command = [str(pulumi.binary_dir / "pulumi"), "up", "--yes", "--skip-preview", *args]
        command += ["--non-interactive", "--stack", pulumi.stack]
        with log.open("wb") as handle:
            return subprocess.Popen(
                command,
                cwd=pulumi.project_dir,
                env={**pulumi.env(), **self.passwords, **(env or {})},
                stdout=handle,
                stderr=subprocess.STDOUT,
                start_new_session=new_session,
            )

    def keep_output(self, text: str) -> None:
        self.outputs.append(text)

    def live(self) -> list[dict[str, Any]]:
        return self.emulator.control.accounts(self.emulator.api_key)

    def audit(self) -> None:
        """The emulator holds exactly the declared accounts, each once, under its tenant's client."""
        live = self.live()
        by_email = Counter(str(a["from_email"]).casefold() for a in live)
        declared = {email.casefold(): tenant for tenant, emails in self.declared.items() for email in emails}
        duplicates = sorted(email for email, n in by_email.items() if n > 1)
        orphans = sorted(set(by_email) - set(declared))
        lost = sorted(set(declared) - set(by_email))
        self.figures.add("accounts_checked", len(live))
        self.figures.add("audits")
        self.figures.add("duplicates_found", len(duplicates))
        self.figures.add("orphans_found", len(orphans))
        self.figures.add("lost_found", len(lost))
        assert (duplicates, orphans, lost) == ([], [], []), "duplicates, orphans, lost accounts"
        clients = {str(c["email"]).casefold(): int(c["id"]) for c in self.clients()}
        for account in live:
            tenant = declared[str(account["from_email"]).casefold()]
            assert account["client_id"] == clients[f"ops@{tenant}.example"], account["from_email"]

    def clients(self) -> list[dict[str, Any]]:
        with self.project.client() as client:
            return [{"id": c.id, "email": c.email, "name": c.name} for c in client.list_clients()]

    def texts_to_scan(self) -> Iterator[tuple[str, str]]:
        """Every text a secret must never reach: CLI outputs, emulator output, state, files the runs wrote."""
        for index, output in enumerate(self.outputs):
            yield f"cli output #{index}", output
        yield "emulator output", self.emulator.output()
        export = self.project.pulumi.run("stack", "export", "--show-secrets=false", check=False)
        yield "pulumi stack export", export.stdout + export.stderr
        root = self.project.directory.parent
        for path in sorted(root.rglob("*")):
            # The emulator's database stands in for Smartlead, which holds the passwords by design.
            if path.is_file() and not path.name.startswith("emulator.sqlite3"):
                yield str(path.relative_to(root)), path.read_text(errors="replace")

    def assert_no_secrets(self, extra: Iterable[tuple[str, str]] = ()) -> int:
        """Scan everything; record how many texts were scanned and how many secrets were found."""
        found: list[str] = []
        scanned = 0
        for where, text in [*self.texts_to_scan(), *extra]:
            scanned += 1
            found += [f"{where}: secret #{i}" for i, secret in enumerate(self.secrets) if secret and secret in text]
        self.figures.add("texts_scanned_for_secrets", scanned)
        self.figures.add("secret_values_checked", len(self.secrets))
        self.figures.add("secrets_found", len(found))
        assert found == []
        return scanned


def assert_clean_failure(run: Run, failed: dict[str, str]) -> None:
    """The run failed, with one line naming each failed mailbox and its reason, and no traceback."""
    assert not run.ok, run.output
    for marker in TRACEBACK_MARKERS:
        assert marker not in run.output, f"{marker!r} in:\n{run.output}"
    for email, reason in failed.items():
        lines = [line for line in run.output.splitlines() if email in line and reason in line]
        assert lines, f"no line with {email} and {reason!r} in:\n{run.output}"


def fresh_fleet(
    root: Path, emulator: RunningEmulator, figures: Figures, tenants: dict[str, list[str]], stack: str = "reliability"
) -> Fleet:
    """A new project and stack under ``root`` declaring ``tenants``, configured for ``emulator``."""
    project = new_project(root, emulator, stack=stack, configure=False)
    project.pulumi.select_stack()
    fleet = Fleet(project=project, figures=figures)
    fleet.declare(tenants)
    project.configure()
    return fleet
