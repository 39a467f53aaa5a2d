"""The vendor seam's rules: which backend an input names, and whose key a workspace uses."""

from __future__ import annotations

import pytest

from mailfleet import vendors


def test_the_backend_input_is_left_out_for_smartlead() -> None:
    assert vendors.backend_input("smartlead") == {}
    assert vendors.backend_input("instantly") == {"backend": "instantly"}
    assert vendors.backend_of({}) == "smartlead" and vendors.is_instantly({"backend": "instantly"})


def test_a_workspace_by_id_acts_through_the_admin_key() -> None:
    config = {"instantlyApiKey": "admin-key"}
    assert vendors.workspace_api_key({"id": "w1"}, config.get) == "admin-key"
    assert vendors.acting_workspace({"id": "w1"}) == "w1"


def test_a_workspace_with_its_own_key_reads_it_from_config_or_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    config = {"initech-key": "own-key", "instantlyApiKey": "admin-key"}
    assert vendors.workspace_api_key({"key": {"secret": "initech-key"}}, config.get) == "own-key"
    assert vendors.acting_workspace({"id": "w1", "key": {"secret": "initech-key"}}) is None
    monkeypatch.setenv("INITECH_KEY", "env-key")
    assert vendors.workspace_api_key({"key": {"env": "INITECH_KEY"}}, config.get) == "env-key"


def test_a_missing_key_says_which_setting_to_make() -> None:
    empty: dict[str, str] = {}
    with pytest.raises(vendors.WorkspaceKeyError, match="pulumi config set --secret instantlyApiKey"):
        vendors.workspace_api_key({"id": "w1"}, empty.get)
    with pytest.raises(vendors.WorkspaceKeyError, match="mailfleet:initech-key"):
        vendors.workspace_api_key({"key": {"secret": "initech-key"}}, empty.get)


def test_workspace_names_never_hold_a_key() -> None:
    name = vendors.workspace_name({"id": "w1", "key": {"secret": "initech-key"}})
    assert name == "w1|initech-key|"
