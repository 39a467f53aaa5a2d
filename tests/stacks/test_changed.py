"""Which stacks a set of changed paths concerns."""

from __future__ import annotations

from mailfleet.stacks.changed import account_changed, stack_config_changed, tenants_changed

SPECS = "specs/tenants"


def test_tenant_files_name_their_tenants() -> None:
    assert tenants_changed(["specs/tenants/acme.yaml", "docs/x.md", "tests/a.py"], SPECS) == {"acme"}
    assert tenants_changed(["README.md"], SPECS) == set()


def test_shared_inputs_concern_every_stack() -> None:
    for path in ("stacks.yaml", "Pulumi.yaml", "__main__.py", "resources/mailbox.py", "specs/tenant.schema.json"):
        assert tenants_changed(["specs/tenants/acme.yaml", path], SPECS) is None, path


def test_a_stack_settings_file_concerns_its_stack() -> None:
    assert stack_config_changed(["Pulumi.acme.yaml", "Pulumi.yaml", "x/Pulumi.b.yaml"]) == {"acme"}


def test_the_account_file_is_not_a_shared_input_of_every_stack() -> None:
    assert tenants_changed(["specs/account.yaml", "specs/tenants/acme.yaml"], SPECS) == {"acme"}
    assert account_changed(["specs/account.yaml"], SPECS)
    assert not account_changed(["specs/tenants/account.yaml"], SPECS)  # a tenant named account
