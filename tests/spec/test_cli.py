"""``mailfleet validate`` and ``mailfleet schema`` through the real click entry point."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from mailfleet.cli import main
from mailfleet.spec.schema import load_schema

from .conftest import EXAMPLES


def test_valid_directory_exits_0(tenant_dir: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tenant_dir)])
    assert result.exit_code == 0
    assert result.stdout == ""
    assert result.stderr == "1 tenant, 2 mailboxes: valid\n"


def test_examples_exit_0() -> None:
    result = CliRunner().invoke(main, ["validate", str(EXAMPLES)])
    assert result.exit_code == 0, result.output
    assert result.stderr.endswith(": valid\n")


def test_invalid_directory_exits_1(tmp_path: Path) -> None:
    (tmp_path / "acme.yaml").write_text("apiVersion: mailfleet/v1\ntenant: acme\nbogus: 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{tmp_path}/acme.yaml:1:1: missing required key 'client'",
        f"{tmp_path}/acme.yaml:1:1: missing required key 'mailboxes'",
        f"{tmp_path}/acme.yaml:3:1: unknown key 'bogus' (expected one of: apiVersion, backend, "
        "campaign_min_warmup_days, client, defaults, dns, health_gate, mailboxes, pools, ramps, tenant, webhooks, "
        "workspace)",
    ]
    assert result.stderr == "3 problems in 1 file: invalid\n"


def test_empty_directory_exits_1(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout == f"{tmp_path}:1:1: no tenant files (*.yaml) in this directory\n"


def test_missing_directory_exits_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "does not exist" in result.stderr


def test_file_instead_of_directory_exits_2(tmp_path: Path) -> None:
    file = tmp_path / "acme.yaml"
    file.write_text("x: 1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(file)])
    assert result.exit_code == 2


def test_default_directory_is_specs_tenants(monkeypatch, tmp_path: Path) -> None:
    (tmp_path / "specs" / "tenants").mkdir(parents=True)
    (tmp_path / "specs" / "tenants" / "x.yaml").write_text("tenant: [\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 1
    assert result.stdout.startswith("specs/tenants/x.yaml:2:1: YAML syntax error")


def test_schema_prints_the_schema() -> None:
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == load_schema()


def test_the_account_file_beside_the_directory_is_validated_too(tmp_path: Path) -> None:
    tenants = tmp_path / "specs" / "tenants"
    tenants.mkdir(parents=True)
    for example in EXAMPLES.glob("*.yaml"):
        (tenants / example.name).write_text(example.read_text())
    account = tmp_path / "specs" / "account.yaml"
    account.write_text("apiVersion: mailfleet/v1\nwebhooks:\n  - {name: a, url: 'https://h.example', events: [SENT]}\n")
    result = CliRunner().invoke(main, ["validate", str(tenants)])
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{account}:3:50: webhooks[0].events[0]: 'SENT' is not allowed")
    account.write_text("apiVersion: mailfleet/v1\nwebhooks: []\n")
    assert CliRunner().invoke(main, ["validate", str(tenants)]).exit_code == 0


def test_the_instantly_example_exits_0(tmp_path: Path) -> None:
    (tmp_path / "initech.yaml").write_text((EXAMPLES / "initech.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert result.stderr == "1 tenant, 3 mailboxes: valid\n"


def test_an_instantly_tenant_with_smartlead_keys_exits_1(tmp_path: Path) -> None:
    (tmp_path / "initech.yaml").write_text(
        "apiVersion: mailfleet/v1\ntenant: initech\nbackend: instantly\n"
        "workspace: {id: 5b0c7d2e-3f41-4a8b-9c6d-2e7f8a9b0c1d}\nclient: {name: Initech, email: ops@initech.example}\n"
        "mailboxes: []\nwebhooks:\n  - {name: crm, url: 'https://h.example/x', events: [email_sent], categories: [X]}"
        "\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["validate", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"{tmp_path}/initech.yaml:5:1: client: the instantly backend has no such setting "
        "(remove it, or use backend: smartlead)",
        f"{tmp_path}/initech.yaml:8:67: webhooks[0].categories: the instantly backend has no such setting "
        "(remove it, or use backend: smartlead)",
    ]
    assert result.stderr == "2 problems in 1 file: invalid\n"
