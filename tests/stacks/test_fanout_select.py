"""Which stacks ``--changed-since`` picks when the account file changed: its one stack, on a real git repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

from mailfleet.stacks.fanout import select_stacks
from mailfleet.stacks.mapping import load_stack_map
from mailfleet.stacks.project import Project

TENANTS = ["acme", "globex"]


def git(directory: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", *args], cwd=directory, check=True)


def project_at(directory: Path, stacks_yaml: str) -> Project:
    (directory / "stacks.yaml").write_text(stacks_yaml)
    (directory / "specs" / "tenants").mkdir(parents=True)
    for tenant in TENANTS:
        (directory / "specs" / "tenants" / f"{tenant}.yaml").write_text(f"tenant: {tenant}\n")
    (directory / "specs" / "account.yaml").write_text("apiVersion: mailfleet/v1\n")
    git(directory, "init", "-q", "-b", "main")
    git(directory, "add", "-A")
    git(directory, "commit", "-q", "-m", "fleet")
    mapping = load_stack_map(directory, TENANTS)
    return Project(directory, mapping, {}, directory / "bin", _existing={})


def test_an_account_file_change_picks_the_account_stack_only(tmp_path: Path) -> None:
    project = project_at(tmp_path, "apiVersion: mailfleet/v1\naccount: shared\n")
    (tmp_path / "specs" / "account.yaml").write_text("apiVersion: mailfleet/v1\nwebhooks: []\n")
    chosen, reason = select_stacks(project, "main")
    assert chosen == ["shared"] and reason == "1 of 3 stacks changed since main"
    (tmp_path / "specs" / "tenants" / "acme.yaml").write_text("tenant: acme\n# edited\n")
    assert select_stacks(project, "main")[0] == ["acme", "shared"]


def test_an_account_file_with_no_account_stack_concerns_every_stack(tmp_path: Path) -> None:
    project = project_at(tmp_path, "apiVersion: mailfleet/v1\n")
    (tmp_path / "specs" / "account.yaml").write_text("apiVersion: mailfleet/v1\nwebhooks: []\n")
    chosen, reason = select_stacks(project, "main")
    assert chosen == ["acme", "globex"] and "a shared input changed" in reason


def test_other_files_beside_the_tenants_still_concern_every_stack(tmp_path: Path) -> None:
    project = project_at(tmp_path, "apiVersion: mailfleet/v1\naccount: shared\n")
    (tmp_path / "specs" / "tenant.schema.json").write_text("{}")
    assert select_stacks(project, "main")[0] == ["acme", "globex", "shared"]
