"""``scripts/python-plugin-launcher``: one launcher, two plugin names, and ``exec`` (the engine stays the parent)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mailfleet.testing.projects import REPO

LAUNCHER = REPO / "scripts" / "python-plugin-launcher"
# Stands in for Python: prints its arguments and its parent's pid.
FAKE_PYTHON = '#!/bin/sh\necho "$PPID $*"\n'


@pytest.fixture
def fake_python(tmp_path: Path) -> Path:
    path = tmp_path / "python"
    path.write_text(FAKE_PYTHON)
    path.chmod(0o755)
    return path


def launch(tmp_path: Path, name: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    installed = tmp_path / name
    shutil.copy(LAUNCHER, installed)
    clean = {k: v for k, v in os.environ.items() if k not in ("PULUMI_RUNTIME_VIRTUALENV", "PULUMI_PYTHON_CMD")}
    return subprocess.run(
        [str(installed), "127.0.0.1:4000"], cwd=tmp_path, env={**clean, **env}, capture_output=True, text=True
    )


@pytest.mark.parametrize(
    ("name", "module"),
    [("pulumi-language-python", "mailfleet.langhost"), ("pulumi-resource-pulumi-python", "mailfleet.dynamic")],
)
def test_each_name_runs_its_module_in_place_of_the_launcher(tmp_path: Path, fake_python: Path, name: str, module: str):
    result = launch(tmp_path, name, {"PULUMI_PYTHON_CMD": str(fake_python)})

    parent, arguments = result.stdout.strip().split(" ", 1)
    assert arguments == f"-u -m {module} 127.0.0.1:4000"
    # exec: Python's parent is whoever started the launcher (the engine), not a shell left in between.
    assert int(parent) == os.getpid()


def test_the_project_virtualenv_comes_first(tmp_path: Path, fake_python: Path) -> None:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    shutil.copy(fake_python, venv / "bin" / "python")
    env = {"PULUMI_RUNTIME_VIRTUALENV": f"{venv}/", "PULUMI_PYTHON_CMD": "/nonexistent/python"}

    result = launch(tmp_path, "pulumi-resource-pulumi-python", env)

    assert result.stdout.strip().endswith("-u -m mailfleet.dynamic 127.0.0.1:4000"), result.stderr


def test_under_another_name_it_refuses(tmp_path: Path) -> None:
    result = launch(tmp_path, "pulumi-resource-other", {})
    assert result.returncode == 2
    assert "install this launcher as pulumi-language-python or pulumi-resource-pulumi-python" in result.stderr
