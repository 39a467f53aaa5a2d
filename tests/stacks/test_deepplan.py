"""Planning a run's deep checks from the stacks' states and the project's bookkeeping (no Smartlead request)."""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mailfleet.deepcheck import DeepChecks, store_path
from mailfleet.stacks.deepplan import plan_deep_checks
from mailfleet.workspace import PROJECT_NAME

NOW = datetime(2026, 12, 2, 3, 0, tzinfo=UTC)
BASE = "http://127.0.0.1:9/api/v1"


def deployment(ids: list[int]) -> dict[str, object]:
    mailboxes = [
        {"type": "mailfleet:index:Mailbox", "id": str(i), "inputs": {"email": f"m{i}@x.example"}, "outputs": {}}
        for i in ids
    ]
    return {"deployment": {"resources": [{"type": "pulumi:pulumi:Stack", "id": "s"}, *mailboxes]}}


@dataclass
class FakeCLI:
    ids: list[int] | None

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        if self.ids is None:
            return subprocess.CompletedProcess(list(args), 255, "", "error: no stack named")
        if args[0] == "stack":
            return subprocess.CompletedProcess(list(args), 0, json.dumps(deployment(self.ids)), "")
        config = {f"{PROJECT_NAME}:baseUrl": {"value": BASE, "secret": False}}
        return subprocess.CompletedProcess(list(args), 0, json.dumps(config), "")


@dataclass
class FakeProject:
    states: dict[str, list[int] | None]
    environment: dict[str, str] = field(default_factory=dict)

    def cli(self, stack: str) -> FakeCLI:
        return FakeCLI(self.states[stack])


def test_one_slice_over_every_stack_oldest_check_first(tmp_path: Path) -> None:
    project = FakeProject(
        {"a": [1, 2, 3], "b": [4, 5, 6], "missing": None},
        {"PULUMI_BACKEND_URL": f"file://{tmp_path}", "PULUMI_HOME": str(tmp_path / "home")},
    )
    location = store_path({**project.environment, "PULUMI_PROJECT": PROJECT_NAME})
    assert location is not None
    # Every account checked last night but 5 and 6, checked a week ago: those two come first, across stacks.
    DeepChecks(location).record(BASE, {i: [] for i in (1, 2, 3, 4)}, NOW - timedelta(days=1))
    DeepChecks(location).record(BASE, {5: [], 6: []}, NOW - timedelta(days=7))
    plan = plan_deep_checks(project, ["a", "b", "missing"], 2, 2, NOW)  # type: ignore[arg-type]
    assert plan.stacks == {"a": [], "b": [5, 6], "missing": []}
    assert (plan.budget, plan.mailboxes) == (2, 6)
