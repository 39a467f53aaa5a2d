"""The stacks of this project: the mapping, which of them exist in the backend, and creating the missing ones.

Every stack is created and configured here, from one place: the passphrase secrets provider (or the backend's
default), ``mailfleet:baseUrl`` and the secret ``mailfleet:apiKey`` (from ``$SMARTLEAD_BASE_URL`` and
``$SMARTLEAD_API_KEY`` unless given; the key is required when the stack holds a Smartlead tenant), for a stack that
holds an Instantly tenant the secret ``mailfleet:instantlyApiKey`` and ``mailfleet:instantlyBaseUrl`` (from
``$INSTANTLY_API_KEY`` and ``$INSTANTLY_BASE_URL``; the key is required when one of its tenants names its workspace
by ``id``, acting through that admin key), then the shared ``config:`` of ``stacks.yaml``
(:meth:`~mailfleet.workspace.PulumiCLI.configure_stack`). A stack never gets a vendor's key it does not use.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from mailfleet.automation import DEFAULT_STACK, find_pulumi_root, stack_environment, stack_name
from mailfleet.errors import SetupError
from mailfleet.smartlead.client import DEFAULT_BASE_URL
from mailfleet.spec import load_tenants
from mailfleet.spec.account import AccountSpec, account_path, load_account
from mailfleet.spec.loader import tenant_file_names
from mailfleet.spec.model import Tenant
from mailfleet.stacks.mapping import StackMap, load_stack_map
from mailfleet.stacks.ownership import (
    CLAIMS_FILE_VARIABLE,
    account_owners,
    backend_claims,
    claim,
    claim_account,
    release_account,
    write_run_claims,
)
from mailfleet.workspace import PulumiCLI, find_pulumi_project

DEFAULT_SPECS = "specs/tenants"
CONFIGURE_THREADS = 4


@dataclass(frozen=True)
class StackInfo:
    name: str
    resources: int


@dataclass
class Project:
    """One checkout of the project: where it is, its mapping, and the CLI to run on any of its stacks."""

    directory: Path
    mapping: StackMap
    environment: Mapping[str, str]
    binary_dir: Path
    _existing: dict[str, StackInfo] | None = field(default=None, repr=False)
    _tenants: list[Tenant] | None = field(default=None, repr=False)
    _account: AccountSpec | None = field(default=None, repr=False)
    _account_owners: list[str] | None = field(default=None, repr=False)

    @classmethod
    def load(cls, directory: Path | None = None, environ: Mapping[str, str] | None = None) -> Project:
        root = directory or find_pulumi_project()
        names = _tenant_names(root / DEFAULT_SPECS)
        mapping = load_stack_map(root, names)
        specs = mapping.config.get("mailfleet:specsDir")
        if specs and specs != DEFAULT_SPECS:
            mapping = load_stack_map(root, _tenant_names(root / specs))
        env = stack_environment(root, environ)
        return cls(root, mapping, env, find_pulumi_root(root, environ) / "bin")

    @property
    def specs_dir(self) -> str:
        return self.mapping.config.get("mailfleet:specsDir", DEFAULT_SPECS)

    def stacks(self) -> list[str]:
        """Every stack of the mapping; without ``stacks.yaml`` the one stack in use ($PULUMI_STACK, else local)."""
        if self.mapping.single:
            return [stack_name(None)]
        return sorted(self.mapping.stacks)

    def tenants_of(self, stack: str) -> tuple[str, ...]:
        return self.mapping.tenants_of(stack)

    def cli(self, stack: str) -> PulumiCLI:
        return PulumiCLI(self.binary_dir, self.directory, stack, dict(self.environment))

    def existing(self, *, refresh: bool = False) -> dict[str, StackInfo]:
        """The stacks of this project in the backend, with their resource counts (one ``pulumi stack ls``)."""
        if self._existing is None or refresh:
            out = self.cli(DEFAULT_STACK).run("stack", "ls", "--json", stack=False).stdout
            rows = json.loads(out or "[]")
            self._existing = {
                str(row["name"]).rsplit("/", 1)[-1]: StackInfo(
                    str(row["name"]).rsplit("/", 1)[-1], int(row.get("resourceCount") or 0)
                )
                for row in rows
            }
        return self._existing

    def strays(self) -> list[StackInfo]:
        """Stacks in the backend that the mapping does not name but that still hold resources (e.g. the single
        ``local`` stack before ``mailfleet stacks migrate``): their tenants would be managed twice."""
        if self.mapping.single:
            return []
        candidates = [i for n, i in sorted(self.existing().items()) if n not in self.mapping.stacks and i.resources]
        found = []
        for info in candidates:
            held = managed_count(json.loads(self.cli(info.name).run("stack", "export").stdout))
            if held:
                found.append(StackInfo(info.name, held))
        return found

    def refuse_strays(self) -> None:
        strays = self.strays()
        if strays:
            listed = ", ".join(f"{s.name} ({s.resources} resources)" for s in strays)
            raise SetupError(
                f"stacks.yaml does not name stack(s) {listed}, which still manage resources: a tenant is managed by "
                "exactly one stack. Move them first: mailfleet stacks migrate"
            )

    def configure(
        self,
        stacks: Sequence[str],
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        tenants: Sequence[Tenant] = (),
        fill_secrets: bool = False,
        only_missing: bool = True,
    ) -> list[str]:
        """Create and configure ``stacks`` (by default only those that do not exist yet); returns those configured.

        ``fill_secrets`` gives each password reference of the stack's tenants a random local-only secret (emulator
        stacks, as the demo does)."""
        existing = self.existing()
        todo = [stack for stack in stacks if not (only_missing and stack in existing)]
        if not todo:
            return []
        url = base_url or self.mapping.config.get("mailfleet:baseUrl") or os.environ.get("SMARTLEAD_BASE_URL")
        key = api_key or os.environ.get("SMARTLEAD_API_KEY") or None
        instantly_key = os.environ.get("INSTANTLY_API_KEY") or None
        instantly_url = os.environ.get("INSTANTLY_BASE_URL") or None
        settings = {k: v for k, v in self.mapping.config.items() if k != "mailfleet:baseUrl"}
        specs = list(tenants) or self.tenants()
        owned = {stack: [t for t in specs if t.name in set(self.tenants_of(stack))] for stack in todo}
        _refuse_missing_keys(owned, smartlead_key=key, instantly_key=instantly_key)

        def one(stack: str) -> None:
            cli = self.cli(stack)
            own = owned[stack]
            instantly = any(t.backend == "instantly" for t in own)
            cli.configure_stack(
                url or DEFAULT_BASE_URL,
                key if _needs_smartlead(own) else None,
                settings,
                instantly_api_key=instantly_key if instantly else None,
                instantly_base_url=instantly_url if instantly else None,
            )
            if fill_secrets:
                cli.fill_missing_secrets(
                    [m.password.name for t in own for m in t.mailboxes if m.password.kind == "secret"]
                )
            if not self.mapping.single:
                claim(cli, [t.client.email for t in own if t.client is not None])
                self._claim_account(cli)

        # Each stack's settings are its own file and backend entry: several stacks are configured at once.
        with ThreadPoolExecutor(max_workers=CONFIGURE_THREADS) as pool:
            list(pool.map(one, todo))
        self.existing(refresh=True)
        return todo

    def claim(self, stack: str) -> None:
        """Record (stack tags) that ``stack`` manages its tenants' clients: after an up, and when moved here."""
        if self.mapping.single:
            return
        own = set(self.tenants_of(stack))
        cli = self.cli(stack)
        claim(cli, [t.client.email for t in self.tenants() if t.name in own and t.client is not None])
        self._claim_account(cli)

    def run_claims(self, stacks: Sequence[str], scratch: Path) -> dict[str, str]:
        """The environment that hands a fan-out run's stacks the backend's claims, read once here, when that is
        cheaper than each stack's program asking per client (:mod:`mailfleet.stacks.ownership`): it costs one call
        a stack in the backend, asking costs one a client of the run. Empty when not cheaper or the backend cannot
        say now (each program then asks, and refuses or warns as it would)."""
        if self.mapping.single:
            return {}
        run = {tenant for stack in stacks for tenant in self.tenants_of(stack)}
        asking = sum(1 for t in self.tenants() if t.name in run and t.client is not None)
        existing = sorted(self.existing())
        if asking <= len(existing):
            return {}
        try:
            claims = backend_claims(self.cli(stack) for stack in existing)
        except RuntimeError:
            return {}
        path = scratch / "claims.json"
        write_run_claims(path, claims)
        return {CLAIMS_FILE_VARIABLE: str(path)}

    def _claim_account(self, cli: PulumiCLI) -> None:
        """Tag the account stack as the manager of the account-wide things; untag a stack that no longer is (its
        successful up has just let them go)."""
        if self.mapping.declares_account(cli.stack):
            if self.account().declares_anything:
                claim_account(cli)
            return
        if self._account_owners is None:
            try:
                self._account_owners = account_owners(pulumi=str(self.binary_dir / "pulumi"), env=cli.env())
            except RuntimeError:
                self._account_owners = []  # the backend cannot say now; the next up asks again
        if cli.stack in self._account_owners:
            release_account(cli)

    @property
    def account_file(self) -> Path:
        return account_path(self.directory / self.specs_dir)

    def account(self) -> AccountSpec:
        """The account file (empty without one), read once per run."""
        if self._account is None:
            self._account = load_account(self.account_file, str(account_path(self.specs_dir)))
        return self._account

    def tenants(self) -> list[Tenant]:
        """Every tenant file, read once per run."""
        if self._tenants is None:
            self._tenants = load_tenants(self.directory / self.specs_dir)
        return self._tenants


