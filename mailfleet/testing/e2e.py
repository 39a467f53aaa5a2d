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

from mailfleet.emulator.testing import RunningEmulator
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.testing.projects import REPO, make_project, project_cli
from mailfleet.workspace import PulumiCLI

PASSPHRASE = "e2e-only-passphrase"


@dataclass
class Project:
    directory: Path
    pulumi: PulumiCLI
    emulator: RunningEmulator

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
        self.pulumi.configure_stack(self.emulator.base_url, self.emulator.api_key, fast, specs=self.specs)

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


def new_project(root: Path, emulator: RunningEmulator, *, stack: str = "e2e", configure: bool = True) -> Project:
    """A copy of the project under ``root/project``, with its own backend and PULUMI_HOME under ``root``."""
    directory = make_project(root / "project", specs=REPO / "specs")
    backend = root / "backend"
    backend.mkdir()
    pulumi = project_cli(
        directory, stack, home=root / "pulumi-home", backend_url=f"file://{backend}", passphrase=PASSPHRASE
    )
    made = Project(directory=directory, pulumi=pulumi, emulator=emulator)
    if configure:
        made.configure()
    return made
