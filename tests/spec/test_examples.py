"""The example tenants in specs/tenants are valid and mean what they say."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mailfleet.spec import load_tenants, validate_directory

from .conftest import EXAMPLES

INSTANTLY_EXAMPLE = EXAMPLES / "initech.yaml"
"""The Instantly tenant of the mixed example fleet (the demo creates it next to the Smartlead ones)."""


def test_examples_are_valid() -> None:
    assert validate_directory(EXAMPLES) == []


def test_examples_load() -> None:
    tenants = load_tenants(EXAMPLES)
    names = [tenant.name for tenant in tenants]
    assert names == sorted(names)
    assert {"acme", "globex"} <= set(names)
    total = sum(len(tenant.mailboxes) for tenant in tenants)
    assert 5 <= total <= 8
    for tenant in tenants:
        assert tenant.source.name == f"{tenant.name}.yaml"
        for mailbox in tenant.mailboxes:
            assert mailbox.password.kind in ("secret", "env")
            assert mailbox.email == mailbox.email.lower()


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda path: path.name)
def test_examples_point_editors_at_the_schema(path: Path) -> None:
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../tenant.schema.json"
    assert (path.parent / "../tenant.schema.json").resolve().is_file()
    assert not re.search(r"password:\s*[^{\s]", path.read_text(encoding="utf-8"))


def test_the_instantly_example() -> None:
    (initech,) = [tenant for tenant in load_tenants(EXAMPLES) if tenant.source == INSTANTLY_EXAMPLE]
    assert (initech.name, initech.backend, initech.client) == ("initech", "instantly", None)
    assert initech.workspace is not None
    assert initech.workspace.id is not None and initech.workspace.api_key is None  # through the admin key
    assert len(initech.mailboxes) == 3
    assert all(m.settings["provider"] == "custom" and m.password.kind == "secret" for m in initech.mailboxes)


def test_example_emails_and_tenants_do_not_collide(tmp_path: Path) -> None:
    """The Instantly example can join specs/tenants (the mixed fleet) without a duplicate."""
    for path in EXAMPLES.glob("*.yaml"):
        (tmp_path / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    assert validate_directory(tmp_path) == []


def test_relative_display_paths(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    tenants = tmp_path / "specs" / "tenants"
    tenants.mkdir(parents=True)
    (tenants / "acme.yaml").write_text("tenant: [\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    for given in ("specs/tenants", "specs/tenants/", "./specs/tenants"):
        (problem,) = validate_directory(given)
        assert problem.file == "specs/tenants/acme.yaml"
