"""``--changed-since REF``: the tenants whose files differ between a git ref and the working tree.

The working tree counts as it is, committed or not: ``git diff --name-only REF`` (tracked files, staged or not) plus
untracked files git does not ignore. A change to a shared input (``stacks.yaml``, ``Pulumi.yaml``, the program and
the packages it imports, the tenant schema, any file in the specs directory that is not a tenant file) concerns every
stack: then the answer is ``None``, "all of them".

The account file (``specs/account.yaml``) is an input of one stack only, the one ``account:`` names: the others
never read it (:func:`account_changed`).
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from mailfleet.errors import SetupError
from mailfleet.spec.account import account_path
from mailfleet.spec.loader import SUFFIXES

# Inputs of every stack's program, relative to the project directory: a change here previews every stack.
SHARED_FILES = frozenset({"stacks.yaml", "Pulumi.yaml", "__main__.py", "pyproject.toml"})
SHARED_DIRECTORIES = ("resources/", "mailfleet/")


def _git(project_dir: Path, *args: str) -> list[str]:
    try:
        result = subprocess.run(
            ["git", *args], cwd=project_dir, capture_output=True, text=True, check=False, timeout=120
        )
    except FileNotFoundError:
        raise SetupError("--changed-since needs git on PATH") from None
    if result.returncode != 0:
        detail = (result.stderr.strip().splitlines() or ["git failed"])[-1]
        raise SetupError(f"git {args[0]} failed: {detail}")
    return [line for line in result.stdout.splitlines() if line.strip()]


def changed_files(project_dir: Path, ref: str) -> list[str]:
    """Paths relative to ``project_dir`` that differ between ``ref`` and the working tree (untracked included)."""
    _git(project_dir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
    tracked = _git(project_dir, "diff", "--name-only", "--relative", "--no-renames", ref, "--", ".")
    untracked = _git(project_dir, "ls-files", "--others", "--exclude-standard", "--", ".")
    return sorted(set(tracked) | set(untracked))


def tenants_changed(paths: Iterable[str], specs_dir: str) -> set[str] | None:
    """The tenant names among ``paths``, or None when a shared input changed (every stack is concerned)."""
    specs = PurePosixPath(specs_dir)
    account = account_path(specs_dir).as_posix()
    tenants: set[str] = set()
    for text in paths:
        path = PurePosixPath(text)
        if text == account:
            continue  # see account_changed
        if path.parent == specs and path.name.endswith(SUFFIXES) and not path.name.startswith("."):
            tenants.add(path.name.rsplit(".", 1)[0])
        elif path.is_relative_to(specs) or path.parent == specs.parent:
            return None  # the tenant schema (specs/tenant.schema.json), or anything else beside the tenant files
        elif text in SHARED_FILES or text.startswith(SHARED_DIRECTORIES):
            return None
    return tenants


def stack_config_changed(paths: Iterable[str]) -> set[str]:
    """Stacks whose own settings file (``Pulumi.<stack>.yaml``) changed."""
    found = set()
    for text in paths:
        name = PurePosixPath(text).name
        if "/" not in text and name.startswith("Pulumi.") and name.endswith(SUFFIXES) and name.count(".") >= 2:
            found.add(name[len("Pulumi.") :].rsplit(".", 1)[0])
    return found


def account_changed(paths: Iterable[str], specs_dir: str) -> bool:
    """Whether the account file beside the tenant directory is among ``paths``."""
    return account_path(specs_dir).as_posix() in set(paths)
