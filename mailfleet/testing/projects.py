"""Throwaway copies of the Pulumi project, and the real ``pulumi`` CLI that runs them.

Each copy is a directory with ``Pulumi.yaml`` (its ``virtualenv`` pointed at the checkout's ``.venv``), a program
(``__main__.py``) and ``specs/``; each CLI gets its own PULUMI_HOME, backend and passphrase, so tests and benchmarks
never touch the demo's ``.mailfleet/`` state. Only :func:`pulumi_bin` needs ``make setup``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mailfleet.errors import SetupError
from mailfleet.workspace import LocalState, PulumiCLI, find_pulumi_project

# The checkout this module belongs to (mailfleet is installed editable by `make setup` and `pip install -e`).
REPO = find_pulumi_project(Path(__file__).parent)
VENV = REPO / ".venv"

_refusal: str | None = None


@contextmanager
def pulumi_refused(reason: str) -> Iterator[None]:
    """Within the block, :func:`pulumi_bin` raises ``SetupError(reason)``: the pytest plugin wraps every test that
    is not marked ``e2e`` in it, so a test that runs the CLI without the marker fails wherever it runs."""
    global _refusal
    previous, _refusal = _refusal, reason
    try:
        yield
    finally:
        _refusal = previous


def pulumi_bin() -> Path:
    """The directory of the ``pulumi`` CLI that ``make setup`` provided (raises SetupError before set-up)."""
    if _refusal is not None:
        raise SetupError(_refusal)
    return LocalState(REPO).pulumi_bin


def make_project(directory: Path, *, program: str | None = None, specs: Path | None = None) -> Path:
    """A copy of the project in ``directory``: the fleet program (or ``program``, the text of another
    ``__main__.py``), and a copy of ``specs`` (default: an empty ``specs/tenants`` for the caller to fill)."""
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "Pulumi.yaml").write_text(
        (REPO / "Pulumi.yaml").read_text().replace("virtualenv: .venv", f"virtualenv: {VENV}")
    )
    (directory / "__main__.py").write_text((REPO / "__main__.py").read_text() if program is None else program)
    if specs is not None:
        shutil.copytree(specs, directory / "specs")
    else:
        (directory / "specs" / "tenants").mkdir(parents=True, exist_ok=True)
    return directory


def project_cli(directory: Path, stack: str, *, home: Path, backend_url: str, passphrase: str) -> PulumiCLI:
    """The checkout's ``pulumi`` CLI on the project copy in ``directory``, with its own PULUMI_HOME and backend."""
    return PulumiCLI(
        binary_dir=pulumi_bin(),
        project_dir=directory,
        stack=stack,
        environment={
            "PULUMI_HOME": str(home),
            "PULUMI_BACKEND_URL": backend_url,
            "PULUMI_CONFIG_PASSPHRASE": passphrase,
            "PULUMI_PYTHON_CMD": str(VENV / "bin" / "python"),
        },
    )


def mailfleet_command(*args: str) -> list[str]:
    """``mailfleet ARGS`` from the checkout's virtualenv (the one the project copies run on)."""
    return [str(VENV / "bin" / "mailfleet"), *args]
