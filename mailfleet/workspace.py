"""Where the local tool chain and state live, and how to run the ``pulumi`` CLI with them.

Layout (all git-ignored, under the project's ``.mailfleet/``; written by ``scripts/setup.sh``):
``pulumi-bin`` (the directory of the CLI), ``passphrase``, ``api-key``, ``emulator.port``, ``emulator.sqlite3``,
``backend/`` (the Pulumi file backend), ``pulumi-home/``, and ``env`` (the same settings for a shell).
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mailfleet.errors import SetupError
from mailfleet.spec import load_tenants

PROJECT_NAME = "mailfleet"
INSTANTLY_API_KEY_KEY = f"{PROJECT_NAME}:instantlyApiKey"
"""Stack config (secret): the Instantly admin/default key, from $INSTANTLY_API_KEY."""
INSTANTLY_BASE_URL_KEY = f"{PROJECT_NAME}:instantlyBaseUrl"
"""Stack config: the Instantly API's base URL, from $INSTANTLY_BASE_URL (unset: the client's default)."""
OFFLINE_ENVIRONMENT = {
    "PULUMI_SKIP_UPDATE_CHECK": "true",
    "PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true",
}


def find_pulumi_project(start: Path | None = None) -> Path:
    """The nearest directory at or above ``start`` (default: the working directory) holding ``Pulumi.yaml``."""
    here = (start or Path.cwd()).resolve()
    for directory in (here, *here.parents):
        if (directory / "Pulumi.yaml").is_file():
            return directory
    raise SetupError(f"no Pulumi.yaml at or above {here}; run mailfleet from the project directory")


def find_project_root(start: Path | None = None) -> Path:
    """The project at or above ``start``, set up by ``make setup`` (it has a ``.mailfleet/`` directory)."""
    root = find_pulumi_project(start)
    if not (root / ".mailfleet").is_dir():
        raise SetupError(f"{root} has no .mailfleet/ directory; run `make setup` first")
    return root


def password_references(specs: Path) -> list[str]:
    """The stack secret names the tenant files in ``specs`` use as ``{secret: NAME}`` (passwords)."""
    tenants = load_tenants(specs)
    return [ref.name for t in tenants for m in t.mailboxes for ref in m.secret_refs() if ref.kind == "secret"]


@dataclass(frozen=True)
class LocalState:
    """The ``.mailfleet/`` directory of one checkout."""

    root: Path

    @property
    def directory(self) -> Path:
        return self.root / ".mailfleet"

    def _read(self, name: str) -> str:
        path = self.directory / name
        try:
            return path.read_text().strip()
        except FileNotFoundError:
            raise SetupError(f"{path} is missing; run `make setup`") from None

    @property
    def pulumi_bin(self) -> Path:
        return Path(self._read("pulumi-bin"))

    @property
    def api_key(self) -> str:
        return self._read("api-key")

    @property
    def passphrase_file(self) -> Path:
        return self.directory / "passphrase"

    @property
    def emulator_port(self) -> int:
        return int(self._read("emulator.port"))

    @property
    def emulator_db(self) -> Path:
        return self.directory / "emulator.sqlite3"

    @property
    def emulator_base_url(self) -> str:
        return f"http://127.0.0.1:{self.emulator_port}/api/v1"

    @property
    def instantly_api_key(self) -> str:
        """The demo's Instantly emulator key (its admin workspace)."""
        return self._read("instantly-api-key")

    @property
    def instantly_port(self) -> int:
        return int(self._read("instantly.port"))

    @property
    def instantly_db(self) -> Path:
        return self.directory / "instantly.sqlite3"

    @property
    def backend_url(self) -> str:
        return f"file://{self.directory / 'backend'}"

    @property
    def pulumi_home(self) -> Path:
        return self.directory / "pulumi-home"

    def pulumi(self, project_dir: Path | None = None, stack: str = "local") -> PulumiCLI:
        return PulumiCLI(
            binary_dir=self.pulumi_bin,
            project_dir=project_dir or self.root,
            stack=stack,
            environment={
                "PULUMI_HOME": str(self.pulumi_home),
                "PULUMI_BACKEND_URL": self.backend_url,
                "PULUMI_CONFIG_PASSPHRASE_FILE": str(self.passphrase_file),
                "PULUMI_PYTHON_CMD": str(self.root / ".venv" / "bin" / "python"),
            },
        )


