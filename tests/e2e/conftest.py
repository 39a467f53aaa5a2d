"""End-to-end harness: the real ``pulumi`` CLI, a throwaway project and stack, and a real emulator process.

Each test gets its own emulator (its own SQLite file and free loopback port, stopped by the fixture also when the
test fails), its own file backend and PULUMI_HOME, and a copy of the project whose specs it may edit freely.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from mailfleet.emulator.testing import RunningEmulator, running_emulator
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.workspace import LocalState, PulumiCLI, find_project_root

REPO = find_project_root(Path(__file__).parent)
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


@pytest.fixture
def emulator(tmp_path: Path) -> Iterator[RunningEmulator]:
    with running_emulator(tmp_path / "emulator.sqlite3") as running:
        yield running


@pytest.fixture
def project(tmp_path: Path, emulator: RunningEmulator) -> Project:
    return new_project(tmp_path, emulator)


def new_project(root: Path, emulator: RunningEmulator, *, stack: str = "e2e", configure: bool = True) -> Project:
    """A copy of the project under ``root/project``, with its own backend and PULUMI_HOME under ``root``."""
    directory = root / "project"
    directory.mkdir(parents=True)
    venv = REPO / ".venv"
    (directory / "Pulumi.yaml").write_text(
        (REPO / "Pulumi.yaml").read_text().replace("virtualenv: .venv", f"virtualenv: {venv}")
    )
    shutil.copy(REPO / "__main__.py", directory / "__main__.py")
    shutil.copytree(REPO / "specs", directory / "specs")
    state = LocalState(REPO)
    pulumi = PulumiCLI(
        binary_dir=state.pulumi_bin,
        project_dir=directory,
        stack=stack,
        environment={
            "PULUMI_HOME": str(root / "pulumi-home"),
            "PULUMI_BACKEND_URL": f"file://{root / 'backend'}",
            "PULUMI_CONFIG_PASSPHRASE": PASSPHRASE,
            "PULUMI_PYTHON_CMD": str(venv / "bin" / "python"),
        },
    )
    (root / "backend").mkdir()
    made = Project(directory=directory, pulumi=pulumi, emulator=emulator)
    if configure:
        made.configure()
    return made
