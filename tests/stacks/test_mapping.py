"""stacks.yaml: the default of one stack per tenant, groups, shared config, and every mistake at FILE:LINE:COL."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailfleet.spec.errors import SpecError
from mailfleet.stacks.mapping import STACKS_FILE, load_stack_map, parse_stack_map

TENANTS = ["acme", "globex", "initech"]


def test_every_tenant_gets_its_own_stack_by_default() -> None:
    parsed = parse_stack_map("apiVersion: mailfleet/v1\n", STACKS_FILE, TENANTS)
    groups, config = parsed.groups, parsed.config
    assert parsed.account is None
    assert groups == {"acme": ("acme",), "globex": ("globex",), "initech": ("initech",)}
    assert config == {}


def test_a_group_holds_its_tenants_and_the_rest_default() -> None:
    text = "apiVersion: mailfleet/v1\nstacks:\n  small: [globex, acme]\nconfig: {mailfleet:rateLimit: 30/60}\n"
    parsed = parse_stack_map(text, STACKS_FILE, TENANTS)
    groups, config = parsed.groups, parsed.config
    assert groups == {"initech": ("initech",), "small": ("acme", "globex")}
    assert config == {"mailfleet:rateLimit": "30/60"}


def test_without_the_file_one_stack_holds_every_tenant(tmp_path: Path) -> None:
    mapping = load_stack_map(tmp_path, TENANTS)
    assert mapping.single
    assert mapping.tenants_of("anything") == tuple(TENANTS)


def test_mistakes_are_reported_with_positions() -> None:
    text = (
        "apiVersion: mailfleet/v1\n"
        "stacks:\n"
        "  a: [acme, acmee]\n"
        "  b: [acme]\n"
        "config:\n"
        "  mailfleet:apiKey: nope\n"
        "stacs: {}\n"
    )
    with pytest.raises(SpecError) as caught:
        parse_stack_map(text, STACKS_FILE, TENANTS)
    lines = str(caught.value).splitlines()
    assert "stacks.yaml:3:13: stacks.a[1]: no tenant file names tenant 'acmee' (did you mean 'acme'?)" in lines
    assert any(line.startswith("stacks.yaml:4:7: stacks.b[0]: tenant 'acme' is already in stack 'a'") for line in lines)
    assert any(line.startswith("stacks.yaml:6:3:") and "secret never goes in this file" in line for line in lines)
    assert any(line.startswith("stacks.yaml:7:1:") and "did you mean 'stacks'" in line for line in lines)
    assert "nope" not in str(caught.value)


def test_a_group_named_like_another_tenant_is_refused() -> None:
    with pytest.raises(SpecError, match="own default stack"):
        parse_stack_map("apiVersion: mailfleet/v1\nstacks: {acme: [globex]}\n", STACKS_FILE, TENANTS)


def test_account_names_the_stack_of_the_account_wide_things(tmp_path: Path) -> None:
    (tmp_path / STACKS_FILE).write_text("apiVersion: mailfleet/v1\naccount: shared\n")
    mapping = load_stack_map(tmp_path, TENANTS)
    assert mapping.account_stack == "shared"
    assert mapping.tenants_of("shared") == ()  # a stack of its own, listed with the tenants' stacks
    assert sorted(mapping.stacks) == ["acme", "globex", "initech", "shared"]
    assert mapping.declares_account("shared") and not mapping.declares_account("acme")
    (tmp_path / STACKS_FILE).write_text("apiVersion: mailfleet/v1\naccount: globex\n")
    assert load_stack_map(tmp_path, TENANTS).stacks["globex"] == ("globex",)


def test_the_account_stack_defaults_to_the_only_stack_and_else_to_none(tmp_path: Path) -> None:
    assert load_stack_map(tmp_path, TENANTS).declares_account("whatever-runs")  # no stacks.yaml: one stack
    (tmp_path / STACKS_FILE).write_text("apiVersion: mailfleet/v1\nstacks: {local: [acme, globex, initech]}\n")
    assert load_stack_map(tmp_path, TENANTS).account_stack == "local"
    (tmp_path / STACKS_FILE).write_text("apiVersion: mailfleet/v1\n")
    assert load_stack_map(tmp_path, TENANTS).account_stack is None


def test_account_mistakes_are_reported_with_positions() -> None:
    with pytest.raises(SpecError) as caught:
        parse_stack_map("apiVersion: mailfleet/v1\naccount: [a, b]\n", STACKS_FILE, TENANTS)
    assert str(caught.value).startswith("stacks.yaml:2:10: account: ") and "not a valid stack name" in str(caught.value)
    grouped = "apiVersion: mailfleet/v1\nstacks: {small: [acme]}\naccount: acme\n"
    with pytest.raises(SpecError) as caught:
        parse_stack_map(grouped, STACKS_FILE, TENANTS)
    assert str(caught.value).startswith("stacks.yaml:3:10: account: 'acme' is tenant 'acme'")
    assert "write account: small" in str(caught.value)
