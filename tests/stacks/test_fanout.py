"""``mailfleet preview --changed-since REF`` on a real git repository: a tenant file edited in the working tree (not
committed) previews only its stack; a change to a shared input previews every stack. ``up`` fans out, asks for
``--yes`` off a terminal, and records the combined result as JSON."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from mailfleet.emulator.testing import RunningEmulator
from mailfleet.testing.e2e import new_project
from mailfleet.testing.projects import REPO
from tests.stacks.conftest import PER_TENANT, Fleet, new_fleet

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def git(fleet: Fleet, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args],
        cwd=fleet.directory,
        check=True,
        capture_output=True,
    )


def previewed(fleet: Fleet, tmp_path: Path, *args: str) -> list[str]:
    out = tmp_path / "preview.json"
    fleet.mailfleet("preview", "--json", str(out), *args)
    return [row["stack"] for row in json.loads(out.read_text())["stacks"]]


def test_changed_since_previews_only_the_changed_tenants_stack(tmp_path: Path, emulator: RunningEmulator) -> None:
    fleet = new_fleet(tmp_path, emulator, PER_TENANT)
    # The project's own ignore rules: generated stack settings files (Pulumi.<stack>.yaml) are not inputs.
    shutil.copy(REPO / ".gitignore", fleet.directory / ".gitignore")
    git(fleet, "init", "-q", "-b", "main")
    git(fleet, "add", "-A")
    git(fleet, "commit", "-q", "-m", "fleet")
    fleet.mailfleet("stacks", "configure", "--local-secrets")

    refused = fleet.mailfleet("up", check=False)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    result = tmp_path / "up.json"
    fleet.mailfleet("up", "--yes", "--json", str(result))
    assert {row["stack"]: row["ok"] for row in json.loads(result.read_text())["stacks"]} == {
        "acme": True,
        "globex": True,
    }

    assert previewed(fleet, tmp_path, "--changed-since", "HEAD") == []
    # Edited in the working tree, not committed: only acme's stack is previewed, and it shows the edit.
    acme = fleet.directory / "specs" / "tenants" / "acme.yaml"
    acme.write_text(acme.read_text().replace("from_name: Jane Doe", "from_name: Jane Q. Doe"))
    out = tmp_path / "one.json"
    fleet.mailfleet("preview", "--changed-since", "HEAD", "--json", str(out), "--comment", str(tmp_path / "c.md"))
    data = json.loads(out.read_text())
    assert [row["stack"] for row in data["stacks"]] == ["acme"]
    assert data["summary"].get("update") == 1
    assert "Jane Q. Doe" in (tmp_path / "c.md").read_text()

    # Committed, then compared with the commit before: still acme alone.
    git(fleet, "commit", "-q", "-am", "acme: rename jane")
    assert previewed(fleet, tmp_path, "--changed-since", "HEAD~1") == ["acme"]

    # A shared input (the project file) changed: every stack.
    project = fleet.directory / "Pulumi.yaml"
    project.write_text(project.read_text().replace("description:", "description: (edited)"))
    assert previewed(fleet, tmp_path, "--changed-since", "HEAD") == ["acme", "globex"]
    project.write_text(project.read_text().replace("description: (edited)", "description:"))

    # A new, untracked tenant file: its own new stack.
    initech = acme.read_text().replace("acme", "initech").replace("Acme Corp", "Initech")
    # Its stack is created on the way, with no password secrets yet: these mailboxes read theirs from the environment.
    initech = re.sub(r"password: \{secret: [a-z-]+\}", "password: {env: HOME}", initech)
    (fleet.directory / "specs" / "tenants" / "initech.yaml").write_text(initech)
    assert previewed(fleet, tmp_path, "--changed-since", "HEAD") == ["initech"]

    bad = fleet.mailfleet("preview", "--changed-since", "no-such-ref", check=False)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr and "error:" in bad.stderr


def test_without_stacks_yaml_the_one_stack_in_use_is_previewed(tmp_path: Path, emulator: RunningEmulator) -> None:
    project = new_project(tmp_path, emulator)  # the project as before stacks.yaml: one stack for every tenant
    project.up()
    out = tmp_path / "preview.json"
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "mailfleet"), "preview", "--json", str(out)],
        cwd=project.directory,
        env={**project.pulumi.env(), "PULUMI_STACK": project.pulumi.stack},
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    data = json.loads(out.read_text())
    assert [row["stack"] for row in data["stacks"]] == [project.pulumi.stack]
    assert set(data["summary"]) == {"same"}
