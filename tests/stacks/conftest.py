"""Several stacks of one project: a copy of the project with a ``stacks.yaml``, the real CLI, a real emulator.

``Fleet`` runs ``mailfleet`` and ``pulumi`` in the copy the way a user would, with the copy's own backend and
PULUMI_HOME (under the test's temp dir) and the emulator's URL and key as ``SMARTLEAD_*``.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mailfleet.emulator.testing import RunningEmulator
from mailfleet.testing.e2e import new_project
from mailfleet.testing.projects import REPO
from mailfleet.workspace import PulumiCLI

PER_TENANT = "apiVersion: mailfleet/v1\nstacks: {}\nconfig: {mailfleet:rateLimit: 1000/1}\n"
SINGLE_LOCAL = "apiVersion: mailfleet/v1\nstacks: {local: [acme, globex]}\nconfig: {mailfleet:rateLimit: 1000/1}\n"


@dataclass
class Fleet:
    directory: Path
    base: PulumiCLI
    emulator: RunningEmulator

    def env(self) -> dict[str, str]:
        return {
            **self.base.env(),
            "SMARTLEAD_BASE_URL": self.emulator.base_url,
            "SMARTLEAD_API_KEY": self.emulator.api_key,
        }

    def stack(self, name: str) -> PulumiCLI:
        return PulumiCLI(self.base.binary_dir, self.directory, name, self.base.environment)

    def mailfleet(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(REPO / ".venv" / "bin" / "mailfleet"), *args],
            cwd=self.directory,
            env=self.env(),
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if check:
            assert result.returncode == 0, result.stderr[-3000:] + result.stdout[-3000:]
        return result

    def write_stacks(self, text: str) -> None:
        (self.directory / "stacks.yaml").write_text(text)

    def stacks(self) -> dict[str, int]:
        rows = json.loads(self.base.run("stack", "ls", "--json", stack=False).stdout or "[]")
        return {str(r["name"]): int(r.get("resourceCount") or 0) for r in rows}

    def export(self, stack: str) -> list[dict[str, Any]]:
        resources: list[dict[str, Any]] = json.loads(self.stack(stack).run("stack", "export").stdout)["deployment"][
            "resources"
        ]
        return resources


def new_fleet(root: Path, emulator: RunningEmulator, stacks_yaml: str) -> Fleet:
    project = new_project(root, emulator, configure=False)
    fleet = Fleet(project.directory, project.pulumi, emulator)
    fleet.write_stacks(stacks_yaml)
    return fleet


def deployed_fleet(root: Path, emulator: RunningEmulator, stacks_yaml: str) -> Fleet:
    """:func:`new_fleet`, its stacks configured (random local passwords) and brought up with ``mailfleet up``."""
    fleet = new_fleet(root, emulator, stacks_yaml)
    fleet.mailfleet("stacks", "configure", "--local-secrets")
    fleet.mailfleet("up", "--yes")
    return fleet
