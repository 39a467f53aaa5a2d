"""The typed model: defaults merged into mailboxes, ramps, locations."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from mailfleet.spec import (
    STANDARD,
    Location,
    Ramp,
    RampStep,
    SecretRef,
    load_tenants,
)
from mailfleet.spec.ramps import BUILTIN_RAMPS

STANDARD_EXPECTED = {
    1: 10, 5: 10, 6: 20, 10: 20, 11: 30, 15: 30, 16: 40, 20: 40,
    21: 50, 25: 50, 26: 60, 30: 60, 31: 75, 100: 75,
}  # fmt: skip


@pytest.mark.parametrize(("day", "per_day"), sorted(STANDARD_EXPECTED.items()))
def test_standard_ramp_boundaries(day: int, per_day: int) -> None:
    assert STANDARD.per_day_on(day) == per_day


def test_standard_ramp_step_index() -> None:
    indexes = [STANDARD.step_index_on(day) for day in (1, 5, 6, 10, 11, 15, 16, 20, 21, 25, 26, 30, 31, 100)]
    assert indexes == [0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6]


def test_days_before_the_first_count_as_day_one() -> None:
    assert STANDARD.per_day_on(0) == 10
    assert STANDARD.per_day_on(-5) == 10
    assert STANDARD.step_index_on(0) == 0


def test_standard_is_the_only_builtin() -> None:
    assert dict(BUILTIN_RAMPS) == {"standard": STANDARD}


@pytest.mark.parametrize(
    "steps",
    [(), (RampStep(2, 10),), (RampStep(1, 10), RampStep(1, 20)), (RampStep(1, 10), RampStep(5, 1), RampStep(3, 1))],
)
def test_ramp_rejects_bad_steps(steps: tuple[RampStep, ...]) -> None:
    with pytest.raises(ValueError, match="ramp"):
        Ramp("bad", steps)


def test_model_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        STANDARD.name = "other"  # type: ignore[misc]


def test_defaults_merge_into_mailboxes(tenant_dir: Path) -> None:
    (tenant,) = load_tenants(tenant_dir)
    jane, john = tenant.mailboxes
    assert tenant.name == "acme"
    assert tenant.smartlead_client.name == "Acme Corp"
    assert tenant.smartlead_client.email == "ops@acme.example"
    assert tenant.on_remove == "suspend"
    assert tenant.campaign_min_warmup_days == 21
    assert tenant.health_gate is False
    assert tenant.source == tenant_dir / "acme.yaml"
    assert tenant.location == Location(str(tenant_dir / "acme.yaml"), 1, 1)

    assert jane.email == "jane@acme.example"  # stored lowercase
    assert jane.settings == {
        "username": "jane@acme.example",
        "password": SecretRef("secret", "acme-jane"),
        "from_name": jane.settings["from_name"],
        "smtp_host": "smtp.acme.example",
        "smtp_port": 465,
        "smtp_security": "SSL",
        "imap_host": "imap.acme.example",
        "imap_port": 993,
        "imap_security": "SSL",  # security defaults to SSL
        "provider": "custom",  # who hosts it: the default
        "warmup_enabled": True,
        "warmup_per_day": 25,
        "warmup_rampup": 2,
        "warmup_reply_rate": 30,
    }  # no signature, bcc, reply_to, time_to_wait_in_mins: optional fields nobody set are absent
    assert jane.ramp == STANDARD
    assert jane.on_remove == "suspend"
    assert jane.tags == ("sales",)
    assert jane.campaigns == (48213,)
    assert jane.location == Location(str(tenant_dir / "acme.yaml"), 10, 5)

    assert john.settings["username"] == "john.roe"
    assert john.password == SecretRef("env", "JOHN_PASSWORD")
    smtp = (john.settings["smtp_host"], john.settings["smtp_port"], john.settings["smtp_security"])
    assert smtp == ("smtp.acme.example", 587, "TLS")
    warmup = [john.settings[f"warmup_{key}"] for key in ("enabled", "per_day", "rampup", "reply_rate")]
    assert warmup == [False, 25, 2, 0]
    assert john.ramp == Ramp("gentle", (RampStep(1, 5), RampStep(15, 25)))
    assert john.ramp.per_day_on(14) == 5
    assert john.ramp.per_day_on(15) == 25
    assert john.on_remove == "delete"
    assert john.tags == ()
    assert john.campaigns == ()
    assert john.settings["signature"] == "<b>John</b>"
    assert john.settings["bcc"] == "audit@acme.example"
    assert john.settings["reply_to"] == "replies@acme.example"
    assert john.settings["time_to_wait_in_mins"] == 12


def test_webhooks(tenant_dir: Path) -> None:
    (tenant,) = load_tenants(tenant_dir)
    crm, sales = tenant.webhooks
    assert (crm.name, crm.url, crm.events, crm.categories) == (
        "crm",
        "https://hooks.acme.example/smartlead",
        ("EMAIL_SENT", "EMAIL_REPLY"),
        (),
    )
    assert sales.categories == ("Interested",)


def test_minimal_file_gets_every_default(tmp_path: Path) -> None:
    (tmp_path / "min.yaml").write_text(
        "apiVersion: mailfleet/v1\ntenant: min\nclient: {name: M, email: m@m.example}\n"
        "mailboxes:\n  - email: a@m.example\n    from_name: A\n    password: {secret: k}\n"
        "    smtp: {host: s.m.example, port: 465}\n    imap: {host: i.m.example, port: 993}\n",
        encoding="utf-8",
    )
    (tenant,) = load_tenants(tmp_path)
    (mailbox,) = tenant.mailboxes
    warmup = {key: mailbox.settings[f"warmup_{key}"] for key in ("enabled", "per_day", "rampup", "reply_rate")}
    assert warmup == {"enabled": True, "per_day": 20, "rampup": 2, "reply_rate": 30}
    assert mailbox.ramp == STANDARD
    assert mailbox.on_remove == tenant.on_remove == "retain"
    assert tenant.webhooks == ()
    assert tenant.campaign_min_warmup_days == 30
    assert tenant.health_gate is True


def test_tenant_without_mailboxes_is_valid(tmp_path: Path) -> None:
    (tmp_path / "empty.yaml").write_text(
        "apiVersion: mailfleet/v1\ntenant: empty\nclient: {name: E, email: e@e.example}\nmailboxes: []\n",
        encoding="utf-8",
    )
    (tenant,) = load_tenants(tmp_path)
    assert tenant.mailboxes == ()


def test_an_instantly_tenant(tmp_path: Path) -> None:
    from mailfleet.spec.model import InstantlyWorkspace

    corpus = Path(__file__).parent / "corpus" / "instantly-valid"
    (tenant,) = load_tenants(corpus)
    assert tenant.backend == "instantly"
    assert tenant.client is None
    assert tenant.workspace == InstantlyWorkspace(
        id="5b0c7d2e-3f41-4a8b-9c6d-2e7f8a9b0c1d", api_key=None, location=Location(str(corpus / "initech.yaml"), 4, 12)
    )
    with pytest.raises(ValueError, match="'initech' \\(instantly\\) has no Smartlead client"):
        _ = tenant.smartlead_client
    peter, samir = tenant.mailboxes
    assert peter.campaigns == ("3d5e7f90-1a2b-4c3d-9e8f-0a1b2c3d4e5f",)
    assert peter.settings["provider"] == "google"
    assert samir.settings["provider"] == "custom"
    assert samir.secret_refs() == (SecretRef("env", "SAMIR_PASSWORD"), SecretRef("secret", "initech-samir-imap"))
    (pool,) = tenant.pools
    assert pool.campaign == "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
    assert pool.mailboxes == ("peter@initech.example", "samir@initech.example")


def test_workspace_by_key_and_ids_lowercase(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(
        "apiVersion: mailfleet/v1\ntenant: w\nbackend: instantly\nworkspace: {api_key: {env: W_KEY}}\n"
        "mailboxes:\n  - email: a@w.example\n    from_name: A\n    password: {secret: k}\n"
        "    smtp: {host: s.w.example, port: 465}\n    imap: {host: i.w.example, port: 993}\n"
        "    campaigns: [3D5E7F90-1A2B-4C3D-9E8F-0A1B2C3D4E5F]\n",
        encoding="utf-8",
    )
    (tenant,) = load_tenants(tmp_path)
    assert tenant.workspace is not None
    assert (tenant.workspace.id, tenant.workspace.api_key) == (None, SecretRef("env", "W_KEY"))
    assert tenant.mailboxes[0].campaigns == ("3d5e7f90-1a2b-4c3d-9e8f-0a1b2c3d4e5f",)


def test_a_smartlead_tenant_has_no_workspace(tenant_dir: Path) -> None:
    (tenant,) = load_tenants(tenant_dir)
    assert (tenant.backend, tenant.workspace) == ("smartlead", None)
    assert tenant.client is tenant.smartlead_client
