"""Open a stack of the mailfleet project through Pulumi's Automation API, with the project's own CLI and settings.

Generic wiring shared by every report (drift, health, the preview comment):

- :func:`open_stack` finds the project (the nearest directory with ``Pulumi.yaml`` at or above the working
  directory), the ``pulumi`` CLI (``$PATH`` first, else the one ``make setup`` recorded in ``.mailfleet/``), and the
  environment: ``PULUMI_*`` variables of the caller win; when a checkout's ``.mailfleet/`` exists, its backend,
  PULUMI_HOME, passphrase file and Python fill whatever the caller left unset (what ``. .mailfleet/env`` would set).
- :func:`stack_settings` reads the stack's config (secrets decrypted by Pulumi, never printed) into the settings a
  :class:`~mailfleet.smartlead.client.SmartleadClient` needs, and registers the API key for redaction.
- :func:`progress` is a rich status line on stderr when stderr is a terminal, and silent otherwise.

Every failure is a :class:`~mailfleet.errors.SetupError` with a one-line, secret-free message.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pulumi import automation as auto
from pulumi.automation.events import EngineEvent, StepEventMetadata

from mailfleet.errors import SetupError
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.smartlead.redact import register_secret, scrub
from mailfleet.smartlead.settings import ConnectionSettings
from mailfleet.workspace import OFFLINE_ENVIRONMENT, PROJECT_NAME, LocalState, find_pulumi_project

__all__ = [
    "DEFAULT_STACK",
    "EngineSteps",
    "StackSettings",
    "find_pulumi_project",
    "find_pulumi_root",
    "open_stack",
    "progress",
    "run_steps",
    "stack_environment",
    "stack_name",
    "stack_settings",
]

DEFAULT_STACK = "local"


def stack_name(stack: str | None) -> str:
    """The stack to use: the one given, else ``$PULUMI_STACK``, else ``local`` (the demo's stack)."""
    return stack or os.environ.get("PULUMI_STACK") or DEFAULT_STACK


def _local_state(project_dir: Path) -> LocalState | None:
    state = LocalState(project_dir)
    return state if state.directory.is_dir() else None


def find_pulumi_root(project_dir: Path, environ: Mapping[str, str] | None = None) -> Path:
    """The directory ``R`` with ``R/bin/pulumi`` (what ``auto.PulumiCommand(root=R)`` expects)."""
    env = os.environ if environ is None else environ
    candidates: list[Path] = []
    on_path = shutil.which("pulumi", path=env.get("PATH"))
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    state = _local_state(project_dir)
    if state is not None and (state.directory / "pulumi-bin").is_file():
        candidates.append(state.pulumi_bin)
    for bin_dir in candidates:
        if bin_dir.name == "bin" and (bin_dir / "pulumi").is_file():
            return bin_dir.parent
    raise SetupError("the pulumi CLI was not found on PATH nor in .mailfleet/pulumi-bin; run `make setup`")


def stack_environment(project_dir: Path, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """The ``PULUMI_*`` settings for the Automation API: the caller's, completed from ``.mailfleet/`` if present."""
    env = dict(os.environ if environ is None else environ)
    chosen = {key: value for key, value in env.items() if key.startswith("PULUMI_") and key != "PULUMI_STACK"}
    chosen.update(OFFLINE_ENVIRONMENT)
    state = _local_state(project_dir)
    if state is not None:
        chosen.setdefault("PULUMI_BACKEND_URL", state.backend_url)
        chosen.setdefault("PULUMI_HOME", str(state.pulumi_home))
        if "PULUMI_CONFIG_PASSPHRASE" not in chosen and state.passphrase_file.is_file():
            chosen.setdefault("PULUMI_CONFIG_PASSPHRASE_FILE", str(state.passphrase_file))
        python = project_dir / ".venv" / "bin" / "python"
        if python.is_file():
            chosen.setdefault("PULUMI_PYTHON_CMD", str(python))
    return chosen


def open_stack(stack: str | None = None, project_dir: Path | None = None) -> auto.Stack:
    """Select an existing stack of the project in ``project_dir`` (default: found from the working directory)."""
    directory = project_dir or find_pulumi_project()
    name = stack_name(stack)
    root = find_pulumi_root(directory)
    env = stack_environment(directory)
    try:
        command = auto.PulumiCommand(root=str(root))
        options = auto.LocalWorkspaceOptions(pulumi_command=command, env_vars=env)
        return auto.select_stack(name, work_dir=str(directory), opts=options)
    except auto.errors.StackNotFoundError:
        raise SetupError(f"stack {name!r} does not exist in this project's backend; run `pulumi up` first") from None
    except auto.errors.CommandError as error:
        raise SetupError(f"cannot open stack {name!r}: {command_error_line(error)}") from None


def command_error_line(error: Exception) -> str:
    """The most telling line of a failed ``pulumi`` command, scrubbed of secrets."""
    text = str(error)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.lower().startswith("error:")]
    chosen = errors[-1] if errors else (lines[-1] if lines else type(error).__name__)
    return scrub(chosen)[:500]


@dataclass(frozen=True)
class StackSettings:
    """The stack's ``mailfleet:`` settings: how to reach Smartlead, and where the specs are. ``connection`` is None
    on a stack without a Smartlead key (only Instantly tenants); ``smartlead`` says why when it is asked for."""

    connection_or_none: ConnectionSettings | None
    # mailfleet:specsDir, relative to the project directory (None: specs/tenants).
    specs_dir: str | None = None
    # Every mailfleet: config value by key without namespace (secrets included: never print this).
    config: Mapping[str, str] = field(default_factory=dict, repr=False)

    missing_key: str = ""

    @property
    def connection(self) -> ConnectionSettings:
        """The Smartlead settings; SetupError on a stack that has no Smartlead key."""
        if self.connection_or_none is None:
            raise SetupError(self.missing_key or "the stack has no Smartlead settings")
        return self.connection_or_none

    def client(self) -> SmartleadClient:
        """A client on the stack's key, sharing its rate-limit window like the provider does."""
        return self.connection.client()


def stack_settings(stack: auto.Stack) -> StackSettings:
    """The stack's settings from its config; every secret Pulumi decrypts here is registered for redaction at once."""
    try:
        config = stack.get_all_config()
    except auto.errors.CommandError as error:
        raise SetupError(f"cannot read the config of stack {stack.name!r}: {command_error_line(error)}") from None
    for item in config.values():
        if item.secret:
            register_secret(item.value)
    values = {key.removeprefix(f"{PROJECT_NAME}:"): item.value for key, item in config.items()}
    try:
        connection: ConnectionSettings | None = ConnectionSettings.from_config(values.get)
        missing = ""
    except ValueError as error:
        # A stack with only Instantly tenants has no Smartlead key: said when something asks for Smartlead.
        connection, missing = None, f"stack {stack.name!r}: {error}"
    return StackSettings(connection, values.get("specsDir") or None, values, missing)


@contextmanager
def progress(message: str) -> Iterator[Callable[[str], None]]:
    """A spinner with ``message`` on stderr while the block runs, only when stderr is a terminal.

    Yields a function that replaces the message (e.g. a count of resources done); it does nothing off a terminal.
    """
    if not sys.stderr.isatty():
        yield lambda _text: None
        return
    from rich.console import Console

    with Console(stderr=True).status(message) as status:
        yield lambda text: status.update(text)


@dataclass
class EngineSteps:
    """The step metadata of one engine run, in arrival order, and its error diagnostics."""

    steps: list[StepEventMetadata] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def on_event(self, event: EngineEvent) -> None:
        for part in (event.resource_pre_event, event.res_outputs_event):
            if part is not None:
                self.steps.append(part.metadata)
        if event.diagnostic_event is not None and event.diagnostic_event.severity == "error":
            message = event.diagnostic_event.message.strip()
            if message:
                self.errors.append(message)


def run_steps(stack: auto.Stack, operation: str, label: str) -> EngineSteps:
    """Run ``preview`` or ``preview_refresh`` on ``stack`` and return its steps, read from engine events.

    A spinner counts resources on a terminal. A failed run raises :class:`SetupError` with the engine's first
    error line (scrubbed), never a traceback or CLI text.
    """
    collected = EngineSteps()
    seen: set[str] = set()
    with progress(f"{label}…") as update:

        def on_event(event: EngineEvent) -> None:
            collected.on_event(event)
            if event.res_outputs_event is not None:
                seen.add(event.res_outputs_event.metadata.urn)
                update(f"{label}: {len(seen)} resources")

        try:
            if operation == "preview_refresh":
                stack.preview_refresh(on_event=on_event)
            elif operation == "preview":
                stack.preview(on_event=on_event)
            else:
                raise ValueError(f"unknown operation {operation!r}")
        except auto.errors.CommandError as error:
            detail = collected.errors[0].splitlines()[0] if collected.errors else command_error_line(error)
            raise SetupError(f"{label} of stack {stack.name!r} failed: {scrub(detail)[:500]}") from None
    return collected
