"""Spec checks the reliability work added: one client per tenant."""

from __future__ import annotations

from pathlib import Path

from mailfleet.spec import validate_directory
from tests.reliability.conftest import emails_for, tenant_yaml


def test_two_tenants_naming_one_client_email_are_refused_naming_both_places(tmp_path: Path) -> None:
    (tmp_path / "one.yaml").write_text(tenant_yaml("one", emails_for("one", 1), client_email="ops@shared.example"))
    (tmp_path / "two.yaml").write_text(tenant_yaml("two", emails_for("two", 1), client_email="OPS@shared.example"))

    problems = [str(problem) for problem in validate_directory(tmp_path)]

    assert problems == [
        f"{tmp_path}/one.yaml:3:32: client.email: duplicate client email ops@shared.example: "
        f"also declared at {tmp_path}/two.yaml:3:32",
        f"{tmp_path}/two.yaml:3:32: client.email: duplicate client email ops@shared.example: "
        f"also declared at {tmp_path}/one.yaml:3:32",
    ]
