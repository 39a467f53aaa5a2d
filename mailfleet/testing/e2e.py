"""One throwaway project on the real ``pulumi`` CLI, against one real emulator process: the e2e tests' unit.

``tests/e2e/conftest.py`` gives each test its own emulator (its own SQLite file and free loopback port, stopped by
the fixture also when the test fails), its own file backend and PULUMI_HOME, and a copy of the project whose specs
it may edit freely.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mailfleet.emulator.testing import RunningEmulator, RunningInstantlyEmulator
from mailfleet.instantly.client import InstantlyClient
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.testing.projects import REPO, make_project, project_cli
from mailfleet.workspace import PulumiCLI

PASSPHRASE = "e2e-only-passphrase"


@dataclass
class Project:
    directory: Path
    pulumi: PulumiCLI
    emulator: RunningEmulator
    instantly: RunningInstantlyEmulator | None = None
    """The Instantly emulator of a mixed fleet (None: the project keeps only its Smartlead tenants)."""

    @property
    def specs(self) -> Path:
        return self.directory / "specs" / "tenants"

    def edit_spec(self, tenant: str, old: str, new: str, count: int = 1) -> None:
        path = self.specs / f"{tenant}.yaml"
        text = path.read_text()
        assert text.count(old) >= count, f"{old!r} not in {path}"
        path.write_text(text.replace(old, new, count))

    def configure(self) -> None:
        # The test emulator is not rate limited like Smartlead, so neither is the provider's client.
        fast = {"mailfleet:rateLimit": "1000/1"}
        instantly = self.instantly
        self.pulumi.configure_stack(
            self.emulator.base_url,
            self.emulator.api_key,
            fast,
            specs=self.specs,
            instantly_api_key=instantly.api_key if instantly else None,
            instantly_base_url=instantly.base_url if instantly else None,
        )

    def up(self, *args: str, env: dict[str, str] | None = None) -> dict[str, int]:
        """``pulumi up --yes``; returns the update's resource changes by operation."""
        self.pulumi.run("up", "--yes", "--skip-preview", *args, extra_env=env)
        history = json.loads(self.pulumi.run("stack", "history", "--json").stdout)
        return dict(history[0]["resourceChanges"])

    def preview(self, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
        """``pulumi preview --json``: the PreviewDigest (steps with detailedDiff, changeSummary)."""
        result = self.pulumi.run("preview", "--json", *args, extra_env=env)
        digest: dict[str, Any] = json.loads(result.stdout)
        return digest

    def client(self) -> SmartleadClient:
        return SmartleadClient(self.emulator.base_url, self.emulator.api_key)

    def instantly_client(self, workspace_id: str | None = None) -> InstantlyClient:
        """A client on the Instantly emulator's admin key, acting on ``workspace_id`` (x-as-workspace)."""
        assert self.instantly is not None, "not a mixed fleet"
        return InstantlyClient(self.instantly.base_url, self.instantly.api_key, workspace_id=workspace_id)


def tenant_backend(path: Path) -> str:
    document = yaml.safe_load(path.read_text()) or {}
    return str(document.get("backend") or "smartlead") if isinstance(document, dict) else "smartlead"


def instantly_workspaces(specs: Path) -> list[str]:
    """The workspace ids the Instantly tenant files in ``specs`` name."""
    found = []
    for path in sorted(specs.glob("*.yaml")):
        document = yaml.safe_load(path.read_text()) or {}
        workspace = document.get("workspace") or {}
        if tenant_backend(path) == "instantly" and workspace.get("id"):
            found.append(str(workspace["id"]))
    return found


def changed_steps(digest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The steps of a preview that are not ``same``, keyed by resource name."""
    return {step["urn"].rsplit("::", 1)[1]: step for step in digest["steps"] if step["op"] != "same"}


def drifted_steps(digest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The steps of a refresh preview that found a difference (every step's op is ``refresh`` there)."""
    return {
        step["urn"].rsplit("::", 1)[1]: step
        for step in digest["steps"]
        if step.get("detailedDiff") or step.get("diffReasons") or step["op"] not in ("same", "refresh")
    }


def new_project(
    root: Path,
    emulator: RunningEmulator,
    *,
    stack: str = "e2e",
    configure: bool = True,
    instantly: RunningInstantlyEmulator | None = None,
) -> Project:
    """A copy of the project under ``root/project``, with its own backend and PULUMI_HOME under ``root``.

    Without ``instantly`` the copy keeps only the Smartlead tenants of the example specs; with it, every tenant,
    and the workspaces the Instantly tenants name are created in that emulator under its admin workspace."""
    directory = make_project(root / "project", specs=REPO / "specs")
    specs = directory / "specs" / "tenants"
    if instantly is None:
        for path in specs.glob("*.yaml"):
            if tenant_backend(path) != "smartlead":
                path.unlink()
    else:
        for workspace_id in instantly_workspaces(specs):
            instantly.control.add_workspace(id=workspace_id, parent=instantly.workspace_id)
    backend = root / "backend"
    backend.mkdir()
    pulumi = project_cli(
        directory, stack, home=root / "pulumi-home", backend_url=f"file://{backend}", passphrase=PASSPHRASE
    )
    made = Project(directory=directory, pulumi=pulumi, emulator=emulator, instantly=instantly)
    if configure:
        made.configure()
    return made
