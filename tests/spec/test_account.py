"""The account file (specs/account.yaml): user-scope webhooks, and every mistake at FILE:LINE:COL."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailfleet.spec.account import (
    AccountSpec,
    account_path,
    account_schema,
    check_account,
    credential_in_url,
    load_account,
)
from mailfleet.spec.errors import SpecError
from mailfleet.spec.model import SecretRef
from mailfleet.spec.schema import load_schema

SHOWN = "specs/account.yaml"

VALID = """\
apiVersion: mailfleet/v1
webhooks:
  - name: crm
    url: https://hooks.example/smartlead
    events: [EMAIL_REPLY, EMAIL_BOUNCE]
    categories: [3, 1]
  - name: alerts
    url: {secret: alerts-url}
    events: [LEAD_UNSUBSCRIBED]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "account.yaml"
    path.write_text(text)
    return path


def problems(tmp_path: Path, text: str) -> list[str]:
    return [str(p) for p in check_account(write(tmp_path, text), SHOWN)[1]]


def test_a_valid_file_becomes_the_spec(tmp_path: Path) -> None:
    spec = load_account(write(tmp_path, VALID), SHOWN)
    crm, alerts = spec.webhooks
    assert (crm.name, crm.url, crm.events, crm.category_ids) == (
        "crm",
        "https://hooks.example/smartlead",
        ("EMAIL_BOUNCE", "EMAIL_REPLY"),
        (1, 3),
    )
    assert str(crm.location) == "specs/account.yaml:3:5"
    assert alerts.url == SecretRef("secret", "alerts-url") and alerts.category_ids == ()
    assert spec.declares_anything


def test_no_file_declares_nothing(tmp_path: Path) -> None:
    assert load_account(tmp_path / "account.yaml") == AccountSpec()
    assert not load_account(write(tmp_path, "apiVersion: mailfleet/v1\n")).declares_anything


def test_the_file_sits_beside_the_tenant_directory() -> None:
    assert account_path("specs/tenants").as_posix() == SHOWN


def test_the_webhook_schema_is_the_tenant_schemas() -> None:
    defs = load_schema()["$defs"]
    tenant = defs["webhook"]
    account = account_schema()["properties"]["webhooks"]["items"]
    # Smartlead's event names, as a Smartlead tenant's webhook takes them.
    assert account["properties"]["events"] == {**tenant["properties"]["events"], "items": defs["smartlead_event"]}
    assert account["required"] == tenant["required"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("apiVersion: mailfleet/v2\n", "specs/account.yaml:1:13: apiVersion: must be 'mailfleet/v1'"),
        ("apiVersion: mailfleet/v1\nwebhook: []\n", "specs/account.yaml:2:1: unknown key 'webhook'"),
        ("- a\n", "specs/account.yaml:1:1: an account file must be a mapping"),
        (
            "apiVersion: mailfleet/v1\nwebhooks: [{name: a, url: x, events: [EMAIL_SENT]}]\n",
            "specs/account.yaml:2:27: webhooks[0].url: <url> is not an http(s) URL",
        ),
        (
            "apiVersion: mailfleet/v1\nwebhooks:\n  - {name: a, url: 'https://h.example', events: [EMAIL_OPENED]}\n",
            "specs/account.yaml:3:50: webhooks[0].events[0]: 'EMAIL_OPENED' is not allowed (did you mean 'EMAIL_OPEN",
        ),
        (
            "apiVersion: mailfleet/v1\nwebhooks:\n  - {name: a, url: 'https://h.example', events: []}\n",
            "specs/account.yaml:3:49: webhooks[0].events: is empty",
        ),
        (
            "apiVersion: mailfleet/v1\nwebhooks:\n  - {name: a, url: 'https://h.example', events: [EMAIL_SENT],"
            " categories: [Interested]}\n",
            "webhooks[0].categories[0]: must be a whole number, not the string 'Interested' (user-scope webhooks take "
            "lead category ids",
        ),
        (
            "apiVersion: mailfleet/v1\nwebhooks:\n  - {name: a, url: {secret: k, env: V}, events: [EMAIL_SENT]}\n",
            "specs/account.yaml:3:20: webhooks[0].url: write either {secret: KEY} or {env: VAR}",
        ),
        (
            "apiVersion: mailfleet/v1\nwebhooks:\n  - {name: a, events: [EMAIL_SENT]}\n",
            "specs/account.yaml:3:5: webhooks[0]: missing required key 'url'",
        ),
    ],
)
def test_each_mistake_is_reported_where_it_is(tmp_path: Path, text: str, expected: str) -> None:
    found = problems(tmp_path, text)
    assert any(expected in line for line in found), found


def test_duplicate_names_name_the_other_place(tmp_path: Path) -> None:
    text = VALID + "  - {name: crm, url: 'https://h.example', events: [EMAIL_SENT]}\n"
    assert problems(tmp_path, text) == [
        "specs/account.yaml:10:12: webhooks[2].name: duplicate webhook 'crm': also declared at specs/account.yaml:3:11"
    ]


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example/in?token=tok-123456",
        "https://hooks.example/in?a=1&api_key=k-123456",
        "https://hooks.example/in?X-Signature=sig-123456",
        "https://bot:pw-123456@hooks.example/in",
    ],
)
def test_a_plaintext_url_with_a_credential_is_refused_without_repeating_it(tmp_path: Path, url: str) -> None:
    text = f"apiVersion: mailfleet/v1\nwebhooks:\n  - name: a\n    url: '{url}'\n    events: [EMAIL_SENT]\n"
    (found,) = problems(tmp_path, text)
    assert found.startswith("specs/account.yaml:4:10: webhooks[0].url: the URL carries ")
    assert "write url: {secret: KEY}" in found and "123456" not in found


def test_a_bad_url_is_reported_without_its_text(tmp_path: Path) -> None:
    hook = "{name: a, url: 'ftp://h.example/private-path', events: [EMAIL_SENT]}"
    text = f"apiVersion: mailfleet/v1\nwebhooks:\n  - {hook}\n"
    (found,) = problems(tmp_path, text)
    assert found == "specs/account.yaml:3:20: webhooks[0].url: <url> is not an http(s) URL"


def test_harmless_query_parameters_are_not_credentials() -> None:
    assert credential_in_url("https://hooks.example/in?source=smartlead&tenant=all") is None
    assert credential_in_url("https://user@hooks.example/in") is None  # a user name alone is no secret


def test_load_raises_every_problem(tmp_path: Path) -> None:
    with pytest.raises(SpecError) as caught:
        load_account(write(tmp_path, "apiVersion: 1\nwebhooks: 3\n"), SHOWN)
    assert len(caught.value.problems) == 2
