"""Every field of the mailbox field table, end to end: declared, applied, edited live through Smartlead's public
API (as its UI would), named by ``mailfleet drift --full`` as ``field: declared -> live``, restored by the nightly
``pulumi up --refresh --yes``, and clean again. Write-only fields are written by ``up`` and listed as not checkable.

One project and emulator serve the module: each test leaves the stack converged for the next one.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from mailfleet.emulator.testing import running_emulator
from mailfleet.fields import DECLARED_FIELDS, FIELDS
from mailfleet.smartlead.client import SmartleadClient
from mailfleet.smartlead.fields import MAPPED, UNSUPPORTED, WRITE_ONLY, live_fields, write_fields
from mailfleet.smartlead.models import AccountSettings, EmailAccountWrite, WarmupSettings
from mailfleet.testing.e2e import Project, new_project

pytestmark = pytest.mark.e2e

EMAIL = "ann@solo-mail.example"
# client_id gets its own test (the live value is another client's id); the write-only fields theirs.
READABLE = sorted(set(MAPPED) - set(WRITE_ONLY) - set(UNSUPPORTED) - {"client_id"})
LIVE_EDITS: dict[str, tuple[Any, ...]] = {key: FIELDS[key].examples for key in READABLE}
"""Field key -> (the declared value, the value a UI edit puts live): the table's own examples."""


def secret_name(key: str) -> str:
    return f"solo-{key.replace('_', '-')}"


def tenant_yaml() -> str:
    """One mailbox that declares every field of the table, with the first of each field's examples."""
    mailbox: dict[str, Any] = {"email": EMAIL}
    for field in DECLARED_FIELDS:
        assert field.spec_path is not None
        value = {"secret": secret_name(field.key)} if field.secret else field.examples[0]
        *sections, name = field.spec_path
        target = mailbox
        for section in sections:
            target = target.setdefault(section, {})
        target[name] = value
    document = {
        "apiVersion": "mailfleet/v1",
        "tenant": "solo",
        "client": {"name": "Solo Ltd", "email": "ops@solo.example"},
        "mailboxes": [mailbox],
    }
    return yaml.safe_dump(document, sort_keys=False)


def test_every_readable_field_has_two_examples() -> None:
    assert all(len(examples) == 2 and examples[0] != examples[1] for examples in LIVE_EDITS.values())
    assert set(FIELDS) == set(MAPPED)


class Solo:
    def __init__(self, project: Project) -> None:
        self.project = project

    def client(self) -> SmartleadClient:
        return self.project.client()

    def account_id(self) -> int:
        (account,) = [a for a in self.project.emulator.control.accounts(self.project.emulator.api_key)]
        assert account["from_email"] == EMAIL
        return int(account["id"])

    def drift(self, reports: Path) -> tuple[int, str, dict[str, Any], str]:
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "mailfleet.cli",
                "drift",
                "--full",
                "--stack",
                self.project.pulumi.stack,
                "--json",
                str(reports / "drift.json"),
                "--markdown",
                str(reports / "drift.md"),
            ],
            cwd=self.project.directory,
            env=self.project.pulumi.env(),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        report = json.loads((reports / "drift.json").read_text())
        return result.returncode, (reports / "drift.md").read_text(), report, result.stdout + result.stderr

    def nightly_up(self) -> None:
        self.project.pulumi.run("up", "--refresh", "--yes", "--skip-preview")

    def edit_live(self, key: str, value: Any) -> None:
        """Change one field through the public endpoint that writes it (what Smartlead's UI does)."""
        mapped = MAPPED[key]
        account_id = self.account_id()
        with self.client() as client:
            if mapped.call == "settings":
                client.update_email_account(account_id, AccountSettings(**{mapped.write: value}))
            elif mapped.call == "warmup":
                # warmup_enabled is required in every warmup call; the edited field comes on top.
                client.set_warmup(account_id, WarmupSettings(**{"warmup_enabled": True, mapped.write: value}))
            else:
                # A full save, as the UI's account form sends it: every current setting, the password retyped.
                row = client.get_email_account(account_id).raw
                values = {**live_fields(row, deep=True), key: value}
                body = {**write_fields("save", values), **write_fields("settings", values)}
                body["password"] = "typed-again-in-the-ui"
                client.save_email_account(account_id, EmailAccountWrite(from_email=EMAIL, **body))