def _needs_smartlead(tenants: Sequence[Tenant]) -> bool:
    """A stack needs the Smartlead key when it holds a Smartlead tenant (or no known tenant: as before)."""
    return not tenants or any(t.backend == "smartlead" for t in tenants)


def _needs_instantly_admin(tenants: Sequence[Tenant]) -> list[Tenant]:
    """The Instantly tenants that act through the stack's admin key (``workspace: {id: ...}``)."""
    return [t for t in tenants if t.workspace is not None and t.workspace.id is not None]


def _refuse_missing_keys(
    owned: Mapping[str, Sequence[Tenant]], *, smartlead_key: str | None, instantly_key: str | None
) -> None:
    """Before creating anything: every key the new stacks need is given, else say which and where it goes."""
    problems = []
    smartlead = [stack for stack, own in owned.items() if _needs_smartlead(own)]
    if smartlead and not smartlead_key:
        problems.append(
            f"stack(s) {', '.join(smartlead)} do not exist yet; to create them set SMARTLEAD_API_KEY (the key goes "
            "into each stack as the secret mailfleet:apiKey)"
        )
    admin = {stack: _needs_instantly_admin(own) for stack, own in owned.items()}
    admin = {stack: tenants for stack, tenants in admin.items() if tenants}
    if admin and not instantly_key:
        listed = "; ".join(
            f"{stack}: " + ", ".join(f"{t.name} ({t.workspace.location if t.workspace else t.location})" for t in ts)
            for stack, ts in admin.items()
        )
        problems.append(
            "Instantly tenants name their workspace by id, acting through the stack's admin key; set "
            f"INSTANTLY_API_KEY (it goes into the stack as the secret mailfleet:instantlyApiKey), or give each "
            f"workspace its own key (workspace: {{api_key: {{secret: KEY}}}}): {listed}"
        )
    if problems:
        raise SetupError("\n".join(problems))


ROOT_TYPE = "pulumi:pulumi:Stack"
PROVIDER_PREFIX = "pulumi:providers:"


def managed_count(deployment: Mapping[str, Any]) -> int:
    """Resources of a ``pulumi stack export`` other than the stack's root and its providers."""
    resources = deployment.get("deployment", {}).get("resources") or []
    return sum(
        1 for r in resources if r.get("type") != ROOT_TYPE and not str(r.get("type")).startswith(PROVIDER_PREFIX)
    )


def _tenant_names(directory: Path) -> list[str]:
    try:
        return [Path(name).stem for name in tenant_file_names(directory)]
    except OSError:
        return []
