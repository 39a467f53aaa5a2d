"""Creating and configuring stacks (mailfleet/stacks/project.py): each vendor's key only on the stacks that use it.

Real ``pulumi`` CLI on a copy of the project with its own file backend; no emulator (configuring calls no vendor).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mailfleet.errors import SetupError
from mailfleet.stacks.ownership import CLAIMS_FILE_VARIABLE, claim, client_tag, owners
from mailfleet.stacks.project import Project
from mailfleet.testing.projects import REPO, make_project, pulumi_bin
from mailfleet.workspace import PulumiCLI

pytestmark = pytest.mark.e2e

SMARTLEAD_KEY = "sl-key-0123456789"
INSTANTLY_KEY = "in-admin-key-9876543210"
INSTANTLY_URL = "http://127.0.0.1:9/api/v2"


@pytest.fixture
def project_dir(tmp_path: Path) -> Path:
    """acme (Smartlead) and initech (Instantly, workspace by id) each on a stack of its own."""
    directory = make_project(tmp_path / "project")
    tenants = directory / "specs" / "tenants"
    shutil.copy(REPO / "specs" / "tenants" / "acme.yaml", tenants)
    shutil.copy(REPO / "specs" / "tenants" / "initech.yaml", tenants)
    (directory / "stacks.yaml").write_text("apiVersion: mailfleet/v1\nstacks: {}\nconfig: {}\n")
    (tmp_path / "backend").mkdir()
    return directory


def _load(directory: Path) -> Project:
    environ = {
        "PATH": f"{pulumi_bin()}{os.pathsep}{os.environ.get('PATH', '')}",
        "PULUMI_HOME": str(directory.parent / "pulumi-home"),
        "PULUMI_BACKEND_URL": f"file://{directory.parent / 'backend'}",
        "PULUMI_CONFIG_PASSPHRASE": "test-passphrase",
    }
    return Project.load(directory, environ)


def _config(project: Project, stack: str) -> dict[str, dict[str, object]]:
    config: dict[str, dict[str, object]] = json.loads(project.cli(stack).run("config", "--json").stdout)
    return config


def _set_keys(monkeypatch: pytest.MonkeyPatch, **values: str | None) -> None:
    for name, value in values.items():
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)


def test_each_stack_gets_only_its_vendors_keys(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _set_keys(
        monkeypatch,
        SMARTLEAD_API_KEY=SMARTLEAD_KEY,
        INSTANTLY_API_KEY=INSTANTLY_KEY,
        INSTANTLY_BASE_URL=INSTANTLY_URL,
    )
    project = _load(project_dir)
    assert sorted(project.configure(["acme", "initech"])) == ["acme", "initech"]

    acme, initech = _config(project, "acme"), _config(project, "initech")
    assert acme["mailfleet:apiKey"]["secret"] is True
    assert not {"mailfleet:instantlyApiKey", "mailfleet:instantlyBaseUrl"} & set(acme)
    assert initech["mailfleet:instantlyApiKey"]["secret"] is True
    assert initech["mailfleet:instantlyBaseUrl"] == {"value": INSTANTLY_URL, "secret": False}
    assert "mailfleet:apiKey" not in initech  # an Instantly-only stack holds no Smartlead key
    # The keys are stored encrypted: neither is in the stack files in plaintext.
    for stack in ("acme", "initech"):
        text = (project_dir / f"Pulumi.{stack}.yaml").read_text()
        assert SMARTLEAD_KEY not in text and INSTANTLY_KEY not in text
    shown = project.cli("initech").run("config", "get", "mailfleet:instantlyApiKey").stdout.strip()
    assert shown == INSTANTLY_KEY


def test_no_base_url_leaves_the_clients_default(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _set_keys(monkeypatch, SMARTLEAD_API_KEY=SMARTLEAD_KEY, INSTANTLY_API_KEY=INSTANTLY_KEY, INSTANTLY_BASE_URL=None)
    project = _load(project_dir)
    project.configure(["initech"])
    assert "mailfleet:instantlyBaseUrl" not in _config(project, "initech")


def test_a_workspace_by_id_needs_the_admin_key(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _set_keys(monkeypatch, SMARTLEAD_API_KEY=SMARTLEAD_KEY, INSTANTLY_API_KEY=None, INSTANTLY_BASE_URL=None)
    project = _load(project_dir)
    with pytest.raises(SetupError) as raised:
        project.configure(["acme", "initech"])
    message = str(raised.value)
    assert "set INSTANTLY_API_KEY" in message
    assert "mailfleet:instantlyApiKey" in message
    assert "initech: initech (" in message and "initech.yaml:7:12)" in message
    assert project.existing(refresh=True) == {}  # refused before creating any stack


def test_a_workspace_with_its_own_key_needs_no_admin_key(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    initech = project_dir / "specs" / "tenants" / "initech.yaml"
    text = initech.read_text()
    initech.write_text(
        text.replace(
            "workspace: {id: 5b0c7d2e-3f41-4a8b-9c6d-2e7f8a9b0c1d}", "workspace: {api_key: {secret: initech-key}}"
        )
    )
    _set_keys(monkeypatch, SMARTLEAD_API_KEY=None, INSTANTLY_API_KEY=None, INSTANTLY_BASE_URL=None)
    project = _load(project_dir)
    assert project.configure(["initech"]) == ["initech"]
    config = _config(project, "initech")
    assert not {"mailfleet:apiKey", "mailfleet:instantlyApiKey"} & set(config)


def test_a_smartlead_stack_still_needs_the_smartlead_key(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _set_keys(monkeypatch, SMARTLEAD_API_KEY=None, INSTANTLY_API_KEY=INSTANTLY_KEY, INSTANTLY_BASE_URL=None)
    project = _load(project_dir)
    with pytest.raises(SetupError, match=r"stack\(s\) acme do not exist yet; to create them set SMARTLEAD_API_KEY"):
        project.configure(["acme", "initech"])


def test_a_run_over_many_clients_reads_the_backends_claims_once(
    project_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copy(REPO / "specs" / "tenants" / "globex.yaml", project_dir / "specs" / "tenants")
    (project_dir / "stacks.yaml").write_text("apiVersion: mailfleet/v1\nstacks: {team: [acme, globex]}\nconfig: {}\n")
    _set_keys(monkeypatch, SMARTLEAD_API_KEY=SMARTLEAD_KEY, INSTANTLY_API_KEY=INSTANTLY_KEY, INSTANTLY_BASE_URL=None)
    project = _load(project_dir)
    project.configure(["team"])  # tags the stack with both clients; initech is not created
    scratch = project_dir.parent / "scratch"
    scratch.mkdir()

    # Two clients to ask about, one stack in the backend: one `pulumi stack tag ls` for the run is cheaper.
    env = project.run_claims(["team"], scratch)
    claims = json.loads(Path(env[CLAIMS_FILE_VARIABLE]).read_text())
    assert claims == {client_tag("ops@acme.example"): ["team"], client_tag("it@globex.example"): ["team"]}
    # The programs read it and never run the CLI (no binary at all here).
    answer = owners(["ops@acme.example", "ceo@nobody.example"], pulumi="/nonexistent/pulumi", env=env)
    assert answer == {"ceo@nobody.example": [], "ops@acme.example": ["team"]}

    # A run whose stacks ask about no more clients than the backend has stacks leaves the programs to ask.
    assert project.run_claims(["initech"], scratch) == {}


def test_claiming_again_sets_only_the_missing_tags(project_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _set_keys(monkeypatch, SMARTLEAD_API_KEY=SMARTLEAD_KEY, INSTANTLY_API_KEY=INSTANTLY_KEY, INSTANTLY_BASE_URL=None)
    project = _load(project_dir)
    project.configure(["acme"])
    cli = project.cli("acme")
    commands: list[tuple[str, ...]] = []
    real_run = PulumiCLI.run

    def counting(self: PulumiCLI, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        commands.append(args)
        return real_run(self, *args, **kwargs)

    monkeypatch.setattr(PulumiCLI, "run", counting)
    claim(cli, ["ops@acme.example"])  # after a nightly up: already carried
    assert [c[:3] for c in commands] == [("stack", "tag", "ls")]
    claim(cli, ["ops@acme.example", "it@globex.example"])
    assert [c[:3] for c in commands[1:]] == [("stack", "tag", "ls"), ("stack", "tag", "set")]
    assert commands[-1][3] == client_tag("it@globex.example")
    assert owners(["it@globex.example"], pulumi=str(pulumi_bin() / "pulumi"), env=cli.env()) == {
        "it@globex.example": ["acme"]
    }