@pytest.fixture(scope="module")
def solo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Solo]:
    root = tmp_path_factory.mktemp("solo")
    with running_emulator(root / "emulator.sqlite3") as emulator:
        project = new_project(root, emulator, configure=False)
        for path in project.specs.glob("*.yaml"):
            path.unlink()
        (project.specs / "solo.yaml").write_text(tenant_yaml())
        project.configure()
        project.up()
        yield Solo(project)


@pytest.mark.parametrize("key", READABLE)
def test_field_round_trip(solo: Solo, key: str, tmp_path: Path) -> None:
    declared, live = LIVE_EDITS[key]
    solo.edit_live(key, live)

    code, markdown, report, output = solo.drift(tmp_path)

    assert code == 2, output
    (tenant,) = report["tenants"]
    (changed,) = tenant["changed"]
    assert changed["name"] == EMAIL
    assert {"path": key, "declared": declared, "live": live} in changed["fields"], changed["fields"]
    assert f"`{key}`: {json.dumps(declared)} -> {json.dumps(live)}" in markdown

    solo.nightly_up()
    code, _markdown, report, output = solo.drift(tmp_path)

    assert code == 0, output
    assert report["drift"] is False


def test_client_id_round_trip(solo: Solo, tmp_path: Path) -> None:
    with solo.client() as client:
        other = client.save_client("Somebody Else", "ops@somebody-else.example")
    account_id = solo.account_id()
    with solo.client() as client:
        declared = client.get_email_account(account_id).client_id
        client.update_email_account(account_id, AccountSettings(client_id=other))

    code, _markdown, report, output = solo.drift(tmp_path)

    assert code == 2, output
    (changed,) = report["tenants"][0]["changed"]
    assert {"path": "client_id", "declared": declared, "live": other} in changed["fields"]
    solo.nightly_up()
    assert solo.drift(tmp_path)[0] == 0


@pytest.mark.parametrize("key", sorted(WRITE_ONLY))
def test_write_only_field_is_written_and_listed_as_not_checkable(solo: Solo, key: str, tmp_path: Path) -> None:
    project = solo.project
    field = FIELDS[key]
    if field.secret:
        new_value: Any = f"new-{key}-value"
        project.pulumi.run("config", "set", "--secret", secret_name(key), new_value)
    else:
        assert field.spec_path is not None
        name = field.spec_path[-1]
        project.edit_spec("solo", f"{name}: {field.examples[0]}", f"{name}: {field.examples[1]}")
        new_value = field.examples[1]
    project.emulator.control.clear_requests()

    project.up()

    # The declared change was sent, in the call that carries the field.
    (stored,) = project.emulator.control.accounts(project.emulator.api_key)
    assert _stored_value(stored, key) == new_value
    code, markdown, report, output = solo.drift(tmp_path)
    assert code == 0, output
    listed = {item["field"]: item for item in report["not_checkable"]}
    assert listed[key]["reason"] == WRITE_ONLY[key]
    assert listed[key]["mailboxes"] == 1
    assert FIELDS[key].spec_path is not None
    assert f"`{'.'.join(FIELDS[key].spec_path or ())}` on 1 mailbox" in markdown
    assert "No drift detected" in markdown
    if field.secret:
        assert new_value not in markdown + json.dumps(report) + output


def _stored_value(stored: dict[str, Any], key: str) -> Any:
    """What the emulator holds (its control API's dump: read names, plus its own view of warmup)."""
    if key == "warmup_rampup":
        return stored["_emulator"]["daily_rampup"]
    return stored[MAPPED[key].write]