@dataclass(frozen=True)
class PulumiCLI:
    """The real ``pulumi`` binary, run on one project and stack with an explicit environment."""

    binary_dir: Path
    project_dir: Path
    stack: str
    environment: Mapping[str, str] = field(default_factory=dict)

    def env(self) -> dict[str, str]:
        env = {**os.environ, **OFFLINE_ENVIRONMENT, **self.environment}
        # Drop a passphrase the caller's shell may carry, so the one configured here is the one used.
        if "PULUMI_CONFIG_PASSPHRASE_FILE" in self.environment:
            env.pop("PULUMI_CONFIG_PASSPHRASE", None)
        if "PULUMI_CONFIG_PASSPHRASE" in self.environment:
            env.pop("PULUMI_CONFIG_PASSPHRASE_FILE", None)
        env.pop("PULUMI_STACK", None)
        venv_bin = str(Path(env.get("PULUMI_PYTHON_CMD", "python3")).parent)
        env["PATH"] = os.pathsep.join([str(self.binary_dir), venv_bin, env.get("PATH", "")])
        return env

    def run(
        self,
        *args: str,
        stack: bool = True,
        capture: bool = True,
        check: bool = True,
        input_text: str | None = None,
        extra_env: Mapping[str, str] | None = None,
    ) -> subprocess.CompletedProcess[str]:
        command = [str(self.binary_dir / "pulumi"), *args, "--non-interactive"]
        if stack:
            command += ["--stack", self.stack]
        result = subprocess.run(
            command,
            cwd=self.project_dir,
            env={**self.env(), **(extra_env or {})},
            text=True,
            capture_output=capture,
            input=input_text,
            check=False,
        )
        if check and result.returncode != 0:
            detail = (result.stderr or result.stdout or "").strip()[-2000:] if capture else ""
            raise SetupError(f"pulumi {args[0]} failed (exit {result.returncode})" + (f":\n{detail}" if detail else ""))
        return result

    def select_stack(self) -> None:
        """Select the stack, creating it with the passphrase secrets provider when it does not exist."""
        self.run("stack", "select", "--create", self.stack, "--secrets-provider", "passphrase", stack=False)

    def set_config(self, values: Mapping[str, str], *, secret: bool = False) -> None:
        for key, value in values.items():
            # The value goes through stdin, so it never shows in a process list.
            self.run("config", "set", *(["--secret"] if secret else []), key, input_text=value)

    def config_keys(self) -> set[str]:
        output = self.run("config", "--json").stdout
        return set(json.loads(output or "{}"))

    def configure_stack(
        self,
        base_url: str,
        api_key: str | None,
        settings: Mapping[str, str] | None = None,
        specs: Path | None = None,
        *,
        instantly_api_key: str | None = None,
        instantly_base_url: str | None = None,
    ) -> list[str]:
        """Select (or create) the stack and point it at its vendors: ``mailfleet:baseUrl`` and the secret
        ``mailfleet:apiKey`` (Smartlead; no key: not set), the secret ``mailfleet:instantlyApiKey`` and
        ``mailfleet:instantlyBaseUrl`` (Instantly's admin/default key, each only when given), further ``mailfleet:``
        ``settings``, and a random local-only secret for each password reference in ``specs`` the stack does not
        hold yet (for the emulator; returns those names). Keys go in through stdin, as secrets."""
        self.select_stack()
        plain = {"mailfleet:baseUrl": base_url, **(settings or {})}
        if instantly_base_url is not None:
            plain[INSTANTLY_BASE_URL_KEY] = instantly_base_url
        self.set_config(plain)
        keys = {"mailfleet:apiKey": api_key, INSTANTLY_API_KEY_KEY: instantly_api_key}
        self.set_config({name: key for name, key in keys.items() if key is not None}, secret=True)
        return self.fill_missing_secrets(password_references(specs)) if specs is not None else []

    def fill_missing_secrets(self, names: Sequence[str]) -> list[str]:
        """Give each password reference the stack lacks a fresh random secret (local stacks only); returns them."""
        present = self.config_keys()
        missing = sorted({name for name in names if f"{PROJECT_NAME}:{name}" not in present})
        self.set_config({name: secrets.token_urlsafe(18) for name in missing}, secret=True)
        return missing
